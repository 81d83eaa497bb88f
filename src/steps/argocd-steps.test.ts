import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeArgoCd, type FakeApplication, type FakeArgoCd } from '../../test/fake-argocd.js';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import type { StepOutcome } from '../engine/step.js';
import { ArgoCdApiClient } from '../integrations/argocd/argocd-api-client.js';
import { argoCdInstances, type ArgoCdInstances } from '../integrations/argocd/argocd-client.js';
import { argocdUpdateStep } from './argocd-update.js';
import { argocdWaitStep } from './argocd-wait.js';

/** A step still waiting on an app that is Progressing. */
const progressing = (outcome: StepOutcome | Error) =>
  'status' in outcome && outcome.status === 'Running' && /Progressing/.test(outcome.message ?? '');

const REPO = 'https://git.example/frontend.git';

/** An Application of the frontend, authorized for Stage demo:<stage> unless told otherwise. */
function app(
  name: string,
  options: { stage?: string | null; env?: string; source?: Record<string, unknown> } = {},
): FakeApplication {
  const stage = options.stage === undefined ? 'dev' : options.stage;
  return {
    metadata: {
      name,
      labels: { app: 'frontend', env: options.env ?? 'dev' },
      annotations: stage === null ? {} : { 'kargo.akuity.io/authorized-stage': `demo:${stage}` },
    },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
      source: { repoURL: REPO, targetRevision: 'env/dev', path: 'dev', ...options.source },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
    },
    status: { sync: { status: 'Synced', revision: 'old' }, health: { status: 'Healthy' } },
  };
}

