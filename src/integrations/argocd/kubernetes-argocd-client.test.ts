import { KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { argoCdErrorOf, frontendApp } from '../../../test/argocd-fixtures.js';
import { startFakeArgoCd, type FakeArgoCd } from '../../../test/fake-argocd.js';
import { KubernetesArgoCdClient } from './kubernetes-argocd-client.js';
import { refusedAddress } from '../../../test/refused-address.js';

/**
 * What is particular to the Kubernetes adapter: the requests it makes (merge patches with a
 * resourceVersion precondition, Kargo's sync patch) and how client-node's failures become
 * ArgoCdErrors. Behaviour shared with the REST adapter is in argocd-client.contract.test.ts.
 */

const frontend = (name: string, env: string) => frontendApp(name, env);

describe('KubernetesArgoCdClient against the fake Argo CD', () => {
  let argocd: FakeArgoCd;
  let dir: string;
  let client: KubernetesArgoCdClient;

  /** A client from an in-memory kubeconfig: another token, or another server. */
  const connect = (options: { token?: string; server?: string; timeoutMs?: number } = {}) => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(
      argocd
        .kubeconfig(options.token === undefined ? {} : { token: options.token })
        .replace(argocd.kubernetesUrl, options.server ?? argocd.kubernetesUrl),
    );
    return new KubernetesArgoCdClient({
      kubeConfig,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  };

  beforeEach(async () => {
    argocd = await startFakeArgoCd({ syncDelayMs: 150 });
    argocd.addApp(frontend('frontend-dev', 'dev'));
    argocd.addApp(frontend('frontend-prod', 'prod'));
    dir = mkdtempSync(join(tmpdir(), 'gantry-kube-client-'));
    client = new KubernetesArgoCdClient({
      instance: 'cluster',
      kubeconfigPath: argocd.writeKubeconfig(join(dir, 'kubeconfig')),
    });
  });

  afterEach(async () => {
    client.close();
    await argocd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads its cluster from a kubeconfig file and reads an Application', async () => {
    expect(client.instance).toBe('cluster');
    expect(client.defaultNamespace).toBe('argocd');
    const app = await client.getApplication('frontend-dev', 'argocd');
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      spec: { destination: { namespace: 'dev' } },
    });
    expect(argocd.requests.at(-1)?.path).toBe(
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/frontend-dev',
    );
  });

  it('lists with the labelSelector in Kubernetes string form', async () => {
    const apps = await client.listApplications(
      {
        matchLabels: { app: 'frontend' },
        matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }],
      },
      'argocd',
    );
    expect(apps.map((a) => a.metadata.name)).toEqual(['frontend-prod']);
    const sent = new URL(argocd.requests.at(-1)!.path, 'http://x');
    expect(sent.pathname).toBe('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications');
    expect(sent.searchParams.get('labelSelector')).toBe('app=frontend,env in (prod)');
  });

  it('updates sources with a merge patch conditional on the resourceVersion', async () => {
    const app = await client.getApplication('frontend-dev', 'argocd');
    const updated = await client.updateSources(app, [{ ...app.spec.source, targetRevision: 'v2' }]);
    expect(updated.spec.source?.targetRevision).toBe('v2');
    expect(argocd.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: {
        metadata: { resourceVersion: app.metadata.resourceVersion },
        spec: { source: { targetRevision: 'v2', path: 'envs/dev' } },
      },
    });

    // The same, now stale, app: someone else changed it meanwhile.
    const err = await argoCdErrorOf(
      client.updateSources(app, [{ ...app.spec.source, targetRevision: 'v3' }]),
    );
    expect(err).toMatchObject({ status: 409, transient: true });
    expect(err.message).toMatch(
      /^could not update the sources of Application argocd\/frontend-dev at Kubernetes http:\/\/127\.0\.0\.1:\d+: HTTP 409: Operation cannot be fulfilled on applications\.argoproj\.io "frontend-dev": the object has been modified/,
    );
    expect(
      (await client.getApplication('frontend-dev', 'argocd')).spec.source?.targetRevision,
    ).toBe('v2');
  });

  it("carries the app's sync options and retry policy into the operation, as Kargo", async () => {
    const withPolicy = frontend('frontend-qa', 'qa');
    withPolicy.spec.syncPolicy = { syncOptions: ['CreateNamespace=true'], retry: { limit: 2 } };
    argocd.addApp(withPolicy);
    const app = await client.getApplication('frontend-qa', 'argocd');
    await client.sync(app, { revisions: ['v2'], initiator: 'alice', info: [] });
    expect(argocd.requests.at(-1)?.body).toMatchObject({
      operation: {
        sync: { revision: 'v2', syncOptions: ['CreateNamespace=true'] },
        retry: { limit: 2 },
      },
    });
  });

  it("syncs with Kargo's patch: hard refresh annotation and operation", async () => {
    const app = await client.getApplication('frontend-dev', 'argocd');
    const info = [{ name: 'gantry.io/promotion', value: 'dev.01abc' }];
    const release = argocd.holdSyncs(); // still running when the second sync is tried
    const started = await client.sync(app, { revisions: ['v2'], initiator: 'alice', info });
    expect(argocd.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: {
        metadata: {
          resourceVersion: app.metadata.resourceVersion,
          annotations: { 'argocd.argoproj.io/refresh': 'hard' },
        },
        operation: {
          initiatedBy: { username: 'alice', automated: false },
          info,
          sync: { revision: 'v2' },
        },
      },
    });
    expect(started.operation?.sync?.revision).toBe('v2');
    expect(argocd.refreshes).toBe(1);
    expect(argocd.syncs).toBe(1);

    // Refused locally while the operation is there: nothing is sent.
    const running = await client.getApplication('frontend-dev', 'argocd');
    const sent = argocd.requests.length;
    const err = await argoCdErrorOf(
      client.sync(running, { revisions: ['v3'], initiator: 'bob', info: [] }),
    );
    expect(err).toMatchObject({ status: 409, transient: false });
    expect(err.message).toMatch(
      /Application argocd\/frontend-dev .*: another operation is already in progress$/,
    );
    expect(argocd.requests).toHaveLength(sent);

    release();
    await argocd.idle();
    const done = await client.getApplication('frontend-dev', 'argocd');
    expect(done.status?.sync).toEqual({ status: 'Synced', revision: 'v2' });
    expect(done.status?.operationState?.operation).toMatchObject({ info });
  });

  it('sends revisions index by index for a multi-source app and no revision when empty', async () => {
    argocd.addApp({
      metadata: { name: 'multi' },
      spec: {
        sources: [
          { repoURL: 'https://git.example/a.git', targetRevision: 'main' },
          { repoURL: 'https://charts.example', chart: 'c', targetRevision: '1.0.0' },
        ],
      },
    });
    const multi = await client.getApplication('multi', 'argocd');
    await client.sync(multi, { revisions: ['abc', '1.0.0'], initiator: 'alice', info: [] });
    expect((argocd.requests.at(-1)?.body as any).operation).toEqual({
      initiatedBy: { username: 'alice', automated: false },
      sync: { revisions: ['abc', '1.0.0'] },
    });
    const solo = await client.getApplication('frontend-prod', 'argocd');
    await client.sync(solo, { revisions: [''], initiator: 'alice', info: [] });
    expect((argocd.requests.at(-1)?.body as any).operation.sync).toEqual({});
    await argocd.idle();
    expect((await client.getApplication('frontend-prod', 'argocd')).status?.sync?.revision).toBe(
      'v1',
    );
  });

  it.each([
    [503, true],
    [500, true],
    [429, true],
    [409, true],
    [400, false],
    [403, false],
    [404, false],
    [422, false],
  ])('classifies HTTP %i as transient=%s', async (status, transient) => {
    argocd.failNext(1, status);
    const err = await argoCdErrorOf(client.getApplication('frontend-dev', 'argocd'));
    expect(err).toMatchObject({ name: 'ArgoCdError', status, transient });
    expect(err.message).toContain(`HTTP ${status}: the fake was told to fail with ${status}`);
    await expect(client.getApplication('frontend-dev', 'argocd')).resolves.toBeDefined();
  });

  it('refuses a wrong token with a terminal 401 that names neither token', async () => {
    const bad = connect({ token: 'not-the-token-s3cr3t' });
    const err = await argoCdErrorOf(bad.getApplication('frontend-dev', 'argocd'));
    expect(err).toMatchObject({ status: 401, transient: false });
    expect(err.message).toBe(
      `could not get Application argocd/frontend-dev at Kubernetes ${argocd.kubernetesUrl}: HTTP 401: Unauthorized`,
    );
    expect(err.message).not.toContain('not-the-token-s3cr3t');
  });

  it('masks the token even where the server echoes it', async () => {
    const err = await argoCdErrorOf(client.getApplication(`x-${argocd.kubernetesToken}`, 'argocd'));
    expect(err.status).toBe(404);
    expect(err.message).not.toContain(argocd.kubernetesToken);
    expect(err.message).toContain('applications.argoproj.io "x-***" not found');
  });

  it('bounds a huge error body to one short line', async () => {
    argocd.respondWithHugeError(1024 * 1024, 422);
    const err = await argoCdErrorOf(client.getApplication('frontend-dev', 'argocd'));
    expect(err).toMatchObject({ status: 422, transient: false });
    expect(err.message.length).toBeLessThan(800);
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/… \(truncated; the response held \d+ characters\)$/);
  });

  it('reports a refused connection and a timeout as transient, an abort as not', async () => {
    const address = await refusedAddress();
    const down = connect({ server: address.url });
    const refused = await argoCdErrorOf(down.getApplication('frontend-dev', 'argocd')).finally(() =>
      address.close(),
    );
    expect(refused).toMatchObject({ status: undefined, transient: true });
    expect(refused.message).toMatch(
      /^could not get Application argocd\/frontend-dev at Kubernetes http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
    expect(refused.message).toContain(address.url);

    const aborted = await argoCdErrorOf(
      client.getApplication('frontend-dev', 'argocd', { signal: AbortSignal.abort() }),
    );
    expect(aborted).toMatchObject({ transient: false });
    expect(aborted.message).toMatch(/: aborted$/);
  });

  it('times out a request that gets no answer', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const slow = connect({ server: `http://127.0.0.1:${port}`, timeoutMs: 100 });
      const err = await argoCdErrorOf(slow.getApplication('frontend-dev', 'argocd'));
      expect(err).toMatchObject({ transient: true });
      expect(err.message).toMatch(/: no answer within 100 ms$/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rejects a response that is not an Application', async () => {
    argocd.addApp({ metadata: { name: 'odd' }, spec: { source: { repoURL: 42 } } });
    const err = await argoCdErrorOf(client.getApplication('odd', 'argocd'));
    expect(err).toMatchObject({ transient: false });
    expect(err.message).toMatch(/: unexpected response at spec\.source\.repoURL: /);
  });
});
