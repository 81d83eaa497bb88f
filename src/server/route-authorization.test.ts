import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testAuth } from '../../test/auth-fixtures.js';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { FreightService } from '../resources/freight-service.js';
import { StageActions } from '../resources/stage-actions.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createApi, type Api } from './app.js';
import type { GuardedRoute } from './guarded-routes.js';

const KARGO = 'kargo.akuity.io/v1alpha1';

/** A body that would be accepted if the caller were allowed, so only authorization refuses. */
function bodyFor(route: GuardedRoute): unknown {
  const { method, path } = route;
  if (path === '/v1/resources')
    return {
      items: [
        {
          apiVersion: KARGO,
          kind: 'Warehouse',
          metadata: { name: 'other', namespace: 'alpha' },
          spec: { subscriptions: [{ image: { repoURL: '127.0.0.1:1/x' } }] },
        },
      ],
    };
  if (path.endsWith('/approve')) return { stage: 'dev' };
  if (path.endsWith('/plan')) return { freight: 'f' };
  if (path.endsWith('/expressions')) return { expression: '1 + 1' };
  if (path.endsWith('/freeze')) return { reason: 'test' };
  if (path.endsWith('/tokens')) return { name: 'robot', role: 'viewer' };
  if (path.endsWith('/login')) return { token: 'gty_nope' };
  if (method === 'PUT' && path.endsWith('/status')) return { status: {} };
  const plural = /\/v1\/(?:projects\/:project\/)?([a-z]+)(?:\/:name)?$/.exec(path)?.[1];
  if ((method === 'POST' || method === 'PUT') && plural) return objectOf(plural);
  return undefined;
}

function objectOf(plural: string): unknown {
  const meta = (name: string) => ({ name, namespace: 'alpha' });
  switch (plural) {
    case 'projects':
      return { apiVersion: KARGO, kind: 'Project', metadata: { name: 'alpha' } };
    case 'stages':
      return {
        apiVersion: KARGO,
        kind: 'Stage',
        metadata: meta('x'),
        spec: {
          requestedFreight: [
            { origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } },
          ],
        },
      };
    case 'secrets':
      return { apiVersion: 'v1', kind: 'Secret', metadata: meta('x'), stringData: { a: 'b' } };
    case 'promotions':
      return {
        apiVersion: KARGO,
        kind: 'Promotion',
        metadata: meta('x'),
        spec: { stage: 'dev', freight: 'f' },
      };
    default:
      return { metadata: { name: 'x' } };
  }
}

/** Kubernetes API routes (src/kube), on objects of project alpha a viewer there may read. */
const KUBE_PATHS: Record<string, string> = {
  '/apis/:group': '/apis/kargo.akuity.io',
  '/apis/:group/:version': '/apis/kargo.akuity.io/v1alpha1',
  '/apis/:group/:version/namespaces/:namespace/:plural':
    '/apis/kargo.akuity.io/v1alpha1/namespaces/alpha/stages',
  '/apis/:group/:version/namespaces/:namespace/:plural/:name':
    '/apis/kargo.akuity.io/v1alpha1/namespaces/alpha/stages/dev',
  '/apis/:group/:version/:plural': '/apis/kargo.akuity.io/v1alpha1/stages',
  '/apis/:group/:version/:plural/:name': '/apis/kargo.akuity.io/v1alpha1/projects/alpha',
  '/api/v1/namespaces/:namespace/:plural': '/api/v1/namespaces/alpha/configmaps',
  '/api/v1/namespaces/:namespace/:plural/:name': '/api/v1/namespaces/alpha/configmaps/x',
  '/api/v1/:plural': '/api/v1/namespaces',
  '/api/v1/:plural/:name': '/api/v1/namespaces/alpha',
  '/apis/:group/:version/namespaces/:namespace/:plural/:name/status':
    '/apis/kargo.akuity.io/v1alpha1/namespaces/alpha/stages/dev/status',
  '/apis/:group/:version/:plural/:name/status':
    '/apis/kargo.akuity.io/v1alpha1/projects/alpha/status',
  '/openapi/v2': '/openapi/v2',
  '/openapi/v3': '/openapi/v3',
  '/openapi/v3/api/:version': '/openapi/v3/api/v1',
  '/openapi/v3/apis/:group/:version': '/openapi/v3/apis/kargo.akuity.io/v1alpha1',
  '/api/v1/namespaces/:namespace/events': '/api/v1/namespaces/alpha/events',
  '/api/v1/namespaces/:namespace/events/:name': '/api/v1/namespaces/alpha/events/x.y',
  '/api/v1/events': '/api/v1/events',
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews':
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews':
    '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
  '/apis/authentication.k8s.io/v1/selfsubjectreviews':
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
};

