import type { Hono } from 'hono';
import type { FreightService } from '../../resources/freight-service.js';
import { inputError } from '../../errors.js';
import { readJsonBody } from '../request-body.js';

/**
 * - `POST /v1/projects/:project/freight/:freight/approve` with `{"stage": "prod"}`: manual
 *   approval (by name or alias), which makes the Freight available to that Stage.
 * - `GET /v1/projects/:project/stages/:stage/freight`: every Freight the Stage requests,
 *   newest first, each with `available` and `reason`.
 */
export function registerFreightRoutes(
  app: Hono,
  deps: { freight?: FreightService | undefined },
): void {
  app.post('/v1/projects/:project/freight/:freight/approve', async (c) => {
    if (!deps.freight) throw inputError('approvals are not available on this server');
    const body = (await readJsonBody(c)) as { stage?: unknown } | null;
    if (typeof body?.stage !== 'string' || body.stage === '')
      throw inputError('stage: required (the Stage to approve the Freight for)', [
        { path: 'stage', message: 'required' },
      ]);
    return c.json(
      await deps.freight.approve(c.req.param('project'), c.req.param('freight'), body.stage),
    );
  });

  app.get('/v1/projects/:project/stages/:stage/freight', async (c) => {
    if (!deps.freight) throw inputError('availability is not available on this server');
    const entries = await deps.freight.forStage(c.req.param('project'), c.req.param('stage'));
    return c.json({
      items: entries.map(({ freight, availability }) => ({
        freight,
        available: availability.available,
        reason: availability.reason,
      })),
    });
  });
}
