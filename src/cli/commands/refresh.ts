import type { StoredResource } from '../../api/resource.js';
import type { WarehouseStatus } from '../../api/warehouse.js';
import { inputError } from '../../errors.js';
import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface RefreshOptions {
  project?: string;
  wait?: boolean;
  timeout?: string;
}

/**
 * `gantry refresh warehouse NAME --project P`: discover now. Waits (unless --no-wait) until the
 * Warehouse has handled the refresh, then prints what discovery found, and fails when a
 * subscription could not be discovered.
 */
export async function refreshCommand(
  ctx: CliContext,
  kind: string,
  name: string,
  options: RefreshOptions,
): Promise<void> {
  if (!['warehouse', 'warehouses'].includes(kind.toLowerCase()))
    throw usageError(`cannot refresh "${kind}": only warehouse can be refreshed`);
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  const timeoutSeconds = Number(options.timeout ?? '120');
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw usageError(`--timeout must be a number of seconds (got "${options.timeout}")`);
  const path = `/v1/projects/${encodeURIComponent(project)}/warehouses/${encodeURIComponent(name)}`;
  const { token } = await ctx.client.request<{ token: string }>('POST', `${path}/refresh`);
  const label = qualifiedName('Warehouse', 'kargo.akuity.io', name);
  if (options.wait === false) {
    ctx.out(`${label} refresh requested`);
    return;
  }
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const warehouse = await ctx.client.request<StoredResource>('GET', path);
    const status = (warehouse.status ?? {}) as WarehouseStatus;
    if (status.lastHandledRefresh === token) {
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status === 'False')
        throw inputError(`${label} refreshed, but discovery failed: ${ready.message ?? ''}`);
      ctx.out(`${label} refreshed${ready?.message ? `: ${ready.message}` : ''}`);
      return;
    }
    if (Date.now() > deadline)
      throw inputError(
        `${label}: refresh not handled within ${timeoutSeconds}s (is the server's controller running?)`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
