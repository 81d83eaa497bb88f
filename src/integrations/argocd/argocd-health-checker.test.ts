import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeArgoCd,
  type FakeApplication,
  type FakeArgoCd,
} from '../../../test/fake-argocd.js';
import { ArgoCdApiClient } from './argocd-api-client.js';
import { argocdHealthChecker } from './argocd-health-checker.js';

const app = (name: string, revision: string, health: string): FakeApplication => ({
  metadata: { name, namespace: 'argocd' },
  spec: {
    source: { repoURL: 'https://git.example/gitops.git', targetRevision: revision, path: name },
  },
  status: { sync: { status: 'Synced', revision }, health: { status: health } },
});

describe('argocdHealthChecker', () => {
  let argocd: FakeArgoCd;
  let client: ArgoCdApiClient;
  const context = { project: 'shop', stage: 'dev', signal: new AbortController().signal };

  beforeEach(async () => {
    argocd = await startFakeArgoCd();
    argocd.addApp(app('api', 'abc123', 'Healthy'));
    argocd.addApp(app('web', 'abc123', 'Degraded'));
    client = new ArgoCdApiClient({ url: argocd.url, token: argocd.token });
  });
  afterEach(async () => {
    client.close();
    await argocd.stop();
  });

  const checker = () => argocdHealthChecker((instance) => (instance ? undefined : client));

  it('is healthy when every app is healthy at the desired revision', async () => {
    const result = await checker().check(
      { apps: [{ name: 'api', desiredRevisions: ['abc123'] }] },
      context,
    );
    expect(result).toEqual({
      status: 'Healthy',
      issues: [],
      output: [
        {
          app: 'argocd/api',
          instance: 'default',
          health: 'Healthy',
          sync: 'Synced',
          revisions: ['abc123'],
          url: `${argocd.url}/applications/argocd/api`,
          settled: true,
        },
      ],
    });
  });

  it('takes the worst app, and a wrong revision is unhealthy', async () => {
    const degraded = await checker().check({ apps: [{ name: 'api' }, { name: 'web' }] }, context);
    expect(degraded.status).toBe('Unhealthy');
    expect(degraded.issues?.[0]).toMatch(/^Application argocd\/web is Degraded/);
    const behind = await checker().check(
      { apps: [{ name: 'api', desiredRevisions: ['def456'] }] },
      context,
    );
    expect(behind.status).toBe('Unhealthy');
  });

  it('counts Progressing after Healthy at the same revision, with nothing syncing, as Healthy', async () => {
    const config = { apps: [{ name: 'api', desiredRevisions: ['abc123'] }] };
    // Progressing right after a promotion is a rollout: not healthy yet.
    argocd.setHealth('api', 'Progressing');
    expect((await checker().check(config, context)).status).toBe('Progressing');

    argocd.setHealth('api', 'Healthy');
    const healthy = await checker().check(config, context);
    // An autoscaler adds pods: Argo CD says Progressing, the Stage stays Healthy.
    argocd.setHealth('api', 'Progressing');
    const scaling = await checker().check(config, { ...context, previous: healthy });
    expect(scaling.status).toBe('Healthy');
    expect(scaling.output).toEqual([
      expect.objectContaining({
        health: 'Progressing',
        settled: true,
        note: expect.stringContaining('scaling'),
      }),
    ]);
    // ...and stays so on the next look, but a rollout that goes wrong still counts.
    expect((await checker().check(config, { ...context, previous: scaling })).status).toBe(
      'Healthy',
    );
    argocd.setHealth('api', 'Degraded');
    expect((await checker().check(config, { ...context, previous: scaling })).status).toBe(
      'Unhealthy',
    );
  });

  it('is Unknown, saying why, when an app or an instance cannot be reached', async () => {
    const missing = await checker().check({ apps: [{ name: 'gone' }] }, context);
    expect(missing.status).toBe('Unknown');
    expect(missing.issues?.[0]).toContain('argocd/gone');
    expect(missing.issues?.[0]).not.toContain(argocd.token);
    const elsewhere = await checker().check({ apps: [{ name: 'api', instance: 'eu' }] }, context);
    expect(elsewhere.issues).toEqual(['no Argo CD instance "eu" is configured on this server']);
  });
});
