import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

/**
 * `gantry freeze --project P --reason "…"` stops every promotion of the project (manual ones
 * need `promote --override`); `gantry unfreeze --project P` lifts it.
 */
export async function freezeCommand(
  ctx: CliContext,
  freeze: boolean,
  options: { project?: string; reason?: string },
): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  if (freeze && !options.reason?.trim()) throw usageError('--reason is required: say why');
  await ctx.client.request(
    'POST',
    `/v1/projects/${encodeURIComponent(project)}/${freeze ? 'freeze' : 'unfreeze'}`,
    freeze ? { reason: options.reason } : undefined,
  );
  ctx.out(
    `${qualifiedName('Project', 'kargo.akuity.io', project)} ${freeze ? 'frozen' : 'unfrozen'}`,
  );
}
