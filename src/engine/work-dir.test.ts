import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStepError } from './step-error.js';
import { WorkDir, type ResolveOptions } from './work-dir.js';

/**
 * Every test builds a real tree: `base/work` is the working directory, `base/outside` a
 * directory next to it that nothing may reach, with `base/outside/secret.txt` in it.
 */
describe('WorkDir', () => {
  let base: string;
  let workDir: WorkDir;
  const inWork = (path: string) => join(workDir.root, path);
  const outside = (path = '') => join(base, 'outside', path);
  const link = (target: string, path: string) => {
    mkdirSync(join(inWork(path), '..'), { recursive: true });
    symlinkSync(target, inWork(path));
  };
  const refusal = (path: string, options?: ResolveOptions): string => {
    try {
      workDir.resolve(path, 'path', options);
    } catch (err) {
      if (isStepError(err) && err.terminal) return err.message;
      throw err;
    }
    throw new Error(`expected ${path} to be refused`);
  };

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'gantry-workdir-'));
    mkdirSync(join(base, 'work'));
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'outside', 'secret.txt'), 'secret');
    workDir = new WorkDir(join(base, 'work'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it.each<[string, () => void, string, string]>([
    ['an absolute path', () => undefined, '/etc/passwd', 'is absolute'],
    ['.. that climbs out', () => undefined, 'a/../../outside/x', 'leaves the promotion'],
    [
      'a dangling absolute link',
      () => link('/nonexistent-gantry-target/x', 'd/abs'),
      'd/abs',
      'through a symbolic link (d/abs → /nonexistent-gantry-target/x)',
    ],
    [
      'a dangling relative link ../../x',
      () => link('../../x', 'd/rel'),
      'd/rel',
      'through a symbolic link (d/rel → ../../x)',
    ],
    [
      'a path below a dangling link',
      () => link('../../outside/new-dir', 'd/rel'),
      'd/rel/file.txt',
      'through a symbolic link',
    ],
    [
      'a link to a directory outside',
      () => link(join(base, 'outside'), 'out'),
      'out/secret.txt',
      'through a symbolic link',
    ],
    [
      'a link to a file outside',
      () => link(join(base, 'outside', 'secret.txt'), 'secret.txt'),
      'secret.txt',
      'through a symbolic link',
    ],
    [
      'a chain of links whose last one leaves',
      () => {
        link('b', 'a');
        link('c', 'b');
        link('../outside/secret.txt', 'c');
      },
      'a',
      'through a symbolic link (c → ../outside/secret.txt)',
    ],
    [
      'a link inside that leads to a link outside',
      () => {
        link(join(base, 'outside'), 'exit');
        link('../exit/secret.txt', 'dir/entry');
      },
      'dir/entry',
      'through a symbolic link',
    ],
    [
      'a link whose target climbs through another link',
      () => {
        link(join(base, 'outside'), 'up');
        link('up/../outside/secret.txt', 'sneaky');
      },
      'sneaky',
      'through a symbolic link',
    ],
    ['a loop of links', () => (link('b', 'a'), link('a', 'b')), 'a', 'too many symbolic links'],
    [
      'a link to the parent of the working directory',
      () => link('..', 'parent'),
      'parent',
      'through a symbolic link (parent → ..)',
    ],
  ])('refuses %s', (_, setup, path, message) => {
    setup();
    expect(refusal(path)).toContain(message);
    expect(refusal(path, { write: true })).toContain(message);
  });

  it.each<[string, () => void, string, string]>([
    ['a plain path', () => undefined, 'a/b.txt', 'a/b.txt'],
    [
      'a link inside to a file inside',
      () => link('real.txt', 'alias.txt'),
      'alias.txt',
      'real.txt',
    ],
    [
      'a link inside to a directory inside',
      () => (mkdirSync(inWork('x/y'), { recursive: true }), link('../x/y', 'd/link')),
      'd/link/f.txt',
      'x/y/f.txt',
    ],
    [
      'an absolute link to a place inside',
      () => (mkdirSync(inWork('target')), link(inWork('target'), 'abs')),
      'abs/f',
      'target/f',
    ],
    [
      'a link that steps out and back in',
      () => (mkdirSync(inWork('target')), link('../work/target', 'round')),
      'round/f',
      'target/f',
    ],
    ['a chain of links inside', () => (link('b', 'a'), link('c', 'b')), 'a', 'c'],
  ])('allows %s', (_, setup, path, resolved) => {
    setup();
    expect(workDir.resolve(path)).toBe(inWork(resolved));
  });

  it('resolves an entry without following its last link', () => {
    link(join(base, 'outside'), 'out');
    expect(workDir.resolve('out', 'path', { entry: true, write: true })).toBe(inWork('out'));
    expect(refusal('out/secret.txt', { entry: true })).toContain('through a symbolic link');
  });

  it.each(['repo/.git/config', 'repo/.git', 'repo/.GIT/hooks/pre-commit', 'via/config'])(
    'refuses to write %s, inside a .git directory',
    (path) => {
      mkdirSync(inWork('repo/.git'), { recursive: true });
      link('repo/.git', 'via');
      expect(refusal(path, { write: true })).toContain('is inside a .git directory');
      expect(() => workDir.resolve(path)).not.toThrow();
    },
  );

  it('writes files but never through a link, dangling or swapped in', () => {
    workDir.writeFile('a/new.txt', 'one', { mode: 0o600 });
    expect(readFileSync(inWork('a/new.txt'), 'utf8')).toBe('one');
    workDir.writeFile('a/new.txt', 'two');
    expect(readFileSync(inWork('a/new.txt'), 'utf8')).toBe('two');

    link(join(base, 'outside', 'created.txt'), 'dangling.txt');
    expect(() => workDir.writeFile('dangling.txt', 'x')).toThrow(/through a symbolic link/);
    expect(existsSync(outside('created.txt'))).toBe(false);

    link('a/new.txt', 'inside-link.txt');
    workDir.writeFile('inside-link.txt', 'three');
    expect(readFileSync(inWork('a/new.txt'), 'utf8')).toBe('three');
    expect(workDir.readFile('inside-link.txt').toString()).toBe('three');

    expect(() => workDir.writeFile('a/new.txt', 'x', { exclusive: true })).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
  });

  it('requires a .git directory of its own for a git working tree', () => {
    mkdirSync(inWork('repo/.git'), { recursive: true });
    expect(workDir.gitWorkTree('repo')).toBe(inWork('repo'));
    mkdirSync(inWork('bare-lookalike/refs'), { recursive: true });
    writeFileSync(inWork('bare-lookalike/HEAD'), 'ref: refs/heads/main\n');
    expect(() => workDir.gitWorkTree('bare-lookalike')).toThrow(/is not a git working tree/);
    mkdirSync(inWork('pointer'));
    writeFileSync(inWork('pointer/.git'), 'gitdir: ../bare-lookalike\n');
    expect(() => workDir.gitWorkTree('pointer')).toThrow(/is not a git working tree/);
  });
});
