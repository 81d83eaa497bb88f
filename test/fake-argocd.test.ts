import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeArgoCd, type FakeArgoCd } from './fake-argocd.js';
import { worstHealth } from './fake-argocd-repo-server.js';
import { deploymentManifest } from './argocd-fixtures.js';
import { startGitServer, type TestGitServer } from './git-server.js';

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
    // Held, so the operation still runs when the second sync arrives, however slow the machine.
    const release = argocd.holdSyncs();
    const started = await call('POST', '/api/v1/applications/multi/sync', { revisions: ['abc'] });
    expect(started.json.status.operationState).toMatchObject({
      phase: 'Running',
      startedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(started.json.operation.sync.revisions).toEqual(['abc', '1.2.3']);
    expect((await call('POST', '/api/v1/applications/multi/sync', {})).json).toMatchObject({
      code: 9,
    });
    release();
    await argocd.idle();
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
    await argocd.idle();
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

const deployment = deploymentManifest;

/** The app controller with real git: revisions resolve to commits, health comes from manifests. */
describe('fake Argo CD syncing from a real git server', () => {
  let gitServer: TestGitServer;
  let repoURL: string;
  let argocd: FakeArgoCd;

  beforeAll(async () => {
    gitServer = await startGitServer();
    repoURL = gitServer.createRepo('gitops', {
      'envs/dev/frontend.yaml': deployment('frontend', 'registry.example/frontend:1.0.0'),
      'envs/dev/config.yml': [
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: settings',
        '  namespace: shared',
        '---',
        '# an empty document is skipped',
        '',
      ].join('\n'),
      'envs/dev/notes.txt': 'not a manifest',
      'envs/dev/nested/api.yaml': deployment('api', 'registry.example/api:2.0.0'),
      'envs/kustomized/kustomization.yaml': 'resources: []\n',
    });
  });
  afterAll(() => gitServer.stop());

  beforeEach(async () => {
    argocd = await startFakeArgoCd({ syncDelayMs: 10 });
  });
  afterEach(() => argocd.stop());

  const addGitApp = (name: string, source: Record<string, unknown>, status?: object) =>
    argocd.addApp({
      metadata: { name },
      spec: { destination: { namespace: 'dev' }, source: { repoURL, path: 'envs/dev', ...source } },
      ...(status === undefined ? {} : { status }),
    });
  const sync = async (name: string, body: object = {}) => {
    const res = await fetch(`${argocd.url}/api/v1/applications/${name}/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${argocd.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as any;
  };
  const main = () => gitServer.git('gitops', ['rev-parse', 'main']).trim();

  it('resolves a branch to its newest commit and reads the manifests there', async () => {
    addGitApp('frontend', { targetRevision: 'main' });
    const head = gitServer.commitFiles('gitops', {
      'envs/dev/frontend.yaml': deployment('frontend', 'registry.example/frontend:1.1.0'),
    });
    const started = await sync('frontend');
    expect(started.operation.sync.revision).toBe('main');
    expect(started.status.operationState.phase).toBe('Running');
    await argocd.idle();
    const app = argocd.app('frontend')!;
    expect(app.operation).toBeUndefined();
    expect(app.status).toMatchObject({
      sync: { status: 'Synced', revision: head },
      health: { status: 'Healthy' },
      operationState: {
        phase: 'Succeeded',
        syncResult: { revision: head },
        operation: { sync: { revision: 'main' } },
      },
      summary: { images: ['registry.example/frontend:1.1.0'] },
    });
    // File order; a document's own namespace, else the destination's; nested/ not read.
    expect(app.status!.resources).toEqual([
      {
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'shared',
        name: 'settings',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'dev',
        name: 'frontend',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
    ]);
  });

  it('resolves tags, HEAD, full and short SHAs, and reads subdirectories with recurse', async () => {
    const tip = main();
    gitServer.git('gitops', ['tag', 'v1', tip]);
    gitServer.git('gitops', ['tag', '-a', 'v1-annotated', '-m', 'release', tip]);
    const cases = ['v1', 'v1-annotated', 'HEAD', tip, tip.slice(0, 8)];
    for (const [i, revision] of cases.entries())
      addGitApp(`app-${i}`, { targetRevision: revision });
    addGitApp('recursive', { targetRevision: 'main', directory: { recurse: true } });
    for (const [i] of cases.entries()) await sync(`app-${i}`);
    await sync('recursive');
    await argocd.idle();
    for (const [i] of cases.entries()) {
      expect(argocd.app(`app-${i}`)!.status?.sync).toEqual({ status: 'Synced', revision: tip });
    }
    expect(argocd.app('recursive')!.status?.summary?.images).toEqual([
      'registry.example/api:2.0.0',
      expect.stringMatching(/^registry\.example\/frontend:/),
    ]);
  });

  it('syncs an explicitly requested revision over the targetRevision', async () => {
    const before = main();
    const after = gitServer.commitFiles('gitops', {
      'envs/dev/extra.yaml': deployment('x', 'x:1'),
    });
    expect(after).not.toBe(before);
    addGitApp('pinned', { targetRevision: 'main' });
    await sync('pinned', { revision: before });
    await argocd.idle();
    expect(argocd.app('pinned')!.status?.sync?.revision).toBe(before);
    gitServer.commitFiles('gitops', { 'envs/dev/extra.yaml': null });
  });

  it('ends in Error, naming what it could not resolve, keeping revision and health', async () => {
    const before = { sync: { status: 'Synced', revision: 'abc' }, health: { status: 'Healthy' } };
    addGitApp('typo', { targetRevision: 'mian' }, before);
    argocd.addApp({
      metadata: { name: 'gone' },
      spec: { source: { repoURL: `${gitServer.url}/missing.git`, targetRevision: 'main' } },
    });
    addGitApp('kustomized', { targetRevision: 'main', path: 'envs/kustomized' });
    addGitApp('nowhere', { targetRevision: 'main', path: 'envs/nowhere' });
    gitServer.commitFiles('gitops', {
      'envs/bad/x.yaml': 'a: [',
      'envs/nokind/x.yaml': 'foo: bar\n',
    });
    addGitApp('bad', { targetRevision: 'main', path: 'envs/bad' });
    addGitApp('nokind', { targetRevision: 'main', path: 'envs/nokind' });
    const names = ['typo', 'gone', 'kustomized', 'nowhere', 'bad', 'nokind'];
    for (const name of names) await sync(name);
    await argocd.idle();

    const typo = argocd.app('typo')!;
    expect(typo.operation).toBeUndefined();
    expect(typo.status).toMatchObject({
      sync: { status: 'Unknown', revision: 'abc' },
      health: { status: 'Healthy' },
      conditions: [{ type: 'ComparisonError' }],
      operationState: {
        phase: 'Error',
        message:
          "ComparisonError: Failed to load target state: failed to generate manifest for source 1 of 1: unable to resolve 'mian' to a commit SHA",
      },
    });
    expect(argocd.app('gone')!.status?.operationState?.message).toMatch(
      /failed to list refs of http:\/\/127\.0\.0\.1:\d+\/missing\.git: /,
    );
    expect(argocd.app('kustomized')!.status?.operationState?.message).toMatch(
      /envs\/kustomized: Kustomize sources are not modelled/,
    );
    expect(argocd.app('nowhere')!.status?.operationState?.message).toMatch(
      /envs\/nowhere: app path does not exist$/,
    );
    expect(argocd.app('bad')!.status?.operationState?.message).toMatch(
      /failed to unmarshal envs\/bad\/x\.yaml: /,
    );
    expect(argocd.app('nokind')!.status?.operationState?.message).toMatch(
      /Object 'Kind' is missing in 'envs\/nokind\/x\.yaml'$/,
    );

    // The next good sync clears the condition.
    await sync('typo', { revision: 'main' });
    await argocd.idle();
    expect(argocd.app('typo')!.status?.conditions).toBeUndefined();
    expect(argocd.app('typo')!.status?.sync?.status).toBe('Synced');
  });

  it('is Progressing for healthyAfterMs, then takes the worst health marked in a manifest', async () => {
    await argocd.stop();
    argocd = await startFakeArgoCd({ syncDelayMs: 10, healthyAfterMs: 500 });
    const head = gitServer.commitFiles('gitops', {
      'envs/broken/web.yaml': deployment('web', 'web:2', 'Degraded'),
      'envs/broken/worker.yaml': deployment('worker', 'worker:2', 'Suspended'),
      'envs/broken/db.yaml': deployment('db', 'db:2'),
    });
    addGitApp('broken', { targetRevision: 'main', path: 'envs/broken' });
    await sync('broken');
    // Polled on a timer due long before the 500 ms health timer, so it runs first however
    // slow the machine; the deadline only detects a sync that never ends.
    for (
      const deadline = Date.now() + 60_000;
      argocd.app('broken')!.status?.operationState?.phase === 'Running' && Date.now() < deadline;
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const synced = argocd.app('broken')!;
    expect(synced.status).toMatchObject({
      sync: { status: 'Synced', revision: head },
      health: { status: 'Progressing' },
    });
    expect(synced.status!.resources.map((r: any) => r.health.status)).toEqual([
      'Progressing',
      'Progressing',
      'Progressing',
    ]);
    await argocd.idle();
    const settled = argocd.app('broken')!;
    expect(settled.status?.health).toEqual({ status: 'Degraded' });
    expect(settled.status!.resources.map((r: any) => `${r.name}=${r.health.status}`)).toEqual([
      'db=Healthy',
      'web=Degraded',
      'worker=Suspended',
    ]);
    expect(settled.status?.summary?.images).toEqual(['db:2', 'web:2', 'worker:2']);
  });

  it('fails the next sync when told to, then syncs again', async () => {
    const before = { sync: { status: 'Synced', revision: 'old' }, health: { status: 'Healthy' } };
    addGitApp('flaky', { targetRevision: 'main' }, before);
    argocd.failNextSyncs('flaky');
    await sync('flaky');
    await argocd.idle();
    expect(argocd.app('flaky')!.status).toMatchObject({
      sync: { status: 'OutOfSync', revision: 'old' },
      health: { status: 'Healthy' },
      operationState: {
        phase: 'Failed',
        message: expect.stringMatching(/^one or more objects failed to apply/),
        syncResult: { revision: main() },
      },
    });
    await sync('flaky');
    await argocd.idle();
    expect(argocd.app('flaky')!.status?.operationState?.phase).toBe('Succeeded');
    expect(argocd.syncs).toBe(2);
  });
});

describe('worstHealth', () => {
  it.each([
    [[], 'Healthy'],
    [['Healthy', 'Suspended'], 'Suspended'],
    [['Progressing', 'Missing', 'Healthy'], 'Missing'],
    [['Degraded', 'Missing'], 'Degraded'],
    [['Degraded', 'Unknown'], 'Unknown'],
    [['Healthy', 'Exploded'], 'Exploded'],
  ])('of %j is %s', (healths, worst) => {
    expect(worstHealth(healths)).toBe(worst);
  });
});

/** The Kubernetes API front: the same control plane, seen as `applications.argoproj.io`. */
describe('fake Argo CD, Kubernetes API front', () => {
  let argocd: FakeArgoCd;
  const appPath = (namespace: string, name: string) =>
    `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications/${name}`;

  beforeEach(async () => {
    argocd = await startFakeArgoCd({ syncDelayMs: 150 });
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
      metadata: { name: 'solo', namespace: 'team-a', labels: { tier: 'web' } },
      spec: { source: { repoURL: 'https://git.example/x.git', targetRevision: 'HEAD' } },
    });
  });
  afterEach(() => argocd.stop());

  const kube = async (
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string | null; contentType?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? argocd.kubernetesToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(`${argocd.kubernetesUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const patch = (path: string, body: unknown) =>
    kube('PATCH', path, body, { contentType: 'application/merge-patch+json' });

  it('answers 401 Status without the Kubernetes token (the REST token is not it)', async () => {
    for (const token of [null, argocd.token]) {
      expect(await kube('GET', appPath('argocd', 'multi'), undefined, { token })).toEqual({
        status: 401,
        json: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        },
      });
    }
  });

  it('gets an Application with apiVersion and kind, and a NotFound Status otherwise', async () => {
    const { status, json } = await kube('GET', appPath('argocd', 'multi'));
    expect(status).toBe(200);
    expect(json).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'multi', namespace: 'argocd', resourceVersion: expect.any(String) },
    });
    expect(await kube('GET', appPath('argocd', 'solo'))).toEqual({
      status: 404,
      json: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'applications.argoproj.io "solo" not found',
        reason: 'NotFound',
        details: { name: 'solo', group: 'argoproj.io', kind: 'applications' },
        code: 404,
      },
    });
  });

  it('lists by labelSelector, in one namespace or all', async () => {
    const inArgocd = await kube(
      'GET',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=tier%3Dweb',
    );
    expect(inArgocd.json).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationList',
      metadata: { resourceVersion: expect.any(String) },
    });
    expect(inArgocd.json.items.map((a: any) => [a.kind, a.metadata.name])).toEqual([
      ['Application', 'multi'],
    ]);
    const all = await kube('GET', '/apis/argoproj.io/v1alpha1/applications?labelSelector=tier');
    expect(all.json.items).toHaveLength(2);
    const none = await kube(
      'GET',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=tier+notin+%28web%29',
    );
    expect(none.json.items).toEqual([]);
  });

  it('merge-patches at the current resourceVersion, 409 at a stale one, 415 for JSON patch', async () => {
    const current = argocd.app('multi')!;
    const res = await patch(appPath('argocd', 'multi'), {
      metadata: { resourceVersion: current.metadata.resourceVersion, labels: { tier: null } },
      spec: { project: 'p' },
    });
    expect(res.status).toBe(200);
    expect(res.json.metadata.labels).toEqual({});
    expect(res.json.spec).toMatchObject({ project: 'p', sources: expect.any(Array) });
    expect(res.json.metadata.generation).toBe(2);
    expect(Number(res.json.metadata.resourceVersion)).toBeGreaterThan(
      Number(current.metadata.resourceVersion),
    );
    expect(argocd.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
    });

    const stale = await patch(appPath('argocd', 'multi'), {
      metadata: { resourceVersion: current.metadata.resourceVersion },
      spec: { project: 'q' },
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
      message: expect.stringContaining('the object has been modified'),
    });
    expect(argocd.app('multi')!.spec.project).toBe('p');

    const jsonPatch = await kube('PATCH', appPath('argocd', 'multi'), [], {
      contentType: 'application/json-patch+json',
    });
    expect(jsonPatch.json).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    const invalid = await patch(appPath('argocd', 'multi'), { metadata: { labels: { n: 1 } } });
    expect(invalid.json).toMatchObject({ reason: 'Invalid', code: 422 });
  });

  it('replaces with PUT only at the current resourceVersion', async () => {
    const { json: app } = await kube('GET', appPath('team-a', 'solo'));
    const { resourceVersion, ...withoutVersion } = app.metadata;
    const unconditional = await kube('PUT', appPath('team-a', 'solo'), {
      ...app,
      metadata: withoutVersion,
    });
    expect(unconditional.json).toMatchObject({ reason: 'Invalid', code: 422 });
    const replaced = await kube('PUT', appPath('team-a', 'solo'), {
      ...app,
      spec: { ...app.spec, project: 'team-a' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.spec.project).toBe('team-a');
    const stale = await kube('PUT', appPath('team-a', 'solo'), {
      ...app,
      metadata: { ...app.metadata, resourceVersion },
    });
    expect(stale.json).toMatchObject({ reason: 'Conflict', code: 409 });
  });

  it('runs an operation patched in as Kargo does, consuming the refresh annotation', async () => {
    const operation = {
      initiatedBy: { username: 'alice', automated: false },
      info: [{ name: 'gantry.io/promotion', value: 'dev.01abc' }],
      sync: { revisions: ['abc'] },
    };
    const res = await patch(appPath('argocd', 'multi'), {
      metadata: { annotations: { 'argocd.argoproj.io/refresh': 'hard' } },
      operation,
    });
    // The response is the object as written; the controller reacts right after.
    expect(res.json.metadata.annotations).toEqual({ 'argocd.argoproj.io/refresh': 'hard' });
    const running = (await kube('GET', appPath('argocd', 'multi'))).json;
    expect(running.metadata.annotations).toEqual({});
    expect(running.operation).toEqual(operation);
    expect(running.status.operationState).toMatchObject({ phase: 'Running', operation });
    expect(argocd.refreshes).toBe(1);
    expect(argocd.syncs).toBe(1);

    // Through the REST front the same operation is running.
    const rest = await fetch(`${argocd.url}/api/v1/applications/multi/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${argocd.token}` },
    });
    expect(rest.status).toBe(400);

    await argocd.idle();
    const done = (await kube('GET', appPath('argocd', 'multi'))).json;
    expect(done.operation).toBeUndefined();
    expect(done.status).toMatchObject({
      sync: { status: 'Synced', revisions: ['abc', '1.2.3'] },
      health: { status: 'Healthy' },
      operationState: { phase: 'Succeeded', syncResult: { revisions: ['abc', '1.2.3'] } },
    });
  });

  it('shares failNext and respondWithHugeError with the REST front, as Status bodies', async () => {
    argocd.failNext(2, 503);
    expect((await kube('GET', appPath('argocd', 'multi'))).json).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
      code: 503,
    });
    const rest = await fetch(`${argocd.url}/api/v1/applications/multi`, {
      headers: { authorization: `Bearer ${argocd.token}` },
    });
    expect(rest.status).toBe(503);
    expect((await kube('GET', appPath('argocd', 'multi'))).status).toBe(200);

    argocd.respondWithHugeError(100_000, 422);
    const huge = await kube('GET', appPath('argocd', 'multi'));
    expect(huge.json).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(huge.json.message.length).toBeGreaterThan(99_000);
  });

  it('serves discovery and writes a kubeconfig for plain http with the token', async () => {
    expect((await kube('GET', '/version')).json.gitVersion).toMatch(/^v1\./);
    expect((await kube('GET', '/apis')).json.groups[0].name).toBe('argoproj.io');
    expect((await kube('GET', '/apis/argoproj.io/v1alpha1')).json.resources[0]).toMatchObject({
      name: 'applications',
      kind: 'Application',
      namespaced: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'fake-argocd-kubeconfig-'));
    try {
      const path = argocd.writeKubeconfig(join(dir, 'config'), { token: 'other' });
      const config = parse(readFileSync(path, 'utf8'));
      expect(config.clusters[0].cluster).toEqual({
        server: argocd.kubernetesUrl,
        'insecure-skip-tls-verify': true,
      });
      expect(config.users[0].user).toEqual({ token: 'other' });
      expect(parse(argocd.kubeconfig()).users[0].user.token).toBe(argocd.kubernetesToken);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
