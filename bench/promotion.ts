/**
 * Promotion benchmarks (docs/benchmarks.md):
 *  - the seed promotion (clone → yaml-parse → yaml-update → commit → push) on a repository of
 *    2,000 files and 5,000 commits, against a plain shell script doing the same
 *    clone/edit/commit/push: Gantry's median ≤ 1.5× the script's cold, ≤ 1.0× warm (mirror
 *    present, and the working tree of the last promotion to reuse);
 *  - 20 Stages promoting at once into one branch of one repository: all 20 commits land.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PromotionStep } from '../src/api/common.js';
import { runPromotion, type RunnerDeps } from '../src/engine/promotion-runner.js';
import { RepositoryCache } from '../src/git/repository-cache.js';
import { runCli } from '../src/cli/main.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry } from '../src/main.js';
import { BUILTIN_STEPS } from '../src/steps/index.js';
import { adminToken } from './admin-auth.js';
import { median } from './figures.js';
import { startGitServer, type TestGitServer } from '../test/git-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IMAGE = '127.0.0.1:5000/acme/frontend';
const RUNS = 5;

/** A repository with 2,000 files and 5,000 commits, built quickly with git fast-import. */
function bigRepository(git: TestGitServer, name: string): string {
  const url = git.createRepo(name, {
    'develop/frontend/instance.yaml': readFileSync(
      join(ROOT, 'examples/frontend/gitops/develop/frontend/instance.yaml'),
      'utf8',
    ),
  });
  const bare = join(git.root, 'repos', `${name}.git`);
  const lines: string[] = [];
  const blob = (text: string) => `data ${Buffer.byteLength(text)}\n${text}`;
  let mark = 0;
  const commit = (message: string, files: Array<[string, string]>) => {
    mark++;
    lines.push(
      `commit refs/heads/main`,
      `mark :${mark}`,
      `committer Bench <bench@example.test> ${1_700_000_000 + mark} +0000`,
      blob(message),
    );
    if (mark === 1) lines.push('from refs/heads/main^0');
    for (const [path, text] of files) lines.push(`M 100644 inline ${path}`, blob(text));
  };
  commit(
    'add 2,000 files',
    Array.from(
      { length: 1_999 },
      (_, i) => [`apps/app${i % 40}/file${i}.yaml`, `index: ${i}\n`] as [string, string],
    ),
  );
  for (let i = 1; i < 5_000; i++)
    commit(`change ${i}`, [
      [`apps/app${i % 40}/file${i % 1_999}.yaml`, `index: ${i}\nrevision: ${i}\n`],
    ]);
  execFileSync('git', ['fast-import', '--quiet'], { cwd: bare, input: `${lines.join('\n')}\n` });
  return url;
}

