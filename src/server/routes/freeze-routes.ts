import type { Hono } from 'hono';
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
export function registerFreezeRoutes(app: Hono, deps: { service: ResourceService }): void {
  app.post('/v1/projects/:project/freeze', async (c) => {
    const body = (await readJsonBody(c)) as { reason?: unknown } | null;
    if (typeof body?.reason !== 'string' || body.reason.trim() === '')
      throw inputError('reason: required (say why the project is frozen)', [
        { path: 'reason', message: 'required' },
      ]);
    const key = { kind: 'Project', namespace: '', name: c.req.param('project') };
    await deps.service.get(key);
    const freeze = {
      reason: body.reason.trim(),
      actor: c.req.header('x-gantry-actor') ?? 'api',
      since: formatTimestamp(new Date()),
    };
    return c.json(
      await deps.service.patchMetadata(key, {
        annotations: { [FREEZE_ANNOTATION]: JSON.stringify(freeze) },
      }),
    );
  });
  app.post('/v1/projects/:project/unfreeze', async (c) => {
    const key = { kind: 'Project', namespace: '', name: c.req.param('project') };
    await deps.service.get(key);
    return c.json(
      await deps.service.patchMetadata(key, { annotations: { [FREEZE_ANNOTATION]: null } }),
    );
  });
}
