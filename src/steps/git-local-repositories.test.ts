import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { gitCloneStep } from './git-clone.js';
import { gitCommitStep } from './git-commit.js';
import { gitPushStep } from './git-push.js';
import { gitTagStep } from './git-tag.js';
import type { StepDefinition } from '../engine/step.js';
import { fileWriteStep } from './file-write.js';

const FLAG = '--allow-local-repositories (GANTRY_ALLOW_LOCAL_REPOSITORIES=true)';

/**
 * A Stage must not be able to copy a repository from the server's disk (git-clone) or push
 * into one (git-push), unless the operator allows local repositories.
 */
describe('git steps and local repositories', () => {
  let dir: string;
  let local: string;
  let harness: StepHarness;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-local-steps-'));
    local = join(dir, 'host-private.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', local]);
    const seed = join(dir, 'seed');
    execFileSync('git', ['clone', '-q', local, seed], { stdio: 'ignore' });
    execFileSync('sh', ['-c', 'echo private > secret.txt && git add secret.txt'], { cwd: seed });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x'], {
      cwd: seed,
    });
    execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: seed });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => harness.cleanup());

  it.each<[string, () => string, string]>([
    ['a path', () => local, FLAG],
    ['a file:// URL', () => `file://${local}`, FLAG],
    ['a relative path', () => '../../host-private.git', FLAG],
    ['an --upload-pack option', () => `--upload-pack=touch ${dir}/ran`, 'read as an option'],
    ['an ext:: remote helper', () => `ext::sh -c touch% ${dir}/ran`, 'remote helper'],
  ])('git-clone refuses %s, for good', async (_, url, message) => {
    harness = createStepHarness();
    const err = await stepError(
      harness.run(gitCloneStep, { repoURL: url(), checkout: [{ branch: 'main', path: 'repo' }] }),
    );
    expect(err.terminal).toBe(true);
    expect(err.message).toContain(message);
    expect(existsSync(join(harness.workDir.root, 'repo', 'secret.txt'))).toBe(false);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it.each<[string, StepDefinition, Record<string, unknown>, string]>([
    [
      'a branch',
      gitCloneStep,
      {
        repoURL: 'https://x.example/r.git',
        checkout: [{ path: 'r', branch: '--upload-pack=touch x' }],
      },
      'checkout[0].branch',
    ],
    [
      'a commit',
      gitCloneStep,
      { repoURL: 'https://x.example/r.git', checkout: [{ path: 'r', commit: '--orphan=x' }] },
      'checkout[0].commit',
    ],
    [
      'a tag',
      gitCloneStep,
      { repoURL: 'https://x.example/r.git', checkout: [{ path: 'r', tag: '-x' }] },
      'checkout[0].tag',
    ],
    [
      'a target branch',
      gitPushStep,
      { path: 'r', targetBranch: '--upload-pack=touch x' },
      'targetBranch',
    ],
    ['a pushed tag', gitPushStep, { path: 'r', tag: '--mirror' }, 'tag'],
    ['a new tag', gitTagStep, { path: 'r', tag: '-d' }, 'tag'],
  ])('refuses %s git would read as an option', async (_, step, config, field) => {
    harness = createStepHarness();
    const err = await stepError(harness.run(step, config));
    expect(err.terminal).toBe(true);
    expect(err.message).toContain(
      `${field}: must not start with "-" (git would read it as an option)`,
    );
  });

  it('git-clone and git-push use local repositories when the operator allows them', async () => {
    harness = createStepHarness({ allowLocalRepositories: true });
    await harness.run(gitCloneStep, {
      repoURL: `file://${local}`,
      checkout: [{ branch: 'main', path: 'repo' }],
    });
    expect(existsSync(join(harness.workDir.root, 'repo', 'secret.txt'))).toBe(true);
    await harness.run(fileWriteStep, { path: 'repo/new.txt', contents: 'x' });
    await harness.run(gitCommitStep, { path: 'repo', message: 'add' });
    const pushed = await harness.run(gitPushStep, { path: 'repo' });
    expect(pushed.output?.commit).toBe(
      execFileSync('git', ['-C', local, 'rev-parse', 'main']).toString().trim(),
    );
  });

  it('git-push refuses a working tree whose remote is on the server disk', async () => {
    // A tree whose origin points at a local repository (set up here, outside any step).
    harness = createStepHarness();
    const tree = join(harness.workDir.root, 'repo');
    execFileSync('git', ['clone', '-q', local, tree], { stdio: 'ignore' });
    const before = execFileSync('git', ['-C', local, 'rev-parse', 'main']).toString();
    const err = await stepError(harness.run(gitPushStep, { path: 'repo', targetBranch: 'stolen' }));
    expect(err.terminal).toBe(true);
    expect(err.message).toContain(FLAG);
    expect(execFileSync('git', ['-C', local, 'rev-parse', 'main']).toString()).toBe(before);
    expect(execFileSync('git', ['-C', local, 'branch', '--list', 'stolen']).toString()).toBe('');
  });
});
