import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface VerifyOptions {
  project?: string;
  stage?: string;
  abort?: boolean;
}

/** `gantry verify --stage S [--abort]`: verify the Stage's current Freight again, or stop. */
export async function verifyCommand(ctx: CliContext, options: VerifyOptions): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  if (!options.stage) throw usageError('--stage is required');
  const path = `/v1/projects/${encodeURIComponent(project)}/stages/${encodeURIComponent(options.stage)}/verification`;
  const { id } = await ctx.client.request<{ id: string }>(
    'POST',
    options.abort ? `${path}/abort` : path,
  );
  const stage = qualifiedName('Stage', 'kargo.akuity.io', options.stage);
  ctx.out(
    options.abort
      ? `${stage}: verification ${id} aborted`
      : `${stage}: verification ${id} requested`,
  );
}
