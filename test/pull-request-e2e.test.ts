import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionStatus } from '../src/api/promotion.js';
import type { StageStatus } from '../src/api/stage.js';
import { resolveServerConfig } from '../src/config.js';
import type { ForgeProviderName } from '../src/forges/forge-provider.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import type { ForgeDouble } from './forges/forge-double.js';
import { startGitHubDouble } from './forges/github-double.js';
import { startGitLabDouble } from './forges/gitlab-double.js';
import { startGiteaDouble } from './forges/gitea-double.js';
import { startGitServer, type TestGitServer } from './git-server.js';
import { cliAgainst, until } from './in-process-cli.js';
import { startRegistry, type TestRegistry } from './registry.js';

/**
 * Promotion through a pull request, end to end, on the GitHub, GitLab and Gitea doubles (each
 * a contract double of the host's REST API over the real git server, test/forges/): a pipeline
 * shaped as Kargo's kargo-simple — dev and staging push to main, prod pushes a branch of its
 * own, opens a pull request (git-open-pr) and waits for it (git-wait-for-pr) — applied with
 * `gantry apply -f` and promoted with `gantry promote`. The test is the reviewer: it merges the
 * pull request in the host, the host's webhook (signed as the host signs it) reaches the
 * project's receiver, and the waiting Promotion finishes at once rather than at its next poll
 * (30 s). The manifests are kargo-simple's but for addresses and one expression: kargo-simple
 * still reads `outputs['open-pr'].prNumber`, which Kargo v1.12 no longer writes; Kargo's
 * documentation reads `pr.id`, and so does this pipeline.
 *
 * Gantry learns which host runs where from the operator's --forge-config, and signs in to the
 * host with the project's git credentials (a token as the password), which each double checks.
 */
const FORGES: Array<{
  provider: ForgeProviderName;
  start: (git: TestGitServer, token: string) => Promise<ForgeDouble>;
  /** The project's webhook receiver: its kind and the key of its Secret. */
  receiver: { kind: string; key: string };
}> = [
  {
    provider: 'github',
    start: (git, token) => startGitHubDouble(git, { token }),
    receiver: { kind: 'github', key: 'secret' },
  },
  {
    provider: 'gitlab',
    start: (git, token) => startGitLabDouble(git, { token }),
    receiver: { kind: 'gitlab', key: 'secret-token' },
  },
  {
    provider: 'gitea',
    start: (git, token) => startGiteaDouble(git, { token }),
    receiver: { kind: 'gitea', key: 'secret' },
  },
];

const TAG = 'v0.1.0';
const TOKEN = 'host-t0ken';

