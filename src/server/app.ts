import { Hono } from 'hono';
import { isGantryError, notFoundError, unavailableError } from '../errors.js';
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
import type { ApiTokens } from '../auth/api-tokens.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Authorizer } from '../auth/authorizer.js';
import type { Sessions } from '../auth/sessions.js';
import type { AuditLog } from '../audit/audit-log.js';
import { authentication, requestGuard, type RequestGuardOptions } from './auth-middleware.js';
import { RouteGuard, type GuardedRoute, type RouteAccess } from './guarded-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerOidcRoutes } from './routes/oidc-routes.js';
import type { SingleSignOn } from '../auth/oidc/single-sign-on.js';
import { registerTokenRoutes } from './routes/token-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { noMetrics, type Metrics, type MetricsExposition } from '../metrics/metrics.js';
import { httpMetrics } from './http-metrics.js';
import { readinessCheck, type ReadinessReport } from './readiness.js';
import { registerKubeRoutes } from '../kube/kube-routes.js';
import { isKubePath, kubeStatus } from '../kube/kube-status.js';

/** Seconds a client is told to wait before retrying while the store is unavailable. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

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
  /** Between keep-alives on watch streams, which also re-check the caller (default 15 s). */
  watchHeartbeatMs?: number | undefined;
  /** The ProjectConfigs' webhook receivers (`POST /webhook/<provider>/<hash>`). */
  webhooks?: WebhookReceivers | undefined;
  /** Approvals and per-Stage availability. */
  freight?: FreightService | undefined;
  /** Rollback and resume. */
  stageActions?: StageActions | undefined;
  /** The built web UI (dist/ui), served at `/`; without it `/` says how to build it. */
  uiDir?: string | undefined;
  /** How browsers reach this server (`--external-url`): the single sign-on redirect URI's base. */
  externalUrl?: string | undefined;
  /** Where requests are reported (default: nowhere). */
  metrics?: Metrics | undefined;
  /** What `GET /metrics` serves; without it, `/metrics` answers 404. */
  exposition?: MetricsExposition | undefined;
  /**
   * `--metrics-public`: `/metrics` without credentials, for a Prometheus inside the network.
   * Otherwise it needs a cluster-wide read right (metrics name projects).
   */
  metricsPublic?: boolean | undefined;
  /** What `/readyz` asks (default: the store answers within 2 s). */
  readiness?: (() => Promise<ReadinessReport>) | undefined;
  /** Who is asking and what they may do: every route goes through these. */
  auth: {
    authenticator: Authenticator;
    authorizer: Authorizer;
    tokens: ApiTokens;
    sessions: Sessions;
    audit: AuditLog;
    /** Host and origin checks against DNS rebinding and cross-site requests. */
    requestGuard: RequestGuardOptions;
    /** Single sign-on (OIDC), when the auth config has it. */
    sso?: SingleSignOn | undefined;
  };
}

/**
 * `/metrics` names projects and Stages: by default it needs a cluster-wide read right (a
 * system role such as kargo-admin or kargo-viewer; a project role does not suffice).
 */
const METRICS_ACCESS: RouteAccess = {
  kind: 'check',
  requests: () => [
    { verb: 'list', resource: 'stages' },
    { verb: 'list', resource: 'promotions' },
  ],
};

const PUBLIC_METRICS: RouteAccess = {
  kind: 'public',
  why: 'metrics for a Prometheus inside the network (--metrics-public)',
};

/** The app and every route it serves with what the route needs (for the route audit test). */
export interface Api {
  app: Hono;
  routes: readonly GuardedRoute[];
}

/** The HTTP API as a Hono app: testable in process with `app.request(…)`. */
export function createApp(options: AppOptions): Hono {
  return createApi(options).app;
}

/**
 * The HTTP API. Every request passes the host/origin guard and authentication; every route
 * is registered through the RouteGuard with what it needs, and the Authorizer decides.
 */
export function createApi(options: AppOptions): Api {
  const app = new Hono();
  const routes = new RouteGuard(app, options.auth.authorizer);
  const deps = {
    ...options,
    authorizer: options.auth.authorizer,
    audit: options.auth.audit,
  };
  app.use('*', httpMetrics(options.metrics ?? noMetrics));
  app.use('*', requestLimits({ maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }));
  app.use('*', requestGuard(options.auth.requestGuard));
  app.use('*', authentication(options.auth.authenticator));
  routes.get('/healthz', { kind: 'public', why: 'liveness probe' }, (c) =>
    c.json({ status: 'ok' }),
  );
  const readiness = options.readiness ?? readinessCheck({ store: options.store });
  routes.get('/readyz', { kind: 'public', why: 'readiness probe' }, async (c) => {
    const report = await readiness();
    if (report.ready) return c.json({ status: 'ready', checks: report.checks });
    const { status, body } = errorResponse(unavailableError(`not ready: ${report.reason}`));
    c.header('Retry-After', String(report.retryAfterSeconds));
    return c.json(body, status);
  });
  routes.get('/metrics', options.metricsPublic ? PUBLIC_METRICS : METRICS_ACCESS, async (c) => {
    const exposition = options.exposition;
    if (!exposition) throw notFoundError('metrics are not served by this server');
    return c.body(await exposition.exposition(), 200, { 'content-type': exposition.contentType });
  });
  routes.get('/v1/version', { kind: 'authenticated' }, (c) =>
    c.json({ version: gantryVersion(), store: options.storeKind }),
  );
  registerAuthRoutes(routes, options.auth);
  registerOidcRoutes(routes, { ...options.auth, externalUrl: options.externalUrl });
  registerTokenRoutes(routes, { ...options.auth, store: options.store });
  registerAuditRoutes(routes, deps);
  registerBatchRoutes(routes, deps);
  registerWatchRoutes(routes, deps);
  registerPromotionRoutes(routes, deps);
  registerWarehouseRoutes(routes, deps);
  registerFreightRoutes(routes, deps);
  registerVerificationRoutes(routes, deps);
  registerStageActionRoutes(routes, deps);
  registerFreezeRoutes(routes, deps);
  registerWebhookRoutes(routes, deps);
  registerExpressionRoutes(routes, deps);
  registerResourceRoutes(routes, deps);
  registerKubeRoutes(routes, deps);
  registerUiRoutes(routes, deps);
  app.notFound((c) => {
    // The Kubernetes API answers in its own error format (a Status), kubectl's messages.
    if (isKubePath(c.req.path)) {
      const { status, body } = kubeStatus(
        notFoundError('the server could not find the requested resource'),
      );
      return c.json(body, status);
    }
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
    const { status, body } = isKubePath(c.req.path)
      ? kubeStatus(err, undefined, { user: c.get('principal')?.actor ?? '', path: c.req.path })
      : errorResponse(err);
    // The store away (a database restart): the client should come back, soon.
    if (status === 503) c.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
    return c.json(body, status);
  });
  return { app, routes: routes.routes };
}
