import { principalOf, promoteStageAccess, type RouteGuard } from '../guarded-routes.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { StageActions } from '../../resources/stage-actions.js';
import { inputError } from '../../errors.js';

/**
 * - `POST /v1/projects/:project/stages/:stage/rollback` with `{"to"?: "<freight or alias>"}`:
 *   promote the previous verified Freight (or the one named) and hold auto-promotion.
 * - `POST /v1/projects/:project/stages/:stage/resume`: lift the Stage's auto-promotion holds.
 */
export function registerStageActionRoutes(
  routes: RouteGuard,
  deps: { stageActions?: StageActions | undefined; audit?: AuditLog | undefined },
): void {
  const path = '/v1/projects/:project/stages/:stage';
  const promoteStage = promoteStageAccess;
  routes.post(`${path}/rollback`, promoteStage, async (c) => {
    if (!deps.stageActions) throw inputError('rollback is not available on this server');
    // The body is optional: no body rolls back to the previous verified Freight.
    const text = await c.req.text();
    let to: unknown;
    if (text.trim() !== '') {
      try {
        to = (JSON.parse(text) as { to?: unknown } | null)?.to;
      } catch (err) {
        throw inputError(`the request body is not valid JSON: ${(err as Error).message}`);
      }
    }
    if (to !== undefined && (typeof to !== 'string' || to === ''))
      throw inputError('to: must be a Freight name or alias', [
        { path: 'to', message: 'must be a string' },
      ]);
    const result = await deps.stageActions.rollback(c.req.param('project'), c.req.param('stage'), {
      to: to,
      actor: principalOf(c).actor,
    });
    await deps.audit?.record([
      {
        actor: principalOf(c).actor,
        action: 'rollback',
        kind: 'Stage',
        project: c.req.param('project'),
        name: c.req.param('stage'),
        message: typeof to === 'string' ? `to ${to}` : undefined,
      },
    ]);
    return c.json(result);
  });
  routes.post(`${path}/resume`, promoteStage, async (c) => {
    if (!deps.stageActions) throw inputError('resume is not available on this server');
    const resumed = await deps.stageActions.resume(c.req.param('project'), c.req.param('stage'));
    await deps.audit?.record([
      {
        actor: principalOf(c).actor,
        action: 'resume',
        kind: 'Stage',
        project: c.req.param('project'),
        name: c.req.param('stage'),
      },
    ]);
    return c.json(resumed);
  });
}
