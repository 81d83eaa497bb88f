import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageStatus } from '../src/api/stage.js';
import type { RunningGantry } from '../src/main.js';
import { startExampleProject, type ExampleProject } from './example-project.js';
import { FAKE_HEALTH_ANNOTATION, type FakeArgoCd } from './fake-argocd.js';
import type { TestGitServer } from './git-server.js';
import { until as waitUntil } from './in-process-cli.js';

/**
 * The example project (examples/frontend) as a pipeline, with a real registry, real git over
 * HTTP and the Argo CD double (test/fake-argocd.ts) holding the example's Applications: a
 * pushed image becomes Freight, dev is auto-promoted, its Argo CD app synced to the pushed
 * commit and found Healthy, then verified by its `web` metric against a local endpoint;
 * staging follows once verified in dev, prod needs a person and a soak in staging, a rollback
 * of prod restores the previous tag in git and in the app, and a broken manifest keeps the
 * Freight from being verified.
 *
 * The example runs as test/example-project.ts starts it, with prod's soak 10 s, not an hour.
 *
 * Nothing here waits for a duration: the tests wait for the state they expect, and where they
 * assert that something did NOT happen they first wait for evidence that the controller had
 * its chance (a probe Stage verified by the same auto-promotion pass, a new health check).
 */
