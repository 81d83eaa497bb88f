import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

/** `gantry resume --project P --stage S`: lift the Stage's auto-promotion holds. */
export async function resumeCommand(
  ctx: CliContext,
  options: { project?: string; stage?: string },
): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  if (!options.stage) throw usageError('--stage is required');
  await ctx.client.request(
    'POST',
    `/v1/projects/${encodeURIComponent(project)}/stages/${encodeURIComponent(options.stage)}/resume`,
  );
  ctx.out(`${qualifiedName('Stage', 'kargo.akuity.io', options.stage)}: auto-promotion resumed`);
}
