import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testAuth } from '../../test/auth-fixtures.js';
import type { Principal } from '../auth/principal.js';
import { unauthenticatedError } from '../errors.js';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createApp } from './app.js';

const KARGO = 'kargo.akuity.io/v1alpha1';

/** Stands in for the OIDC verifier (tested on its own against a real provider): `user:<sub>:<group>`. */
const users = {
  verify: (token: string): Promise<Principal> => {
    const match = /^user:(\w+):(\w+)$/.exec(token);
    if (!match) return Promise.reject(unauthenticatedError('not a test user token'));
    return Promise.resolve({
      kind: 'user',
      actor: `subject:${match[1]}`,
      subject: match[1]!,
      claims: { sub: [match[1]!], groups: [match[2]!] },
    });
  },
};

describe('project creators', () => {
  let store: SqliteStore;
  let app: ReturnType<typeof createApp>;
  const shutdown = new AbortController();

  beforeAll(async () => {
    store = openSqliteStore({ path: ':memory:' });
    const { auth } = await testAuth(store, {
      oidc: users,
      systemBindings: [
        { role: 'kargo-project-creator', claims: [{ name: 'groups', values: ['leads'] }] },
      ],
    });
    app = createApp({
      auth,
      service: new ResourceService({ store }),
      store,
      logger: silentLogger,
      shutdown: shutdown.signal,
      storeKind: 'sqlite',
      logs: new PromotionLogs(join(tmpdir(), 'gantry-creator-test-logs')),
    });
  });
  afterAll(async () => {
    shutdown.abort();
    await store.close();
  });

  const apply = (token: string, items: unknown[]) =>
    app.request('/v1/resources', {
      method: 'PUT',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
  const warehouse = (project: string) => ({
    apiVersion: KARGO,
    kind: 'Warehouse',
    metadata: { name: 'app', namespace: project },
    spec: { subscriptions: [{ image: { repoURL: '127.0.0.1:1/app' } }] },
  });

  it('creates a project and fills it in one batch, and becomes its admin', async () => {
    const created = await apply('user:ana:leads', [
      { apiVersion: KARGO, kind: 'Project', metadata: { name: 'fresh' } },
      warehouse('fresh'),
    ]);
    expect(created.status, await created.clone().text()).toBe(200);
    const role = await store.get({ kind: 'Role', namespace: 'fresh', name: 'kargo-admin' });
    expect(role).toMatchObject({ claims: [{ name: 'sub', values: ['ana'] }] });
    // Later, as the project's admin: edits its pipeline and reads its Secrets.
    expect(
      (
        await apply('user:ana:leads', [
          {
            ...warehouse('fresh'),
            spec: { subscriptions: [{ image: { repoURL: '127.0.0.1:1/other' } }] },
          },
        ])
      ).status,
    ).toBe(200);
    expect(
      (await app.request('/v1/projects/fresh/secrets', { headers: bearer('user:ana:leads') }))
        .status,
    ).toBe(200);
  });

  it('gives a creator nothing in projects it did not create', async () => {
    expect(
      (
        await apply('user:ana:leads', [
          { apiVersion: KARGO, kind: 'Project', metadata: { name: 'other' } },
        ])
      ).status,
    ).toBe(200);
    const bo = await apply('user:bo:leads', [warehouse('other')]);
    expect(bo.status).toBe(403);
    expect(((await bo.json()) as { error: { message: string } }).error.message).toBe(
      'subject:bo may not create warehouses "app" in project "other"',
    );
  });

  it('leaves the shared resources project to system admins', async () => {
    // Every project reads its ConfigMaps and generic Secrets: a creator would become its admin.
    const refused = await apply('user:ana:leads', [
      { apiVersion: KARGO, kind: 'Project', metadata: { name: 'kargo-shared-resources' } },
    ]);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'subject:ana may not create project "kargo-shared-resources": it holds the Secrets and ConfigMaps every project shares; only a system admin may create it',
    );
    expect(
      await store.get({ kind: 'Project', namespace: '', name: 'kargo-shared-resources' }),
    ).toBeUndefined();
  });

  it('refuses project creation to users without the role', async () => {
    const refused = await apply('user:cy:devs', [
      { apiVersion: KARGO, kind: 'Project', metadata: { name: 'nope' } },
    ]);
    expect(refused.status).toBe(403);
    expect(await store.get({ kind: 'Project', namespace: '', name: 'nope' })).toBeUndefined();
  });
});