describe('the example pipeline end to end', { timeout: 600_000 }, () => {
  let example: ExampleProject;
  let gantry: RunningGantry;
  let git: TestGitServer;
  let argocd: FakeArgoCd;

  const cli = (args: string[]) => example.cli(args);
  const push = (tag: string) => example.push(tag);
  const gitTag = (env: 'develop' | 'staging' | 'production') => example.gitTag(env);
  const stage = async (name: string) =>
    (await gantry.store.get({ kind: 'Stage', namespace: 'frontend', name }))?.status as
      StageStatus | undefined;
  const tagIn = async (name: string) =>
    (await stage(name))?.freightHistory?.[0]?.items?.['Warehouse/frontend']?.images?.[0]?.tag;
  const verified = async (name: string) =>
    (await stage(name))?.freightHistory?.[0]?.verificationHistory?.[0]?.phase;
  /**
   * Longer waits, polled less often: this pipeline verifies for real (git, Argo CD, the health
   * endpoint measured three times a second apart), which takes minutes on a busy machine.
   */
  const until = (check: () => Promise<boolean>, what: string, seconds = 180) =>
    waitUntil(check, what, seconds, 50);
  /** The names of the project's Promotions, sorted (they sort by creation). */
  const promotionNames = async () =>
    (await gantry.store.list('Promotion', { namespace: 'frontend' })).items
      .map((p) => p.metadata.name)
      .sort();

  beforeAll(async () => {
    example = await startExampleProject({ soak: '10s' });
    ({ gantry, git, argocd } = example);
  });
  afterAll(() => example.stop());

  it('moves a pushed image through dev and staging on its own, synced by Argo CD and verified on the way', async () => {
    // The tag found at start (1.2.1) goes through dev to staging first. Waiting for that makes
    // the Promotions below exact: pushed before it settles, 1.2.2 could overtake 1.2.1 (one
    // Promotion to staging, or even one to dev) depending on how busy the machine is.
    await until(async () => (await tagIn('staging')) === '1.2.1', '1.2.1 in staging');
    await until(
      async () => (await stage('staging'))?.lastPromotion?.status?.phase === 'Succeeded',
      "staging's first Promotion to end",
    );
    await push('1.2.2');
    await until(async () => (await tagIn('staging')) === '1.2.2', '1.2.2 in staging');
    // Right away (a soak of 10 s started when staging took it): prod must wait, for staging's
    // verification if it has not ended yet (it measures for real, seconds on a busy machine),
    // else for the soak. Which of the two depends on the machine's load, not on Gantry.
    const early = await cli(['promote', '--stage', 'prod', '--freight', await aliasOf('1.2.2')]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(
      /not available to Stage "prod": (not verified in staging|soaking in staging: \d+s of 10s)$/m,
    );
    expect(await verified('dev')).toBe('Successful');
    expect(gitTag('develop')).toBe('1.2.2');
    expect(gitTag('staging')).toBe('1.2.2');
    expect(gitTag('production')).toBe('1.2.1');
    expect(await tagIn('prod')).toBeUndefined();

    // Each promotion synced its own Stage's app, once (1.2.1 then 1.2.2 in each), to the commit
    // it pushed; prod's app was never touched.
    const promotions = await promotionNames();
    expect(promotions.map((name) => name.split('.')[0])).toEqual([
      'dev',
      'dev',
      'staging',
      'staging',
    ]);
    expect(syncedFor('frontend-dev')).toEqual(promotions.slice(0, 2));
    expect(syncedFor('frontend-staging')).toEqual(promotions.slice(2));
    expect(syncedFor('frontend-prod')).toEqual([]);
    expect(argocd.requests.filter((r) => r.method === 'PATCH' || r.method === 'PUT')).toEqual([]);
    expect(argocd.app('frontend-dev')?.status?.sync?.revision).toBe(promotedCommit('develop'));
    expect(argocd.app('frontend-staging')?.status?.sync?.revision).toBe(promotedCommit('staging'));
    const dev = await stage('dev');
    expect(dev?.health?.status).toBe('Healthy');
    expect(dev?.lastPromotion?.status?.healthChecks).toEqual([
      {
        uses: 'argocd-update',
        config: {
          apps: [
            {
              name: 'frontend-dev',
              namespace: 'argocd',
              instance: 'default',
              desiredRevisions: [promotedCommit('develop')],
            },
          ],
        },
      },
    ]);
    const wide = await cli(['get', 'stages', '-o', 'wide']);
    expect(wide.out).toMatch(
      new RegExp(
        `dev .*Healthy\\s+argocd/frontend-dev Healthy@${promotedCommit('develop').slice(0, 7)}`,
      ),
    );
  });

  it('promotes prod by hand once the soak is done', async () => {
    const alias = await aliasOf('1.2.2');
    await until(
      async () =>
        (await cli(['get', 'freight', '--stage', 'prod'])).out
          .split('\n')
          .some(
            (line) =>
              line.split(/\s+/)[1] === alias && line.includes('verified and soaked in staging'),
          ),
      'the soak of 1.2.2',
    );
    const promoted = await cli([
      'promote',
      '--stage',
      'prod',
      '--freight',
      await aliasOf('1.2.2'),
      '--wait',
    ]);
    expect(promoted.err).toBe('');
    expect(gitTag('production')).toBe('1.2.2');
    expect(argocd.app('frontend-prod')?.status?.sync?.revision).toBe(promotedCommit('production'));
    await until(async () => (await verified('prod')) === 'Successful', 'prod to be verified');
  });

  it('blocks downstream when verification fails', async () => {
    example.healthy = false;
    await push('1.2.3');
    await until(async () => (await verified('dev')) === 'Failed', 'dev verification to fail');
    expect(await tagIn('dev')).toBe('1.2.3');
    expect(await tagIn('staging')).toBe('1.2.2');
    const why = await cli(['get', 'freight', '--stage', 'staging']);
    expect(why.out).toMatch(
      new RegExp(`${await aliasOf('1.2.3')}\\s+\\S+\\s+no\\s+not verified in dev`),
    );
    example.healthy = true;
  });

  it('pauses auto-promotion during a freeze', async () => {
    expect((await cli(['freeze', '--reason', 'launch day'])).code).toBe(0);
    // A control-flow Stage (no steps) named to come after dev: auto-promotion verifies Freight
    // there in the same pass in which it decides dev's promotions (Stages in name order). Once
    // 1.2.4 is verified in the probe, a pass has seen 1.2.4 while frozen.
    const probe = join(example.dir, 'zz-probe.yaml');
    writeFileSync(
      probe,
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: zz-probe, namespace: frontend}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: frontend}
    sources: {direct: true}
`,
    );
    expect((await cli(['apply', '-f', probe])).err).toBe('');
    await push('1.2.4');
    await until(async () => {
      const freight = await gantry.store.list('Freight', { namespace: 'frontend' });
      return freight.items.some(
        (f) =>
          (f as { images?: Array<{ tag?: string }> }).images?.[0]?.tag === '1.2.4' &&
          (f.status as { verifiedIn?: Record<string, unknown> } | undefined)?.verifiedIn?.[
            'zz-probe'
          ] !== undefined,
      );
    }, 'an auto-promotion pass to see 1.2.4');
    expect(await tagIn('dev')).toBe('1.2.3');
    const name = (await gantry.store.list('Freight', { namespace: 'frontend' })).items.find(
      (f) => (f as { images?: Array<{ tag?: string }> }).images?.[0]?.tag === '1.2.4',
    )?.metadata.name;
    const promotions = await gantry.store.list('Promotion', { namespace: 'frontend' });
    expect(
      promotions.items.filter((p) => (p.spec as { freight?: string }).freight === name),
    ).toEqual([]);
    expect((await cli(['delete', '-f', probe])).err).toBe('');
    expect((await cli(['unfreeze'])).code).toBe(0);
    await until(
      async () => (await tagIn('staging')) === '1.2.4',
      '1.2.4 in staging after the freeze',
    );
  });

  it('rolls prod back: the previous tag is in git again and auto-promotion is held', async () => {
    const approve = await cli(['approve', '--freight', await aliasOf('1.2.4'), '--stage', 'prod']);
    expect(approve.code).toBe(0);
    expect(
      (await cli(['promote', '--stage', 'prod', '--freight', await aliasOf('1.2.4'), '--wait']))
        .code,
    ).toBe(0);
    expect(gitTag('production')).toBe('1.2.4');
    const rolled = await cli(['rollback', '--stage', 'prod']);
    expect(rolled.err).toBe('');
    await until(async () => (await tagIn('prod')) === '1.2.2', 'the rollback of prod');
    await until(() => Promise.resolve(gitTag('production') === '1.2.2'), 'git to show 1.2.2 again');
    await until(
      () =>
        Promise.resolve(
          argocd.app('frontend-prod')?.status?.sync?.revision === promotedCommit('production'),
        ),
      'Argo CD to run the rolled-back commit',
    );
    expect(Object.keys((await stage('prod'))?.autoPromotionHolds ?? {})).toEqual([
      'Warehouse/frontend',
    ]);
    const stages = await cli(['get', 'stages']);
    expect(stages.out).toMatch(/prod\s+\S+ \(\S+:1\.2\.2\)\s+\S*\s*\S*\s*held at /);
  });

  it('keeps Freight from being verified while its Argo CD app is Degraded', async () => {
    // Someone breaks dev's manifests; the next promotion syncs them and the app degrades.
    const instance = git.git('gitops', ['show', 'main:develop/frontend/instance.yaml']);
    git.commitFiles(
      'gitops',
      {
        'develop/frontend/instance.yaml': instance.replace(
          '  namespace: develop\n',
          `  namespace: develop\n  annotations:\n    ${FAKE_HEALTH_ANNOTATION}: Degraded\n`,
        ),
      },
      'Break the develop frontend',
    );
    const staged = await tagIn('staging');
    await push('1.2.5');
    await until(async () => (await tagIn('dev')) === '1.2.5', '1.2.5 in dev');
    // Health is judged first, then the verification controller records why it waits.
    await until(
      async () =>
        (await stage('dev'))?.freightHistory?.[0]?.verificationHistory?.[0]?.message?.startsWith(
          'waiting for the Stage to be healthy: Unhealthy',
        ) === true,
      'dev verification to wait for an unhealthy dev',
    );
    const dev = await stage('dev');
    expect(dev?.health?.issues).toEqual([
      expect.stringMatching(/^Application argocd\/frontend-dev is Degraded/),
    ]);
    const verification = dev?.freightHistory?.[0]?.verificationHistory?.[0];
    expect(verification?.phase).toBe('Pending');
    expect(verification?.message).toMatch(/^waiting for the Stage to be healthy: Unhealthy/);
    expect(dev?.lastPromotion?.status?.phase).toBe('Succeeded');
    // Not verified in dev, so staging does not get it: not after two more health checks of
    // the app either (the health controller polls it; the app stays Degraded).
    const checked = appReads('frontend-dev');
    await until(
      () => Promise.resolve(appReads('frontend-dev') >= checked + 2),
      'two more health checks of frontend-dev',
    );
    const after = await stage('dev');
    expect(
      after?.freightHistory?.[0]?.verificationHistory?.[0]?.phase,
      JSON.stringify(after?.freightHistory?.slice(0, 2)),
    ).toBe('Pending');
    expect(await tagIn('staging')).toBe(staged);
    const freight = await gantry.store.list('Freight', { namespace: 'frontend' });
    const broken = freight.items.find(
      (f) => (f as { images?: Array<{ tag?: string }> }).images?.[0]?.tag === '1.2.5',
    );
    expect((broken?.status as { verifiedIn?: object } | undefined)?.verifiedIn ?? {}).toEqual({});
  });

  /** How many times the Argo CD double was asked for the app (either front). */
  const appReads = (app: string) =>
    argocd.requests.filter((r) => r.method === 'GET' && r.path.includes(`/applications/${app}`))
      .length;
  /** The Promotions that asked Argo CD to sync the app, from the sync requests' infos. */
  const syncedFor = (app: string) =>
    argocd.requests
      .filter((r) => r.method === 'POST' && r.path === `/api/v1/applications/${app}/sync`)
      .map(
        (r) =>
          (r.body as { infos: Array<{ name: string; value: string }> }).infos.find(
            (info) => info.name === 'kargo.akuity.io/promotion',
          )?.value,
      );
  /** The newest commit on main that changed the environment's instance.yaml. */
  const promotedCommit = (env: string) =>
    git
      .git('gitops', ['log', '-1', '--format=%H', 'main', '--', `${env}/frontend/instance.yaml`])
      .trim();

  async function aliasOf(tag: string): Promise<string> {
    const { items } = await gantry.store.list('Freight', { namespace: 'frontend' });
    const found = items.find(
      (f) => (f as { images?: Array<{ tag?: string }> }).images?.[0]?.tag === tag,
    );
    return (found as { alias?: string } | undefined)?.alias ?? '';
  }
});
