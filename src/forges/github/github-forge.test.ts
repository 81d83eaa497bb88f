import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../../test/forges/github-double.js';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { ForgeError } from '../forge.js';
import { GitHubForge, parseGitHubRepo } from './github-forge.js';

/**
 * The GitHub adapter against the contract double of GitHub's REST API (test/forges/
 * github-double.ts), whose branches and merges are real git on the test git server.
 */
describe('GitHub pull requests', () => {
  let git: TestGitServer;
  let github: GitHubDouble;
  let forge: GitHubForge;

  beforeAll(async () => {
    git = await startGitServer();
    github = await startGitHubDouble(git, { token: 't0ken' });
    git.createRepo('shop', { 'env/prod/app.yaml': 'tag: v1\n' });
    // A promotion's branch with one change, as git-push with generateTargetBranch leaves it.
    const main = git.git('shop', ['rev-parse', 'main']).trim();
    git.commitFiles('shop', { 'env/prod/app.yaml': 'tag: v2\n' }, 'Promote v2');
    const promoted = git.git('shop', ['rev-parse', 'main']).trim();
    git.git('shop', ['update-ref', 'refs/heads/kargo/promotion/prod.1', promoted]);
    git.git('shop', ['update-ref', 'refs/heads/main', main]);
    forge = new GitHubForge({
      repoURL: github.repoURL('acme', 'shop'),
      token: 't0ken',
      apiBaseUrl: github.url,
    });
  });
  afterAll(async () => {
    await github.stop();
    await git.stop();
  });

  it('opens a pull request with labels, finds it again, and merges it into real git', async () => {
    const opened = await forge.createPullRequest({
      title: 'Promote v2 to prod',
      description: 'Freight fruitful-ferret',
      head: 'kargo/promotion/prod.1',
      base: 'main',
      labels: ['kargo', 'prod'],
    });
    expect(opened).toMatchObject({ number: 1, open: true, merged: false, mergeCommitSha: '' });
    expect(opened.url).toBe(`${github.url}/acme/shop/pull/1`);
    expect(github.requests).toContain('POST /repos/acme/shop/issues/1/labels');

    // A re-run after a crash looks before opening: the same pull request.
    const found = await forge.listPullRequests({
      state: 'open',
      head: 'kargo/promotion/prod.1',
      base: 'main',
    });
    expect(found.map((pr) => pr.number)).toEqual([1]);
    expect(await forge.listPullRequests({ state: 'open', headCommit: 'f'.repeat(40) })).toEqual([]);

    // Opening it twice is GitHub's 422, terminal.
    const duplicate = await forge
      .createPullRequest({ title: 'again', head: 'kargo/promotion/prod.1', base: 'main' })
      .catch((err: unknown) => err);
    expect(duplicate).toBeInstanceOf(ForgeError);
    expect((duplicate as ForgeError).status).toBe(422);
    expect((duplicate as ForgeError).transient).toBe(false);

    const { pullRequest, merged } = await forge.mergePullRequest(1);
    expect(merged).toBe(true);
    expect(pullRequest).toMatchObject({ open: false, merged: true });
    expect(pullRequest.mergeCommitSha).toBe(git.git('shop', ['rev-parse', 'main']).trim());
    expect(git.git('shop', ['show', 'main:env/prod/app.yaml'])).toBe('tag: v2\n');
    expect(
      git.git('shop', ['rev-list', '--parents', '-n', '1', 'main']).trim().split(' '),
    ).toHaveLength(3);

    // Merging again answers the merged pull request, merging nothing.
    const again = await forge.mergePullRequest(1);
    expect(again).toEqual({ pullRequest, merged: false });
  });

  it.each([
    [502, 'Server Error', {}, true, undefined],
    [429, 'API rate limit exceeded', { 'retry-after': '7' }, true, 7000],
    [405, 'Base branch was modified. Review and try the merge again.', {}, true, undefined],
    [404, 'Not Found', {}, false, undefined],
  ])('answers %i as a %s ForgeError', async (status, message, headers, transient, retryAfterMs) => {
    github.failNext(status, message, headers);
    const err = (await forge.getPullRequest(1).catch((e: unknown) => e)) as ForgeError;
    expect(err).toBeInstanceOf(ForgeError);
    expect([err.status, err.transient, err.retryAfterMs]).toEqual([
      status,
      transient,
      retryAfterMs,
    ]);
    expect(err.message).toBe(`GitHub answered ${status}: ${message}`);
  });

  it('says GitHub refused the token', async () => {
    const stranger = new GitHubForge({
      repoURL: github.repoURL('acme', 'shop'),
      token: 'wrong',
      apiBaseUrl: github.url,
    });
    await expect(stranger.getPullRequest(1)).rejects.toThrow(
      'GitHub answered 401: Bad credentials',
    );
  });

  it.each([
    ['https://github.com/akuity/kargo.git', 'github.com', 'akuity', 'kargo'],
    ['git@github.com:akuity/kargo.git', 'github.com', 'akuity', 'kargo'],
    ['ssh://git@github.example.com/akuity/kargo', 'github.example.com', 'akuity', 'kargo'],
  ])('reads %s as owner and repository', (url, host, owner, repo) => {
    expect(parseGitHubRepo(url)).toEqual({ host, owner, repo });
  });

  it('refuses a URL that does not name owner/repository', () => {
    expect(() => parseGitHubRepo('https://github.com/akuity')).toThrow(
      'could not extract repository owner and name from URL',
    );
  });
});
