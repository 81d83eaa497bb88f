import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import type { StepDefinition } from '../engine/step.js';
import { copyStep } from './copy.js';
import { deleteStep } from './delete.js';
import { fileWriteStep } from './file-write.js';
import { gitClearStep } from './git-clear.js';
import { gitCloneStep } from './git-clone.js';
import { gitCommitStep } from './git-commit.js';
import { gitPushStep } from './git-push.js';
import { gitTagStep } from './git-tag.js';
import { helmUpdateChartStep } from './helm-update-chart.js';
import { jsonParseStep } from './json-parse.js';
import { jsonUpdateStep } from './json-update.js';
import { kustomizeBuildStep } from './kustomize-build.js';
import { kustomizeSetImageStep } from './kustomize-set-image.js';
import { yamlParseStep } from './yaml-parse.js';
import { yamlUpdateStep } from './yaml-update.js';

/**
 * Every step that reads or writes files, against symbolic links that lead out of the working
 * directory: the step is refused with a terminal error and nothing outside is read, created,
 * changed or removed. `outside/` sits next to the working directory and holds a file, a
 * kustomization, a chart, a git repository.
 */
describe('steps and paths out of the working directory', () => {
  let harness: StepHarness;
  let outside: string;
  const inWork = (path: string) => join(harness.workDir.root, path);
  const link = (target: string, path: string) => {
    mkdirSync(join(inWork(path), '..'), { recursive: true });
    symlinkSync(target, inWork(path));
  };
  /** Everything under `outside/`, with contents, to compare before and after. */
  const snapshot = (dir = outside): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      out[path] = lstatSync(path).isDirectory()
        ? JSON.stringify(snapshot(path))
        : readFileSync(path, 'utf8');
    }
    return out;
  };

  beforeEach(() => {
    harness = createStepHarness({
      freight: [
        {
          name: 'f',
          origin: { kind: 'Warehouse', name: 'w' },
          images: [{ repoURL: 'ghcr.io/acme/api', tag: '2.0.0' }],
        },
      ],
    });
    outside = mkdtempSync(join(tmpdir(), 'gantry-outside-'));
    writeFileSync(join(outside, 'secret.yaml'), 'secret: value\n');
    writeFileSync(join(outside, 'secret.json'), '{"secret": "value"}\n');
    mkdirSync(join(outside, 'app'));
    writeFileSync(join(outside, 'app', 'kustomization.yaml'), 'images: []\n');
    writeFileSync(
      join(outside, 'app', 'Chart.yaml'),
      'name: x\ndependencies:\n  - name: redis\n    repository: https://charts.example\n    version: 1.0.0\n',
    );
    execFileSync('git', ['init', '-q', '-b', 'main', join(outside, 'repo')]);
  });
  afterEach(() => {
    harness.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  // Links made for each case: `abs` is dangling and absolute, `rel` dangling and relative,
  // `dir` leads to the directory outside, `file.*` to files outside.
  const setups = () => {
    link(join(outside, 'created.txt'), 'd/abs');
    link('../../../created-relative.txt', 'd/rel');
    link(outside, 'd/dir');
    link(join(outside, 'secret.yaml'), 'd/file.yaml');
    link(join(outside, 'secret.json'), 'd/file.json');
    link(join(outside, 'app', 'kustomization.yaml'), 'app/kustomization.yaml');
    link(join(outside, 'app', 'Chart.yaml'), 'chart/Chart.yaml');
  };

  it.each<[string, StepDefinition, Record<string, unknown>]>([
    [
      'file-write through a dangling absolute link',
      fileWriteStep,
      { path: 'd/abs', contents: 'x' },
    ],
    ['file-write through a dangling ../../x link', fileWriteStep, { path: 'd/rel', contents: 'x' }],
    [
      'file-write into a directory outside',
      fileWriteStep,
      { path: 'd/dir/new.txt', contents: 'x' },
    ],
    ['copy into a dangling link', copyStep, { inPath: 'src.txt', outPath: 'd/abs/x' }],
    ['copy into a directory outside', copyStep, { inPath: 'src.txt', outPath: 'd/dir/copied' }],
    ['copy from a file outside', copyStep, { inPath: 'd/dir/secret.yaml', outPath: 'stolen' }],
    ['delete in a directory outside', deleteStep, { path: 'd/dir/secret.yaml' }],
    ['delete globs through a link', deleteStep, { path: 'd/dir/*', pathsAreGlobs: true }],
    [
      'yaml-update of a file outside',
      yamlUpdateStep,
      { path: 'd/file.yaml', updates: [{ key: 'secret', value: 'changed' }] },
    ],
    [
      'json-update of a file outside',
      jsonUpdateStep,
      { path: 'd/file.json', updates: [{ key: 'secret', value: 'changed' }] },
    ],
    [
      'yaml-parse of a file outside',
      yamlParseStep,
      { path: 'd/file.yaml', outputs: [{ name: 's', fromExpression: 'secret' }] },
    ],
    [
      'json-parse of a file outside',
      jsonParseStep,
      { path: 'd/file.json', outputs: [{ name: 's', fromExpression: 'secret' }] },
    ],
    ['kustomize-set-image of a kustomization outside', kustomizeSetImageStep, { path: 'app' }],
    ['kustomize-set-image in a directory outside', kustomizeSetImageStep, { path: 'd/dir/app' }],
    [
      'kustomize-build from a directory outside',
      kustomizeBuildStep,
      { path: 'd/dir/app', outPath: 'o.yaml' },
    ],
    [
      'kustomize-build into a dangling link',
      kustomizeBuildStep,
      { path: 'src', outPath: 'd/abs.yaml' },
    ],
    [
      'helm-update-chart of a Chart.yaml outside',
      helmUpdateChartStep,
      {
        path: 'chart',
        charts: [{ repository: 'https://charts.example', name: 'redis', version: '9.9.9' }],
      },
    ],
    ['git-clear of a directory outside', gitClearStep, { path: 'd/dir' }],
    ['git-commit of a repository outside', gitCommitStep, { path: 'd/dir/repo', message: 'x' }],
    [
      'git-tag of a repository outside',
      gitTagStep,
      { path: 'd/dir/repo', tag: 'v1', message: 'v1' },
    ],
    ['git-push of a repository outside', gitPushStep, { path: 'd/dir/repo' }],
    [
      'git-clone into a directory outside',
      gitCloneStep,
      { repoURL: 'https://git.invalid/x.git', checkout: [{ path: 'd/dir/clone' }] },
    ],
  ])('refuses %s', async (_, step, config) => {
    setups();
    writeFileSync(inWork('src.txt'), 'from inside');
    if (step === kustomizeBuildStep && config.outPath === 'd/abs.yaml')
      symlinkSync(join(outside, 'rendered.yaml'), inWork('d/abs.yaml'));
    const before = snapshot();
    const err = await stepError(harness.run(step, config));
    expect(err.terminal).toBe(true);
    expect(err.message).toMatch(/through a symbolic link/);
    expect(snapshot()).toEqual(before);
    expect(existsSync(join(outside, '..', 'created-relative.txt'))).toBe(false);
  });

  it('deletes a link that leads outside, never what it points to', async () => {
    setups();
    await harness.run(deleteStep, { paths: ['d/dir', 'd/abs', 'd/file.yaml'] });
    expect(existsSync(inWork('d/dir'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.yaml'), 'utf8')).toBe('secret: value\n');
  });

  it('copies through links only inside, skips the links it finds, and replaces a link in the way', async () => {
    setups();
    writeFileSync(inWork('src.txt'), 'from inside');
    mkdirSync(inWork('tree'));
    writeFileSync(inWork('tree/a.txt'), 'a');
    symlinkSync(join(outside, 'secret.yaml'), inWork('tree/secret.yaml'));
    // A link inside what is copied is skipped (Kargo's copy skips symbolic links).
    await harness.run(copyStep, { inPath: 'tree', outPath: 'copied' });
    expect(readdirSync(inWork('copied'))).toEqual(['a.txt']);
    // A link in the way inside the copied tree is replaced, never written through.
    mkdirSync(inWork('tree2'));
    writeFileSync(inWork('tree2/secret.yaml'), 'mine');
    await harness.run(copyStep, { inPath: 'tree2', outPath: 'tree' });
    expect(lstatSync(inWork('tree/secret.yaml')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(outside, 'secret.yaml'), 'utf8')).toBe('secret: value\n');
    // A link out of the working directory, as inPath or outPath, is refused.
    const err = await stepError(
      harness.run(copyStep, { inPath: 'src.txt', outPath: 'd/file.yaml' }),
    );
    expect(err.terminal).toBe(true);
    expect(readFileSync(join(outside, 'secret.yaml'), 'utf8')).toBe('secret: value\n');
  });

  it.each<[string, StepDefinition, Record<string, unknown>]>([
    ['file-write', fileWriteStep, { path: 'repo/.git/config', contents: '[core]\n' }],
    ['file-write of a .git file', fileWriteStep, { path: 'sub/.git', contents: 'gitdir: ..' }],
    ['copy', copyStep, { inPath: 'src.txt', outPath: 'repo/.git/hooks/pre-commit' }],
    ['delete', deleteStep, { path: 'repo/.git' }],
    [
      'yaml-update',
      yamlUpdateStep,
      { path: 'repo/.git/x.yaml', updates: [{ key: 'a', value: 1 }] },
    ],
    [
      'git-clone',
      gitCloneStep,
      { repoURL: 'https://git.invalid/x.git', checkout: [{ path: 'other/.git' }] },
    ],
  ])('refuses %s into a .git directory', async (_, step, config) => {
    execFileSync('git', ['init', '-q', '-b', 'main', inWork('repo')]);
    writeFileSync(inWork('src.txt'), 'x');
    writeFileSync(inWork('repo/.git/x.yaml'), 'a: 0\n');
    const config0 = readFileSync(inWork('repo/.git/config'), 'utf8');
    const err = await stepError(harness.run(step, config));
    expect(err.terminal).toBe(true);
    expect(err.message).toContain('is inside a .git directory');
    expect(readFileSync(inWork('repo/.git/config'), 'utf8')).toBe(config0);
    expect(existsSync(inWork('repo/.git'))).toBe(true);
  });

  it('leaves .git directories alone when deleting by glob', async () => {
    execFileSync('git', ['init', '-q', '-b', 'main', inWork('repo')]);
    writeFileSync(inWork('repo/a.yaml'), 'a');
    await harness.run(deleteStep, { path: 'repo/*', pathsAreGlobs: true });
    expect(readdirSync(inWork('repo'))).toEqual(['.git']);
    expect(existsSync(inWork('repo/.git/HEAD'))).toBe(true);
  });

  it('runs git steps only in a working tree with a .git directory of its own', async () => {
    // A committed directory that looks like a bare repository, with a configuration that
    // would run a program: git must never be pointed at it.
    mkdirSync(inWork('lookalike/refs/heads'), { recursive: true });
    mkdirSync(inWork('lookalike/objects'), { recursive: true });
    writeFileSync(inWork('lookalike/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(inWork('lookalike/config'), `[core]\n\tfsmonitor = touch ${outside}/ran\n`);
    const err = await stepError(harness.run(gitCommitStep, { path: 'lookalike', message: 'x' }));
    expect(err.message).toContain('is not a git working tree');
    expect(existsSync(join(outside, 'ran'))).toBe(false);
  });
});

describe('a symbolic link committed in the gitops repository', () => {
  let server: TestGitServer;
  let harness: StepHarness;
  let outside: string;

  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    harness = createStepHarness();
    outside = mkdtempSync(join(tmpdir(), 'gantry-outside-'));
  });
  afterEach(() => {
    harness.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  it('cannot make file-write or yaml-update create a file outside', async () => {
    server.createRepo('links', { 'README.md': 'x\n' });
    // Committed as someone with push access would: a dangling link, pointing outside.
    const seed = mkdtempSync(join(tmpdir(), 'gantry-seed-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: seed });
    git('clone', '-q', join(server.root, 'repos', 'links.git'), '.');
    symlinkSync(join(outside, 'pwned.txt'), join(seed, 'values.yaml'));
    symlinkSync('../../../../../../../../../../tmp/gantry-pwned-relative', join(seed, 'rel.yaml'));
    git('add', '-A');
    git('commit', '-qm', 'links');
    git('push', '-q', 'origin', 'HEAD:main');
    rmSync(seed, { recursive: true, force: true });

    await harness.run(gitCloneStep, {
      repoURL: `${server.url}/links.git`,
      checkout: [{ branch: 'main', path: 'repo' }],
    });
    expect(lstatSync(join(harness.workDir.root, 'repo/values.yaml')).isSymbolicLink()).toBe(true);
    for (const path of ['repo/values.yaml', 'repo/rel.yaml']) {
      const write = await stepError(harness.run(fileWriteStep, { path, contents: 'x: 1\n' }));
      expect(write.message).toContain('through a symbolic link');
      const update = await stepError(
        harness.run(yamlUpdateStep, { path, updates: [{ key: 'x', value: 2 }] }),
      );
      expect(update.message).toContain('through a symbolic link');
    }
    expect(existsSync(join(outside, 'pwned.txt'))).toBe(false);
    expect(existsSync('/tmp/gantry-pwned-relative')).toBe(false);
  });
});