function concrete(path: string): string {
  if (KUBE_PATHS[path]) return KUBE_PATHS[path];
  return path
    .replace(/^\/v1\/projects\/:name/, '/v1/projects/alpha')
    .replace(':project', 'alpha')
    .replace(':stage', 'dev')
    .replace(':freight', 'f')
    .replace(':provider', 'github')
    .replace(':hash', 'abc')
    .replace(':name', 'x')
    .replace('/*', '/projects/alpha');
}

/** Routes any caller may reach without credentials, each for a stated reason. */
const PUBLIC = [
  'GET /healthz',
  'GET /readyz',
  'GET /v1/auth/config',
  'POST /v1/auth/login',
  'GET /v1/auth/oidc/login',
  'GET /v1/auth/oidc/callback',
  'POST /webhook/:provider/:hash',
  'GET /*',
  'GET /version',
];

/** Shared definitions every signed-in caller may read (no project's data). */
const SHARED = /^\/v1\/cluster(promotiontasks|analysistemplates)/;

/** Reads across every project that need a cluster-wide right: a project role never suffices. */
const CLUSTER_READS = ['GET /metrics'];

describe('every route goes through the one authorization decision', () => {
  let store: SqliteStore;
  let api: Api;
  let outsider: string;
  let viewer: string;
  const shutdown = new AbortController();

  beforeAll(async () => {
    store = openSqliteStore({ path: ':memory:' });
    const fixture = await testAuth(store);
    const { auth, adminToken } = fixture;
    const tokenFor = (role: string, project?: string, name?: string) =>
      fixture.tokenFor(role, project, name);
    const service = new ResourceService({ store });
    const freight = new FreightService({ store });
    api = createApi({
      auth,
      freight,
      stageActions: new StageActions({ store, service, freight }),
      planner: () => Promise.reject(new Error('no plans in this test')),
      service,
      store,
      logger: silentLogger,
      shutdown: shutdown.signal,
      storeKind: 'sqlite',
      logs: new PromotionLogs(join(tmpdir(), 'gantry-route-auth-logs')),
    });
    const admin = bearer(adminToken);
    const put = async (body: unknown) => {
      const response = await api.app.request('/v1/resources', {
        method: 'PUT',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    };
    await put({
      items: ['alpha', 'beta'].map((name) => ({
        apiVersion: KARGO,
        kind: 'Project',
        metadata: { name },
      })),
    });
    await put({
      items: [
        {
          apiVersion: KARGO,
          kind: 'Warehouse',
          metadata: { name: 'web', namespace: 'alpha' },
          spec: { subscriptions: [{ image: { repoURL: '127.0.0.1:1/web' } }] },
        },
        objectOf('stages'),
        { ...(objectOf('stages') as object), metadata: { name: 'dev', namespace: 'alpha' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'creds', namespace: 'alpha' },
          stringData: { password: 'hunter22' },
        },
      ],
    });
    // A Promotion as the controller stores it, for the routes about one.
    await store.write([
      {
        op: 'create',
        object: {
          apiVersion: KARGO,
          kind: 'Promotion',
          metadata: { name: 'x', namespace: 'alpha' },
          spec: { stage: 'dev', freight: 'f' },
        },
      },
    ]);
    outsider = await tokenFor('kargo-admin', 'beta', 'beta-admin');
    viewer = await tokenFor('kargo-viewer', 'alpha', 'alpha-viewer');
  });
  afterAll(async () => {
    shutdown.abort();
    await store.close();
  });

  const call = (route: GuardedRoute, headers: Record<string, string>) => {
    const body = bodyFor(route);
    return api.app.request(concrete(route.path), {
      method: route.method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined || route.method === 'GET' ? undefined : JSON.stringify(body),
    });
  };

  it('knows every route the app serves, and only the declared ones are public', () => {
    const served = api.app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path}`);
    const guarded = api.routes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(served)).toEqual(new Set(guarded));
    expect(api.routes.length).toBeGreaterThan(60);
    expect(
      api.routes.filter((r) => r.access.kind === 'public').map((r) => `${r.method} ${r.path}`),
    ).toEqual(expect.arrayContaining(PUBLIC));
    expect(api.routes.filter((r) => r.access.kind === 'public')).toHaveLength(PUBLIC.length);
  });

  it('refuses a caller without credentials on every route that is not public (401)', async () => {
    const failures: string[] = [];
    for (const route of api.routes.filter((r) => r.access.kind !== 'public')) {
      const response = await call(route, {});
      if (response.status !== 401)
        failures.push(`${route.method} ${route.path} → ${response.status}`);
      else {
        // Gantry's error body, or on the Kubernetes API a Status with kube-apiserver's reason.
        const body = (await response.json()) as { error?: { code: string }; reason?: string };
        expect(body.error?.code ?? body.reason).toMatch(/^(Unauthenticated|Unauthorized)$/);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses an invalid token everywhere, public routes included (401, never anonymous)', async () => {
    const failures: string[] = [];
    for (const route of api.routes) {
      const response = await call(route, bearer('gty_AAAAAAAAAAAA_' + 'A'.repeat(43)));
      if (response.status !== 401)
        failures.push(`${route.method} ${route.path} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses an admin of another project on every route about this one (403)', async () => {
    const failures: string[] = [];
    for (const route of api.routes) {
      if (route.access.kind !== 'check' && route.access.kind !== 'per-object') continue;
      if (route.method === 'GET' && SHARED.test(route.path)) continue;
      const response = await call(route, bearer(outsider));
      if (response.status !== 403)
        failures.push(`${route.method} ${route.path} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('lets a viewer read but refuses every change, Secrets and tokens (403)', async () => {
    const failures: string[] = [];
    for (const route of api.routes) {
      if (route.access.kind !== 'check' && route.access.kind !== 'per-object') continue;
      if (route.method === 'GET' && SHARED.test(route.path)) continue;
      const readsPipeline =
        (route.method === 'GET' &&
          !/secrets|tokens/.test(route.path) &&
          !CLUSTER_READS.includes(`${route.method} ${route.path}`)) ||
        route.path.endsWith('/expressions');
      const response = await call(route, bearer(viewer));
      if (readsPipeline) {
        if (response.status === 403)
          failures.push(`${route.method} ${route.path} → 403 for a read`);
      } else if (response.status !== 403)
        failures.push(`${route.method} ${route.path} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('shows an outsider nothing of this project in lists across projects', async () => {
    for (const route of api.routes.filter(
      (r) => r.access.kind === 'filtered' && !r.path.includes('watch'),
    )) {
      const response = await call(route, bearer(outsider));
      expect(response.status, `${route.method} ${route.path}`).toBe(200);
      const text = await response.text();
      expect(text, `${route.method} ${route.path}`).not.toContain('"alpha"');
    }
    const projects = (await (
      await api.app.request('/v1/projects', { headers: bearer(outsider) })
    ).json()) as {
      items: Array<{ metadata: { name: string } }>;
    };
    expect(projects.items.map((p) => p.metadata.name)).toEqual(['beta']);
  });
});
