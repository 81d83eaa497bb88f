import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageStatus } from '../src/api/stage.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { deploymentManifest } from './argocd-fixtures.js';
import { startFakeArgoCd, type FakeApplication, type FakeArgoCd } from './fake-argocd.js';
import { startGitServer, type TestGitServer } from './git-server.js';
import { cliAgainst, until } from './in-process-cli.js';

/**
 * A server with two Argo CD instances, as configured in production: `default` through Argo
 * CD's API server and `edge` through the Kubernetes API (kubeconfig), both fronts of the one
 * Argo CD double, which syncs from a real git repository. Stages promote commit Freight by
 * pointing their app's targetRevision at the commit (Kargo's commit-driven pattern).
 */
describe('Argo CD through the server', () => {
  let dir: string;
  let git: TestGitServer;
  let argocd: FakeArgoCd;
  let gantry: RunningGantry;
  let repo: string;
  const commits: string[] = [];
  const cli = cliAgainst(() => gantry, 'shop');

  const deployment = (tag: string) => deploymentManifest('web', `ghcr.io/acme/web:${tag}`);
  const app = (name: string, stage: string | null, namespace = 'argocd'): FakeApplication => ({
    metadata: {
      name,
      namespace,
      annotations: stage === null ? {} : { 'kargo.akuity.io/authorized-stage': `shop:${stage}` },
    },
    spec: {
      project: 'default',
      source: { repoURL: repo, targetRevision: 'main', path: 'web' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
    },
    status: { sync: { status: 'Unknown' }, health: { status: 'Missing' } },
  });
  const stage = async (name: string) =>
    (await gantry.store.get({ kind: 'Stage', namespace: 'shop', name }))?.status as
      StageStatus | undefined;
  const updateStep = (appName: string, extra = '') => `
      - uses: argocd-update
        config:
          apps:
            - name: ${appName}${extra}
              sources:
                - repoURL: \${{ vars.repo }}
                  desiredRevision: \${{ commitFrom(vars.repo).ID }}
                  updateTargetRevision: true`;
  const stageManifest = (name: string, steps: string) => `
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: ${name}, namespace: shop}
spec:
  requestedFreight:
    - origin: {kind: Warehouse, name: web}
      sources: {direct: true}
  promotionTemplate:
    spec:
      vars: [{name: repo, value: '${repo}'}]
      steps:${steps}`;
  const freight = (alias: string, commit: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f, namespace: shop}
alias: ${alias}
origin: {kind: Warehouse, name: web}
commits: [{repoURL: '${repo}', id: '${commit}'}]
`;
  const promote = (stageName: string, alias: string) =>
    cli(['promote', '--stage', stageName, '--freight', alias, '--wait']);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-argocd-e2e-'));
    [git, argocd] = await Promise.all([
      startGitServer(),
      startFakeArgoCd({ syncDelayMs: 30, healthyAfterMs: 100 }),
    ]);
    repo = git.createRepo('deploy', { 'web/deployment.yaml': deployment('1.0.0') });
    commits.push(git.git('deploy', ['rev-parse', 'main']).trim());
    commits.push(
      git.commitFiles('deploy', { 'web/deployment.yaml': deployment('1.1.0') }, 'web 1.1.0'),
    );
    argocd.addApp(app('web-dev', 'dev'));
    argocd.addApp(app('web-prod', 'prod', 'team-a'));
    argocd.addApp(app('web-other', null));
    writeFileSync(join(dir, 'token'), argocd.token);
    writeFileSync(
      join(dir, 'argocd.yaml'),
      [
        'instances:',
        `  - url: ${argocd.url}`,
        '    tokenFile: token',
        '  - name: edge',
        '    namespace: team-a',
        '    uiURL: https://argocd.edge.example.com',
        '    kubernetes:',
        `      kubeconfig: ${argocd.writeKubeconfig(join(dir, 'kubeconfig'))}`,
      ].join('\n'),
    );
    gantry = await startGantry(
      resolveServerConfig(
        {
          port: '0',
          dataDir: join(dir, 'data'),
          argocdConfig: join(dir, 'argocd.yaml'),
          healthInterval: '1s',
        },
        {},
      ),
      silentLogger,
    );
    const manifests = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: shop}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: web, namespace: shop}
spec:
  freightCreationPolicy: Manual
  subscriptions:
    - git: {repoURL: '${repo}'}
${stageManifest('dev', updateStep('web-dev'))}
${stageManifest('prod', updateStep('web-prod', '\n              instance: edge'))}
${stageManifest('qa', updateStep('web-other'))}
`;
    writeFileSync(join(dir, 'shop.yaml'), manifests);
    expect((await cli(['apply', '-f', join(dir, 'shop.yaml')])).err).toBe('');
    writeFileSync(join(dir, 'f1.yaml'), freight('one', commits[0]!));
    writeFileSync(join(dir, 'f2.yaml'), freight('two', commits[1]!));
    expect((await cli(['apply', '-f', join(dir, 'f1.yaml')])).err).toBe('');
    expect((await cli(['apply', '-f', join(dir, 'f2.yaml')])).err).toBe('');
  });
  afterAll(async () => {
    await gantry.stop();
    await Promise.all([git.stop(), argocd.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs the dev app to the Freight commit through the API server, and shows it healthy', async () => {
    const promoted = await promote('dev', 'two');
    expect(promoted.err).toBe('');
    const web = argocd.app('web-dev');
    expect(web?.spec.source.targetRevision).toBe(commits[1]);
    expect(web?.status?.sync).toMatchObject({ status: 'Synced', revision: commits[1] });
    expect(web?.status?.summary?.images).toEqual(['ghcr.io/acme/web:1.1.0']);
    expect(argocd.app('web-other')?.spec.source.targetRevision).toBe('main');
    await until(async () => (await stage('dev'))?.health?.status === 'Healthy', 'dev healthy');
    const table = await cli(['get', 'stages', '-o', 'wide']);
    expect(table.out).toMatch(
      new RegExp(`dev .*Healthy\\s+argocd/web-dev Healthy@${commits[1]!.slice(0, 7)}`),
    );
  });

  it('plans a promotion: says what it would change in Argo CD, and changes nothing', async () => {
    const before = argocd.app('web-dev');
    const syncs = argocd.syncs;
    const planned = await cli(['promote', '--stage', 'dev', '--freight', 'one', '--plan']);
    expect(planned.err).toBe('');
    expect(planned.out).toContain(
      `would update Application argocd/web-dev (targetRevision: ${commits[1]} → ${commits[0]}) and sync it`,
    );
    expect(argocd.app('web-dev')?.spec).toEqual(before?.spec);
    expect(argocd.syncs).toBe(syncs);
  });

  it('reaches another instance through the Kubernetes API', async () => {
    const before = argocd.requests.length;
    const promoted = await promote('prod', 'one');
    expect(promoted.err).toBe('');
    const k8s = argocd.requests
      .slice(before)
      .filter((r) => r.path.startsWith('/apis/argoproj.io/v1alpha1/namespaces/team-a/'));
    expect(k8s.some((r) => r.method === 'PATCH')).toBe(true);
    expect(
      argocd.requests
        .slice(before)
        .filter((r) => r.path.startsWith('/api/v1/applications') && r.path.includes('web-prod')),
    ).toEqual([]);
    expect(argocd.app('web-prod', 'team-a')?.status?.sync?.revision).toBe(commits[0]);
    await until(async () => (await stage('prod'))?.health?.status === 'Healthy', 'prod healthy');
    expect((await stage('prod'))?.health?.output).toEqual([
      [
        expect.objectContaining({
          app: 'team-a/web-prod',
          instance: 'edge',
          health: 'Healthy',
          url: 'https://argocd.edge.example.com/applications/team-a/web-prod',
        }),
      ],
    ]);
  });

  it('keeps a Stage healthy while its app scales, and marks it unhealthy when it degrades', async () => {
    argocd.setHealth('web-dev', 'Progressing');
    await until(
      async () =>
        JSON.stringify((await stage('dev'))?.health?.output).includes('"health":"Progressing"'),
      'the health round to see Progressing',
    );
    expect((await stage('dev'))?.health?.status).toBe('Healthy');
    argocd.setHealth('web-dev', 'Degraded');
    await until(async () => (await stage('dev'))?.health?.status === 'Unhealthy', 'dev unhealthy');
    expect((await stage('dev'))?.health?.issues).toEqual([
      'Application argocd/web-dev is Degraded',
    ]);
    argocd.setHealth('web-dev', 'Healthy');
    await until(
      async () => (await stage('dev'))?.health?.status === 'Healthy',
      'dev healthy again',
    );
  });

  it('never touches an app that does not authorize the Stage, and says how to fix it', async () => {
    const before = argocd.app('web-other');
    const promoted = await promote('qa', 'two');
    expect(promoted.code).not.toBe(0);
    const last = (await stage('qa'))?.lastPromotion;
    expect(last?.status?.phase).toBe('Errored');
    const message = last?.status?.message ?? '';
    expect(message).toContain(
      'Application argocd/web-other is not authorized for Stage shop:qa (it has no kargo.akuity.io/authorized-stage annotation)',
    );
    expect(message).toContain('kargo.akuity.io/authorized-stage: "shop:qa"');
    expect(argocd.app('web-other')).toEqual(before);
    await until(async () => (await stage('qa'))?.health?.status === 'Unhealthy', 'qa unhealthy');
  });

  it('keeps a 1 MB Argo CD error short in the Promotion and the Stage', async () => {
    argocd.respondWithHugeError(1024 * 1024);
    const promoted = await promote('dev', 'one');
    expect(promoted.code).not.toBe(0);
    const last = (await stage('dev'))?.lastPromotion?.status;
    expect(last?.phase).toBe('Errored');
    expect(last?.message?.length).toBeLessThan(1_000);
    expect(last?.message).toContain('(truncated; the response held more than 16384 bytes)');
    const step = last?.stepExecutionMetadata?.find((s) => s.status === 'Errored');
    expect(step?.message?.length).toBeLessThan(1_000);
    await until(async () => (await stage('dev'))?.health?.status === 'Unhealthy', 'dev unhealthy');
    const issues = (await stage('dev'))?.health?.issues ?? [];
    expect(issues.join('').length).toBeLessThan(2_000);
  });
});
