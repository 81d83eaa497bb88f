import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../test/auth-fixtures.js';
import { kubeTestApp, type KubeTestApp } from '../../test/kube-test-app.js';
import { WITHHELD_SECRET_VALUE } from './kube-secret.js';

const api = 'kargo.akuity.io/v1alpha1';

describe('Secrets and ConfigMaps as core v1 kinds, and field selectors on lists', () => {
  let t: KubeTestApp;
  let viewer: Record<string, string>;
  const get = (path: string, headers?: Record<string, string>) => t.get(path, headers);

  beforeAll(async () => {
    t = await kubeTestApp();
    const applied = await t.apply([
      { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'demo' },
        stringData: { password: 'hunter22-secret' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls', namespace: 'demo' },
        type: 'kubernetes.io/tls',
        data: { 'tls.key': Buffer.from('private-key-bytes').toString('base64') },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'demo' },
        data: { region: 'eu' },
      },
    ]);
    expect(applied).toBe(200);
    viewer = bearer(await t.fixture.tokenFor('kargo-viewer', 'demo'));
  });
  afterAll(() => t.stop());

  it('shows Secrets in kube’s shape, keys without values, to those who may read them', async () => {
    const list = await get('/api/v1/namespaces/demo/secrets');
    expect(list.body.kind).toBe('SecretList');
    expect(list.body.items).toEqual([
      expect.objectContaining({
        kind: 'Secret',
        type: 'Opaque',
        data: { password: WITHHELD_SECRET_VALUE },
      }),
      expect.objectContaining({
        type: 'kubernetes.io/tls',
        data: { 'tls.key': WITHHELD_SECRET_VALUE },
      }),
    ]);
    expect(Buffer.from(WITHHELD_SECRET_VALUE, 'base64').toString()).toBe('***');
    const one = await get('/api/v1/namespaces/demo/secrets/creds');
    for (const text of [list.text, one.text, (await get('/api/v1/secrets')).text]) {
      expect(text).not.toContain('hunter22');
      expect(text).not.toContain(Buffer.from('hunter22-secret').toString('base64'));
      expect(text).not.toContain(Buffer.from('private-key-bytes').toString('base64'));
      expect(text).not.toContain('stringData');
    }
    const typed = await get(
      '/api/v1/namespaces/demo/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls',
    );
    expect(typed.body.items.map((s: any) => s.metadata.name)).toEqual(['tls']);
  });

  it('refuses Secrets to a viewer, and leaves them out of lists across namespaces', async () => {
    const refused = await get('/api/v1/namespaces/demo/secrets/creds', viewer);
    expect(refused.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    expect(refused.text).not.toContain('password');
    expect((await get('/api/v1/namespaces/demo/secrets', viewer)).status).toBe(403);
    const everywhere = await get('/api/v1/secrets', viewer);
    expect(everywhere.body.items).toEqual([]);
    const configMaps = await get('/api/v1/namespaces/demo/configmaps', viewer);
    expect(configMaps.body.items).toEqual([
      expect.objectContaining({ kind: 'ConfigMap', data: { region: 'eu' } }),
    ]);
  });

  it('selects by metadata.name and metadata.namespace, and refuses other fields', async () => {
    const names = async (query: string) =>
      (
        await get(`/api/v1/namespaces/demo/secrets?fieldSelector=${encodeURIComponent(query)}`)
      ).body.items.map((s: any) => s.metadata.name);
    expect(await names('metadata.name=creds')).toEqual(['creds']);
    expect(await names('metadata.name!=creds')).toEqual(['tls']);
    expect(await names('metadata.namespace==demo,metadata.name!=tls')).toEqual(['creds']);
    const across = await get(
      `/apis/${api}/projects?fieldSelector=${encodeURIComponent('metadata.name=demo')}`,
    );
    expect(across.body.items.map((p: any) => p.metadata.name)).toEqual(['demo']);
    const refused = await get(
      `/apis/${api}/namespaces/demo/stages?fieldSelector=${encodeURIComponent('spec.foo=x')}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'field label not supported: spec.foo',
    });
  });
});