async function scriptRun(
  url: string,
  work: string,
  tag: string,
  shallow: boolean,
): Promise<number> {
  const script = `set -e
git clone -q ${shallow ? '--depth 1 --single-branch ' : ''}--branch main "$1" "$2"
cd "$2"
old=$(sed -n "s/^ *tag: '\\(.*\\)'.*/\\1/p" develop/frontend/instance.yaml)
sed -i "s/^\\( *tag: '\\)[^']*'/\\1$3'/" develop/frontend/instance.yaml
git -c user.name=s -c user.email=s@s commit -qam "Promote image from $old to $3"
git push -q origin HEAD:main`;
  // Asynchronously: the git server runs in this process and must keep answering.
  const start = performance.now();
  const child = spawn('bash', ['-c', script, 'bench', url, work, tag], {
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`script failed: ${stderr}`);
  return performance.now() - start;
}

async function gantryRun(
  url: string,
  dataDir: string,
  tag: string,
  repositories: RepositoryCache,
  project = 'bench',
): Promise<number> {
  const steps: PromotionStep[] = [
    { uses: 'git-clone', config: { repoURL: url, checkout: [{ branch: 'main', path: './repo' }] } },
    {
      uses: 'yaml-parse',
      as: 'current',
      config: {
        path: './repo/develop/frontend/instance.yaml',
        outputs: [{ name: 'oldTag', fromExpression: 'spec.values.deployment.tag' }],
      },
    },
    {
      uses: 'yaml-update',
      config: {
        path: './repo/develop/frontend/instance.yaml',
        updates: [
          { key: 'spec.values.deployment.tag', value: `\${{ quote(imageFrom('${IMAGE}').Tag) }}` },
        ],
      },
    },
    {
      uses: 'git-commit',
      config: {
        path: './repo',
        message: `Promote image from \${{ outputs.current.oldTag }} to \${{ imageFrom('${IMAGE}').Tag }}`,
      },
    },
    { uses: 'git-push', config: { path: './repo' } },
  ];
  const deps: RunnerDeps = {
    steps: new Map(BUILTIN_STEPS.map((s) => [s.kind, s])),
    repositories,
    credentialsFor: () => Promise.resolve(undefined),
    workRoot: join(dataDir, 'work'),
    now: () => new Date(),
    log: () => undefined,
    sleep: () => Promise.resolve(),
  };
  const start = performance.now();
  const status = await runPromotion(
    {
      name: `dev.bench${Math.random().toString(36).slice(2)}.abc1234`,
      project,
      stage: 'dev',
      vars: [],
      steps,
      freight: { name: 'f', origin: { kind: 'Warehouse', name: 'w' } },
      freightCollection: [
        { name: 'f', origin: { kind: 'Warehouse', name: 'w' }, images: [{ repoURL: IMAGE, tag }] },
      ],
    },
    deps,
    { status: {}, save: () => Promise.resolve(), signal: new AbortController().signal },
  );
  if (status.phase !== 'Succeeded') throw new Error(`promotion ${status.phase}: ${status.message}`);
  return performance.now() - start;
}

async function seedComparison(git: TestGitServer, dir: string): Promise<string[]> {
  const url = bigRepository(git, 'big');
  const rows: string[] = [];
  const script: number[] = [];
  const shallow: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const mirrorOnly: number[] = [];
  let version = 0;
  const tag = () => `1.3.${++version}`;
  for (let i = 0; i < RUNS; i++) {
    script.push(await scriptRun(url, join(dir, `script${i}`), tag(), false));
    shallow.push(await scriptRun(url, join(dir, `shallow${i}`), tag(), true));
    cold.push(
      await gantryRun(
        url,
        join(dir, `cold${i}`),
        tag(),
        new RepositoryCache(join(dir, `cold${i}`)),
      ),
    );
  }
  const warmCache = new RepositoryCache(join(dir, 'warm'));
  await gantryRun(url, join(dir, 'warm'), tag(), warmCache);
  for (let i = 0; i < RUNS; i++) {
    warm.push(await gantryRun(url, join(dir, 'warm'), tag(), warmCache));
    // A project that has no working tree to reuse yet: the mirror alone.
    mirrorOnly.push(await gantryRun(url, join(dir, 'warm'), tag(), warmCache, `fresh${i}`));
  }
  const s = median(script);
  rows.push(`seed promotion, 2,000 files / 5,000 commits (median of ${RUNS}):`);
  rows.push(`  shell script (git clone; sed; commit; push)       ${s.toFixed(0).padStart(6)} ms`);
  rows.push(
    `  shell script with a shallow clone (--depth 1)     ${median(shallow).toFixed(0).padStart(6)} ms`,
  );
  rows.push(
    `  Gantry, cold (no mirror yet)                      ${median(cold).toFixed(0).padStart(6)} ms  = ${(median(cold) / s).toFixed(2)}× the script (target ≤ 1.5×)`,
  );
  rows.push(
    `  Gantry, warm (mirror present)                     ${median(warm).toFixed(0).padStart(6)} ms  = ${(median(warm) / s).toFixed(2)}× the script (target ≤ 1.0×)`,
  );
  rows.push(
    `    of which with the mirror only (no tree to reuse) ${median(mirrorOnly).toFixed(0).padStart(6)} ms  = ${(median(mirrorOnly) / s).toFixed(2)}× the script`,
  );
  if (median(cold) / s > 1.5 || median(warm) / s > 1.0) process.exitCode = 1;
  return rows;
}

async function concurrentStages(git: TestGitServer, dir: string): Promise<string[]> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) files[`stage${i}/instance.yaml`] = "tag: '1.0.0'\n";
  const url = git.createRepo('shared', files);
  const gantry = await startGantry(
    resolveServerConfig({ port: '0', dataDir: join(dir, 'server') }, {}),
    silentLogger,
  );
  const io = {
    out: () => undefined,
    err: (t: string) => console.error(t),
    env: {
      GANTRY_SERVER: gantry.url,
      GANTRY_PROJECT: 'many',
      GANTRY_TOKEN: adminToken(gantry),
    },
  };
  try {
    const docs = [
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata: {name: many}',
      `apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata: {name: w, namespace: many}\nspec: {subscriptions: [{image: {repoURL: ${IMAGE}}}]}`,
      `apiVersion: kargo.akuity.io/v1alpha1\nkind: Freight\nmetadata: {name: f, namespace: many}\nalias: two\norigin: {kind: Warehouse, name: w}\nimages: [{repoURL: ${IMAGE}, tag: '2.0.0', digest: 'sha256:2'}]`,
      ...Array.from(
        { length: 20 },
        (_, i) => `apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: stage${i}, namespace: many}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: w}, sources: {direct: true}}]
  promotionTemplate:
    spec:
      steps:
      - {uses: git-clone, config: {repoURL: ${url}, checkout: [{branch: main, path: repo}]}}
      - {uses: yaml-update, config: {path: repo/stage${i}/instance.yaml, updates: [{key: tag, value: "\${{ quote(imageFrom('${IMAGE}').Tag) }}"}]}}
      - {uses: git-commit, config: {path: repo, message: "stage${i} to 2.0.0"}}
      - {uses: git-push, config: {path: repo}}`,
      ),
    ];
    const file = join(dir, 'many.yaml');
    (await import('node:fs')).writeFileSync(file, docs.join('\n---\n'));
    // Made-up image: --force skips the registry check hand-made Freight gets.
    if ((await runCli(['apply', '--force', '-f', file], io)) !== 0) throw new Error('apply failed');
    const start = performance.now();
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runCli(['promote', '--stage', `stage${i}`, '--freight', 'two', '--wait'], io),
      ),
    );
    const elapsed = performance.now() - start;
    const landed = git
      .git('shared', ['log', '--format=%s', 'main'])
      .split('\n')
      .filter((s) => / to 2\.0\.0$/.test(s)).length;
    const failed = codes.filter((code) => code !== 0).length;
    if (landed !== 20 || failed > 0) process.exitCode = 1;
    return [
      '20 Stages promoting at once into one branch:',
      `  commits landed ${landed}/20, promotions failed ${failed} (target 20/20, 0), all done in ${elapsed.toFixed(0)} ms`,
    ];
  } finally {
    await gantry.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-promotion-'));
const git = await startGitServer();
try {
  for (const line of [...(await seedComparison(git, dir)), ...(await concurrentStages(git, dir))])
    console.log(line);
} finally {
  await git.stop();
  rmSync(dir, { recursive: true, force: true });
}
