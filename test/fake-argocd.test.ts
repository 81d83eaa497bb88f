import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeArgoCd, type FakeArgoCd } from './fake-argocd.js';

/**
 * Self-check of the double against the Argo CD API facts it claims to model (raw HTTP, no
 * Gantry client), so a client test passing against it means something.
 */
describe('fake Argo CD', () => {
  let argocd: FakeArgoCd;

  beforeEach(async () => {
    argocd = await startFakeArgoCd({
      syncDelayMs: 20,
      now: () => new Date('2025-01-01T00:00:00Z'),
    });
    argocd.addApp({
      metadata: { name: 'multi', labels: { tier: 'web' } },
      spec: {
        sources: [
          { repoURL: 'https://a', targetRevision: 'main' },
          { repoURL: 'https://b', chart: 'c', targetRevision: '1.2.3' },
        ],
      },
    });
    argocd.addApp({
      metadata: { name: 'solo', namespace: 'team-a' },
      spec: { source: { targetRevision: 'HEAD' } },
    });
  });

  afterEach(() => argocd.stop());

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token: string | null = argocd.token,
  ) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${argocd.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('answers 401 with gRPC code 16 without or with a wrong token', async () => {
    expect(await call('GET', '/api/v1/applications/multi', undefined, null)).toEqual({
      status: 401,
      json: { error: 'no session information', code: 16, message: 'no session information' },
    });
    const wrong = await call('GET', '/api/v1/applications/multi', undefined, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({
      code: 16,
      message: expect.stringMatching(/^invalid session: /),
    });
    expect(argocd.requests).toHaveLength(2);
  });

  it('serves apps per namespace, defaulting to argocd, with 404 code 5 otherwise', async () => {
    expect((await call('GET', '/api/v1/applications/multi')).json.metadata).toMatchObject({
      name: 'multi',
      namespace: 'argocd',
    });
    expect((await call('GET', '/api/v1/applications/solo?appNamespace=team-a')).status).toBe(200);
    expect(await call('GET', '/api/v1/applications/solo')).toEqual({
      status: 404,
      json: {
        error: 'applications.argoproj.io "solo" not found',
        code: 5,
        message: 'applications.argoproj.io "solo" not found',
      },
    });
  });

  it('lists by selector and omits items when none match', async () => {
    expect((await call('GET', '/api/v1/applications?selector=tier%3Dweb')).json.items).toHaveLength(
      1,
    );
    expect((await call('GET', '/api/v1/applications?selector=tier!%3Dweb')).json).toEqual({
      metadata: {},
    });
    expect(
      (await call('GET', '/api/v1/applications?selector=tier&appNamespace=team-a')).json,
    ).toEqual({ metadata: {} });
  });

  it('applies merge patches (null deletes) and bumps resourceVersion', async () => {
    const before = argocd.app('multi')!.metadata.resourceVersion;
    const res = await call('PATCH', '/api/v1/applications/multi', {
      name: 'multi',
      patch: JSON.stringify({
        metadata: { labels: { tier: null, team: 'a' } },
        spec: { project: 'p' },
      }),
      patchType: 'merge',
    });
    expect(res.status).toBe(200);
    expect(res.json.metadata.labels).toEqual({ team: 'a' });
    expect(res.json.spec.project).toBe('p');
    expect(res.json.spec.sources).toHaveLength(2);
    expect(res.json.metadata.resourceVersion).not.toBe(before);
    expect(
      (await call('PATCH', '/api/v1/applications/multi', { patch: '[]', patchType: 'json' }))
        .status,
    ).toBe(400);
  });

  it('runs a multi-source sync to completion with per-source revisions', async () => {
    const started = await call('POST', '/api/v1/applications/multi/sync', { revisions: ['abc'] });
    expect(started.json.status.operationState).toMatchObject({
      phase: 'Running',
      startedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(started.json.operation.sync.revisions).toEqual(['abc', '1.2.3']);
    expect((await call('POST', '/api/v1/applications/multi/sync', {})).json).toMatchObject({
      code: 9,
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const app = argocd.app('multi')!;
    expect(app.operation).toBeUndefined();
    expect(app.status).toMatchObject({
      sync: { status: 'Synced', revisions: ['abc', '1.2.3'] },
      health: { status: 'Healthy' },
      operationState: {
        phase: 'Succeeded',
        syncResult: { revisions: ['abc', '1.2.3'] },
        finishedAt: '2025-01-01T00:00:00.000Z',
      },
    });
    expect(argocd.syncs).toBe(1);
  });

  it('lets tests set health, the post-sync health, failures and huge errors', async () => {
    argocd.setHealth('multi', 'Degraded');
    expect((await call('GET', '/api/v1/applications/multi')).json.status.health.status).toBe(
      'Degraded',
    );

    argocd.setHealthAfterSync('Suspended');
    await call('POST', '/api/v1/applications/solo/sync', { appNamespace: 'team-a' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(argocd.app('solo', 'team-a')!.status).toMatchObject({
      sync: { revision: 'HEAD' },
      health: { status: 'Suspended' },
    });

    argocd.failNext(2, 429);
    expect((await call('GET', '/api/v1/applications/multi')).status).toBe(429);
    expect((await call('GET', '/api/v1/applications/multi')).json.code).toBe(8);
    expect((await call('GET', '/api/v1/applications/multi')).status).toBe(200);

    argocd.respondWithHugeError(100_000);
    const huge = await call('GET', '/api/v1/applications/multi');
    expect(huge.status).toBe(400);
    expect(JSON.stringify(huge.json).length).toBeGreaterThan(99_000);
  });
});
