import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../test/auth-fixtures.js';
import { kubeTestApp, type KubeTestApp } from '../../test/kube-test-app.js';
import { AuditLog } from '../audit/audit-log.js';

const api = 'kargo.akuity.io/v1alpha1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

describe('core v1 Events from the audit trail', () => {
  let t: KubeTestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let outsider: Record<string, string>;
  let devUid: string;
  const get = (path: string, headers?: Record<string, string>) => t.get(path, headers);

  beforeAll(async () => {
    t = await kubeTestApp();
    admin = t.admin;
    // Through the REST API, so the audit trail records who made what.
    const applied = await t.apply([
      { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
      { apiVersion: api, kind: 'Project', metadata: { name: 'other' } },
      {
        apiVersion: api,
        kind: 'Stage',
        metadata: { name: 'dev', namespace: 'demo' },
        spec: {
          requestedFreight: [
            { origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } },
          ],
        },
      },
    ]);
    expect(applied).toBe(200);
    // An event of an earlier Stage of the same name: not about the one living now.
    await new AuditLog({ store: t.store, now: () => new Date('2020-01-01T00:00:00Z') }).record([
      { actor: 'token:old', action: 'delete', kind: 'Stage', project: 'demo', name: 'dev' },
    ]);
    viewer = bearer(await t.fixture.tokenFor('kargo-viewer', 'demo'));
    outsider = bearer(await t.fixture.tokenFor('kargo-admin', 'other'));
    devUid = (await get(`/apis/${api}/namespaces/demo/stages/dev`)).body.metadata.uid;
  });
  afterAll(() => t.stop());

  it('is in core v1 discovery, read-only', async () => {
    const core = (await get('/api/v1')).body;
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'events', kind: 'Event', verbs: ['get', 'list'] }),
    );
  });

  it('lists a namespace’s events as an EventList, selected as kubectl describe selects them', async () => {
    const all = (await get('/api/v1/namespaces/demo/events')).body;
    expect(all.kind).toBe('EventList');
    const created = all.items.find(
      (e: any) => e.involvedObject.kind === 'Stage' && e.reason === 'Create',
    );
    expect(created).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'demo', name: expect.stringMatching(/^dev\./) },
      involvedObject: { apiVersion: api, kind: 'Stage', name: 'dev', namespace: 'demo' },
      source: { component: 'token:test-admin' },
      type: 'Normal',
      count: 1,
    });
    const selector = [
      'involvedObject.name=dev',
      'involvedObject.namespace=demo',
      'involvedObject.kind=Stage',
      `involvedObject.uid=${devUid}`,
    ].join(',');
    const described = (
      await get(`/api/v1/namespaces/demo/events?fieldSelector=${encodeURIComponent(selector)}`)
    ).body;
    expect(described.items.map((e: any) => [e.reason, e.involvedObject.uid])).toEqual([
      ['Create', devUid],
    ]);
    const one = (await get(`/api/v1/namespaces/demo/events/${created.metadata.name}`)).body;
    expect(one.metadata.name).toBe(created.metadata.name);
    expect((await get('/api/v1/namespaces/demo/events/dev.nope')).body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'events "dev.nope" not found',
    });
  });

  it('prints a table with kube-apiserver’s columns', async () => {
    const table = (await get('/api/v1/namespaces/demo/events', { ...admin, accept: TABLE })).body;
    expect(table.kind).toBe('Table');
    expect(
      table.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name),
    ).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
    expect(table.rows.map((r: any) => r.cells[3])).toContain('stage/dev');
  });

  it('shows each caller only the projects they may read, and refuses what it cannot serve', async () => {
    expect((await get('/api/v1/namespaces/demo/events', viewer)).status).toBe(200);
    expect((await get('/api/v1/namespaces/demo/events', outsider)).status).toBe(403);
    const everywhere = (await get('/api/v1/events', outsider)).body;
    expect(everywhere.items.map((e: any) => e.metadata.namespace)).not.toContain('demo');
    const watch = await get('/api/v1/namespaces/demo/events?watch=true');
    expect(watch.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    const badField = await get('/api/v1/namespaces/demo/events?fieldSelector=spec.x%3D1');
    expect(badField.body.message).toBe('field label not supported: spec.x');
  });
});
