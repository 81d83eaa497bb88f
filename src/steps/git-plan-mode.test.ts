import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import type { PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { ObjectKey, StoredResource } from '../api/resource.js';
import { planPromotion, type PromotionPlan } from '../controllers/promotion-planner.js';
import { promotionWork } from '../controllers/stage-promotion-status.js';
import { runPromotion, type RunnerDeps } from '../engine/promotion-runner.js';
import { RepositoryCache } from '../git/repository-cache.js';
import type { Store } from '../store/store.js';
import { BUILTIN_STEPS } from './index.js';

/**
 * Plan mode leaves nothing behind (issue 15): after any number of `promote --plan` runs, the
 * real promotion behaves as if none had run. The plans and the promotion share one repository
 * cache, as they do in the server, against a real git server over HTTP.
 */
describe('git steps: plan, then promote', () => {
  let server: TestGitServer;
  let dir: string;

  beforeAll(async () => {
    server = await startGitServer();
    dir = mkdtempSync(join(tmpdir(), 'gantry-plan-git-'));
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function deps(repositories: RepositoryCache, workRoot: string): RunnerDeps {
    return {
      steps: new Map(BUILTIN_STEPS.map((s) => [s.kind, s])),
      repositories,
      credentialsFor: () => Promise.resolve(undefined),
      workRoot,
      now: () => new Date('2026-12-06T10:00:00Z'),
      log: () => undefined,
      sleep: () => Promise.resolve(),
    };
  }

  const meta = (name: string) =>
    ({ name, namespace: 'shop' }) as unknown as StoredResource['metadata'];
  const freight = {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Freight',
    metadata: meta('f1'),
    origin: { kind: 'Warehouse', name: 'shop' },
  } as unknown as StoredResource;
  const stage = {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: meta('dev'),
    spec: {},
  } as unknown as StoredResource;
  /** The planner reads the Stage and the Freight, and lists the project's objects (none). */
  const store = {
    get: (key: ObjectKey) =>
      Promise.resolve(key.kind === 'Freight' ? freight : key.kind === 'Stage' ? stage : undefined),
    list: () => Promise.resolve({ items: [] }),
  } as unknown as Store;

  function promotion(name: string, url: string): StoredResource {
    return {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Promotion',
      metadata: meta(name),
      spec: { stage: 'dev', freight: 'f1', steps: steps(url) },
    };
  }

  /** A rendered-branch promotion: a new branch env/dev, a commit, a tag, both pushed. */
  const steps = (url: string): PromotionStep[] => [
    {
      uses: 'git-clone',
      as: 'clone',
      config: {
        repoURL: url,
        checkout: [
          { branch: 'main', path: './src' },
          { branch: 'env/dev', create: true, path: './out' },
        ],
      },
    },
    { uses: 'git-clear', config: { path: './out' } },
    { uses: 'copy', config: { inPath: './src/app.yaml', outPath: './out/app.yaml' } },
    { uses: 'git-commit', as: 'commit', config: { path: './out', message: 'render dev' } },
    { uses: 'git-tag', config: { path: './out', tag: 'dev-1', message: 'dev 1' } },
    { uses: 'git-push', as: 'push', config: { path: './out' } },
    { uses: 'git-push', as: 'pushTag', config: { path: './out', tag: 'dev-1' } },
  ];

  /** `promote --plan`, as the server runs it. */
  function plan(repositories: RepositoryCache, data: string, name: string, url: string) {
    return planPromotion(promotion(name, url), {
      store,
      runner: {
        steps: new Map(BUILTIN_STEPS.map((s) => [s.kind, s])),
        repositories,
        credentialsFor: () => Promise.resolve(undefined),
        now: () => new Date('2026-12-06T10:00:00Z'),
        sleep: () => Promise.resolve(),
      },
      dataDir: data,
      signal: new AbortController().signal,
    });
  }

  /** The real promotion, as the Promotion controller runs it. */
  function promote(
    repositories: RepositoryCache,
    data: string,
    name: string,
    url: string,
  ): Promise<PromotionStatus> {
    return runPromotion(
      promotionWork(promotion(name, url), freight, stage),
      deps(repositories, join(data, 'work')),
      { status: {}, save: () => Promise.resolve(), signal: new AbortController().signal },
    );
  }

  const planStatuses = (report: PromotionPlan) => report.steps.map((step) => step.status);

  function remoteRefs(repo: string): string {
    return server.git(repo, ['for-each-ref', '--format=%(refname) %(objectname)']);
  }

  it.each([1, 3])(
    'after %i plan(s), the promotion creates, commits, tags and pushes as if none had run',
    async (plans) => {
      const repo = `plan-then-promote-${plans}`;
      const url = server.createRepo(repo, { 'app.yaml': 'replicas: 1\n' });
      const data = join(dir, `data-${plans}`);
      const repositories = new RepositoryCache(data, {});
      const before = remoteRefs(repo);
      for (let i = 0; i < plans; i++) {
        const report = await plan(repositories, data, 'p', url);
        expect(report.phase, JSON.stringify(report)).toBe('Succeeded');
        expect(planStatuses(report)).toEqual(Array(7).fill('Succeeded'));
        // The empty "Initial commit" git-clone starts the branch with (pushed at clone time in a
        // real run), and the rendered change.
        expect(report.steps[5]?.message).toBe(`would push 2 commit(s) to env/dev of ${url}`);
        expect(remoteRefs(repo)).toBe(before);
        // Nothing of the plan is left in the data directory.
        expect(readdirSync(join(data, 'plans'))).toEqual([]);
      }

      const status = await promote(repositories, data, 'p', url);
      expect(status.phase, JSON.stringify(status)).toBe('Succeeded');
      const state = status.state as Record<string, Record<string, unknown>>;
      const pushed = server.git(repo, ['rev-parse', 'refs/heads/env/dev']).trim();
      expect(state.push?.commit).toBe(pushed);
      expect(state.commit?.commit).toBe(pushed);
      // A new branch: the empty initial commit, then the rendered file only.
      expect(server.git(repo, ['rev-list', '--count', 'env/dev']).trim()).toBe('2');
      expect(server.git(repo, ['log', '--format=%s', 'env/dev']).trim().split('\n').at(-1)).toBe(
        'Initial commit',
      );
      expect(server.git(repo, ['ls-tree', '--name-only', 'env/dev']).trim()).toBe('app.yaml');
      expect(server.git(repo, ['rev-parse', 'dev-1^{commit}']).trim()).toBe(pushed);
      expect(server.git(repo, ['cat-file', '-t', 'dev-1']).trim()).toBe('tag');
    },
  );

  it('plans running side by side, and a plan after a promotion, leave everything alone', async () => {
    const repo = 'promote-then-plan';
    const url = server.createRepo(repo, { 'app.yaml': 'replicas: 1\n' });
    const data = join(dir, 'data-after');
    const repositories = new RepositoryCache(data, {});
    const side = await Promise.all([1, 2, 3].map(() => plan(repositories, data, 'p1', url)));
    expect(side.map((report) => report.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect((await promote(repositories, data, 'p1', url)).phase).toBe('Succeeded');
    server.commitFiles(repo, { 'app.yaml': 'replicas: 2\n' });
    const before = remoteRefs(repo);
    const report = await plan(repositories, data, 'p2', url);
    // The tag is on the remote now: git-tag refuses it in the plan as it does for real.
    expect(report.phase).toBe('Errored');
    expect(planStatuses(report).slice(0, 5)).toEqual([
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Errored',
    ]);
    expect(remoteRefs(repo)).toBe(before);
    const real = await promote(repositories, data, 'p2', url);
    expect(real.phase).toBe('Errored');
    expect(real.message).toBe(report.message);
    expect(remoteRefs(repo)).toBe(before);
    expect(readdirSync(join(data, 'plans'))).toEqual([]);
  });
});
