import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { createStepHarness, stepError, type StepHarness } from '../../../test/step-harness.js';
import { runGit } from '../../git/git-cli.js';
import { gitClearStep } from '../git-clear.js';
import { gitCloneStep } from '../git-clone.js';
import { gitCommitStep } from '../git-commit.js';
import { gitPushStep } from '../git-push.js';
import { gitTagStep } from '../git-tag.js';
import { gitClearConfigCases } from './git-clear.cases.js';
import { gitCloneConfigCases } from './git-clone.cases.js';
import { gitCommitConfigCases } from './git-commit.cases.js';
import { gitPushConfigCases } from './git-push.cases.js';
import { runGitConfigCases } from './git-step-case.js';
import { gitTagConfigCases } from './git-tag.cases.js';

describe('git steps as Kargo: config tables', () => {
  describe('git-clone (git_cloner_test.go)', () =>
    runGitConfigCases(gitCloneStep, gitCloneConfigCases));
  describe('git-commit (git_commiter_test.go)', () =>
    runGitConfigCases(gitCommitStep, gitCommitConfigCases));
  describe('git-push (git_pusher_test.go)', () =>
    runGitConfigCases(gitPushStep, gitPushConfigCases));
  describe('git-tag (git_tagger_test.go)', () => runGitConfigCases(gitTagStep, gitTagConfigCases));
  describe('git-clear (git_tree_clearer_test.go)', () =>
    runGitConfigCases(gitClearStep, gitClearConfigCases));
});

/**
 * Kargo's run tests, on a real git server over HTTP. Kargo prepares its working trees by hand
 * (a bare clone and an orphan worktree); here git-clone does it, which is how a Promotion gets
 * them.
 */
describe('git steps as Kargo: runs', () => {
  let server: TestGitServer;
  let harness: StepHarness;
  let repo = 0;

  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(() => server.stop());
  afterEach(() => harness.cleanup());

  /** A repository with test.txt on main; its URL and the commit. */
  function remote(): { name: string; url: string; head: string } {
    const name = `compat-${++repo}`;
    const url = server.createRepo(name, { 'test.txt': 'foo' });
    return { name, url, head: server.git(name, ['rev-parse', 'main']).trim() };
  }

  const head = async (path: string) =>
    (await runGit(['rev-parse', 'HEAD'], { cwd: join(harness.workDir.root, path) })).trim();

  it('git_cloner_test.go Test_gitCloner_run (a commit into src, a new branch stage/dev into out)', async () => {
    harness = createStepHarness();
    const { name, url, head: commit } = remote();
    const outcome = await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [
        { commit, path: 'src' },
        { branch: 'stage/dev', path: 'out', create: true },
      ],
    });
    expect(outcome.status).toBe('Succeeded');
    expect(existsSync(join(harness.workDir.root, 'src', 'test.txt'))).toBe(true);
    expect(readdirSync(join(harness.workDir.root, 'out'))).toEqual(['.git']);
    const commits = (outcome.output as { commits: Record<string, string> }).commits;
    expect(commits.src).toBe(commit);
    // An empty "Initial commit" starts the branch on the remote and is the checkout's commit.
    expect(commits.out).toBe(server.git(name, ['rev-parse', 'stage/dev']).trim());
    expect(server.git(name, ['log', '--format=%s', 'stage/dev']).trim()).toBe('Initial commit');
    expect(server.git(name, ['ls-tree', '-r', '--name-only', 'stage/dev']).trim()).toBe('');
  });

  it('git_commiter_test.go Test_gitCommitter_run (a commit, then Skipped when nothing changed)', async () => {
    harness = createStepHarness();
    const { url } = remote();
    await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [{ branch: 'master', path: 'master', create: true }],
    });
    writeFileSync(join(harness.workDir.root, 'master', 'test.txt'), 'foo');
    const first = await harness.run(gitCommitStep, { path: 'master', message: 'Initial commit' });
    expect(first.status).toBe('Succeeded');
    expect(first.output?.commit).toBe(await head('master'));
    expect(
      await runGit(['log', '-1', '--format=%B'], { cwd: join(harness.workDir.root, 'master') }),
    ).toBe('Initial commit\n\n');
    const again = await harness.run(gitCommitStep, { path: 'master', message: 'No-Op commit' });
    expect(again.status).toBe('Skipped');
    expect(again.output?.commit).toBe(first.output?.commit);
  });

  it('git_pusher_test.go Test_gitPusher_run push commit to generated branch', async () => {
    harness = createStepHarness();
    const { name, url } = remote();
    await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [{ branch: 'master', path: 'master', create: true }],
    });
    writeFileSync(join(harness.workDir.root, 'master', 'test.txt'), 'foo');
    await harness.run(gitCommitStep, { path: 'master', message: 'Initial commit' });
    const pushed = await harness.run(
      gitPushStep,
      { path: 'master', generateTargetBranch: true },
      { promotion: 'fake-promotion' },
    );
    expect(pushed.output?.branch).toBe('kargo/promotion/fake-promotion');
    expect(pushed.output?.commit).toBe(await head('master'));
    expect(server.git(name, ['rev-parse', 'kargo/promotion/fake-promotion']).trim()).toBe(
      await head('master'),
    );
  });

  // git_pusher_test.go Test_gitPusher_run commitURL registers a fake provider in Go; the
  // providers' own commit URLs are checked in commit-url.cases.ts.

  it('git_pusher_test.go Test_gitPusher_run push tag', async () => {
    harness = createStepHarness();
    const { name, url } = remote();
    await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [{ branch: 'main', path: 'master' }],
    });
    await harness.run(gitTagStep, { path: 'master', tag: 'v1.0.0', message: 'v1.0.0' });
    const pushed = await harness.run(gitPushStep, { path: 'master', tag: 'v1.0.0' });
    expect(pushed.output?.commit).toBe(await head('master'));
    expect(server.git(name, ['rev-parse', 'v1.0.0^{commit}']).trim()).toBe(await head('master'));
  });

  it('git_tagger_test.go Test_gitTagger_run (tag; again without force fails; with force moves)', async () => {
    harness = createStepHarness();
    const { url } = remote();
    await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [{ branch: 'main', path: 'master' }],
    });
    const tree = join(harness.workDir.root, 'master');
    // Kargo's run test calls the step without a message (its schema requires one).
    const config = { path: 'master', tag: 'v1.0.0', message: 'v1.0.0' };
    const first = await harness.run(gitTagStep, config);
    expect(first.status).toBe('Succeeded');
    expect(first.output?.commit).toBe(await head('master'));
    writeFileSync(join(tree, 'test.txt'), 'bar');
    await harness.run(gitCommitStep, { path: 'master', message: 'Second commit' });
    await stepError(harness.run(gitTagStep, config));
    const forced = await harness.run(gitTagStep, { ...config, force: true });
    expect(forced.status).toBe('Succeeded');
    expect(forced.output?.commit).toBe(await head('master'));
    expect((await runGit(['rev-parse', 'v1.0.0^{commit}'], { cwd: tree })).trim()).toBe(
      await head('master'),
    );
  });

  it('git_tree_clearer_test.go Test_gitTreeOverwriter_run', async () => {
    harness = createStepHarness();
    const { url } = remote();
    await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [{ branch: 'master', path: 'master', create: true }],
    });
    writeFileSync(join(harness.workDir.root, 'master', 'original.txt'), 'foo');
    const outcome = await harness.run(gitClearStep, { path: 'master' });
    expect(outcome.status).toBe('Succeeded');
    expect(readdirSync(join(harness.workDir.root, 'master'))).toEqual(['.git']);
  });
});
