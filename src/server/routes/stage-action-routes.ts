import type { Hono } from 'hono';
import type { StageActions } from '../../resources/stage-actions.js';
import { inputError } from '../../errors.js';

/**
 * - `POST /v1/projects/:project/stages/:stage/rollback` with `{"to"?: "<freight or alias>"}`:
 *   promote the previous verified Freight (or the one named) and hold auto-promotion.
 * - `POST /v1/projects/:project/stages/:stage/resume`: lift the Stage's auto-promotion holds.
 */
export function registerStageActionRoutes(
  app: Hono,
  deps: { stageActions?: StageActions | undefined },
): void {
  const path = '/v1/projects/:project/stages/:stage';
  app.post(`${path}/rollback`, async (c) => {
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
      actor: c.req.header('x-gantry-actor') ?? 'api',
    });
    return c.json(result);
  });
  app.post(`${path}/resume`, async (c) => {
    if (!deps.stageActions) throw inputError('resume is not available on this server');
    return c.json(await deps.stageActions.resume(c.req.param('project'), c.req.param('stage')));
  });
}
