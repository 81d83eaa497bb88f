import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import { DiscoveryError } from '../sources/discovery.js';
import { discoverCommits } from '../sources/git/git-discovery.js';
import { gitSubscriptionSchema } from '../api/warehouse.js';
import { runGit } from './git-cli.js';
import { GitError } from './git-error.js';
import { classifyRemoteUrl, type RemoteUrlKind } from './remote-url-policy.js';
import { RepositoryCache } from './repository-cache.js';

describe('classifyRemoteUrl', () => {
  it.each<[string, RemoteUrlKind['kind'], string?]>([
    ['https://github.com/acme/gitops.git', 'network'],
    ['http://127.0.0.1:8080/repo.git', 'network'],
    ['ssh://git@github.com/acme/gitops.git', 'network'],
    ['git://git.example.com/repo.git', 'network'],
    ['git@github.com:acme/gitops.git', 'network'],
    ['github.com:acme/gitops.git', 'network'],
    ['file:///srv/git/secrets.git', 'local'],
    ['FILE:///srv/git/secrets.git', 'local'],
    ['/srv/git/secrets.git', 'local'],
    ['./relative/repo', 'local'],
    ['../../other', 'local'],
    ['repo', 'local'],
    ['~/repo.git', 'local'],
    ['ext::sh -c touch% /tmp/pwned', 'refused', 'remote helper'],
    ['fd::17', 'refused', 'remote helper'],
    ['--upload-pack=touch /tmp/pwned', 'refused', 'read as an option'],
    ['-u', 'refused', 'read as an option'],
    ['ssh://-oProxyCommand=touch%20x/repo', 'refused', 'host starting with "-"'],
    ['ssh://user@-oProxyCommand=x/repo', 'refused', 'host starting with "-"'],
    ['-oProxyCommand=x:repo', 'refused', 'read as an option'],
    ['user@-oProxyCommand=x:repo', 'refused', 'host starting with "-"'],
    ['ftp://example.com/repo.git', 'refused', 'uses ftp://'],
    ['https://example.com/repo\nmore', 'refused', 'control characters'],
    ['', 'refused', 'is empty'],
  ])('%j is %s', (url, kind, reason) => {
    const classified = classifyRemoteUrl(url);
    expect(classified.kind).toBe(kind);
    if (reason) expect((classified as { reason: string }).reason).toContain(reason);
  });
});

describe('local repositories', () => {
  let server: TestGitServer;
  let dir: string;
  let local: string;

  beforeAll(async () => {
    server = await startGitServer();
    server.createRepo('remote', { 'a.txt': 'network\n' });
    dir = mkdtempSync(join(tmpdir(), 'gantry-local-repos-'));
    // A repository on the server's disk that a manifest must not be able to copy.
    local = join(dir, 'private.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', local]);
    const seed = join(dir, 'seed');
    execFileSync('git', ['clone', '-q', local, seed], { stdio: 'ignore' });
    execFileSync('sh', ['-c', 'echo private > a.txt && git add a.txt'], { cwd: seed });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x'], {
      cwd: seed,
    });
    execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: seed });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).transient).toBe(false);
    return (err as GitError).message;
  };

  it.each([
    ['a path', () => local],
    ['a file:// URL', () => `file://${local}`],
  ])('refuses %s by default, naming the flag, and reads nothing', async (_, url) => {
    const cache = new RepositoryCache(join(dir, `data-${_.length}`));
    const message = await refusal(cache.lsRemote(url()));
    expect(message).toContain('--allow-local-repositories (GANTRY_ALLOW_LOCAL_REPOSITORIES=true)');
    expect(await refusal(cache.refresh(url()))).toBe(message);
    const path = join(dir, `tree-${_.length}`);
    expect(await refusal(cache.checkout(url(), { path, branch: 'main' }))).toBe(message);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(cache.mirrorPath(url()))).toBe(false);
  });

  it('uses local repositories when the operator allows them', async () => {
    const cache = new RepositoryCache(join(dir, 'data-allowed'), { allowLocalRepositories: true });
    const path = join(dir, 'tree-allowed');
    const head = await cache.checkout(`file://${local}`, { path, branch: 'main' });
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(existsSync(join(path, 'a.txt'))).toBe(true);
  });

  it('never runs a remote helper, even when local repositories are allowed', async () => {
    const cache = new RepositoryCache(join(dir, 'data-ext'), { allowLocalRepositories: true });
    const marker = join(dir, 'ext-ran');
    const message = await refusal(cache.lsRemote(`ext::sh -c touch% ${marker}`));
    expect(message).toContain('uses a git remote helper');
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps git itself to network transports (GIT_ALLOW_PROTOCOL)', async () => {
    const err = await runGit(['ls-remote', local], { cwd: dir }).catch((e: unknown) => e);
    expect((err as GitError).message).toContain("transport 'file' not allowed");
    const marker = join(dir, 'ext-by-git');
    const ext = await runGit(['ls-remote', `ext::sh -c touch% ${marker}`], { cwd: dir }).catch(
      (e: unknown) => e,
    );
    expect((ext as GitError).message).toContain("transport 'ext' not allowed");
    expect(existsSync(marker)).toBe(false);
    expect(await runGit(['ls-remote', local], { cwd: dir, allowFileProtocol: true })).toMatch(
      /refs\/heads\/main/,
    );
  });

  it('refuses a submodule on the server disk unless local repositories are allowed', async () => {
    const url = server.createRepo('with-submodule', { 'README.md': 'x\n' });
    const seed = join(dir, 'submodule-seed');
    const git = (...args: string[]) =>
      execFileSync(
        'git',
        ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'protocol.file.allow=always', ...args],
        { cwd: seed, stdio: 'ignore' },
      );
    execFileSync('git', ['clone', '-q', join(server.root, 'repos', 'with-submodule.git'), seed]);
    git('submodule', 'add', '-q', local, 'private');
    git('commit', '-qm', 'submodule');
    git('push', '-q', 'origin', 'HEAD:main');

    const cache = new RepositoryCache(join(dir, 'data-submodule'));
    const path = join(dir, 'tree-submodule');
    await cache.checkout(url, { path, branch: 'main' });
    const err = await cache.configureWorkTree(path, { submodules: true }).catch((e: unknown) => e);
    expect((err as GitError).message).toContain("transport 'file' not allowed");
    expect(existsSync(join(path, 'private', 'a.txt'))).toBe(false);
  });

  it('refuses a Warehouse subscription to a local repository, for good', async () => {
    const subscription = gitSubscriptionSchema.parse({ repoURL: 'https://x.example/r.git' });
    const err = await discoverCommits(
      { ...subscription, repoURL: `file://${local}` },
      undefined,
      {
        project: 'p',
        credentialsFor: () => Promise.resolve(undefined),
        signal: new AbortController().signal,
        revalidate: false,
        now: () => new Date(),
      },
      new RepositoryCache(join(dir, 'data-discovery')),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).transient).toBe(false);
    expect((err as DiscoveryError).message).toContain('--allow-local-repositories');
  });
});
