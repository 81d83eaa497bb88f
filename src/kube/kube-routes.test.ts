import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer } from '../../test/auth-fixtures.js';
import { kubeTestApp, type KubeTestApp } from '../../test/kube-test-app.js';

const api = 'kargo.akuity.io/v1alpha1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

describe('the Kubernetes API: discovery and reads', () => {
  let t: KubeTestApp;
  let app: KubeTestApp['app'];
  let admin: Record<string, string>;
  let fixture: KubeTestApp['fixture'];

  const get = async (path: string, headers: Record<string, string> = admin) => {
    const response = await app.request(path, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeEach(async () => {
    t = await kubeTestApp();
    ({ app, admin, fixture } = t);
    const applied = await t.apply([
      { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
      { apiVersion: api, kind: 'Project', metadata: { name: 'other' } },
      ...['dev', 'prod'].map((name, i) => ({
        apiVersion: api,
        kind: 'Stage',
        metadata: { name, namespace: 'demo', labels: { tier: name } },
        spec: {
          requestedFreight: [
            {
              origin: { kind: 'Warehouse', name: 'web' },
              sources: i === 0 ? { direct: true } : { stages: ['dev'] },
            },
          ],
        },
      })),
    ]);
    expect(applied).toBe(200);
  });
  afterEach(() => t.stop());

  it('says which groups, versions and resources it serves, by Kargo’s names', async () => {
    expect((await get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await get('/apis')).body;
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining(['kargo.akuity.io', 'argoproj.io', 'rbac.kargo.akuity.io']),
    );
    const kargo = (await get('/apis/kargo.akuity.io/v1alpha1')).body;
    const byName = new Map(kargo.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('freights')).toMatchObject({ kind: 'Freight', namespaced: true });
    expect(byName.get('promotions')).toMatchObject({ shortNames: ['promo', 'promos'] });
    expect(byName.get('stages/status')).toMatchObject({ verbs: ['get', 'patch', 'update'] });
    expect(byName.get('projects')).toMatchObject({ namespaced: false });
    const core = (await get('/api/v1')).body;
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['namespaces', 'secrets', 'configmaps']),
    );
    expect((await get('/version', {})).body).toMatchObject({ major: '1', minor: '32' });
  });

  it('lists and gets objects, with label selectors, as Kubernetes lists', async () => {
    const list = (await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages')).body;
    expect(list).toMatchObject({ kind: 'StageList', apiVersion: api });
    expect(list.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual([
      'dev',
      'prod',
    ]);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
    const selected = (
      await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages?labelSelector=tier%3Dprod')
    ).body;
    expect(selected.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual([
      'prod',
    ]);
    const one = (await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages/dev')).body;
    expect(one).toMatchObject({ kind: 'Stage', metadata: { name: 'dev', namespace: 'demo' } });
    const namespaces = (await get('/api/v1/namespaces')).body;
    expect(namespaces.items).toEqual([
      expect.objectContaining({ kind: 'Namespace', status: { phase: 'Active' } }),
      expect.objectContaining({ kind: 'Namespace' }),
    ]);
    expect((await get('/api/v1/namespaces/demo')).body.metadata.name).toBe('demo');
  });

  it('prints tables with Kargo’s printer columns when asked', async () => {
    const table = (
      await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages', {
        ...admin,
        accept: TABLE,
      })
    ).body;
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Shard',
      'Current Freight',
      'Health',
      'Ready',
      'Status',
      'Age',
    ]);
    expect(table.rows.map((r: { cells: unknown[] }) => r.cells[0])).toEqual(['dev', 'prod']);
    expect(table.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'dev' },
    });
    // An age, as kube-apiserver prints dates.
    expect(table.rows[0].cells[6]).toMatch(/^\d+s$/);
  });

  it('answers errors as Status objects kubectl understands', async () => {
    const missing = await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages/qa');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'stages.kargo.akuity.io "qa" not found',
    });
    const unknown = await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/gadgets');
    expect(unknown.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    const badSelector = await get(
      '/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages?labelSelector=tier%20%3D%3D%3D',
    );
    expect(badSelector.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(badSelector.body.message).toMatch(/^labelSelector: /);
    const anonymous = await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages', {});
    expect(anonymous.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('shows each caller only what their roles let them read', async () => {
    const viewer = bearer(await fixture.tokenFor('kargo-viewer', 'demo'));
    expect(
      (await get('/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages', viewer)).status,
    ).toBe(200);
    const elsewhere = await get('/apis/kargo.akuity.io/v1alpha1/namespaces/other/stages', viewer);
    expect(elsewhere.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    const everywhere = (await get('/apis/kargo.akuity.io/v1alpha1/stages', viewer)).body;
    expect(
      everywhere.items.map((s: { metadata: { namespace: string } }) => s.metadata.namespace),
    ).toEqual(['demo', 'demo']);
    const namespaces = (await get('/api/v1/namespaces', viewer)).body;
    expect(namespaces.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([
      'demo',
    ]);
  });
});
