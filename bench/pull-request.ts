/**
 * Pull-request promotion (docs/benchmarks.md, issue 16): a Stage promotes through a pull request
 * on the GitHub double (a contract double of GitHub's REST API over the real git server); the
 * benchmark is the reviewer. Measured: from the reviewer's merge (which makes the double send
 * its signed `pull_request` webhook to the project's receiver) to the Promotion Succeeded.
 * git-wait-for-pr polls every 30 s, so the figure is the webhook's path: receiver → refresh
 * annotation → the controller wakes the waiting step → it reads the merged pull request.
 * Target: p50 < 1 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PromotionStatus } from '../src/api/promotion.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry } from '../src/main.js';
import { startGitHubDouble } from '../test/forges/github-double.js';
import { startGitServer } from '../test/git-server.js';
import { cliAgainst, until } from '../test/in-process-cli.js';
import { adminToken } from './admin-auth.js';
import { figures, median } from './figures.js';

const RUNS = 15;
const { report, print } = figures({ figure: 52, value: 12 });

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-pr-'));
const git = await startGitServer();
const github = await startGitHubDouble(git);
const repository = 'acme/gitops';
const repoURL = git.createRepo(repository, { 'env/prod/app.yaml': 'tag: v0\n' });
const forgeConfig = join(dir, 'forges.yaml');
writeFileSync(
  forgeConfig,
  `hosts:\n- {url: ${git.url}, provider: github, apiURL: ${github.apiUrl}}\n`,
);
const gantry = await startGantry(
  resolveServerConfig(
    { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h', forgeConfig },
    {},
  ),
  silentLogger,
);
adminToken(gantry); // the CLI signs in with it
const inProject = cliAgainst(() => gantry, 'shop');
const cli = async (args: string[]): Promise<string> => {
  const { code, out, err } = await inProject(args);
  if (code !== 0) throw new Error(`gantry ${args.join(' ')}: ${err}`);
  return out;
};
/** Polls every 2 ms (the figure is in milliseconds); 120 s only detects a hang. */
const waitFor = (check: () => Promise<boolean>, what: string) => until(check, what, 120, 2);

try {
  const manifests = join(dir, 'shop.yaml');
  writeFileSync(
    manifests,
    `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: shop}
---
apiVersion: v1
kind: Secret
metadata: {name: hook, namespace: shop}
stringData: {secret: bench-hook-secret}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: shop, namespace: shop}
spec:
  webhookReceivers:
  - {name: github, github: {secretRef: {name: hook}}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: config, namespace: shop}
spec:
  subscriptions:
  - git: {repoURL: ${repoURL}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: prod, namespace: shop}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: config}
    sources: {direct: true}
  promotionTemplate:
    spec:
      steps:
      - uses: git-clone
        config: {repoURL: ${repoURL}, checkout: [{branch: main, path: ./src}]}
      - uses: file-write
        config: {path: ./src/env/prod/app.yaml, contents: "tag: \${{ ctx.promotion }}\\n", overwrite: true}
      - uses: git-commit
        config: {path: ./src, message: "Promote \${{ ctx.promotion }}"}
      - uses: git-push
        as: push
        config: {path: ./src, generateTargetBranch: true}
      - uses: git-open-pr
        as: open-pr
        config: {repoURL: ${repoURL}, sourceBranch: "\${{ outputs.push.branch }}", targetBranch: main}
      - uses: git-wait-for-pr
        config: {repoURL: ${repoURL}, prNumber: "\${{ outputs['open-pr'].pr.id }}"}
`,
  );
  await cli(['apply', '-f', manifests]);
  let freight = '';
  await waitFor(async () => {
    const { items } = await gantry.store.list('Freight', { namespace: 'shop' });
    freight = items[0]?.metadata.name ?? '';
    return freight !== '';
  }, 'Freight');
  let receiver = '';
  await waitFor(async () => {
    const config = await gantry.store.get({
      kind: 'ProjectConfig',
      namespace: 'shop',
      name: 'shop',
    });
    receiver =
      (config?.status as { webhookReceivers?: Array<{ url?: string }> } | undefined)
        ?.webhookReceivers?.[0]?.url ?? '';
    return receiver !== '';
  }, 'the webhook receiver');
  github.addWebhook!(receiver, 'bench-hook-secret');

  const status = async (name: string) =>
    (await gantry.store.get({ kind: 'Promotion', namespace: 'shop', name }))?.status as
      PromotionStatus | undefined;
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const created = await cli(['promote', '--stage', 'prod', '--freight', freight]);
    const name = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(created)![1]!;
    await waitFor(
      async () => JSON.stringify((await status(name))?.state ?? {}).includes('"open":true'),
      `promotion ${run} to wait on its pull request`,
    );
    const started = performance.now();
    github.reviewer.merge(repository, run);
    await waitFor(async () => {
      const phase = (await status(name))?.phase;
      if (phase && phase !== 'Running' && phase !== 'Pending' && phase !== 'Succeeded')
        throw new Error(`promotion ${run} ended ${phase}`);
      return phase === 'Succeeded';
    }, `promotion ${run} to succeed`);
    times.push(performance.now() - started);
  }
  const p50 = median(times);
  const p90 = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)]!;
  report(
    'merged → Promotion Succeeded (webhook), p50',
    `${p50.toFixed(0)} ms`,
    '< 1,000 ms',
    p50 < 1000,
  );
  report('merged → Promotion Succeeded (webhook), p90', `${p90.toFixed(0)} ms`, '(reported)', true);
  print(`Pull-request promotion on the GitHub double (${RUNS} runs)`);
} finally {
  await gantry.stop();
  await github.stop();
  await git.stop();
  rmSync(dir, { recursive: true, force: true });
}
