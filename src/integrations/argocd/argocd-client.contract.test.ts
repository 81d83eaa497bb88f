import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeArgoCd,
  type FakeApplication,
  type FakeArgoCd,
} from '../../../test/fake-argocd.js';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { argoCdErrorOf, deploymentManifest } from '../../../test/argocd-fixtures.js';
import type { Application } from './application.js';
import { ArgoCdApiClient } from './argocd-api-client.js';
import type { ArgoCdClient } from './argocd-client.js';
import { KubernetesArgoCdClient } from './kubernetes-argocd-client.js';

/**
 * The `ArgoCdClient` contract, run against both adapters over the same fake control plane:
 * whatever door a step goes through, it sees the same Applications and the same outcomes.
 */

interface Adapter {
  name: string;
  /** A client for the fake; `token` replaces the right credential. */
  connect(argocd: FakeArgoCd, token?: string): ArgoCdClient;
  /** The credential the adapter sends, which must never appear in a message. */
  secret(argocd: FakeArgoCd): string;
}

const adapters: Adapter[] = [
  {
    name: 'ArgoCdApiClient (Argo CD REST API)',
    connect: (argocd, token) =>
      new ArgoCdApiClient({ url: argocd.url, token: token ?? argocd.token }),
    secret: (argocd) => argocd.token,
  },
  {
    name: 'KubernetesArgoCdClient (Kubernetes API)',
    connect: (argocd, token) => {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(argocd.kubeconfig(token === undefined ? {} : { token }));
      return new KubernetesArgoCdClient({ kubeConfig });
    },
    secret: (argocd) => argocd.kubernetesToken,
  },
];

const deployment = deploymentManifest;

