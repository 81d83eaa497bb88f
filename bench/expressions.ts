/**
 * Expressions (docs/benchmarks.md#expressions): a typical step config of 20 templates evaluated as
 * a promotion step evaluates it (parsing included, as the engine does for each step), and the
 * memory one evaluation allocates.
 * Targets: < 1 ms p50 for the config; allocation per config no more than the figure recorded
 * for the evaluator before the expr-lang rewrite (ALLOCATION_BEFORE, measured with this file on
 * commit 3392d1a).
 *
 * Allocation is measured in a child process with a young generation large enough that no
 * garbage collection runs during the measured loop: heap growth / evaluations.
 */
import { spawnSync } from 'node:child_process';
import { evaluateConfig } from '../src/expr/template.js';
import { standardFunctions } from '../src/expr/functions/index.js';
import type { Environment } from '../src/expr/evaluator.js';
import { figures, median } from './figures.js';

/**
 * Bytes allocated per evaluation of CONFIG by the evaluator before issue 14 (commit 3392d1a,
 * this file run there: 162.9–165.1 KB, median 164.9 KB).
 */
const ALLOCATION_BEFORE = 164.9 * 1024;

const environment: Environment = {
  variables: {
    ctx: {
      project: 'frontend',
      stage: 'prod',
      promotion: 'prod.01j2abc.d4e5f6',
      targetFreight: { name: 'f0e1d2c3b4a5', alias: 'fruitful-ferret', origin: { name: 'images' } },
      meta: {
        promotion: { actor: 'email:ann@example.com', rollback: false },
        step: { alias: 'update' },
      },
    },
    vars: {
      gitRepo: 'https://git.example.com/acme/gitops.git',
      imageRepo: 'ghcr.io/acme/frontend',
      branch: 'env/prod',
      replicas: 3,
      regions: ['eu-west-1', 'us-east-1'],
    },
    outputs: {
      clone: { commit: 'c0ffee1234567890' },
      'update-image': { commitMessage: 'Updated ghcr.io/acme/frontend to 1.2.3' },
      commit: { commit: 'deadbeef12345678' },
    },
  },
  functions: {
    ...standardFunctions,
    imageFrom: ([repo]) => ({ RepoURL: String(repo), Tag: '1.2.3', Digest: 'sha256:abc' }),
    commitFrom: ([repo]) => ({ RepoURL: String(repo), ID: 'c0ffee1234567890', Branch: 'main' }),
  },
};

/** 20 templated values, as a git-clone → yaml-update → commit → push → argocd-update step list has. */
export const CONFIG = {
  repoURL: '${{ vars.gitRepo }}',
  checkout: [
    { branch: '${{ vars.branch }}', create: true, path: './out' },
    { commit: '${{ commitFrom(vars.gitRepo).ID }}', path: './src' },
  ],
  path: './out/${{ ctx.stage }}/values.yaml',
  updates: [
    { key: 'image.tag', value: '${{ imageFrom(vars.imageRepo).Tag }}' },
    { key: 'image.digest', value: '${{ imageFrom(vars.imageRepo).Digest }}' },
    { key: 'replicas', value: '${{ vars.replicas * 2 }}' },
    { key: 'region', value: '${{ vars.regions[0] }}' },
    { key: 'freight', value: '${{ ctx.targetFreight.alias }}' },
  ],
  message: "${{ outputs['update-image'].commitMessage }}",
  author: '${{ ctx.meta.promotion.actor }}',
  targetBranch: '${{ vars.branch }}',
  generateTargetBranch: '${{ ctx.stage == "prod" }}',
  apps: [
    {
      name: 'frontend-${{ ctx.stage }}',
      sources: [
        { repoURL: '${{ vars.gitRepo }}', desiredRevision: '${{ outputs.commit.commit }}' },
      ],
    },
  ],
  tag: 'v${{ imageFrom(vars.imageRepo).Tag }}',
  annotations: '${{ toJSON({stage: ctx.stage, rollback: ctx.meta.promotion.rollback}) }}',
  count: '${{ len(filter(vars.regions, # startsWith "eu")) }}',
  promotion: '${{ ctx.promotion }}',
  upper: '${{ upper(ctx.project) }}',
};

if (process.argv[2] === '--allocation') {
  // Child: bytes allocated per evaluation, no GC in between (see the header).
  const gc = (globalThis as { gc?: () => void }).gc!;
  for (let i = 0; i < 200; i++) evaluateConfig(CONFIG, environment);
  gc();
  const runs = 100;
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < runs; i++) evaluateConfig(CONFIG, environment);
  const after = process.memoryUsage().heapUsed;
  if (after < before) throw new Error('a garbage collection ran during the measurement');
  console.log(Math.round((after - before) / runs));
} else {
  const { report, print } = figures({ figure: 62, value: 10 });
  for (let i = 0; i < 500; i++) evaluateConfig(CONFIG, environment);
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const started = performance.now();
    evaluateConfig(CONFIG, environment);
    times.push(performance.now() - started);
  }
  const p50 = median(times);
  report(
    'step config of 20 templates, parse + evaluate, p50',
    `${p50.toFixed(3)} ms`,
    '< 1 ms',
    p50 < 1,
  );
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      // A young generation of 64 MB: no scavenge runs during the measured evaluations.
      '--min-semi-space-size=64',
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      import.meta.filename,
      '--allocation',
    ],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`allocation run failed: ${child.stderr}`);
  const bytes = Number(child.stdout.trim());
  report(
    'allocated per config evaluation',
    `${(bytes / 1024).toFixed(1)} KB`,
    `≤ ${(ALLOCATION_BEFORE / 1024).toFixed(1)} KB (before)`,
    bytes <= ALLOCATION_BEFORE,
  );
  print('Expressions');
}
