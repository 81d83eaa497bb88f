import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForgeDouble } from '../../test/forges/forge-double.js';
import type { TestGitServer } from '../../test/git-server.js';
import { ForgeError, type GitForge } from './forge.js';

/**
 * What every GitForge adapter must do against its host's contract double (test/forges/),
 * whose branches and merges are real git: each adapter's test file calls this with a harness.
 * The cases are the host behaviour the pull-request steps rely on (docs/adr/0003).
 */
export interface ForgeHarness {
  git: TestGitServer;
  double: ForgeDouble;
  /** A repository path the double serves (`acme/shop`, `group/sub/shop`, `org/project/repo`). */
  repository: string;
  /** The adapter for `repository` against the double, with this token (the right one by default). */
  forge(token?: string): GitForge;
  stop(): Promise<void>;
}

export function describeForgeContract(name: string, start: () => Promise<ForgeHarness>): void {
  describe(`${name} pull requests (contract)`, () => {
    let h: ForgeHarness;
    let forge: GitForge;
    let branches = 0;

    /** A new branch off main with one change to `file`, as git-push leaves a promotion's. */
    const promotionBranch = (file = 'env/prod/app.yaml', content?: string): string => {
      const branch = `kargo/promotion/prod.${++branches}`;
      const main = h.git.git(h.repository, ['rev-parse', 'main']).trim();
      h.git.commitFiles(
        h.repository,
        { [file]: content ?? `tag: v${branches}\n` },
        `Promote ${branch}`,
      );
      const promoted = h.git.git(h.repository, ['rev-parse', 'main']).trim();
      h.git.git(h.repository, ['update-ref', `refs/heads/${branch}`, promoted]);
      h.git.git(h.repository, ['update-ref', 'refs/heads/main', main]);
      return branch;
    };
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.unreachable('expected a ForgeError'),
        (err: unknown) => {
          expect(err).toBeInstanceOf(ForgeError);
          return err as ForgeError;
        },
      );

    beforeAll(async () => {
      h = await start();
      h.git.createRepo(h.repository, { 'env/prod/app.yaml': 'tag: v0\n', 'README.md': 'shop\n' });
      forge = h.forge();
    });
    afterAll(async () => {
      await h.stop();
    });

    it('opens a pull request with title, description and labels', async () => {
      const head = promotionBranch();
      const opened = await forge.createPullRequest({
        title: 'Promote v1 to prod',
        description: 'Freight fruitful-ferret\n\nchanges env/prod',
        head,
        base: 'main',
        labels: ['kargo', 'prod'],
      });
      expect(opened.open).toBe(true);
      expect(opened.merged).toBe(false);
      expect(opened.mergeCommitSha).toBe('');
      expect(opened.url).toBe(h.double.webUrl(h.repository, opened.number));
      expect(opened.headSha).toBe(h.git.git(h.repository, ['rev-parse', head]).trim());
      expect(h.double.inspect(h.repository, opened.number)).toMatchObject({
        title: 'Promote v1 to prod',
        description: 'Freight fruitful-ferret\n\nchanges env/prod',
        head,
        base: 'main',
        labels: ['kargo', 'prod'],
        state: 'open',
      });
      const got = await forge.getPullRequest(opened.number);
      expect(got).toMatchObject({
        number: opened.number,
        url: opened.url,
        open: true,
        headBranch: head,
      });
    });

    it('finds an open pull request by head, base and head commit, and by state', async () => {
      const head = promotionBranch();
      const opened = await forge.createPullRequest({ title: 'find me', head, base: 'main' });
      const headSha = h.git.git(h.repository, ['rev-parse', head]).trim();
      const byBranch = await forge.listPullRequests({ state: 'open', head, base: 'main' });
      expect(byBranch.map((pr) => pr.number)).toEqual([opened.number]);
      const byCommit = await forge.listPullRequests({ state: 'any', head, headCommit: headSha });
      expect(byCommit.map((pr) => pr.number)).toEqual([opened.number]);
      expect(byCommit[0]!.createdAt).toEqual(expect.any(String));
      expect(
        await forge.listPullRequests({ state: 'open', head, headCommit: 'f'.repeat(40) }),
      ).toEqual([]);
      expect(await forge.listPullRequests({ state: 'closed', head })).toEqual([]);
      expect(await forge.listPullRequests({ state: 'open', head: 'no-such-branch' })).toEqual([]);
    });

    it('refuses a second open pull request for the same branches, terminally', async () => {
      const head = promotionBranch();
      await forge.createPullRequest({ title: 'first', head, base: 'main' });
      const err = await failure(forge.createPullRequest({ title: 'second', head, base: 'main' }));
      expect(err.transient).toBe(false);
      expect([409, 422]).toContain(err.status);
    });

    it('refuses a pull request from a branch that does not exist, terminally', async () => {
      const err = await failure(
        forge.createPullRequest({ title: 'nothing', head: 'no-such-branch', base: 'main' }),
      );
      expect(err.transient).toBe(false);
    });

    it('merges a mergeable pull request into real git', async () => {
      const head = promotionBranch('env/prod/app.yaml', 'tag: merged\n');
      const opened = await forge.createPullRequest({ title: 'merge me', head, base: 'main' });
      const result = await forge.mergePullRequest(opened.number);
      expect(result.merged).toBe(true);
      if (!result.merged) return;
      const main = h.git.git(h.repository, ['rev-parse', 'main']).trim();
      expect(result.pullRequest).toMatchObject({ open: false, merged: true, mergeCommitSha: main });
      expect(h.git.git(h.repository, ['show', 'main:env/prod/app.yaml'])).toBe('tag: merged\n');
      expect(h.double.inspect(h.repository, opened.number)?.state).toBe('merged');

      // Merging again answers the merged pull request and changes nothing.
      const again = await forge.mergePullRequest(opened.number);
      expect(again).toMatchObject({ merged: true, pullRequest: { mergeCommitSha: main } });
      expect(h.git.git(h.repository, ['rev-parse', 'main']).trim()).toBe(main);
    });

    it('answers "not yet" while checks or reviews are pending, and merges once they pass', async () => {
      const head = promotionBranch('docs/pending.md', 'pending\n');
      const opened = await forge.createPullRequest({ title: 'pending', head, base: 'main' });
      h.double.setMergeability(h.repository, opened.number, 'pending');
      const main = h.git.git(h.repository, ['rev-parse', 'main']).trim();
      expect(await forge.mergePullRequest(opened.number)).toEqual({ merged: false });
      expect(h.git.git(h.repository, ['rev-parse', 'main']).trim()).toBe(main);
      h.double.setMergeability(h.repository, opened.number, 'clean');
      expect((await forge.mergePullRequest(opened.number)).merged).toBe(true);
    });

    it('answers "not yet" for a draft', async () => {
      const head = promotionBranch('docs/draft.md', 'draft\n');
      const opened = await forge.createPullRequest({ title: 'draft', head, base: 'main' });
      h.double.setMergeability(h.repository, opened.number, 'draft');
      expect(await forge.mergePullRequest(opened.number)).toEqual({ merged: false });
    });

    it('fails terminally on a conflict', async () => {
      const head = promotionBranch('env/prod/conflict.yaml', 'ours\n');
      const opened = await forge.createPullRequest({ title: 'conflict', head, base: 'main' });
      h.git.commitFiles(h.repository, { 'env/prod/conflict.yaml': 'theirs\n' }, 'meanwhile');
      h.double.setMergeability(h.repository, opened.number, 'conflict');
      const err = await failure(forge.mergePullRequest(opened.number));
      expect(err.transient).toBe(false);
    });

    it('fails terminally on a pull request closed without merging', async () => {
      const head = promotionBranch('docs/closed.md', 'closed\n');
      const opened = await forge.createPullRequest({ title: 'closed', head, base: 'main' });
      h.double.reviewer.close(h.repository, opened.number);
      expect(await forge.getPullRequest(opened.number)).toMatchObject({
        open: false,
        merged: false,
      });
      const err = await failure(forge.mergePullRequest(opened.number));
      expect(err.transient).toBe(false);
      expect(err.message).toMatch(/closed/);
    });

    it('sees a pull request a reviewer merged, with its merge commit', async () => {
      const head = promotionBranch('docs/reviewed.md', 'reviewed\n');
      const opened = await forge.createPullRequest({ title: 'review me', head, base: 'main' });
      h.double.reviewer.merge(h.repository, opened.number);
      const merged = await forge.getPullRequest(opened.number);
      expect(merged).toMatchObject({
        open: false,
        merged: true,
        mergeCommitSha: h.git.git(h.repository, ['rev-parse', 'main']).trim(),
      });
      const found = await forge.listPullRequests({ state: 'any', head });
      expect(found.map((pr) => [pr.number, pr.merged])).toEqual([[opened.number, true]]);
    });

    it('answers a pull request that does not exist with a terminal 404', async () => {
      const err = await failure(forge.getPullRequest(99_999));
      expect([err.status, err.transient]).toEqual([404, false]);
    });

    it('says the host refused the token, terminally, without the token', async () => {
      const err = await failure(h.forge('not-the-token').getPullRequest(1));
      expect([401, 403]).toContain(err.status);
      expect(err.transient).toBe(false);
      expect(err.message).not.toContain('not-the-token');
    });

    it.each([
      [{ status: 503 }, 503, true, undefined],
      [{ status: 500 }, 500, true, undefined],
      [{ status: 429, retryAfterSeconds: 7 }, 429, true, 7000],
      [{ status: 404 }, 404, false, undefined],
      [{ status: 401 }, 401, false, undefined],
    ])(
      'answers the host failing with %j as a ForgeError',
      async (fail, status, transient, after) => {
        h.double.failNext(fail);
        const err = await failure(forge.getPullRequest(1));
        expect([err.status, err.transient, err.retryAfterMs]).toEqual([status, transient, after]);
        expect(err.message.length).toBeGreaterThan(10);
      },
    );
  });
}
