import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { gitCloneStep } from './git-clone.js';
import { gitCommitStep } from './git-commit.js';
import { gitPushStep } from './git-push.js';
import { yamlUpdateStep } from './yaml-update.js';

describe('git steps', () => {
  let server: TestGitServer;
  let harness: StepHarness;
  let counter = 0;
  let repo: string;
  let url: string;

  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    harness = createStepHarness();
    repo = `repo${++counter}`;
    url = server.createRepo(repo, {
      'develop/frontend/instance.yaml': "spec:\n  tag: '1.2.1' # promoted\n",
      'README.md': 'x\n',
    });
  });
  afterEach(() => harness.cleanup());

  it.each<[string, unknown, string]>([
    [
      'git-clone without repoURL',
      { checkout: [{ path: 'a' }] },
      'invalid config for git-clone: repoURL: required',
    ],
    [
      'git-clone with two refs',
      { repoURL: 'x', checkout: [{ path: 'a', branch: 'b', tag: 't' }] },
      'checkout[0]: set at most one of branch, commit and tag (found branch, tag)',
    ],
    [
      'git-clone with an unknown field',
      { repoURL: 'x', checkout: [{ path: 'a' }], depth: 1 },
      'depth: unknown field',
    ],
    [
      'git-push with two targets',
      { path: 'a', targetBranch: 'x', tag: 't' },
      'set at most one of targetBranch, generateTargetBranch and tag',
    ],
    [
      'git-commit without message',
      { path: 'a' },
      'invalid config for git-commit: message: required',
    ],
  ])('rejects %s', async (_, config, message) => {
    const step = String(_).startsWith('git-clone')
      ? gitCloneStep
      : String(_).startsWith('git-push')
        ? gitPushStep
        : gitCommitStep;
    const err = await stepError(harness.run(step, config));
    expect(err.terminal).toBe(true);
    expect(err.message).toContain(message);
  });

  it('clones, edits, commits and pushes one line', async () => {
    const clone = await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [{ branch: 'main', path: './repo' }],
    });
    expect(clone.output?.commits).toEqual({
      './repo': server.git(repo, ['rev-parse', 'main']).trim(),
    });
    await harness.run(yamlUpdateStep, {
      path: './repo/develop/frontend/instance.yaml',
      updates: [{ key: 'spec.tag', value: '1.2.2' }],
    });
    const commit = await harness.run(gitCommitStep, {
      path: './repo',
      message: 'Promote image from 1.2.1 to 1.2.2',
    });
    const push = await harness.run(gitPushStep, { path: './repo' });
    expect(push.output).toMatchObject({ branch: 'main', commit: commit.output?.commit });
    expect(server.git(repo, ['log', '-1', '--format=%s', 'main']).trim()).toBe(
      'Promote image from 1.2.1 to 1.2.2',
    );
    expect(server.git(repo, ['diff', '--numstat', 'main~1', 'main']).trim()).toBe(
      '1\t1\tdevelop/frontend/instance.yaml',
    );
  });

  it('commits nothing when nothing changed', async () => {
    await harness.run(gitCloneStep, { repoURL: url, checkout: [{ path: 'repo' }] });
    const before = server.git(repo, ['rev-parse', 'main']).trim();
    const result = await harness.run(gitCommitStep, { path: 'repo', message: 'noop' });
    expect(result.output).toEqual({ commit: before });
  });

  it('rebases onto a concurrent push and retries', async () => {
    await harness.run(gitCloneStep, { repoURL: url, checkout: [{ path: 'repo' }] });
    writeFileSync(join(harness.workDir.root, 'repo', 'mine.txt'), 'mine\n');
    await harness.run(gitCommitStep, { path: 'repo', message: 'mine' });
    // Someone else pushes to main meanwhile.
    const other = createStepHarness();
    await other.run(gitCloneStep, { repoURL: url, checkout: [{ path: 'repo' }] });
    writeFileSync(join(other.workDir.root, 'repo', 'theirs.txt'), 'theirs\n');
    await other.run(gitCommitStep, { path: 'repo', message: 'theirs' });
    await other.run(gitPushStep, { path: 'repo' });
    other.cleanup();
    await harness.run(gitPushStep, { path: 'repo' });
    expect(server.git(repo, ['log', '--format=%s', '-3', 'main']).trim().split('\n')).toEqual([
      'mine',
      'theirs',
      'Initial commit',
    ]);
    expect(harness.logs.some((line) => line.includes('rebasing and retrying'))).toBe(true);
  });

  it('ends with a terminal error when the concurrent change conflicts', async () => {
    await harness.run(gitCloneStep, { repoURL: url, checkout: [{ path: 'repo' }] });
    writeFileSync(join(harness.workDir.root, 'repo', 'README.md'), 'mine\n');
    await harness.run(gitCommitStep, { path: 'repo', message: 'mine' });
    const other = createStepHarness();
    await other.run(gitCloneStep, { repoURL: url, checkout: [{ path: 'repo' }] });
    writeFileSync(join(other.workDir.root, 'repo', 'README.md'), 'theirs\n');
    await other.run(gitCommitStep, { path: 'repo', message: 'theirs' });
    await other.run(gitPushStep, { path: 'repo' });
    other.cleanup();
    const err = await stepError(harness.run(gitPushStep, { path: 'repo' }));
    expect(err.terminal).toBe(true);
    expect(err.message).toContain('the changes conflict with what was pushed to main meanwhile');
  });

  it('pushes to a generated branch, and to a new orphan branch', async () => {
    await harness.run(gitCloneStep, {
      repoURL: url,
      checkout: [{ path: 'repo' }, { branch: 'stage/dev', create: true, path: 'out' }],
    });
    writeFileSync(join(harness.workDir.root, 'out', 'rendered.yaml'), 'kind: X\n');
    await harness.run(gitCommitStep, { path: 'out', message: 'render' });
    await harness.run(gitPushStep, { path: 'out' });
    expect(server.git(repo, ['ls-tree', '--name-only', 'stage/dev']).trim()).toBe('rendered.yaml');
    const generated = await harness.run(gitPushStep, { path: 'repo', generateTargetBranch: true });
    expect(generated.output?.branch).toBe('kargo/promotion/dev.01jtest.abc1234');
    expect(server.git(repo, ['branch', '--list', 'kargo/*']).trim()).toBe(
      'kargo/promotion/dev.01jtest.abc1234',
    );
  });

  it('in plan mode reports the commit and diff and leaves the remote untouched', async () => {
    const plan = createStepHarness({ plan: true });
    const before = server.git(repo, ['rev-parse', 'main']).trim();
    await plan.run(gitCloneStep, { repoURL: url, checkout: [{ path: 'repo' }] });
    await plan.run(yamlUpdateStep, {
      path: 'repo/develop/frontend/instance.yaml',
      updates: [{ key: 'spec.tag', value: '1.2.2' }],
    });
    await plan.run(gitCommitStep, { path: 'repo', message: 'Promote image from 1.2.1 to 1.2.2' });
    const result = await plan.run(gitPushStep, { path: 'repo' });
    const report = result.output?.plan as { commits: string[]; diff: string };
    expect(report.commits).toHaveLength(1);
    expect(report.commits[0]).toMatch(/^[0-9a-f]{40} Promote image from 1.2.1 to 1.2.2$/);
    expect(report.diff).toContain("-  tag: '1.2.1' # promoted\n+  tag: 1.2.2 # promoted");
    expect(server.git(repo, ['rev-parse', 'main']).trim()).toBe(before);
    plan.cleanup();
  });

  it('refuses paths outside the working directory', async () => {
    for (const path of ['../escape', '/etc', 'a/../../b']) {
      const err = await stepError(harness.run(gitCommitStep, { path, message: 'x' }));
      expect(err.terminal).toBe(true);
      expect(err.message).toMatch(/leaves the promotion's working directory|is absolute/);
    }
    await harness.run(gitCloneStep, { repoURL: url, checkout: [{ path: 'repo' }] });
    const { symlinkSync } = await import('node:fs');
    symlinkSync('/etc', join(harness.workDir.root, 'repo', 'evil'));
    const err = await stepError(
      harness.run(yamlUpdateStep, {
        path: 'repo/evil/hostname',
        updates: [{ key: 'a', value: 1 }],
      }),
    );
    expect(err.message).toContain('leads outside the promotion');
    expect(readFileSync('/etc/hostname', 'utf8')).not.toContain('a: 1');
  });
});
