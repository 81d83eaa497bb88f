import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PromotionLogs } from '../src/engine/promotion-logs.js';
import { silentLogger } from '../src/logger.js';
import { ResourceService } from '../src/resources/resource-service.js';
import { createApp } from '../src/server/app.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { bearer, testAuth } from './auth-fixtures.js';

export interface KubeTestApp {
  store: SqliteStore;
  app: ReturnType<typeof createApp>;
  fixture: Awaited<ReturnType<typeof testAuth>>;
  /** The system admin's `Authorization` header. */
  admin: Record<string, string>;
  /** GET as the admin (or with `headers`): status, text and parsed body. */
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; body: Record<string, any> }>;
  /** POST of JSON `items` to `/v1/resources` as the admin, as a user applies them. */
  apply(items: unknown[]): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The HTTP app in process on an in-memory SQLite store, with the auth services main.ts wires
 * (the audit trail included), `projects` created: for the Kubernetes API's route tests.
 */
export async function kubeTestApp(projects: string[] = []): Promise<KubeTestApp> {
  const store = openSqliteStore({ path: ':memory:' });
  const shutdown = new AbortController();
  await store.write(
    projects.map((name) => ({
      op: 'create' as const,
      object: { apiVersion: 'kargo.akuity.io/v1alpha1', kind: 'Project', metadata: { name } },
    })),
  );
  const fixture = await testAuth(store);
  const admin = bearer(fixture.adminToken);
  const app = createApp({
    auth: fixture.auth,
    service: new ResourceService({ store, audit: fixture.auth.audit }),
    store,
    logger: silentLogger,
    shutdown: shutdown.signal,
    storeKind: 'sqlite',
    logs: new PromotionLogs(join(tmpdir(), 'gantry-kube-test-app-logs')),
  });
  return {
    store,
    app,
    fixture,
    admin,
    get: async (path, headers = admin) => {
      const response = await app.request(path, { headers });
      const text = await response.text();
      return { status: response.status, text, body: JSON.parse(text) as Record<string, any> };
    },
    apply: async (items) =>
      (
        await app.request('/v1/resources', {
          method: 'POST',
          headers: { ...admin, 'content-type': 'application/json' },
          body: JSON.stringify({ items }),
        })
      ).status,
    stop: async () => {
      shutdown.abort();
      await store.close();
    },
  };
}
