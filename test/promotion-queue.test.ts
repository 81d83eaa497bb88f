import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { startDeadEndServer, type DeadEndServer } from './dead-end-server.js';
import { ROOT } from './gantry-process.js';
import { startGitServer, type TestGitServer } from './git-server.js';

describe('the promotion queue', () => {
  /** The Warehouse's registry: a server of this test's that has nothing (no discovery). */
  let nowhere: DeadEndServer;
  let IMAGE: string;
  let git: TestGitServer;
  let gantry: RunningGantry;
  let dir: string;

  async function cli(args: string[], stdin?: string) {
    const out: string[] = [];
    const err: string[] = [];
    let input = args;
    if (stdin !== undefined) {
      const file = join(dir, `in-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, stdin);
      input = args.map((a) => (a === '-' ? file : a));
    }
    const code = await runCli(input, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: {
        GANTRY_SERVER: gantry.url,
        GANTRY_PROJECT: 'queue',
        GANTRY_TOKEN: gantry.adminToken,
        GANTRY_CONFIG: '/nonexistent/gantry-test-config',
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const phase = async (name: string) =>
    JSON.parse((await cli(['get', 'promo', name, '-o', 'json'])).out).status?.phase as
      string | undefined;
  /** Waits for `predicate`; the deadline only detects a hang (generous for a busy machine). */
  async function until(predicate: () => Promise<boolean>, what: string) {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      if (await predicate()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  const promote = async (alias: string) =>
    /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(
      (await cli(['promote', '--stage', 'dev', '--freight', alias])).out,
    )![1]!;

  beforeAll(async () => {
    nowhere = await startDeadEndServer();
    IMAGE = `${nowhere.host}/acme/frontend`;
    git = await startGitServer();
    dir = mkdtempSync(join(tmpdir(), 'gantry-queue-'));
    gantry = await startGantry(
      resolveServerConfig({ port: '0', dataDir: join(dir, 'data') }, {}),
      silentLogger,
    );
    const repo = git.createRepo('queue', {
      'develop/frontend/instance.yaml': readFileSync(
        join(ROOT, 'examples/frontend/gitops/develop/frontend/instance.yaml'),
        'utf8',
      ),
    });
    const manifests = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: queue}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: w, namespace: queue}
spec: {subscriptions: [{image: {repoURL: ${IMAGE}}}]}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: queue}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: w}, sources: {direct: true}}]
  promotionTemplate:
    spec:
      steps:
      - {uses: git-clone, config: {repoURL: ${repo}, checkout: [{branch: main, path: repo}]}}
      - uses: yaml-update
        config: {path: repo/develop/frontend/instance.yaml, updates: [{key: spec.values.deployment.tag, value: "\${{ quote(imageFrom('${IMAGE}').Tag) }}"}]}
      - {uses: git-commit, config: {path: repo, message: "deploy \${{ imageFrom('${IMAGE}').Tag }}"}}
      - {uses: git-push, config: {path: repo}}
${['2.0.0', '2.0.1', '2.0.2']
  .map(
    (tag, i) => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f${i}, namespace: queue}
alias: tag-${tag.replace(/\./g, '-')}
origin: {kind: Warehouse, name: w}
images: [{repoURL: ${IMAGE}, tag: '${tag}', digest: 'sha256:${i}'}]`,
  )
  .join('\n')}
`;
    // Hand-made Freight of an image no registry serves: --force skips the registry check.
    const applied = await cli(['apply', '--force', '-f', '-'], manifests);
    expect(applied.err).toBe('');
  });
  afterAll(async () => {
    await gantry.stop();
    await git.stop();
    await nowhere.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs one Promotion per Stage at a time, in creation order, and lets a running one be aborted', async () => {
    // Pushes wait until released: the first Promotion stays Running as long as the test needs.
    let pushes = git.holdPushes();
    const first = await promote('tag-2-0-0');
    const second = await promote('tag-2-0-1');
    const third = await promote('tag-2-0-2');
    await until(() => Promise.resolve(pushes.waiting() === 1), 'the first promotion to push');
    expect(await phase(first)).toBe('Running');
    expect(await phase(second)).toBe('Pending');
    expect(await phase(third)).toBe('Pending');
    const firstPush = pushes;
    pushes = git.holdPushes(); // the second's push will wait
    firstPush.release();
    await until(async () => (await phase(first)) === 'Succeeded', 'the first promotion to succeed');
    await until(async () => (await phase(second)) === 'Running', 'the second promotion to run');
    expect(await phase(third)).toBe('Pending');
    // Abort the second while it pushes; the third then runs.
    await until(() => Promise.resolve(pushes.waiting() === 1), 'the second promotion to push');
    expect((await cli(['promote', '--abort', second])).out).toBe(
      `promotion.kargo.akuity.io/${second} aborted`,
    );
    await until(async () => (await phase(second)) === 'Aborted', 'the abort');
    pushes.drop(); // the aborted push never lands
    await until(async () => (await phase(third)) === 'Succeeded', 'the third promotion');
    const subjects = git.git('queue', ['log', '--format=%s', 'main']).trim().split('\n');
    expect(subjects.slice(0, 2)).toEqual(['deploy 2.0.2', 'deploy 2.0.0']);
    const stage = JSON.parse((await cli(['get', 'stage', 'dev', '-o', 'json'])).out);
    expect(
      stage.status.freightHistory.map((c: any) => c.items['Warehouse/w'].images[0].tag),
    ).toEqual(['2.0.2', '2.0.0']);
    expect(stage.status.lastPromotion.name).toBe(third);
    const logs = await cli(['logs', 'promotion', second]);
    expect(logs.out).toContain('promotion aborted');
  });

  it('follows logs until the promotion ends', async () => {
    await cli(
      ['apply', '--force', '-f', '-'],
      `apiVersion: kargo.akuity.io/v1alpha1\nkind: Freight\nmetadata: {name: f9, namespace: queue}\nalias: tag-2-1-0\norigin: {kind: Warehouse, name: w}\nimages: [{repoURL: ${IMAGE}, tag: '2.1.0', digest: 'sha256:9'}]\n`,
    );
    git.pushDelayMs = 500;
    const name = await promote('tag-2-1-0');
    const followed = await cli(['logs', 'promotion', name, '-f']);
    git.pushDelayMs = 0;
    expect(followed.code).toBe(0);
    expect(followed.out).toContain('committed');
    expect(followed.out).toContain('pushed');
    expect(followed.out.trim().split('\n').at(-1)).toContain('promotion succeeded');
    expect(await phase(name)).toBe('Succeeded');
  });
});