describe.each(adapters)('ArgoCdClient contract: $name', (adapter) => {
  let gitServer: TestGitServer;
  let repoURL: string;
  let argocd: FakeArgoCd;
  let client: ArgoCdClient;

  beforeAll(async () => {
    gitServer = await startGitServer();
    repoURL = gitServer.createRepo('gitops', {
      'envs/dev/frontend.yaml': deployment('frontend', 'registry.example/frontend:1.0.0'),
    });
  });
  afterAll(() => gitServer.stop());

  const app = (
    name: string,
    labels: Record<string, string>,
    path = 'envs/dev',
  ): FakeApplication => ({
    metadata: {
      name,
      labels,
      annotations: { 'kargo.akuity.io/authorized-stage': 'shop:dev' },
    },
    spec: {
      project: 'shop',
      destination: { server: 'https://kubernetes.default.svc', namespace: 'dev' },
      source: { repoURL, targetRevision: 'main', path },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
    },
  });

  beforeEach(async () => {
    argocd = await startFakeArgoCd({ syncDelayMs: 150 });
    argocd.addApp(app('frontend-dev', { app: 'frontend', env: 'dev' }));
    argocd.addApp(app('frontend-prod', { app: 'frontend', env: 'prod' }));
    argocd.addApp(app('backend-dev', { app: 'backend', env: 'dev', legacy: 'yes' }));
    client = adapter.connect(argocd);
  });
  afterEach(async () => {
    client.close();
    await argocd.stop();
  });

  const names = (apps: Application[]) => apps.map((a) => a.metadata.name).sort();

  it('gets an Application with the fields it does not model', async () => {
    const got = await client.getApplication('frontend-dev', 'argocd');
    expect(got.metadata).toMatchObject({ name: 'frontend-dev', namespace: 'argocd' });
    expect(got.spec.source).toEqual({ repoURL, targetRevision: 'main', path: 'envs/dev' });
    expect(got.spec.syncPolicy).toEqual({ syncOptions: ['CreateNamespace=true'] });
  });

  it('lists by matchLabels and by matchExpressions', async () => {
    expect(
      names(await client.listApplications({ matchLabels: { app: 'frontend' } }, 'argocd')),
    ).toEqual(['frontend-dev', 'frontend-prod']);
    const expressions = await client.listApplications(
      {
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['dev', 'test'] },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      'argocd',
    );
    expect(names(expressions)).toEqual(['frontend-dev']);
    expect(
      names(
        await client.listApplications(
          { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['frontend'] }] },
          'argocd',
        ),
      ),
    ).toEqual(['backend-dev']);
    expect(
      await client.listApplications({ matchLabels: { app: 'frontend' } }, 'elsewhere'),
    ).toEqual([]);
  });

  it('updates the sources and keeps every other field', async () => {
    const before = await client.getApplication('frontend-dev', 'argocd');
    const source = { ...before.spec.source, targetRevision: 'release', path: 'envs/prod' };
    const updated = await client.updateSources(before, [source]);
    expect(updated.spec.source).toEqual(source);
    const after = await client.getApplication('frontend-dev', 'argocd');
    expect(after.spec).toEqual({ ...before.spec, source });
    expect(after.metadata.labels).toEqual(before.metadata.labels);
    expect(after.metadata.annotations).toEqual(before.metadata.annotations);
  });

  it('syncs a branch to the commit pushed last, Synced and Healthy', async () => {
    const pushed = gitServer.commitFiles('gitops', {
      'envs/dev/frontend.yaml': deployment('frontend', 'registry.example/frontend:1.1.0'),
    });
    const target = await client.getApplication('frontend-dev', 'argocd');
    const info = [{ name: 'gantry.io/promotion', value: 'dev.01abc' }];
    const started = await client.sync(target, { revisions: ['main'], initiator: 'alice', info });
    expect(started.operation).toBeDefined();
    const running = await client.getApplication('frontend-dev', 'argocd');
    expect(running.status?.operationState?.phase).toBe('Running');

    await argocd.idle();
    const done = await client.getApplication('frontend-dev', 'argocd');
    expect(done.operation).toBeUndefined();
    expect(done.status?.sync).toEqual({ status: 'Synced', revision: pushed });
    expect(done.status?.health?.status).toBe('Healthy');
    expect(done.status?.operationState).toMatchObject({
      phase: 'Succeeded',
      syncResult: { revision: pushed },
      operation: { info },
    });
    expect(done.status?.summary).toEqual({
      images: ['registry.example/frontend:1.1.0'],
    });
  });

  it('ends Degraded when a synced manifest is broken', async () => {
    gitServer.commitFiles('gitops', {
      'envs/broken/web.yaml': deployment('web', 'web:1', 'Degraded'),
    });
    argocd.addApp(app('web', { app: 'web' }, 'envs/broken'));
    const web = await client.getApplication('web', 'argocd');
    await client.sync(web, { revisions: ['main'], initiator: 'alice', info: [] });
    await argocd.idle();
    const done = await client.getApplication('web', 'argocd');
    expect(done.status?.sync?.status).toBe('Synced');
    expect(done.status?.health?.status).toBe('Degraded');
  });

  it('refuses a second sync while the first runs', async () => {
    const target = await client.getApplication('frontend-prod', 'argocd');
    const request = { revisions: ['main'], initiator: 'alice', info: [] };
    const release = argocd.holdSyncs(); // still running when the second sync is tried
    await client.sync(target, request);
    const running = await client.getApplication('frontend-prod', 'argocd');
    const err = await argoCdErrorOf(client.sync(running, request));
    release();
    expect(err.transient).toBe(false);
    expect(err.message).toContain('another operation is already in progress');
    expect(err.message).toContain('argocd/frontend-prod');
    await argocd.idle();
    expect(argocd.syncs).toBe(1);
  });

  it('names a missing Application in a terminal 404', async () => {
    const err = await argoCdErrorOf(client.getApplication('nope', 'argocd'));
    expect(err).toMatchObject({ status: 404, transient: false });
    expect(err.message).toMatch(
      /^could not get Application argocd\/nope at .*: HTTP 404: applications\.argoproj\.io "nope" not found$/,
    );
  });

  it('keeps errors one bounded line without credentials', async () => {
    argocd.respondWithHugeError(256 * 1024);
    const huge = await argoCdErrorOf(client.getApplication('frontend-dev', 'argocd'));
    expect(huge).toMatchObject({ status: 400, transient: false });
    expect(huge.message.length).toBeLessThan(800);
    expect(huge.message).not.toMatch(/\n/);
    expect(huge.message).not.toContain(adapter.secret(argocd));

    const bad = adapter.connect(argocd, 'wrong-s3cr3t-token');
    try {
      const denied = await argoCdErrorOf(bad.getApplication('frontend-dev', 'argocd'));
      expect(denied).toMatchObject({ status: 401, transient: false });
      expect(denied.message).not.toContain('wrong-s3cr3t-token');
      expect(denied.message).not.toContain(adapter.secret(argocd));
    } finally {
      bad.close();
    }
  });
});