describe('argocd steps', () => {
  let argocd: FakeArgoCd;
  let instances: ArgoCdInstances;
  let harness: StepHarness;

  beforeEach(async () => {
    argocd = await startFakeArgoCd({ syncDelayMs: 20 });
    instances = argoCdInstances([new ArgoCdApiClient({ url: argocd.url, token: argocd.token })]);
    harness = createStepHarness({ argocd: instances });
  });
  afterEach(async () => {
    instances.close();
    harness.cleanup();
    await argocd.stop();
  });

  const mutations = () =>
    argocd.requests.filter((r) => r.method !== 'GET' || r.path.includes('refresh='));

  it.each<[string, unknown, string]>([
    ['no apps', { apps: [] }, 'apps: must have at least one item'],
    [
      'name and selector',
      { apps: [{ name: 'a', selector: { matchLabels: { a: 'b' } } }] },
      'set exactly one of name and selector',
    ],
    [
      'neither name nor selector',
      { apps: [{ namespace: 'argocd' }] },
      'set exactly one of name and selector',
    ],
    ['an empty selector', { apps: [{ selector: {} }] }, 'set matchLabels or matchExpressions'],
    [
      'In without values',
      { apps: [{ selector: { matchExpressions: [{ key: 'env', operator: 'In' }] } }] },
      "values: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      'updateTargetRevision without desiredRevision',
      { apps: [{ name: 'a', sources: [{ repoURL: REPO, updateTargetRevision: true }] }] },
      'updateTargetRevision needs desiredRevision',
    ],
    [
      'a Kustomize image with tag and digest',
      {
        apps: [
          {
            name: 'a',
            sources: [
              {
                repoURL: REPO,
                kustomize: { images: [{ repoURL: 'x', tag: '1', digest: 'sha256:a' }] },
              },
            ],
          },
        ],
      },
      'set at most one of tag and digest',
    ],
    ['an unknown field', { apps: [{ name: 'a', wait: true }] }, 'wait: unknown field'],
  ])('argocd-update rejects %s', async (_, config, message) => {
    const err = await stepError(harness.run(argocdUpdateStep, config));
    expect(err.terminal).toBe(true);
    expect(err.message).toContain(message);
  });

  it('says how to configure Argo CD when none is', async () => {
    const bare = createStepHarness();
    try {
      const err = await stepError(bare.run(argocdUpdateStep, { apps: [{ name: 'a' }] }));
      expect(err.terminal).toBe(true);
      expect(err.message).toContain('no Argo CD is configured on this Gantry server');
      expect(err.message).toContain('--argocd-config');
    } finally {
      bare.cleanup();
    }
    const err = await stepError(
      harness.run(argocdUpdateStep, { apps: [{ name: 'a', instance: 'prod' }] }),
    );
    expect(err.message).toBe(
      'no Argo CD instance named "prod" is configured on this server (configured: default)',
    );
  });

  it('syncs only the named Application, waits for it, and registers its health check', async () => {
    argocd.addApp(app('frontend-dev'));
    argocd.addApp(app('frontend-other'));
    const outcome = await harness.runToEnd(argocdUpdateStep, {
      apps: [{ name: 'frontend-dev', sources: [{ repoURL: REPO, desiredRevision: 'env/dev' }] }],
    });
    expect(outcome.status).toBe('Succeeded');
    expect(outcome.message).toBe('synced argocd/frontend-dev at env/dev');
    expect(argocd.syncs).toBe(1);
    expect(argocd.app('frontend-other')?.status).toEqual(app('frontend-other').status);
    expect(mutations().every((r) => r.path.includes('frontend-dev'))).toBe(true);
    expect(argocd.app('frontend-dev')?.status?.operationState?.operation?.info).toEqual([
      { name: 'Reason', value: 'Promotion triggered a sync of this Application resource.' },
      { name: 'kargo.akuity.io/promotion', value: 'dev.01jtest.abc1234' },
    ]);
    expect(outcome.output).toEqual({
      apps: [
        {
          name: 'frontend-dev',
          namespace: 'argocd',
          instance: 'default',
          revisions: ['env/dev'],
          sync: 'Synced',
          health: 'Healthy',
        },
      ],
    });
    expect(outcome.healthCheck).toEqual({
      uses: 'argocd-update',
      config: {
        apps: [
          {
            name: 'frontend-dev',
            namespace: 'argocd',
            instance: 'default',
            desiredRevisions: ['env/dev'],
          },
        ],
      },
    });
    // While it waited, it said what for.
    expect(
      harness.outcomes.some(
        (o) => 'message' in o && /frontend-dev sync requested/.test(o.message ?? ''),
      ),
    ).toBe(true);
  });

  it('never touches an Application that does not authorize the Stage', async () => {
    argocd.addApp(app('frontend-prod', { stage: 'prod' }));
    argocd.addApp(app('frontend-open', { stage: null }));
    for (const name of ['frontend-prod', 'frontend-open']) {
      const before = argocd.app(name);
      const err = await stepError(
        harness.runToEnd(argocdUpdateStep, {
          apps: [
            {
              name,
              sources: [{ repoURL: REPO, desiredRevision: 'v2', updateTargetRevision: true }],
            },
          ],
        }),
      );
      expect(err.terminal).toBe(true);
      expect(err.message).toContain(
        `Application argocd/${name} is not authorized for Stage demo:dev`,
      );
      expect(err.message).toContain('No Application was changed');
      expect(argocd.app(name)).toEqual(before);
    }
    expect(mutations()).toEqual([]);
  });

  it('skips the apps a selector matches that do not authorize the Stage, as Kargo', async () => {
    argocd.addApp(app('frontend-a'));
    argocd.addApp(app('frontend-b', { stage: 'staging' }));
    const outcome = await harness.runToEnd(argocdUpdateStep, {
      apps: [
        {
          selector: { matchLabels: { app: 'frontend' } },
          sources: [{ repoURL: REPO, desiredRevision: 'v2', updateTargetRevision: true }],
        },
      ],
    });
    expect(outcome.status).toBe('Succeeded');
    expect(harness.logs.join('\n')).toContain(
      'skipping: Application argocd/frontend-b is not authorized for Stage demo:dev',
    );
    expect(argocd.app('frontend-a')?.spec.source.targetRevision).toBe('v2');
    expect(argocd.app('frontend-b')?.spec.source.targetRevision).toBe('env/dev');
    expect(mutations().some((r) => r.path.includes('frontend-b'))).toBe(false);
  });

  it('refuses a selection none of whose apps authorizes the Stage', async () => {
    argocd.addApp(app('frontend-a', { stage: 'staging' }));
    argocd.addApp(app('frontend-b', { stage: null }));
    const err = await stepError(
      harness.runToEnd(argocdUpdateStep, {
        apps: [{ selector: { matchLabels: { app: 'frontend' } } }],
      }),
    );
    expect(err.message).toContain(
      'found 2 Application(s) matching selector in namespace "argocd", but none are authorized for Stage demo:dev',
    );
    expect(mutations()).toEqual([]);
  });

  it('updates target revision, Kustomize images and Helm parameters of the matching source', async () => {
    argocd.addApp(
      app('frontend-dev', {
        source: {
          repoURL: `${REPO}/`,
          kustomize: { images: ['ghcr.io/acme/frontend:1.0.0', 'ghcr.io/acme/sidecar:3'] },
          helm: {
            parameters: [
              { name: 'replicas', value: '2' },
              { name: 'image.tag', value: '1.0.0' },
            ],
          },
        },
      }),
    );
    const outcome = await harness.runToEnd(argocdUpdateStep, {
      apps: [
        {
          name: 'frontend-dev',
          sources: [
            {
              repoURL: 'https://GIT.example/frontend',
              desiredRevision: 'v2',
              updateTargetRevision: true,
              kustomize: {
                images: [
                  { repoURL: 'ghcr.io/acme/frontend', tag: '1.1.0' },
                  {
                    repoURL: 'ghcr.io/acme/worker',
                    digest: 'sha256:abc',
                    newName: 'mirror/worker',
                  },
                ],
              },
              helm: { images: [{ key: 'image.tag', value: '1.1.0' }] },
            },
          ],
        },
      ],
    });
    expect(outcome.status).toBe('Succeeded');
    const source = argocd.app('frontend-dev')?.spec.source;
    expect(source).toEqual({
      repoURL: `${REPO}/`,
      targetRevision: 'v2',
      path: 'dev',
      kustomize: {
        images: [
          // As Kargo: the step's images replace the source's overrides (sidecar's is gone).
          'ghcr.io/acme/frontend:1.1.0',
          'ghcr.io/acme/worker=mirror/worker@sha256:abc',
        ],
      },
      helm: {
        parameters: [
          { name: 'replicas', value: '2' },
          { name: 'image.tag', value: '1.1.0' },
        ],
      },
    });
    // Fields Gantry does not model survive.
    expect(argocd.app('frontend-dev')?.spec.syncPolicy).toEqual({
      syncOptions: ['CreateNamespace=true'],
    });
    expect(harness.logs.join('\n')).toContain(
      'updating Application argocd/frontend-dev: targetRevision: env/dev → v2, kustomize images ghcr.io/acme/frontend:1.1.0, ghcr.io/acme/worker=mirror/worker@sha256:abc, helm parameter image.tag=1.1.0',
    );
  });

  it('fails before touching anything when a source matches none of the app', async () => {
    argocd.addApp(app('frontend-dev'));
    const err = await stepError(
      harness.runToEnd(argocdUpdateStep, {
        apps: [
          {
            name: 'frontend-dev',
            sources: [{ repoURL: 'https://git.example/other.git', desiredRevision: 'x' }],
          },
        ],
      }),
    );
    expect(err.message).toBe(
      `no source of Argo CD Application "frontend-dev" in namespace "argocd" matched update for source with repoURL https://git.example/other.git (its sources: ${REPO})`,
    );
    expect(mutations()).toEqual([]);
  });

  it('syncs again when the app lands on another revision, and gives up after three tries', async () => {
    argocd.addApp(app('frontend-dev'));
    const err = await stepError(
      harness.runToEnd(argocdUpdateStep, {
        apps: [{ name: 'frontend-dev', sources: [{ repoURL: REPO, desiredRevision: '1f2e3d4' }] }],
      }),
    );
    expect(err.terminal).toBe(true);
    expect(err.message).toBe(
      'Application argocd/frontend-dev was synced to env/dev, not 1f2e3d4, 3 times: does its targetRevision (env/dev) lead to 1f2e3d4?',
    );
    expect(argocd.syncs).toBe(4);
  });

  it('waits for an operation someone else started, then syncs', async () => {
    const busy = app('frontend-dev');
    busy.operation = { sync: { revision: 'x' }, initiatedBy: { username: 'bob' } };
    busy.status = { ...busy.status, operationState: { phase: 'Running' } };
    argocd.addApp(busy);
    const first = await harness.run(argocdUpdateStep, { apps: [{ name: 'frontend-dev' }] });
    expect(first).toMatchObject({
      status: 'Running',
      message:
        'waiting: Application argocd/frontend-dev has an operation started by bob running; syncing after it ends',
    });
    expect(argocd.syncs).toBe(0);
    const done = { ...busy, status: { ...busy.status, operationState: { phase: 'Succeeded' } } };
    delete done.operation;
    argocd.addApp(done);
    const outcome = await harness.runToEnd(argocdUpdateStep, { apps: [{ name: 'frontend-dev' }] });
    expect(outcome.status).toBe('Succeeded');
    expect(argocd.syncs).toBe(1);
  });

  it('retries transient Argo CD errors and stops at terminal ones', async () => {
    argocd.addApp(app('frontend-dev'));
    argocd.failNext(2, 503);
    const outcome = await harness.runToEnd(argocdUpdateStep, { apps: [{ name: 'frontend-dev' }] });
    expect(outcome.status).toBe('Succeeded');
    expect(harness.outcomes.filter((o) => o instanceof Error)).toHaveLength(2);

    const err = await stepError(harness.runToEnd(argocdUpdateStep, { apps: [{ name: 'nope' }] }));
    expect(err.terminal).toBe(true);
    expect(err.message).toContain('applications.argoproj.io "nope" not found');
  });

  it('keeps a huge Argo CD error short', async () => {
    argocd.addApp(app('frontend-dev'));
    argocd.respondWithHugeError(64 * 1024);
    const err = await stepError(
      harness.runToEnd(argocdUpdateStep, { apps: [{ name: 'frontend-dev' }] }),
    );
    expect(err.message.length).toBeLessThan(800);
    expect(err.message).toContain('(truncated;');
  });

  it('waits through Progressing, and completes on Degraded leaving the gate to Stage health', async () => {
    argocd.addApp(app('frontend-dev'));
    argocd.setHealthAfterSync('Progressing');
    const running = harness.runToEnd(argocdUpdateStep, { apps: [{ name: 'frontend-dev' }] });
    await harness.untilOutcome(progressing);
    argocd.setHealth('frontend-dev', 'Degraded');
    const outcome = await running;
    expect(outcome.status).toBe('Succeeded');
    expect(outcome.message).toContain('argocd/frontend-dev is Degraded: the Stage stays unhealthy');
    expect(outcome.healthCheck?.uses).toBe('argocd-update');
    expect(
      harness.outcomes.some(
        (o) => 'message' in o && /frontend-dev is Progressing/.test(o.message ?? ''),
      ),
    ).toBe(true);
  });

  it('updates every app a selector matches', async () => {
    argocd.addApp(app('frontend-a', { env: 'dev' }));
    argocd.addApp(app('frontend-b', { env: 'dev' }));
    argocd.addApp(app('frontend-c', { env: 'prod', stage: 'prod' }));
    const outcome = await harness.runToEnd(argocdUpdateStep, {
      apps: [{ selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] } }],
    });
    expect(outcome.status).toBe('Succeeded');
    expect((outcome.output?.apps as Array<{ name: string }>).map((a) => a.name)).toEqual([
      'frontend-a',
      'frontend-b',
    ]);
    expect(argocd.syncs).toBe(2);

    const err = await stepError(
      harness.run(argocdUpdateStep, { apps: [{ selector: { matchLabels: { env: 'qa' } } }] }),
    );
    expect(err.message).toBe('no Application in namespace argocd matches the selector env=qa');
  });

  it('reports in plan mode and changes nothing', async () => {
    argocd.addApp(app('frontend-dev'));
    const planner = createStepHarness({ argocd: instances, plan: true });
    try {
      const outcome = await planner.run(argocdUpdateStep, {
        apps: [
          {
            name: 'frontend-dev',
            sources: [{ repoURL: REPO, desiredRevision: 'v2', updateTargetRevision: true }],
          },
        ],
      });
      expect(outcome).toMatchObject({
        status: 'Succeeded',
        message:
          'would update Application argocd/frontend-dev (targetRevision: env/dev → v2) and sync it',
      });
      expect(mutations()).toEqual([]);
    } finally {
      planner.cleanup();
    }
  });

  describe('argocd-wait', () => {
    it('waits for health, sync and no operation, without authorization', async () => {
      argocd.addApp(app('frontend-dev', { stage: null }));
      argocd.setHealth('frontend-dev', 'Progressing');
      const running = harness.runToEnd(argocdWaitStep, { apps: [{ name: 'frontend-dev' }] });
      await harness.untilOutcome(progressing);
      argocd.setHealth('frontend-dev', 'Healthy');
      const outcome = await running;
      expect(outcome).toMatchObject({ status: 'Succeeded', message: 'argocd/frontend-dev ready' });
      expect(harness.outcomes[0]).toMatchObject({
        status: 'Running',
        message: 'waiting: Application argocd/frontend-dev is Progressing, not Healthy',
      });
      expect(mutations()).toEqual([]);
    });

    it('fails at once when an app turns Degraded while it waits for health', async () => {
      argocd.addApp(app('frontend-dev'));
      argocd.setHealth('frontend-dev', 'Progressing');
      const running = harness.runToEnd(argocdWaitStep, { apps: [{ name: 'frontend-dev' }] });
      await harness.untilOutcome(progressing);
      argocd.setHealth('frontend-dev', 'Degraded');
      const err = await stepError(running);
      expect(err.terminal).toBe(true);
      expect(err.message).toBe(
        'Argo CD Application "frontend-dev" in namespace "argocd" health has regressed from Progressing to Degraded while waiting for it to be Healthy',
      );
    });

    it('can wait for Degraded or Suspended, or only for the operation to end', async () => {
      argocd.addApp(app('frontend-dev'));
      argocd.setHealth('frontend-dev', 'Suspended');
      await expect(
        harness.runToEnd(argocdWaitStep, {
          apps: [{ name: 'frontend-dev', waitFor: ['degraded', 'suspended'] }],
        }),
      ).resolves.toMatchObject({ status: 'Succeeded' });
      await expect(
        harness.runToEnd(argocdWaitStep, {
          apps: [{ name: 'frontend-dev', waitFor: ['operation'] }],
        }),
      ).resolves.toMatchObject({ status: 'Succeeded' });
      const err = await stepError(
        harness.run(argocdWaitStep, { apps: [{ name: 'frontend-dev', waitFor: ['ready'] }] }),
      );
      expect(err.message).toContain(
        'apps[0].waitFor[0]: must be one of health, sync, operation, suspended, degraded',
      );
    });
  });
});
