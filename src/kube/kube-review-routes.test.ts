import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../test/auth-fixtures.js';
import { kubeTestApp, type KubeTestApp } from '../../test/kube-test-app.js';

const REVIEWS = '/apis/authorization.k8s.io/v1';

/** A length-delimited protobuf field (lengths under 128: one byte). */
const field = (n: number, bytes: number[] | string): number[] => {
  const body = typeof bytes === 'string' ? [...Buffer.from(bytes)] : bytes;
  return [(n << 3) | 2, body.length, ...body];
};

/** A SelfSubjectAccessReview as kubectl sends it (application/vnd.kubernetes.protobuf). */
function protobufReview(attributes: string[]): Uint8Array {
  const resourceAttributes = attributes.flatMap((value, i) => field(i + 1, value));
  const raw = [...field(1, []), ...field(2, field(1, resourceAttributes)), ...field(3, [])];
  const typeMeta = [...field(1, 'authorization.k8s.io/v1'), ...field(2, 'SelfSubjectAccessReview')];
  return new Uint8Array([0x6b, 0x38, 0x73, 0, ...field(1, typeMeta), ...field(2, raw)]);
}

describe('kubectl auth can-i: access reviews from the Authorizer', () => {
  let t: KubeTestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;

  const review = async (
    kind: 'selfsubjectaccessreviews' | 'selfsubjectrulesreviews',
    body: unknown,
    headers: Record<string, string> = admin,
  ) => {
    const response = await t.app.request(`${REVIEWS}/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const can = async (attributes: Record<string, string>, headers = admin) =>
    (
      await review(
        'selfsubjectaccessreviews',
        { spec: { resourceAttributes: attributes } },
        headers,
      )
    ).body.status as { allowed: boolean; reason?: string };

  beforeAll(async () => {
    t = await kubeTestApp(['demo', 'other']);
    admin = t.admin;
    viewer = bearer(await t.fixture.tokenFor('kargo-viewer', 'demo'));
  });
  afterAll(() => t.stop());

  it('is in discovery, as kubectl expects', async () => {
    const groups = (await (await t.app.request('/apis', { headers: admin })).json()) as {
      groups: Array<{ name: string }>;
    };
    expect(groups.groups.map((g) => g.name)).toContain('authorization.k8s.io');
    const list = (await (await t.app.request(REVIEWS, { headers: admin })).json()) as {
      resources: Array<{ name: string; verbs: string[] }>;
    };
    expect(list.resources).toEqual([
      expect.objectContaining({ name: 'selfsubjectaccessreviews', verbs: ['create'] }),
      expect.objectContaining({ name: 'selfsubjectrulesreviews', verbs: ['create'] }),
    ]);
  });

  it('answers yes and no as the Authorizer decides, by Kubernetes group-resources', async () => {
    const stages = { group: 'kargo.akuity.io', resource: 'stages', namespace: 'demo' };
    expect(await can({ ...stages, verb: 'get' })).toEqual({ allowed: true });
    expect(await can({ ...stages, verb: 'get' }, viewer)).toEqual({ allowed: true });
    expect(await can({ ...stages, verb: 'delete' }, viewer)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/may not delete stages in project "demo"$/),
    });
    expect(await can({ ...stages, verb: 'list', namespace: 'other' }, viewer)).toMatchObject({
      allowed: false,
    });
    // Kargo's freights are Gantry's freight; core namespaces are projects.
    const freights = { group: 'kargo.akuity.io', resource: 'freights', namespace: 'demo' };
    expect(await can({ ...freights, verb: 'list' }, viewer)).toEqual({ allowed: true });
    expect(
      await can({ group: '', resource: 'namespaces', name: 'demo', verb: 'get' }, viewer),
    ).toEqual({ allowed: true });
    expect(
      await can({ group: '', resource: 'secrets', namespace: 'demo', verb: 'get' }, viewer),
    ).toMatchObject({ allowed: false });
    expect(await can({ group: '', resource: 'secrets', namespace: 'demo', verb: 'get' })).toEqual({
      allowed: true,
    });
    // Nobody writes status, not even an admin; Kargo's promote verb is known.
    expect(await can({ ...stages, verb: 'update', subresource: 'status' })).toMatchObject({
      allowed: false,
    });
    expect(await can({ ...stages, verb: 'promote' })).toEqual({ allowed: true });
    expect(await can({ ...stages, verb: 'promote' }, viewer)).toMatchObject({ allowed: false });
    expect(await can({ ...stages, verb: 'escalate' })).toEqual({
      allowed: false,
      reason: 'Gantry has no verb "escalate"',
    });
    expect(await can({ group: 'apps', resource: 'deployments', verb: 'get' })).toEqual({
      allowed: false,
      reason: 'Gantry serves no resource "deployments" in group "apps"',
    });
    expect(await can({ group: '*', resource: '*', verb: '*' })).toEqual({ allowed: true });
    expect(await can({ group: '*', resource: '*', verb: '*' }, viewer)).toMatchObject({
      allowed: false,
    });
  });

  it('reads kubectl’s protobuf bodies', async () => {
    const response = await t.app.request(`${REVIEWS}/selfsubjectaccessreviews`, {
      method: 'POST',
      headers: { ...viewer, 'content-type': 'application/vnd.kubernetes.protobuf' },
      body: protobufReview(['demo', 'get', '', '', 'secrets']),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, any>;
    expect(body).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'demo', verb: 'get', resource: 'secrets' } },
      status: { allowed: false },
    });
    const garbage = await t.app.request(`${REVIEWS}/selfsubjectaccessreviews`, {
      method: 'POST',
      headers: { ...viewer, 'content-type': 'application/vnd.kubernetes.protobuf' },
      body: new Uint8Array([0x6b, 0x38, 0x73, 0, 0x12, 0x40, 1]),
    });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('answers non-resource reviews: discovery for everyone, nothing else', async () => {
    const ask = async (path: string, verb = 'get') =>
      (
        await review(
          'selfsubjectaccessreviews',
          { spec: { nonResourceAttributes: { path, verb } } },
          viewer,
        )
      ).body.status as { allowed: boolean };
    expect((await ask('/apis/kargo.akuity.io/v1alpha1')).allowed).toBe(true);
    expect((await ask('/version')).allowed).toBe(true);
    expect((await ask('/metrics')).allowed).toBe(false);
    expect((await ask('/api', 'post')).allowed).toBe(false);
  });

  it('says who the caller is (kubectl auth whoami)', async () => {
    const response = await t.app.request('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      headers: { ...viewer, 'content-type': 'application/vnd.kubernetes.protobuf' },
      body: new Uint8Array([0x6b, 0x38, 0x73, 0]),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      kind: 'SelfSubjectReview',
      status: {
        userInfo: {
          username: expect.stringMatching(/^token:demo\//),
          groups: ['system:authenticated'],
          extra: { 'gantry.io/role': ['kargo-viewer'], 'gantry.io/project': ['demo'] },
        },
      },
    });
  });

  it('lists the caller’s rules in a namespace under kubectl’s names', async () => {
    const rules = (await review('selfsubjectrulesreviews', { spec: { namespace: 'demo' } }, viewer))
      .body;
    expect(rules.kind).toBe('SelfSubjectRulesReview');
    expect(rules.status.incomplete).toBe(false);
    const resourceRules = rules.status.resourceRules as Array<Record<string, string[]>>;
    expect(resourceRules).toContainEqual({
      verbs: ['get', 'list', 'watch'],
      apiGroups: ['kargo.akuity.io'],
      resources: expect.arrayContaining(['stages', 'freights', 'warehouses']),
    });
    expect(resourceRules).toContainEqual({
      verbs: ['get', 'watch'],
      apiGroups: [''],
      resources: ['namespaces'],
      resourceNames: ['demo'],
    });
    expect(JSON.stringify(resourceRules)).not.toContain('secrets');
    const elsewhere = (
      await review('selfsubjectrulesreviews', { spec: { namespace: 'other' } }, viewer)
    ).body.status.resourceRules as Array<{ resources: string[] }>;
    expect(elsewhere.flatMap((r) => r.resources)).not.toContain('stages');
    const adminRules = (await review('selfsubjectrulesreviews', { spec: { namespace: 'demo' } }))
      .body.status.resourceRules;
    expect(adminRules).toContainEqual({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
  });

  it('refuses a bad review with a 400 Status naming what is wrong, and strangers with a 401', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['not json', /not valid JSON/],
      [{ spec: {} }, /exactly one of nonResourceAttributes or resourceAttributes/],
      [
        {
          spec: {
            resourceAttributes: { verb: 'get', resource: 'stages' },
            nonResourceAttributes: { verb: 'get', path: '/api' },
          },
        },
        /exactly one of/,
      ],
      [{ spec: { resourceAttributes: { resource: 'stages' } } }, /resourceAttributes\.verb/],
      [{ kind: 'Pod', spec: { resourceAttributes: { verb: 'get', resource: 'x' } } }, /kind/],
      [{ spec: { resourceAttributes: { verb: 7, resource: 'stages' } } }, /verb/],
    ];
    for (const [body, message] of cases) {
      const response = await review('selfsubjectaccessreviews', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      expect(response.body.message).toMatch(message);
    }
    const rules = await review('selfsubjectrulesreviews', { spec: { namespace: 3 } });
    expect(rules.status).toBe(400);
    const anonymous = await review('selfsubjectrulesreviews', { spec: {} }, {});
    expect(anonymous.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});
