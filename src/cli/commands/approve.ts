import type { StoredResource } from '../../api/resource.js';
import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface ApproveOptions {
  project?: string;
  freight?: string;
  stage?: string;
}

/**
 * `gantry approve --project P --freight F --stage S`: manual approval, as Kargo's. The Freight
 * becomes available to that Stage only, skipping verification and soak; nothing is promoted.
 */
export async function approveCommand(ctx: CliContext, options: ApproveOptions): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  if (!options.freight) throw usageError('--freight is required (a Freight name or alias)');
  if (!options.stage) throw usageError('--stage is required');
  const approved = await ctx.client.request<StoredResource & { alias?: string }>(
    'POST',
    `/v1/projects/${encodeURIComponent(project)}/freight/${encodeURIComponent(options.freight)}/approve`,
    { stage: options.stage },
  );
  ctx.out(
    `${qualifiedName('Freight', 'kargo.akuity.io', approved.alias ?? approved.metadata.name)} approved for Stage ${options.stage}`,
  );
}
