import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, testAuth } from '../../test/auth-fixtures.js';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { unavailableError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { MeteredStore } from '../metrics/metered-store.js';
import { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createApp, type AppOptions } from './app.js';

const KARGO = 'kargo.akuity.io/v1alpha1';

/** A store double: the real one until `down` is set, then every call fails as Unavailable. */
function switchable(inner: Store): { store: Store; down: (isDown: boolean) => void } {
  let down = false;
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        down && property !== 'close'
          ? Promise.reject(unavailableError('the store is unavailable: connection refused'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return { store, down: (isDown) => (down = isDown) };
}

describe('operations routes: /healthz, /readyz, /metrics', () => {
  let sqlite: SqliteStore;
  let fixture: Awaited<ReturnType<typeof testAuth>>;
  let shutdown: AbortController;

  beforeEach(async () => {
    sqlite = openSqliteStore({ path: ':memory:' });
    fixture = await testAuth(sqlite);
    shutdown = new AbortController();
  });
  afterEach(async () => {
    shutdown.abort();
    await sqlite.close();
  });

  const appWith = (store: Store, options: Partial<AppOptions> = {}) =>
    createApp({
      auth: fixture.auth,
      service: new ResourceService({ store }),
      store,
      logger: silentLogger,
      shutdown: shutdown.signal,
      storeKind: 'sqlite',
      logs: new PromotionLogs(join(tmpdir(), 'gantry-operations-routes-logs')),
      ...options,
    });

  it('/healthz answers without touching the store, even when it is down', async () => {
    const { store, down } = switchable(sqlite);
    const app = appWith(store);
    down(true);
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 while the store answers, 503 with Retry-After and why while it does not', async () => {
    const { store, down } = switchable(sqlite);
    const app = appWith(store);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { store: 'ok', migrations: 'ok' },
    });

    down(true);
    const notReady = await app.request('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('5');
    const body = (await notReady.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('Unavailable');
    expect(body.error.message).toContain('the store is unavailable');

    down(false);
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('/readyz is 503 while a store that does not answer is waited for no longer than the timeout', async () => {
    const hanging = new Proxy(sqlite, {
      get: (target, property) =>
        property === 'currentResourceVersion'
          ? () => new Promise(() => undefined)
          : (Reflect.get(target, property) as unknown),
    });
    const { readinessCheck } = await import('./readiness.js');
    const app = appWith(hanging, {
      readiness: readinessCheck({ store: hanging, timeoutMs: 20, retryAfterSeconds: 1 }),
    });
    const response = await app.request('/readyz');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(JSON.stringify(await response.json())).toContain('did not answer within 20 ms');
  });

  it('/readyz is 503 until the migrations are done', async () => {
    const { readinessCheck } = await import('./readiness.js');
    let migrated = false;
    const app = appWith(sqlite, {
      readiness: readinessCheck({ store: sqlite, migrated: () => migrated }),
    });
    const response = await app.request('/readyz');
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).toContain('being migrated');
    migrated = true;
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('/metrics needs a cluster-wide read right unless --metrics-public', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const app = appWith(sqlite, { metrics, exposition: metrics });
    await sqlite.write([
      { op: 'create', object: { apiVersion: KARGO, kind: 'Project', metadata: { name: 'alpha' } } },
    ]);
    const projectAdmin = await fixture.tokenFor('kargo-admin', 'alpha', 'alpha-admin');
    const systemViewer = await fixture.tokenFor('kargo-viewer', undefined, 'system-viewer');

    expect((await app.request('/metrics')).status).toBe(401);
    expect((await app.request('/metrics', { headers: bearer(projectAdmin) })).status).toBe(403);
    for (const token of [fixture.adminToken, systemViewer]) {
      const response = await app.request('/metrics', { headers: bearer(token) });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await response.text()).toContain('# TYPE kargo_promotions_created_total counter');
    }

    const open = appWith(sqlite, { metrics, exposition: metrics, metricsPublic: true });
    const response = await open.request('/metrics');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('kargo_stages_by_ready_reason');
  });

  it('/metrics without an exposition answers 404', async () => {
    const response = await appWith(sqlite).request('/metrics', {
      headers: bearer(fixture.adminToken),
    });
    expect(response.status).toBe(404);
  });

  it('reports requests by route pattern, never the raw path, and store operations', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const store = new MeteredStore(sqlite, metrics);
    const app = appWith(store, { metrics, exposition: metrics });
    const admin = bearer(fixture.adminToken);
    await app.request('/v1/projects', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: KARGO, kind: 'Project', metadata: { name: 'alpha' } }),
    });
    expect((await app.request('/v1/projects/alpha/stages/nope', { headers: admin })).status).toBe(
      404,
    );
    // Refused before any route ran: still counted under the route asked for.
    expect((await app.request('/v1/projects/alpha/stages/other')).status).toBe(401);
    expect((await app.request('/no/such/path', { method: 'POST', headers: admin })).status).toBe(
      404,
    );
    const text = await (await app.request('/metrics', { headers: admin })).text();
    expect(text).toContain(
      'gantry_http_requests_total{method="GET",route="/v1/projects/:project/stages/:name",code="404"} 1',
    );
    expect(text).toContain(
      'gantry_http_requests_total{method="GET",route="/v1/projects/:project/stages/:name",code="401"} 1',
    );
    expect(text).toContain(
      'gantry_http_requests_total{method="POST",route="unmatched",code="404"} 1',
    );
    expect(text).not.toContain('/v1/projects/alpha/stages/nope');
    expect(text).toMatch(
      /gantry_store_operation_duration_seconds_count\{op="write",outcome="ok"\} \d/,
    );
  });
});
