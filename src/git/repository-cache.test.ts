import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import { identityEnv, runGit } from './git-cli.js';
import { GitError } from './git-error.js';
import { parseLsRemote, RepositoryCache } from './repository-cache.js';

describe('RepositoryCache', () => {
  let server: TestGitServer;
  let secured: TestGitServer;
  let dir: string;

  beforeAll(async () => {
    server = await startGitServer();
    secured = await startGitServer({ username: 'ci', password: 's3cret-token' });
    dir = mkdtempSync(join(tmpdir(), 'gantry-repos-'));
  });
  afterAll(async () => {
    await server.stop();
    await secured.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks out branches, commits and tags from one shared mirror', async () => {
    const url = server.createRepo('app', { 'README.md': 'hello\n' });
    server.git('app', ['tag', 'v1.0.0', 'main']);
    const cache = new RepositoryCache(join(dir, 'data1'));
    const head = await cache.checkout(url, { path: join(dir, 'w1') });
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(readFileSync(join(dir, 'w1', 'README.md'), 'utf8')).toBe('hello\n');
    expect((await runGit(['remote', 'get-url', 'origin'], { cwd: join(dir, 'w1') })).trim()).toBe(
      url,
    );
    expect(await cache.checkout(url, { path: join(dir, 'w2'), commit: head })).toBe(head);
    expect(await cache.checkout(url, { path: join(dir, 'w3'), tag: 'v1.0.0' })).toBe(head);
    expect(
      await cache.checkout(url, { path: join(dir, 'w4'), branch: 'env/dev', create: true }),
    ).toBe('');
    const missing = await cache
      .checkout(url, { path: join(dir, 'w5'), branch: 'nope' })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(GitError);
    expect((missing as GitError).message).toBe(
      `branch nope not found in ${url} (set create: true to start it)`,
    );
    expect((missing as GitError).transient).toBe(false);
  });

  it('fetches only what is new into the mirror', async () => {
    const url = server.createRepo('incremental', { 'a.txt': '1\n' });
    const cache = new RepositoryCache(join(dir, 'data2'));
    await cache.checkout(url, { path: join(dir, 'i1') });
    const work = join(dir, 'i1');
    writeFileSync(join(work, 'a.txt'), '2\n');
    await runGit(['commit', '-qam', 'two'], { cwd: work, env: await identityEnv(work) });
    await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
    const head = await cache.checkout(url, { path: join(dir, 'i2') });
    expect(readFileSync(join(dir, 'i2', 'a.txt'), 'utf8')).toBe('2\n');
    expect(head).toBe(server.git('incremental', ['rev-parse', 'main']).trim());
  });

  it('uses credentials without leaking them, and fails clearly without them', async () => {
    const url = secured.createRepo('private', { 'x.txt': 'x\n' });
    const cache = new RepositoryCache(join(dir, 'data3'));
    const denied = await cache.checkout(url, { path: join(dir, 'p1') }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(GitError);
    expect((denied as GitError).transient).toBe(false);
    const wrong = await cache
      .checkout(url, { path: join(dir, 'p2') }, { username: 'ci', password: 'wrong-password' })
      .catch((e: unknown) => e);
    expect((wrong as Error).message).not.toContain('wrong-password');
    expect(
      await cache.checkout(
        url,
        { path: join(dir, 'p3') },
        { username: 'ci', password: 's3cret-token' },
      ),
    ).toMatch(/^[0-9a-f]{40}$/);
    expect(readFileSync(join(cache.mirrorPath(url), 'config'), 'utf8')).not.toContain('s3cret');
  });

  it('reuses a released working tree for the same owner, clean and up to date', async () => {
    const url = server.createRepo('reuse', { 'a.txt': '1\n', 'b.txt': 'b\n' });
    server.git('reuse', ['branch', 'env/prod', 'main']);
    const cache = new RepositoryCache(join(dir, 'data4'));
    const first = join(dir, 'promo1');
    const tree = join(first, 'repo');
    await cache.checkout(url, { path: tree, owner: 'team' });
    const untouched = statSync(join(tree, 'b.txt')).ino;
    // The first promotion leaves changes, a stray file, an author, a hook and a commit behind.
    writeFileSync(join(tree, 'a.txt'), 'local edit\n');
    writeFileSync(join(tree, 'stray.txt'), 'stray\n');
    await runGit(['config', 'user.name', 'First Promotion'], { cwd: tree });
    mkdirSync(join(tree, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(tree, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\ntouch /tmp/hooked\n', {
      mode: 0o755,
    });
    await runGit(['commit', '-qam', 'local only'], { cwd: tree, env: await identityEnv(tree) });
    cache.release(first);
    expect(existsSync(tree)).toBe(false);

    // Meanwhile the remote moves on.
    const other = join(dir, 'pusher');
    await runGit(['clone', '-q', url, other], { cwd: dir });
    writeFileSync(join(other, 'a.txt'), '2\n');
    await runGit(['commit', '-qam', 'two'], { cwd: other, env: await identityEnv(other) });
    await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: other });

    const second = join(dir, 'promo2', 'repo');
    const head = await cache.checkout(url, { path: second, owner: 'team' });
    expect(head).toBe(server.git('reuse', ['rev-parse', 'main']).trim());
    // The same tree, moved: a file the checkout did not need to touch keeps its inode.
    expect(statSync(join(second, 'b.txt')).ino).toBe(untouched);
    expect(readFileSync(join(second, 'a.txt'), 'utf8')).toBe('2\n');
    expect(existsSync(join(second, 'stray.txt'))).toBe(false);
    expect(existsSync(join(second, '.git', 'hooks'))).toBe(false);
    expect(readFileSync(join(second, '.git', 'config'), 'utf8')).not.toContain('First Promotion');
    expect((await runGit(['status', '--porcelain'], { cwd: second })).trim()).toBe('');
    expect((await runGit(['remote', 'get-url', 'origin'], { cwd: second })).trim()).toBe(url);
    expect(
      (await runGit(['rev-parse', 'refs/remotes/origin/env/prod'], { cwd: second })).trim(),
    ).toBe(server.git('reuse', ['rev-parse', 'env/prod']).trim());
    cache.release(join(dir, 'promo2'));

    // Another owner never gets that tree.
    const foreign = join(dir, 'promo3', 'repo');
    await cache.checkout(url, { path: foreign, owner: 'other-team' });
    expect(statSync(join(foreign, 'b.txt')).ino).not.toBe(untouched);
  });

  it('a reused tree keeps no branch, tag or ref an earlier run made locally', async () => {
    const url = server.createRepo('leftovers', { 'a.txt': '1\n' });
    const cache = new RepositoryCache(join(dir, 'data-leftovers'));
    const tree = join(dir, 'left1', 'out');
    // An earlier run started env/dev, committed and tagged, then never pushed (failed, or a plan).
    expect(await cache.checkout(url, { path: tree, branch: 'env/dev', create: true })).toBe('');
    writeFileSync(join(tree, 'rendered.yaml'), 'x: 1\n');
    const env = await identityEnv(tree);
    await runGit(['add', '-A'], { cwd: tree });
    await runGit(['commit', '-qm', 'render'], { cwd: tree, env });
    await runGit(['tag', 'dev-1'], { cwd: tree, env });
    await runGit(['update-ref', 'refs/notes/x', 'HEAD'], { cwd: tree });
    cache.release(join(dir, 'left1'));

    const again = join(dir, 'left2', 'out');
    expect(await cache.checkout(url, { path: again, branch: 'env/dev', create: true })).toBe('');
    expect(readdirSync(again)).toEqual(['.git']);
    const refs = (await runGit(['for-each-ref', '--format=%(refname)'], { cwd: again })).trim();
    expect(refs.split('\n').filter((ref) => !ref.startsWith('refs/remotes/origin/'))).toEqual([]);
    cache.release(join(dir, 'left2'));

    // The branch as the remote has it, when it has it.
    const main = server.git('leftovers', ['rev-parse', 'main']).trim();
    server.git('leftovers', ['branch', 'env/dev', 'main']);
    const third = join(dir, 'left3', 'out');
    expect(await cache.checkout(url, { path: third, branch: 'env/dev', create: true })).toBe(main);
    expect(readFileSync(join(third, 'a.txt'), 'utf8')).toBe('1\n');
    expect(existsSync(join(third, 'rendered.yaml'))).toBe(false);

    // reuse: false (a plan's trees): deleted, never handed out again.
    const inode = statSync(join(third, 'a.txt')).ino;
    cache.release(join(dir, 'left3'), { reuse: false });
    expect(existsSync(third)).toBe(false);
    const fourth = join(dir, 'left4', 'out');
    await cache.checkout(url, { path: fourth, branch: 'main' });
    expect(statSync(join(fourth, 'a.txt')).ino).not.toBe(inode);
  });

  it('lists the remote refs with ls-remote, peeling annotated tags to their commits', async () => {
    const url = server.createRepo('refs', { 'a.txt': '1\n' });
    const main = server.git('refs', ['rev-parse', 'main']).trim();
    server.git('refs', ['branch', 'env/prod', 'main']);
    server.git('refs', ['tag', 'v1.0.0', 'main']);
    server.git('refs', ['tag', '-a', 'v2.0.0', '-m', 'release', 'main']);
    const tagObject = server.git('refs', ['rev-parse', 'v2.0.0']).trim();
    expect(tagObject).not.toBe(main);
    const cache = new RepositoryCache(join(dir, 'data6'));
    const refs = await cache.lsRemote(url);
    expect(refs.head).toBe('main');
    expect(refs.branches).toEqual(
      new Map([
        ['env/prod', main],
        ['main', main],
      ]),
    );
    expect(refs.tags).toEqual(
      new Map([
        ['v1.0.0', main],
        ['v2.0.0', main],
      ]),
    );
    // Nothing was fetched: ls-remote leaves the mirror alone.
    expect(existsSync(cache.mirrorPath(url))).toBe(false);

    const empty = join(server.root, 'repos', 'empty.git');
    await runGit(['init', '--quiet', '--bare', empty], { cwd: server.root });
    expect(await cache.lsRemote(`${server.url}/empty.git`)).toEqual({
      branches: new Map(),
      tags: new Map(),
    });
  });

  it('lists refs of a private repository only with its credentials, never echoing them', async () => {
    const url = secured.createRepo('private-refs', { 'x.txt': 'x\n' });
    const cache = new RepositoryCache(join(dir, 'data7'));
    const wrong = await cache
      .lsRemote(url, { username: 'ci', password: 'wrong-password' })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(GitError);
    expect((wrong as GitError).transient).toBe(false);
    expect((wrong as GitError).message).toMatch(/^git ls-remote .*Authentication failed/);
    expect((wrong as GitError).message).not.toContain('wrong-password');
    const refs = await cache.lsRemote(url, { username: 'ci', password: 's3cret-token' });
    expect([...refs.branches.keys()]).toEqual(['main']);
  });

  it.each([
    ['no refs', '', { branches: new Map(), tags: new Map() }],
    [
      'a HEAD symref, a branch and tags',
      'ref: refs/heads/trunk\tHEAD\nc1\tHEAD\nc1\trefs/heads/trunk\nt2\trefs/tags/b\nc1\trefs/tags/a\nc2\trefs/tags/b^{}\n',
      {
        head: 'trunk',
        branches: new Map([['trunk', 'c1']]),
        tags: new Map([
          ['b', 'c2'],
          ['a', 'c1'],
        ]),
      },
    ],
    [
      'refs outside heads and tags',
      'c1\trefs/pull/1/head\nc1\trefs/remotes/origin/HEAD\n',
      { branches: new Map(), tags: new Map() },
    ],
  ])('parses ls-remote output: %s', (_name, output, refs) => {
    expect(parseLsRemote(output)).toEqual(refs);
  });

  it('does not keep sparse working trees', async () => {
    const url = server.createRepo('sparse', { 'a/x.txt': 'x\n', 'b/y.txt': 'y\n' });
    const cache = new RepositoryCache(join(dir, 'data5'));
    const tree = join(dir, 'sp1', 'repo');
    await cache.checkout(url, { path: tree, owner: 'team' });
    await cache.configureWorkTree(tree, { sparse: ['a/'] });
    cache.release(join(dir, 'sp1'));
    const trees = join(dir, 'data5', 'git', 'trees');
    const kept = readdirSync(trees).flatMap((key) =>
      readdirSync(join(trees, key)).filter((entry) => !entry.endsWith('.discard')),
    );
    expect(kept).toEqual([]);
    const next = join(dir, 'sp2', 'repo');
    await cache.checkout(url, { path: next, owner: 'team' });
    expect(readFileSync(join(next, 'b/y.txt'), 'utf8')).toBe('y\n');
  });

  it('accepts a self-signed certificate only when asked (insecureSkipTLSVerify)', async () => {
    const tls = await startGitServer({ tls: true });
    try {
      const url = tls.createRepo('secure', { 'a.txt': 'a\n' });
      expect(url.startsWith('https://')).toBe(true);
      const cache = new RepositoryCache(join(dir, 'data-tls'));
      const refused = await cache.lsRemote(url).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GitError);
      expect((refused as GitError).message).toMatch(/certificate/i);
      const refs = await cache.lsRemote(url, undefined, undefined, true);
      expect([...refs.branches.keys()]).toEqual(['main']);
      const mirror = await cache.refresh(url, undefined, undefined, true);
      expect(existsSync(join(mirror, 'HEAD'))).toBe(true);
    } finally {
      await tls.stop();
    }
  });
});
