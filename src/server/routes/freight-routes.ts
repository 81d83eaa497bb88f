import { principalOf, type RouteGuard } from '../guarded-routes.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { FreightService } from '../../resources/freight-service.js';
import { inputError } from '../../errors.js';
import { readJsonBody } from '../request-body.js';

/**
 * - `POST /v1/projects/:project/freight/:freight/approve` with `{"stage": "prod"}`: manual
 *   approval (by name or alias), which makes the Freight available to that Stage.
 * - `GET /v1/projects/:project/stages/:stage/freight`: every Freight the Stage requests,
 *   newest first, each with `available` and `reason`, and `autoPromotion` when auto-promotion
 *   skips it (rejected there) or is held at another Freight.
 */
export function registerFreightRoutes(
  routes: RouteGuard,
  deps: { freight?: FreightService | undefined; audit?: AuditLog | undefined },
): void {
  // Approving for a Stage needs `promote` on that Stage (Kargo), named in the body.
  routes.post(
    '/v1/projects/:project/freight/:freight/approve',
    { kind: 'per-object' },
    async (c) => {
      if (!deps.freight) throw inputError('approvals are not available on this server');
      const body = (await readJsonBody(c)) as { stage?: unknown } | null;
      if (typeof body?.stage !== 'string' || body.stage === '')
        throw inputError('stage: required (the Stage to approve the Freight for)', [
          { path: 'stage', message: 'required' },
        ]);
      const project = c.req.param('project');
      const principal = principalOf(c);
      await routes.authorizer.require(principal, {
        verb: 'promote',
        resource: 'stages',
        project,
        name: body.stage,
      });
      const approved = await deps.freight.approve(project, c.req.param('freight'), body.stage);
      await deps.audit?.record([
        {
          actor: principal.actor,
          action: 'approve',
          kind: 'Freight',
          project,
          name: approved.metadata.name,
          message: `for Stage ${body.stage}`,
        },
      ]);
      return c.json(approved);
    },
  );

  routes.get(
    '/v1/projects/:project/stages/:stage/freight',
    {
      kind: 'check',
      requests: (c) => [
        {
          verb: 'get',
          resource: 'stages',
          project: c.req.param('project'),
          name: c.req.param('stage'),
        },
        { verb: 'list', resource: 'freight', project: c.req.param('project') },
      ],
    },
    async (c) => {
      if (!deps.freight) throw inputError('availability is not available on this server');
      const entries = await deps.freight.forStage(c.req.param('project'), c.req.param('stage'));
      return c.json({
        items: entries.map(({ freight, availability, autoPromotion }) => ({
          freight,
          available: availability.available,
          reason: availability.reason,
          ...(autoPromotion ? { autoPromotion } : {}),
        })),
      });
    },
  );
}
