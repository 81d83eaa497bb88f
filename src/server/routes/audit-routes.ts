import type { Authorizer } from '../../auth/authorizer.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { inputError } from '../../errors.js';
import { principalOf, type RouteGuard } from '../guarded-routes.js';

/**
 * The audit trail, newest first: `GET /v1/projects/:project/events` and, across the projects
 * the caller may read, `GET /v1/events`. Both take `actor`, `kind` and `name` (the events of one
 * object: `kind=Freight&name=…` lists who approved it) and `limit` (default 100, max 1000).
 */
export function registerAuditRoutes(
  routes: RouteGuard,
  deps: { audit: AuditLog; authorizer: Authorizer },
): void {
  routes.get(
    '/v1/projects/:project/events',
    {
      kind: 'check',
      requests: (c) => [{ verb: 'list', resource: 'events', project: c.req.param('project') }],
    },
    async (c) =>
      c.json({
        items: await deps.audit.list({
          project: c.req.param('project'),
          actor: c.req.query('actor') || undefined,
          kind: c.req.query('kind') || undefined,
          name: c.req.query('name') || undefined,
          limit: limitOf(c.req.query('limit')),
        }),
      }),
  );
  routes.get(
    '/v1/events',
    { kind: 'filtered', verb: 'list', resources: () => ['events'] },
    async (c) => {
      const visible = await deps.authorizer.view(principalOf(c), 'list');
      const limit = limitOf(c.req.query('limit'));
      const events = await deps.audit.list({
        project: c.req.query('project') || undefined,
        actor: c.req.query('actor') || undefined,
        kind: c.req.query('kind') || undefined,
        name: c.req.query('name') || undefined,
      });
      const shown = events.filter((event) => visible('events', event.project || undefined));
      return c.json({ items: shown.slice(0, limit) });
    },
  );
}

function limitOf(text: string | undefined): number {
  if (text === undefined || text === '') return 100;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw inputError(`limit must be a whole number from 1 to 1000, got "${text}"`, [
      { path: 'limit', message: 'out of range' },
    ]);
  return limit;
}
