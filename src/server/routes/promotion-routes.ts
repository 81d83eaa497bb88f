import { principalOf, promoteStageAccess, type RouteGuard } from '../guarded-routes.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { streamSSE } from 'hono/streaming';
import { TERMINAL_PROMOTION_PHASES, type PromotionStatus } from '../../api/promotion.js';
import { ABORT_ANNOTATION } from '../../controllers/promotion-controller.js';
import type { PromotionLogs } from '../../engine/promotion-logs.js';
import type { ResourceService } from '../../resources/resource-service.js';
import { booleanQuery, readJsonBody } from '../request-body.js';
import { KARGO_API_VERSION } from '../../api/api-versions.js';
import type { StoredResource } from '../../api/resource.js';
import type { PromotionPlan } from '../../controllers/promotion-planner.js';
import { inputError } from '../../errors.js';

/**
 * Promotion actions beyond plain REST: abort (Kargo's `kargo.akuity.io/abort` annotation) and
 * logs — `GET …/logs` answers `{"entries": [{time, step, line}]}`; with `?follow=true` it
 * streams the entries as Server-Sent Events until the Promotion has finished.
 */
export function registerPromotionRoutes(
  routes: RouteGuard,
  deps: {
    audit?: AuditLog | undefined;
    service: ResourceService;
    logs: PromotionLogs;
    shutdown: AbortSignal;
    planner?:
      ((promotion: StoredResource, signal: AbortSignal) => Promise<PromotionPlan>) | undefined;
  },
): void {
  const path = '/v1/projects/:project/promotions/:name';
  const promoteStage = promoteStageAccess;

  // Plan mode runs the steps on a scratch copy (reading the project's credentials): it needs
  // what promoting needs.
  routes.post('/v1/projects/:project/stages/:stage/plan', promoteStage, async (c) => {
    if (!deps.planner) throw inputError('plan mode is not available on this server');
    const body = (await readJsonBody(c)) as { freight?: unknown };
    if (typeof body?.freight !== 'string')
      throw inputError('freight: required (a Freight name or alias)', [
        { path: 'freight', message: 'required' },
      ]);
    const project = c.req.param('project');
    const [admitted] = await deps.service.apply({
      documents: [
        {
          apiVersion: KARGO_API_VERSION,
          kind: 'Promotion',
          metadata: { namespace: project },
          spec: { stage: c.req.param('stage'), freight: body.freight },
        },
      ],
      mode: 'create',
      dryRun: true,
    });
    return c.json(await deps.planner(admitted!.object, c.req.raw.signal));
  });

  // Aborting needs `promote` on the Promotion's Stage, which only the stored Promotion names.
  routes.post(`${path}/abort`, { kind: 'per-object' }, async (c) => {
    const key = { kind: 'Promotion', namespace: c.req.param('project'), name: c.req.param('name') };
    const principal = principalOf(c);
    await routes.authorizer.require(principal, {
      verb: 'get',
      resource: 'promotions',
      project: key.namespace,
      name: key.name,
    });
    const promotion = await deps.service.get(key);
    await routes.authorizer.require(principal, {
      verb: 'promote',
      resource: 'stages',
      project: key.namespace,
      name: (promotion.spec as { stage?: string }).stage,
    });
    const aborted = await deps.service.patchMetadata(
      key,
      {
        annotations: {
          [ABORT_ANNOTATION]: JSON.stringify({ action: 'terminate', actor: principal.actor }),
        },
      },
      { actor: principal.actor, action: 'abort' },
    );
    return c.json(aborted);
  });

  routes.get(
    `${path}/logs`,
    {
      kind: 'check',
      requests: (c) => [
        {
          verb: 'get',
          resource: 'promotions',
          project: c.req.param('project'),
          name: c.req.param('name'),
        },
      ],
    },
    async (c) => {
      const project = c.req.param('project');
      const name = c.req.param('name');
      const key = { kind: 'Promotion', namespace: project, name };
      await deps.service.get(key);
      if (!booleanQuery(c, 'follow'))
        return c.json({ entries: deps.logs.read(project, name).entries });
      return streamSSE(c, async (stream) => {
        let offset = 0;
        let closed = false;
        stream.onAbort(() => {
          closed = true;
        });
        while (!closed && !deps.shutdown.aborted) {
          const page = deps.logs.read(project, name, offset);
          offset = page.offset;
          for (const entry of page.entries) await stream.writeSSE({ data: JSON.stringify(entry) });
          const promotion = await deps.service.get(key).catch(() => undefined);
          const phase = (promotion?.status as PromotionStatus | undefined)?.phase;
          if (!promotion || (phase && TERMINAL_PROMOTION_PHASES.has(phase))) {
            const rest = deps.logs.read(project, name, offset);
            for (const entry of rest.entries)
              await stream.writeSSE({ data: JSON.stringify(entry) });
            await stream.writeSSE({
              event: 'end',
              data: JSON.stringify({ phase: phase ?? 'Deleted' }),
            });
            return;
          }
          await stream.sleep(200);
        }
      });
    },
  );
}
