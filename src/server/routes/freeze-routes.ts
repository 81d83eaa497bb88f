import { principalOf, type RouteAccess, type RouteGuard } from '../guarded-routes.js';
import { FREEZE_ANNOTATION } from '../../api/promotion-gates.js';
import { formatTimestamp } from '../../api/timestamp.js';
import { inputError } from '../../errors.js';
import type { ResourceService } from '../../resources/resource-service.js';
import { readJsonBody } from '../request-body.js';

/**
 * - `POST /v1/projects/:project/freeze` with `{"reason": "…"}`: stop every promotion of the
 *   project (manual ones need an override, which the Promotion records; rollbacks still run).
 * - `POST /v1/projects/:project/unfreeze`.
 */
export function registerFreezeRoutes(routes: RouteGuard, deps: { service: ResourceService }): void {
  const updateProject: RouteAccess = {
    kind: 'check',
    requests: (c) => [{ verb: 'update', resource: 'projects', name: c.req.param('project') }],
  };
  routes.post('/v1/projects/:project/freeze', updateProject, async (c) => {
    const body = (await readJsonBody(c)) as { reason?: unknown } | null;
    if (typeof body?.reason !== 'string' || body.reason.trim() === '')
      throw inputError('reason: required (say why the project is frozen)', [
        { path: 'reason', message: 'required' },
      ]);
    const key = { kind: 'Project', namespace: '', name: c.req.param('project') };
    await deps.service.get(key);
    const freeze = {
      reason: body.reason.trim(),
      actor: principalOf(c).actor,
      since: formatTimestamp(new Date()),
    };
    return c.json(
      await deps.service.patchMetadata(
        key,
        { annotations: { [FREEZE_ANNOTATION]: JSON.stringify(freeze) } },
        { actor: freeze.actor, action: 'freeze', message: freeze.reason },
      ),
    );
  });
  routes.post('/v1/projects/:project/unfreeze', updateProject, async (c) => {
    const key = { kind: 'Project', namespace: '', name: c.req.param('project') };
    await deps.service.get(key);
    return c.json(
      await deps.service.patchMetadata(
        key,
        { annotations: { [FREEZE_ANNOTATION]: null } },
        { actor: principalOf(c).actor, action: 'unfreeze' },
      ),
    );
  });
}
