import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { argoCdErrorOf, frontendApp } from '../../../test/argocd-fixtures.js';
import { startFakeArgoCd, type FakeArgoCd } from '../../../test/fake-argocd.js';
import { appHealth, type Application } from './application.js';
import { ArgoCdApiClient } from './argocd-api-client.js';
import { refusedAddress } from '../../../test/refused-address.js';

const frontend = (name: string, env: string, namespace = 'argocd') =>
  frontendApp(name, env, { namespace, authorizedProject: 'shop' });

async function waitFor(
  read: () => Promise<Application>,
  done: (app: Application) => boolean,
): Promise<Application> {
  // The deadline only detects a hang (generous for a busy machine).
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const app = await read();
    if (done(app)) return app;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

describe('ArgoCdApiClient against the fake Argo CD', () => {
  let argocd: FakeArgoCd;
  let client: ArgoCdApiClient;

  beforeEach(async () => {
    argocd = await startFakeArgoCd({ syncDelayMs: 30 });
    argocd.addApp(frontend('frontend-dev', 'dev'));
    argocd.addApp(frontend('frontend-prod', 'prod'));
    argocd.addApp(frontend('frontend-dev', 'dev', 'team-a'));
    client = new ArgoCdApiClient({ url: `${argocd.url}/`, token: argocd.token });
  });

  afterEach(async () => {
    client.close();
    await argocd.stop();
  });

  it('gets an Application, keeping fields it does not model', async () => {
    const app = await client.getApplication('frontend-dev', 'argocd');
    expect(app.metadata.name).toBe('frontend-dev');
    expect(app.spec.source?.targetRevision).toBe('v1');
    expect(app.spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'dev',
    });
    expect(argocd.requests.at(-1)?.path).toBe(
      '/api/v1/applications/frontend-dev?appNamespace=argocd',
    );
  });

  it('refuses a wrong token with a terminal 401 that does not leak either token', async () => {
    const bad = new ArgoCdApiClient({ url: argocd.url, token: 'not-the-token-s3cr3t' });
    try {
      const err = await argoCdErrorOf(bad.getApplication('frontend-dev', 'argocd'));
      expect(err).toMatchObject({ name: 'ArgoCdError', status: 401, transient: false });
      expect(err.message).toBe(
        `could not get Application argocd/frontend-dev at Argo CD ${argocd.url}: HTTP 401: invalid session: token signature is invalid`,
      );
      expect(err.message).not.toContain('not-the-token-s3cr3t');
    } finally {
      bad.close();
    }
  });

  it('reports an unknown Application as a terminal 404 naming it', async () => {
    const err = await argoCdErrorOf(client.getApplication('nope', 'argocd'));
    expect(err).toMatchObject({ status: 404, transient: false });
    expect(err.message).toBe(
      `could not get Application argocd/nope at Argo CD ${argocd.url}: HTTP 404: applications.argoproj.io "nope" not found`,
    );
  });

  it('lists Applications by label selector within one namespace', async () => {
    const dev = await client.listApplications(
      { matchLabels: { app: 'frontend', env: 'dev' } },
      'argocd',
    );
    expect(dev.map((a) => `${a.metadata.namespace}/${a.metadata.name}`)).toEqual([
      'argocd/frontend-dev',
    ]);
    const all = await client.listApplications({ matchLabels: { app: 'frontend' } }, 'argocd');
    expect(all.map((a) => a.metadata.name).sort()).toEqual(['frontend-dev', 'frontend-prod']);
    expect(await client.listApplications({ matchLabels: { app: 'backend' } }, 'argocd')).toEqual(
      [],
    );
    const notDev = await client.listApplications(
      { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev', 'test'] }] },
      'argocd',
    );
    expect(notDev.map((a) => a.metadata.name)).toEqual(['frontend-prod']);
    expect(argocd.requests.at(-1)?.path).toBe(
      '/api/v1/applications?selector=env+notin+%28dev%2Ctest%29&appNamespace=argocd',
    );
  });

  it('patches, syncs and sees the operation succeed at the new revision', async () => {
    const patched = await client.patchApplication('frontend-dev', 'argocd', {
      spec: { source: { targetRevision: 'v2', kustomize: { images: ['frontend=frontend:2.0'] } } },
    });
    expect(patched.spec.source).toMatchObject({ targetRevision: 'v2', path: 'envs/dev' });
    expect(patched.spec.source?.kustomize?.images).toEqual(['frontend=frontend:2.0']);

    const started = await client.sync(patched, {
      revisions: ['v2'],
      initiator: 'alice',
      info: [{ name: 'gantry.io/promotion', value: 'dev.01abc' }],
    });
    expect(started.status?.operationState?.phase).toBe('Running');
    expect(started.operation?.info).toEqual([{ name: 'gantry.io/promotion', value: 'dev.01abc' }]);
    expect(argocd.refreshes).toBe(1);
    expect(appHealth(started, ['v2']).status).toBe('Unknown');
    expect(argocd.syncs).toBe(1);

    const done = await waitFor(
      () => client.getApplication('frontend-dev', 'argocd'),
      (app) => app.status?.operationState?.phase === 'Succeeded',
    );
    expect(done.status?.sync).toEqual({ status: 'Synced', revision: 'v2' });
    expect(done.status?.operationState?.syncResult?.revision).toBe('v2');
    expect(appHealth(done, ['v2'])).toEqual({ status: 'Healthy', issues: [] });
    // The same-named app in another namespace is untouched.
    expect(argocd.app('frontend-dev', 'team-a')?.spec.source.targetRevision).toBe('v1');
  });

  it('replaces the sources and syncs to an explicit revision', async () => {
    const app = await client.getApplication('frontend-prod', 'argocd');
    const updated = await client.updateSources(app, [{ ...app.spec.source, targetRevision: 'v3' }]);
    expect(updated.spec.source?.targetRevision).toBe('v3');
    expect(updated.spec.destination).toBeDefined();

    await client.sync(updated, { revisions: ['abc123'], initiator: 'alice', info: [] });
    expect(argocd.requests.at(-1)?.body).toEqual({
      name: 'frontend-prod',
      appNamespace: 'argocd',
      revision: 'abc123',
      infos: [],
    });
    const done = await waitFor(
      () => client.getApplication('frontend-prod', 'argocd'),
      (a) => a.status?.operationState?.phase === 'Succeeded',
    );
    expect(done.status?.sync?.revision).toBe('abc123');
  });

  it('asks for a hard refresh', async () => {
    await client.refresh('frontend-dev', 'argocd', 'hard');
    expect(argocd.requests.at(-1)?.path).toBe(
      '/api/v1/applications/frontend-dev?appNamespace=argocd&refresh=hard',
    );
    expect(argocd.refreshes).toBe(1);
  });

  it.each([
    [503, true],
    [429, true],
    [500, true],
    [400, false],
    [403, false],
  ])('classifies HTTP %i as transient=%s', async (status, transient) => {
    argocd.failNext(1, status);
    const err = await argoCdErrorOf(client.getApplication('frontend-dev', 'argocd'));
    expect(err).toMatchObject({ status, transient });
    // The failure was one request only.
    await expect(client.getApplication('frontend-dev', 'argocd')).resolves.toBeDefined();
  });

  it('reports a network failure as transient, and an abort as not', async () => {
    const refused = await refusedAddress();
    const down = new ArgoCdApiClient({ url: refused.url, token: argocd.token });
    try {
      const err = await argoCdErrorOf(down.getApplication('frontend-dev', 'argocd'));
      expect(err).toMatchObject({ status: undefined, transient: true });
      expect(err.message).toMatch(
        /^could not get Application argocd\/frontend-dev at Argo CD http:\/\/127\.0\.0\.1:\d+: /,
      );
      expect(err.message).toContain(refused.url);
    } finally {
      down.close();
      await refused.close();
    }
    const aborted = await argoCdErrorOf(
      client.getApplication('frontend-dev', 'argocd', { signal: AbortSignal.abort() }),
    );
    expect(aborted.transient).toBe(false);
  });

  it('bounds a huge error and never puts the token in a message', async () => {
    argocd.respondWithHugeError(1024 * 1024);
    const err = await argoCdErrorOf(
      client.patchApplication('frontend-dev', 'argocd', {
        spec: { source: { targetRevision: 'v9' } },
      }),
    );
    expect(err).toMatchObject({ status: 400, transient: false });
    expect(err.message.length).toBeLessThan(800);
    expect(err.message).toMatch(
      /^could not patch Application argocd\/frontend-dev at Argo CD .*: HTTP 400: /,
    );
    expect(err.message).toMatch(/… \(truncated; the response held more than 16384 bytes\)$/);
    expect(err.message).not.toContain(argocd.token);
    // The connection is still usable afterwards.
    await expect(client.getApplication('frontend-dev', 'argocd')).resolves.toBeDefined();
  });

  it('masks the token even where the server echoes it', async () => {
    const err = await argoCdErrorOf(client.getApplication(`x-${argocd.token}`, 'argocd'));
    expect(err.status).toBe(404);
    expect(err.message).not.toContain(argocd.token);
    expect(err.message).toContain('applications.argoproj.io "x-***" not found');
  });

  it('refuses a second sync while an operation runs', async () => {
    const app = await client.getApplication('frontend-dev', 'argocd');
    const request = { revisions: ['v1'], initiator: 'alice', info: [] };
    const release = argocd.holdSyncs(); // still running when the second sync arrives
    await client.sync(app, request);
    const err = await argoCdErrorOf(client.sync(app, request));
    release();
    expect(err).toMatchObject({ status: 400, transient: false });
    expect(err.message).toContain('another operation is already in progress');
  });
});
