import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer } from '../../test/auth-fixtures.js';
import { kubeTestApp, type KubeTestApp } from '../../test/kube-test-app.js';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';

const api = 'kargo.akuity.io/v1alpha1';
const STAGES = `/apis/${api}/namespaces/demo/stages`;

function stage(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: api,
    kind: 'Stage',
    metadata: { name },
    spec: {
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    },
    ...extra,
  };
}

describe('the Kubernetes API: writes', () => {
  let test: KubeTestApp;
  let store: SqliteStore;
  let app: KubeTestApp['app'];
  let admin: Record<string, string>;
  let viewer: Record<string, string>;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    options: { type?: string; headers?: Record<string, string> } = {},
  ) => {
    const response = await app.request(path, {
      method,
      headers: {
        ...(options.headers ?? admin),
        'content-type': options.type ?? 'application/json',
        'user-agent': 'kubectl/v1.32.0 (linux/amd64) kubernetes/abc',
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, any>,
    };
  };

  beforeEach(async () => {
    test = await kubeTestApp();
    ({ store, app, admin } = test);
    const ns = await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo' },
    });
    expect(ns.status).toBe(201);
    viewer = bearer(await test.fixture.tokenFor('kargo-viewer', 'demo', 'demo-viewer'));
  });

  afterEach(() => test.stop());

  it('creates in the namespace of the path, with field ownership, and refuses another one', async () => {
    const created = await call('POST', `${STAGES}?fieldManager=kubectl-create`, stage('dev'));
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'dev', namespace: 'demo', generation: 1 });
    const again = await call('POST', STAGES, stage('dev'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'stages.kargo.akuity.io "dev" already exists',
    });
    const elsewhere = await call('POST', STAGES, {
      ...stage('qa'),
      metadata: { name: 'qa', namespace: 'other' },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const missing = await call('POST', `/apis/${api}/namespaces/nowhere/stages`, stage('qa'));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('namespaces "nowhere" not found');
  });

  it('refuses bodies that are not the path’s kind, or not objects, with a 400 naming what is wrong', async () => {
    const cases: Array<[unknown, string | RegExp]> = [
      ['{not json', /not valid JSON/],
      [[1, 2], /must be one object/],
      [
        { ...stage('x'), apiVersion: 'v1' },
        'the API version in the data (v1) does not match the expected API version (kargo.akuity.io/v1alpha1)',
      ],
      [
        { ...stage('x'), kind: 'Warehouse' },
        'Warehouse.kargo.akuity.io "x" is invalid: kind: Invalid value: "Warehouse": must be Stage',
      ],
      [
        { ...stage('x'), spec: {} },
        /^Stage\.kargo\.akuity\.io "x" is invalid: spec\.requestedFreight/,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await call('POST', STAGES, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.kind).toBe('Status');
      expect(response.body.message).toMatch(message);
    }
    const renamed = await call('PUT', `${STAGES}/dev`, stage('qa'));
    expect(renamed.body.message).toBe(
      'the name of the object (qa) does not match the name on the URL (dev)',
    );
  });

  it('validates fields as fieldValidation says: Strict refuses, Warn drops with a warning, Ignore drops', async () => {
    const body = stage('dev', { spec: { ...stage('dev').spec, foo: 1 } });
    const strict = await call('POST', `${STAGES}?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('strict decoding error: unknown field "spec.foo"');
    const warned = await call('POST', `${STAGES}?fieldValidation=Warn`, body);
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toContain('299 - "unknown field \\"spec.foo\\""');
    expect(warned.body.spec.foo).toBeUndefined();
    const ignored = await call('POST', `${STAGES}?fieldValidation=Ignore`, {
      ...body,
      metadata: { name: 'qa' },
    });
    expect(ignored.status).toBe(201);
    expect(ignored.headers.get('warning')).not.toContain('unknown field');
    const bad = await call('POST', `${STAGES}?fieldValidation=Loose`, body);
    expect(bad.status).toBe(400);
  });

  it('writes nothing on dryRun=All, and answers what would be', async () => {
    const dry = await call('POST', `${STAGES}?dryRun=All`, stage('dev'));
    expect(dry.status).toBe(201);
    expect(dry.body.metadata.name).toBe('dev');
    expect((await call('GET', `${STAGES}/dev`)).status).toBe(404);
    const wrong = await call('POST', `${STAGES}?dryRun=Yes`, stage('dev'));
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('Unsupported value: "Yes"');
  });

  it('updates with optimistic concurrency, bumps generation on spec changes, ignores status', async () => {
    const created = (await call('POST', STAGES, stage('dev'))).body;
    const version = created.metadata.resourceVersion as string;
    const changed = {
      ...created,
      spec: { ...created.spec, shard: 'east' },
      status: { phase: 'Made up' },
    };
    const updated = await call('PUT', `${STAGES}/dev`, changed);
    expect(updated.status).toBe(200);
    expect(updated.body.metadata.generation).toBe(2);
    expect(updated.body.spec.shard).toBe('east');
    expect(updated.body.status?.phase).toBeUndefined();
    const stale = await call('PUT', `${STAGES}/dev`, changed);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on stages.kargo.akuity.io "dev": the object has been modified; please apply your changes to the latest version and try again',
    });
    const unconditional = await call('PUT', `${STAGES}/dev`, stage('dev'));
    expect(unconditional.status).toBe(400);
    expect(unconditional.body.message).toContain('metadata.resourceVersion: Invalid value: 0x0');
    const missing = await call('PUT', `${STAGES}/qa`, {
      ...stage('qa'),
      metadata: { name: 'qa', resourceVersion: version },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('stages.kargo.akuity.io "qa" not found');
  });

  it('patches by JSON patch, merge patch and strategic merge patch; refuses other media types', async () => {
    await call('POST', STAGES, stage('dev'));
    const merged = await call(
      'PATCH',
      `${STAGES}/dev`,
      { spec: { shard: 'east' }, metadata: { labels: { tier: 'a' } } },
      {
        type: 'application/merge-patch+json',
      },
    );
    expect(merged.status).toBe(200);
    expect(merged.body.spec.shard).toBe('east');
    expect(merged.body.metadata.labels).toMatchObject({ tier: 'a' });
    const strategic = await call(
      'PATCH',
      `${STAGES}/dev`,
      { spec: { shard: null } },
      {
        type: 'application/strategic-merge-patch+json',
      },
    );
    expect(strategic.body.spec.shard).toBeUndefined();
    const json = await call(
      'PATCH',
      `${STAGES}/dev`,
      [
        { op: 'test', path: '/metadata/labels/tier', value: 'a' },
        { op: 'replace', path: '/metadata/labels/tier', value: 'b' },
      ],
      { type: 'application/json-patch+json' },
    );
    expect(json.status).toBe(200);
    expect(json.body.metadata.labels.tier).toBe('b');
    const failed = await call(
      'PATCH',
      `${STAGES}/dev`,
      [{ op: 'test', path: '/metadata/labels/tier', value: 'a' }],
      { type: 'application/json-patch+json' },
    );
    expect(failed.status).toBe(400);
    expect(failed.body.message).toContain('test failed');
    const directive = await call(
      'PATCH',
      `${STAGES}/dev`,
      { spec: { $patch: 'replace' } },
      {
        type: 'application/strategic-merge-patch+json',
      },
    );
    expect(directive.status).toBe(400);
    const text = await call('PATCH', `${STAGES}/dev`, '{}', { type: 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.reason).toBe('UnsupportedMediaType');
    const forced = await call(
      'PATCH',
      `${STAGES}/dev?force=true`,
      {},
      {
        type: 'application/merge-patch+json',
      },
    );
    expect(forced.status).toBe(400);
    expect(forced.body.message).toContain('force: Forbidden');
    const apply = await call('PATCH', `${STAGES}/dev`, stage('dev'), {
      type: 'application/apply-patch+yaml',
    });
    expect(apply.status).toBe(400);
    expect(apply.body.message).toContain(
      'fieldManager: Required value: is required for apply patch',
    );
  });

  it('deletes one object with preconditions, and collections by selector', async () => {
    for (const name of ['dev', 'qa', 'prod'])
      await call('POST', STAGES, {
        ...stage(name),
        metadata: { name, labels: { tier: name === 'prod' ? 'prod' : 'test' } },
      });
    const dev = (await call('GET', `${STAGES}/dev`)).body;
    const wrongUid = await call('DELETE', `${STAGES}/dev`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      preconditions: { uid: 'nope' },
    });
    expect(wrongUid.status).toBe(409);
    expect(wrongUid.body.message).toBe(
      `Operation cannot be fulfilled on stages.kargo.akuity.io "dev": Precondition failed: UID in precondition: nope, UID in object meta: ${dev.metadata.uid}`,
    );
    const dry = await call('DELETE', `${STAGES}/dev?dryRun=All`);
    expect(dry.status).toBe(200);
    expect((await call('GET', `${STAGES}/dev`)).status).toBe(200);
    const deleted = await call('DELETE', `${STAGES}/dev`, {
      preconditions: { uid: dev.metadata.uid, resourceVersion: dev.metadata.resourceVersion },
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.name).toBe('dev');
    expect((await call('DELETE', `${STAGES}/dev`)).body.message).toBe(
      'stages.kargo.akuity.io "dev" not found',
    );
    const collection = await call('DELETE', `${STAGES}?labelSelector=tier%3Dtest`);
    expect(collection.status).toBe(200);
    expect(collection.body.items.map((i: any) => i.metadata.name)).toEqual(['qa']);
    const byField = await call('DELETE', `${STAGES}?fieldSelector=metadata.name%3Dprod`);
    expect(byField.body.items.map((i: any) => i.metadata.name)).toEqual(['prod']);
    const badField = await call('DELETE', `${STAGES}?fieldSelector=spec.shard%3Dx`);
    expect(badField.status).toBe(400);
  });

  it('serves the status subresource: reads for viewers, writes for no user role', async () => {
    await call('POST', STAGES, stage('dev'));
    const read = await call('GET', `${STAGES}/dev/status`, undefined, { headers: viewer });
    expect(read.status).toBe(200);
    expect(read.body.metadata.name).toBe('dev');
    const write = await call(
      'PUT',
      `${STAGES}/dev/status`,
      { ...stage('dev'), status: {} },
      {
        headers: viewer,
      },
    );
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({
      reason: 'Forbidden',
      message:
        'stages.kargo.akuity.io "dev" is forbidden: User "token:demo/demo-viewer" cannot update resource "stages/status" in API group "kargo.akuity.io" in the namespace "demo"',
    });
    // Admins neither: status is the controllers' record (no user role grants it).
    const admins = await call(
      'PATCH',
      `${STAGES}/dev/status`,
      { status: {} },
      {
        type: 'application/merge-patch+json',
      },
    );
    expect(admins.status).toBe(403);
    const viewerWrite = await call('POST', STAGES, stage('qa'), { headers: viewer });
    expect(viewerWrite.status).toBe(403);
    expect(viewerWrite.body.message).toBe(
      'stages.kargo.akuity.io is forbidden: User "token:demo/demo-viewer" cannot create resource "stages" in API group "kargo.akuity.io" in the namespace "demo"',
    );
    const namespace = await call('DELETE', '/api/v1/namespaces/demo', undefined, {
      headers: viewer,
    });
    expect(namespace.body.message).toBe(
      'namespaces "demo" is forbidden: User "token:demo/demo-viewer" cannot delete resource "namespaces" in API group "" in the namespace "demo"',
    );
  });

  it('maps namespaces to Projects: create, label, delete', async () => {
    const created = await call('POST', '/api/v1/namespaces', { metadata: { name: 'team' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'Namespace', metadata: { name: 'team' } });
    const project = await call('GET', `/apis/${api}/projects/team`);
    expect(project.status).toBe(200);
    const labelled = await call(
      'PATCH',
      '/api/v1/namespaces/team',
      { metadata: { labels: { a: 'b' } } },
      {
        type: 'application/merge-patch+json',
      },
    );
    expect(labelled.status).toBe(200);
    expect(labelled.body.metadata.labels).toEqual({ a: 'b' });
    const deleted = await call('DELETE', '/api/v1/namespaces/team');
    expect(deleted.status).toBe(200);
    expect(deleted.body.status.phase).toBe('Terminating');
    expect((await call('GET', `/apis/${api}/projects/team`)).status).toBe(404);
  });

  it('writes Secrets without ever answering their values, and patches keep the others', async () => {
    const SECRETS = '/api/v1/namespaces/demo/secrets';
    const created = await call('POST', SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'creds',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
            kind: 'Secret',
            stringData: { password: 'hunter22' },
          }),
        },
      },
      stringData: { username: 'bot', password: 'hunter22' },
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('hunter22');
    // Values show as base64 of "***", so clients decoding data as base64 still can.
    expect(created.body.data).toEqual({ username: 'Kioq', password: 'Kioq' });
    expect(
      JSON.parse(
        created.body.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'],
      ),
    ).toEqual({ kind: 'Secret', stringData: { password: 'Kioq' } });
    const patched = await call(
      'PATCH',
      `${SECRETS}/creds`,
      { metadata: { labels: { a: 'b' } } },
      {
        type: 'application/merge-patch+json',
      },
    );
    expect(patched.status).toBe(200);
    expect(JSON.stringify(patched.body)).not.toContain('aHVudGVyMjI');
    const failedTest = await call(
      'PATCH',
      `${SECRETS}/creds`,
      [{ op: 'test', path: '/data/password', value: 'x' }],
      { type: 'application/json-patch+json' },
    );
    expect(failedTest.status).toBe(400);
    expect(failedTest.body.message).toContain("may not test a Secret's values");
    const copied = await call(
      'PATCH',
      `${SECRETS}/creds`,
      [{ op: 'copy', from: '/data/password', path: '/metadata/annotations/leak' }],
      { type: 'application/json-patch+json' },
    );
    expect(copied.status).toBe(400);
    expect(JSON.stringify(copied.body)).not.toMatch(/hunter22|aHVudGVyMjI/);
    const stored = await store.get({ kind: 'Secret', namespace: 'demo', name: 'creds' });
    expect(JSON.stringify(stored)).toMatch(/hunter22|aHVudGVyMjI/);
    expect(stored?.metadata.labels).toEqual({ a: 'b' });
  });

  it('answers hostile bodies with a 400 Status and changes nothing', async () => {
    await call('POST', STAGES, stage('dev'));
    const before = await store.get({ kind: 'Stage', namespace: 'demo', name: 'dev' });
    const cases: Array<[string, string, unknown, string?]> = [
      ['POST', STAGES, 'null'],
      ['POST', STAGES, { ...stage('x'), metadata: 5 }],
      ['POST', STAGES, { ...stage('x'), metadata: { name: 5 } }],
      ['POST', STAGES, { ...stage('x'), metadata: { name: 'x', labels: { a: 1 } } }],
      ['POST', STAGES, 'kind: [unclosed', 'application/yaml'],
      ['POST', STAGES, 'a: 1\n---\nb: 2\n', 'application/yaml'],
      ['POST', '/api/v1/namespaces', 'k8s\u0000garbage', 'application/vnd.kubernetes.protobuf'],
      ['PUT', `${STAGES}/dev`, { ...stage('dev'), metadata: { name: 'dev', resourceVersion: 7 } }],
      [
        'PATCH',
        `${STAGES}/dev`,
        [{ op: 'replace', path: '', value: 5 }],
        'application/json-patch+json',
      ],
      [
        'PATCH',
        `${STAGES}/dev`,
        [{ op: 'add', path: 'spec', value: 5 }],
        'application/json-patch+json',
      ],
      ['PATCH', `${STAGES}/dev`, { op: 'add' }, 'application/json-patch+json'],
      ['PATCH', `${STAGES}/dev`, [1], 'application/merge-patch+json'],
      ['PATCH', `${STAGES}/dev`, { metadata: { name: 'other' } }, 'application/merge-patch+json'],
      ['PATCH', `${STAGES}/dev`, { kind: 'Warehouse' }, 'application/merge-patch+json'],
      [
        'PATCH',
        `${STAGES}/dev`,
        { spec: { requestedFreight: 'x' } },
        'application/merge-patch+json',
      ],
      ['DELETE', `${STAGES}/dev`, '{"preconditions": '],
      ['DELETE', `${STAGES}/dev`, '[]'],
    ];
    for (const [method, path, body, type] of cases) {
      const response = await call(method, path, body, { type });
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(response.body).toMatchObject({ kind: 'Status', status: 'Failure', code: 400 });
      expect(response.body.message).toEqual(expect.any(String));
    }
    expect(await store.get({ kind: 'Stage', namespace: 'demo', name: 'dev' })).toEqual(before);
  });

  it('writes cluster-scoped kinds at the cluster path, and namespaced ones only in a namespace', async () => {
    const task = {
      apiVersion: api,
      kind: 'ClusterPromotionTask',
      metadata: { name: 'noop' },
      spec: {
        steps: [
          {
            uses: 'git-clone',
            config: {
              repoURL: 'https://example.invalid/x.git',
              checkout: [{ branch: 'main', path: './src' }],
            },
          },
        ],
      },
    };
    const created = await call('POST', `/apis/${api}/clusterpromotiontasks`, task);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.metadata.namespace).toBeUndefined();
    const inNamespace = await call(
      'POST',
      `/apis/${api}/namespaces/demo/clusterpromotiontasks`,
      task,
    );
    expect(inNamespace.status).toBe(404);
    const stageAtCluster = await call('POST', `/apis/${api}/stages`, stage('dev'));
    expect(stageAtCluster.status).toBe(404);
    expect(stageAtCluster.body.message).toBe('the server could not find the requested resource');
    const deleted = await call('DELETE', `/apis/${api}/clusterpromotiontasks/noop`);
    expect(deleted.status).toBe(200);
  });
});
