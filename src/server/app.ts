import { Hono } from 'hono';
import { isGantryError, notFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ResourceService } from '../resources/resource-service.js';
import type { Store } from '../store/store.js';
import { gantryVersion } from '../version.js';
import { errorResponse } from './http-errors.js';
import { DEFAULT_MAX_BODY_BYTES, requestLimits } from './request-limits.js';
import { registerBatchRoutes } from './routes/batch-routes.js';
import type { PromotionLogs } from '../engine/promotion-logs.js';
import type { StoredResource } from '../api/resource.js';
import type { PromotionPlan } from '../controllers/promotion-planner.js';
import { registerExpressionRoutes } from './routes/expression-routes.js';
import { registerPromotionRoutes } from './routes/promotion-routes.js';
import { registerWarehouseRoutes } from './routes/warehouse-routes.js';
import { registerFreightRoutes } from './routes/freight-routes.js';
import { registerVerificationRoutes } from './routes/verification-routes.js';
import { registerStageActionRoutes } from './routes/stage-action-routes.js';
import { registerFreezeRoutes } from './routes/freeze-routes.js';
import type { StageActions } from '../resources/stage-actions.js';
import type { FreightService } from '../resources/freight-service.js';
import { registerResourceRoutes } from './routes/resource-routes.js';
import { registerWatchRoutes } from './routes/watch-routes.js';
import { registerUiRoutes } from './routes/ui-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import type { WebhookReceivers } from '../integrations/webhooks/webhook-receivers.js';

export interface AppOptions {
  service: ResourceService;
  store: Store;
  logger: Logger;
  /** Aborted at shutdown: ends watch streams so the server can close. */
  shutdown: AbortSignal;
  /** Describes the store for `/v1/version` (`sqlite` or `postgres`). */
  storeKind: string;
  /** Promotion logs, for `GET …/promotions/{name}/logs`. */
  logs: PromotionLogs;
  /** Runs a would-be Promotion in plan mode (`POST …/stages/{stage}/plan`). */
  planner?:
    ((promotion: StoredResource, signal: AbortSignal) => Promise<PromotionPlan>) | undefined;
  /** The largest request body accepted (`--max-body-size`); DEFAULT_MAX_BODY_BYTES if unset. */
  maxBodyBytes?: number;
  /** The ProjectConfigs' webhook receivers (`POST /webhook/<provider>/<hash>`). */
  webhooks?: WebhookReceivers | undefined;
  /** Approvals and per-Stage availability. */
  freight?: FreightService | undefined;
  /** Rollback and resume. */
  stageActions?: StageActions | undefined;
  /** The built web UI (dist/ui), served at `/`; without it `/` says how to build it. */
  uiDir?: string | undefined;
}

/** The HTTP API as a Hono app: testable in process with `app.request(…)`. */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.use('*', requestLimits({ maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/v1/version', (c) => c.json({ version: gantryVersion(), store: options.storeKind }));
  registerBatchRoutes(app, options);
  registerWatchRoutes(app, options);
  registerPromotionRoutes(app, options);
  registerWarehouseRoutes(app, options);
  registerFreightRoutes(app, options);
  registerVerificationRoutes(app, options);
  registerStageActionRoutes(app, options);
  registerFreezeRoutes(app, options);
  registerWebhookRoutes(app, options);
  registerExpressionRoutes(app, options);
  registerResourceRoutes(app, options);
  registerUiRoutes(app, options);
  app.notFound((c) => {
    const { status, body } = errorResponse(
      notFoundError(`no such API path: ${c.req.method} ${c.req.path}`),
    );
    return c.json(body, status);
  });
  app.onError((err, c) => {
    if (!isGantryError(err))
      options.logger.error('request failed', {
        method: c.req.method,
        path: c.req.path,
        error: err,
      });
    const { status, body } = errorResponse(err);
    return c.json(body, status);
  });
  return app;
}