describe.concurrent('promotion through a pull request, end to end', { timeout: 180_000 }, () => {
  let dir: string;
  let git: TestGitServer;
  let registry: TestRegistry;
  let gantry: RunningGantry;
  const doubles = new Map<ForgeProviderName, ForgeDouble>();
  const image = () => `${registry.host}/shop/guestbook`;
  const repoURL = (provider: string) => `${git.url}/${provider}/shop.git`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-pr-e2e-'));
    [git, registry] = await Promise.all([startGitServer(), startRegistry()]);
    for (const forge of FORGES) doubles.set(forge.provider, await forge.start(git, TOKEN));
    // The operator's --forge-config: each host's repositories and API.
    const forgeConfig = join(dir, 'forges.yaml');
    writeFileSync(
      forgeConfig,
      JSON.stringify({
        hosts: FORGES.map(({ provider }) => ({
          url: `${git.url}/${provider}`,
          provider,
          apiURL: doubles.get(provider)!.apiUrl,
        })),
      }),
    );
    await registry.pushImage('shop/guestbook', TAG);
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h', forgeConfig },
        {},
      ),
      silentLogger,
    );
  });
  afterAll(async () => {
    await gantry?.stop();
    await Promise.all([...doubles.values()].map((double) => double.stop()));
    await Promise.all([git?.stop(), registry?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const forge of FORGES) {
    it(`${forge.provider}: dev and staging push to main; prod opens a pull request, the reviewer merges it, the host's webhook finishes the Promotion`, async () => {
      const project = `shop-${forge.provider}`;
      const repository = `${forge.provider}/shop`;
      const double = doubles.get(forge.provider)!;
      const cli = cliAgainst(() => gantry, project);
      git.createRepo(repository, {
        'base/kustomization.yaml': 'resources: []\n',
        ...Object.fromEntries(
          ['dev', 'staging', 'prod'].map((stage) => [
            `env/${stage}/kustomization.yaml`,
            `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\nimages:\n- name: ${image()}\n  newTag: v0.0.1\n`,
          ]),
        ),
      });
      const manifests = join(dir, `${project}.yaml`);
      writeFileSync(manifests, pipeline(project, repoURL(forge.provider), image(), forge.receiver));
      const applied = await cli(['apply', '-f', manifests]);
      expect(applied.code, applied.err).toBe(0);

      let freight = '';
      await until(async () => {
        const { items } = await gantry.store.list('Freight', { namespace: project });
        freight = items[0]?.metadata.name ?? '';
        return freight !== '';
      }, `Freight in ${project}`);
      for (const stage of ['dev', 'staging']) {
        const promoted = await cli(['promote', '--stage', stage, '--freight', freight, '--wait']);
        expect(promoted.code, promoted.err).toBe(0);
        // Verified there after the promotion (as in Kargo): only then is it available downstream.
        await until(async () => {
          const stored = await gantry.store.get({
            kind: 'Freight',
            namespace: project,
            name: freight,
          });
          return !!(stored?.status as { verifiedIn?: Record<string, unknown> } | undefined)
            ?.verifiedIn?.[stage];
        }, `the Freight verified in ${stage}`);
        expect(git.git(repository, ['show', `main:env/${stage}/kustomization.yaml`])).toContain(
          `newTag: ${TAG}`,
        );
      }

      const receiver = await receiverUrl(project);
      double.addWebhook!(receiver, `${forge.provider}-hook-secret`);
      const started = await cli(['promote', '--stage', 'prod', '--freight', freight]);
      expect(started.code, started.err).toBe(0);
      const name = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(started.out)![1]!;

      // It waits on the pull request it opened: the CLI shows the link and that it is open.
      let status: PromotionStatus | undefined;
      await until(async () => {
        status = await promotionStatus(project, name);
        return JSON.stringify(status?.state ?? {}).includes('"open":true');
      }, 'the Promotion waiting on its pull request');
      const listed = await cli(['get', 'promotions']);
      const url = double.webUrl(repository, 1);
      expect(listed.out).toContain(`${url} (open)`);
      const pr = double.inspect(repository, 1)!;
      // Titled from the commit message (kustomize-set-image's), as Kargo titles it.
      expect(pr).toMatchObject({
        base: 'main',
        state: 'open',
        title: 'Updated ./src/env/prod to use new image',
      });
      expect(pr.head).toMatch(/^kargo\/promotion\/prod\./);
      expect(git.git(repository, ['show', 'main:env/prod/kustomization.yaml'])).toContain(
        'newTag: v0.0.1',
      );

      double.reviewer.merge(repository, 1);
      await until(
        async () => (await promotionStatus(project, name))?.phase === 'Succeeded',
        'the Promotion to finish after the merge',
        120,
      );
      status = await promotionStatus(project, name);
      // The host's webhook woke it (its poll is 30 s away): the receiver marked it for a refresh.
      const promotion = await gantry.store.get({ kind: 'Promotion', namespace: project, name });
      expect(promotion?.metadata.annotations?.['kargo.akuity.io/refresh']).toMatch(/webhook/);
      const main = git.git(repository, ['rev-parse', 'main']).trim();
      expect(status?.state?.['task-1::wait-for-pr']).toEqual({
        pr: { id: 1, url, open: false, merged: true },
        commit: main,
      });
      expect(git.git(repository, ['show', 'main:env/prod/kustomization.yaml'])).toContain(
        `newTag: ${TAG}`,
      );
      expect(double.inspect(repository, 2)).toBeUndefined();
      expect((await cli(['get', 'promotions'])).out).toContain(`${url} (merged)`);
      const prod = (await gantry.store.get({ kind: 'Stage', namespace: project, name: 'prod' }))
        ?.status as StageStatus | undefined;
      expect(prod?.freightHistory?.[0]?.items?.['Warehouse/guestbook']?.name).toBe(freight);
    });
  }

  async function receiverUrl(project: string): Promise<string> {
    let url = '';
    await until(async () => {
      const config = await gantry.store.get({
        kind: 'ProjectConfig',
        namespace: project,
        name: project,
      });
      url =
        (config?.status as { webhookReceivers?: Array<{ url?: string }> } | undefined)
          ?.webhookReceivers?.[0]?.url ?? '';
      return url !== '';
    }, `the webhook receiver of ${project}`);
    return url;
  }

  async function promotionStatus(project: string, name: string) {
    return (await gantry.store.get({ kind: 'Promotion', namespace: project, name }))?.status as
      PromotionStatus | undefined;
  }
});

/** kargo-simple's manifests (kargo/*.yaml), for this project, repository and image. */
function pipeline(
  project: string,
  repoURL: string,
  image: string,
  receiver: { kind: string; key: string },
): string {
  const provider = project.replace('shop-', '');
  const stage = (name: string, sources: string, vars = '') => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: ${name}
  namespace: ${project}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: guestbook}
    sources: ${sources}
  promotionTemplate:
    spec:
      steps:
      - task:
          name: promote${vars}
`;
  return `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: ${project}
---
apiVersion: v1
kind: Secret
metadata:
  name: repo
  namespace: ${project}
  labels: {kargo.akuity.io/cred-type: git}
stringData:
  repoURL: ${repoURL}
  username: gantry
  password: ${TOKEN}
---
apiVersion: v1
kind: Secret
metadata: {name: hook, namespace: ${project}}
stringData: {${receiver.key}: ${provider}-hook-secret}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: ${project}, namespace: ${project}}
spec:
  webhookReceivers:
  - name: ${provider}
    ${receiver.kind}: {secretRef: {name: hook}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: guestbook
  namespace: ${project}
spec:
  subscriptions:
  - image:
      repoURL: ${image}
      imageSelectionStrategy: SemVer
---
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata:
  name: promote
  namespace: ${project}
spec:
  vars:
  - name: repoURL
    value: ${repoURL}
  - name: branch
    value: main
  - name: image
    value: ${image}
  - name: openpr
    value: "false"
  steps:
  - uses: git-clone
    config:
      repoURL: \${{ vars.repoURL }}
      checkout:
      - branch: \${{ vars.branch }}
        path: ./src
  - uses: kustomize-set-image
    as: update-image
    config:
      path: ./src/env/\${{ ctx.stage }}
      images:
      - image: \${{ vars.image }}
        tag: \${{ imageFrom( vars.image ).Tag }}
  - uses: git-commit
    as: commit
    config:
      path: ./src
      message: \${{ task.outputs['update-image'].commitMessage }}
  - uses: git-push
    if: \${{ vars.openpr != 'true' }}
    config:
      path: ./src
  - uses: git-push
    if: \${{ vars.openpr == 'true' }}
    as: push
    config:
      path: ./src
      generateTargetBranch: true
  - uses: git-open-pr
    as: open-pr
    if: \${{ vars.openpr == 'true' }}
    config:
      repoURL: \${{ vars.repoURL }}
      createTargetBranch: true
      sourceBranch: \${{ task.outputs.push.branch }}
      targetBranch: \${{ vars.branch }}
  - uses: git-wait-for-pr
    as: wait-for-pr
    if: \${{ vars.openpr == 'true' }}
    config:
      repoURL: \${{ vars.repoURL }}
      prNumber: \${{ task.outputs['open-pr'].pr.id }}
---${stage('dev', '{direct: true}')}---${stage('staging', '{stages: [dev]}')}---${stage(
    'prod',
    '{stages: [staging]}',
    `
        vars:
        - name: openpr
          value: "true"`,
  )}`;
}
