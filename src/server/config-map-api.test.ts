import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, testAuth } from '../../test/auth-fixtures.js';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createApp } from './app.js';

const KARGO = 'kargo.akuity.io/v1alpha1';
const project = (name: string) => ({ apiVersion: KARGO, kind: 'Project', metadata: { name } });
const configMap = (name: string, namespace: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

describe('ConfigMaps over the API', () => {
  let store: SqliteStore;
  let app: ReturnType<typeof createApp>;
  let admin: Record<string, string>;
  let tokenFor: (role: string, project?: string) => Promise<string>;
  const shutdown = new AbortController();

  const request = (path: string, init: RequestInit & { as?: Record<string, string> } = {}) =>
    app.request(path, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.as ?? admin) },
    });
  const apply = (items: unknown[]) =>
    request('/v1/resources', { method: 'PUT', body: JSON.stringify({ items }) });
  const evaluate = async (expression: string) => {
    const response = await request('/v1/projects/demo/expressions', {
      method: 'POST',
      body: JSON.stringify({ expression }),
    });
    return (await response.json()) as { value?: unknown; error?: { message: string } };
  };

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    const fixture = await testAuth(store);
    admin = bearer(fixture.adminToken);
    tokenFor = (role, inProject) => fixture.tokenFor(role, inProject);
    app = createApp({
      auth: fixture.auth,
      service: new ResourceService({ store }),
      store,
      logger: silentLogger,
      shutdown: shutdown.signal,
      storeKind: 'sqlite',
      logs: new PromotionLogs(join(tmpdir(), 'gantry-config-map-test-logs')),
    });
    expect((await apply([project('demo')])).status).toBe(200);
  });
  afterEach(() => store.close());

  it('applies, gets and lists ConfigMaps, values shown', async () => {
    const applied = await apply([configMap('settings', 'demo', { region: 'eu-west-1' })]);
    expect(applied.status, await applied.clone().text()).toBe(200);
    const got = await request('/v1/projects/demo/configmaps/settings');
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'demo' },
      data: { region: 'eu-west-1' },
    });
    const listed = (await (await request('/v1/projects/demo/configmaps')).json()) as {
      items: Array<{ metadata: { name: string } }>;
    };
    expect(listed.items.map((item) => item.metadata.name)).toEqual(['settings']);
  });

  it('refuses an invalid ConfigMap, naming the field', async () => {
    const refused = await request('/v1/projects/demo/configmaps', {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings' },
        data: { replicas: 3 },
      }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'data.replicas',
    );
  });

  it("lets the project's viewers read ConfigMaps (as Kargo's project roles), not Secrets", async () => {
    await apply([configMap('settings', 'demo', { region: 'eu-west-1' })]);
    const viewer = bearer(await tokenFor('kargo-viewer', 'demo'));
    expect((await request('/v1/projects/demo/configmaps/settings', { as: viewer })).status).toBe(
      200,
    );
    expect((await request('/v1/projects/demo/secrets', { as: viewer })).status).toBe(403);
    const write = await request('/v1/resources', {
      method: 'PUT',
      as: viewer,
      body: JSON.stringify({ items: [configMap('other', 'demo', {})] }),
    });
    expect(write.status).toBe(403);
  });

  it('gives expressions the project ConfigMaps and the shared ones, never Secrets', async () => {
    await apply([
      configMap('settings', 'demo', { region: 'eu-west-1' }),
      project('kargo-shared-resources'),
      configMap('defaults', 'kargo-shared-resources', { team: 'platform' }),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'slack',
          namespace: 'kargo-shared-resources',
          labels: { 'kargo.akuity.io/cred-type': 'generic' },
        },
        stringData: { token: 'xoxb-shared-token' },
      },
    ]);
    expect(await evaluate("configMap('settings').region")).toEqual({ value: 'eu-west-1' });
    expect(await evaluate("sharedConfigMap('defaults').team")).toEqual({ value: 'platform' });
    expect(await evaluate("configMap('missing')")).toEqual({ value: {} });
    expect((await evaluate("sharedSecret('slack')")).error?.message).toContain(
      'sharedSecret(): secrets are not readable here',
    );
    expect(
      (await evaluate("repoCredentials('https://x.example/a.git', 'git')")).error?.message,
    ).toContain('repoCredentials is not available in this context');
    // A value equal to a shared Secret's is masked all the same.
    expect(await evaluate('"xoxb-shared-token"')).toEqual({ value: '***' });
  });
});
