import { randomBytes } from 'node:crypto';
import { principalOf, type RouteGuard } from '../guarded-routes.js';
import { REFRESH_ANNOTATION } from '../../api/labels.js';
import type { ResourceService } from '../../resources/resource-service.js';

/**
 * `POST /v1/projects/:project/warehouses/:name/refresh` asks for an immediate discovery, as
 * Kargo's refresh does: it writes a new token into the `kargo.akuity.io/refresh` annotation;
 * the Warehouse controller discovers and echoes the token in `status.lastHandledRefresh`.
 * Answers the Warehouse with the token, so a client can wait for that echo.
 */
export function registerWarehouseRoutes(
  routes: RouteGuard,
  deps: { service: ResourceService; now?: () => Date },
): void {
  const refresh = {
    kind: 'check' as const,
    requests: (c: import('hono').Context) => [
      {
        verb: 'refresh' as const,
        resource: 'warehouses',
        project: c.req.param('project'),
        name: c.req.param('name'),
      },
    ],
  };
  routes.post('/v1/projects/:project/warehouses/:name/refresh', refresh, async (c) => {
    const key = {
      kind: 'Warehouse',
      namespace: c.req.param('project'),
      name: c.req.param('name'),
    };
    await deps.service.get(key);
    // Unique even for two refreshes in one millisecond: an unchanged token asks for nothing.
    const token = `${(deps.now?.() ?? new Date()).toISOString()}.${randomBytes(3).toString('hex')}`;
    const warehouse = await deps.service.patchMetadata(
      key,
      { annotations: { [REFRESH_ANNOTATION]: token } },
      { actor: principalOf(c).actor, action: 'refresh' },
    );
    return c.json({ token, warehouse });
  });
}
