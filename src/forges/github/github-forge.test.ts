import { describe, expect, it } from 'vitest';
import { startGitHubDouble } from '../../../test/forges/github-double.js';
import { startGitServer } from '../../../test/git-server.js';
import { ForgeError } from '../forge.js';
import { describeForgeContract } from '../forge.contract.js';
import { GitHubForge, parseGitHubRepo } from './github-forge.js';

/**
 * The GitHub adapter against the contract double of GitHub's REST API (test/forges/
 * github-double.ts), whose branches and merges are real git on the test git server.
 */
describeForgeContract('GitHub', async () => {
  const git = await startGitServer();
  const double = await startGitHubDouble(git, { token: 't0ken' });
  return {
    git,
    double,
    repository: 'acme/shop',
    forge: (token = 't0ken') =>
      new GitHubForge({
        repoURL: 'https://github.com/acme/shop.git',
        token,
        apiBaseUrl: double.apiUrl,
      }),
    async stop() {
      await double.stop();
      await git.stop();
    },
  };
});

describe('GitHub specifics', () => {
  it('merges with the method asked for, and a refused method is final', async () => {
    const git = await startGitServer();
    const double = await startGitHubDouble(git);
    try {
      git.createRepo('acme/web', { 'a.txt': 'a\n' });
      const forge = new GitHubForge({
        repoURL: 'git@github.com:acme/web.git',
        apiBaseUrl: double.apiUrl,
      });
      for (const branch of ['one', 'two']) {
        git.git('acme/web', ['branch', branch, 'main']);
        const work = git.git('acme/web', ['rev-parse', `${branch}^{tree}`]).trim();
        const commit = git
          .git('acme/web', ['commit-tree', work, '-p', branch, '-m', `change ${branch}`])
          .trim();
        git.git('acme/web', ['update-ref', `refs/heads/${branch}`, commit]);
      }
      const one = await forge.createPullRequest({ title: 'one', head: 'one', base: 'main' });
      const squashed = await forge.mergePullRequest(one.number, { method: 'squash' });
      expect(squashed.merged).toBe(true);
      expect(
        git.git('acme/web', ['rev-list', '--parents', '-n', '1', 'main']).trim().split(' '),
      ).toHaveLength(2);

      double.refuseMethod('rebase');
      const two = await forge.createPullRequest({ title: 'two', head: 'two', base: 'main' });
      const refused = (await forge
        .mergePullRequest(two.number, { method: 'rebase' })
        .catch((e: unknown) => e)) as ForgeError;
      expect(refused).toBeInstanceOf(ForgeError);
      expect([refused.status, refused.transient]).toEqual([405, false]);
      expect(refused.message).toBe(
        'GitHub answered 405: Rebase merges are not allowed on this repository.',
      );
    } finally {
      await double.stop();
      await git.stop();
    }
  });

  it('reads a 403 that is not an exhausted rate limit as a final refusal', async () => {
    const git = await startGitServer();
    const double = await startGitHubDouble(git);
    try {
      const forge = new GitHubForge({
        repoURL: 'https://github.com/acme/none.git',
        apiBaseUrl: double.apiUrl,
      });
      double.failNext({ status: 403, message: 'API rate limit exceeded for user ID 1.' });
      const limited = (await forge.getPullRequest(1).catch((e: unknown) => e)) as ForgeError;
      // 403 without x-ratelimit-remaining: 0 is a permission refusal, final.
      expect([limited.status, limited.transient]).toEqual([403, false]);
    } finally {
      await double.stop();
      await git.stop();
    }
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
