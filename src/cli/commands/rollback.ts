import type { StoredResource } from '../../api/resource.js';
import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface RollbackOptions {
  project?: string;
  stage?: string;
  to?: string;
}

/**
 * `gantry rollback --project P --stage S [--to FREIGHT]`: promote the Stage's previous verified
 * Freight (or the one named) and hold auto-promotion there until `gantry resume`.
 */
export async function rollbackCommand(ctx: CliContext, options: RollbackOptions): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  if (!options.stage) throw usageError('--stage is required');
  const result = await ctx.client.request<{
    promotion: StoredResource;
    to: StoredResource & { alias?: string };
  }>(
    'POST',
    `/v1/projects/${encodeURIComponent(project)}/stages/${encodeURIComponent(options.stage)}/rollback`,
    options.to ? { to: options.to } : undefined,
  );
  ctx.out(
    `${qualifiedName('Promotion', 'kargo.akuity.io', result.promotion.metadata.name)} created: rolling ${options.stage} back to ${result.to.alias ?? result.to.metadata.name}; auto-promotion of ${options.stage} is held until gantry resume --stage ${options.stage}`,
  );
}
