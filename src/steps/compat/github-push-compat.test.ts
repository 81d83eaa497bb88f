import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../../test/forges/github-double.js';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { createStepHarness, stepError, type StepHarness } from '../../../test/step-harness.js';
import type { StepContext } from '../../engine/step.js';
import { ForgeError, type ForgeConnector, type GitHubGitData } from '../../forges/forge.js';
import { createForgeConnector } from '../../forges/forge-connector.js';
import { identityEnv, runGit } from '../../git/git-cli.js';
import { gitCloneStep } from '../git-clone.js';
import { createGitHubPushStep, githubPushStep, replayOf } from '../github-push.js';
import { runGitConfigCases } from './git-step-case.js';
import {
  githubPushConfigCases,
  githubPushRunCases,
  replayCommitCases,
  type ApiTweak,
  type GitHubPushRunCase,
} from './github-push.cases.js';
import { compatIt } from './row-case.js';

const TOKEN = 'github-token';
const CREDENTIALS = { username: 'kargo', password: TOKEN };
const SOMEONE_ELSE = { GIT_AUTHOR_NAME: 'Someone Else', GIT_AUTHOR_EMAIL: 'someone@else.com' };

describe('github-push as Kargo: config table (github_pusher_test.go)', () =>
  runGitConfigCases(githubPushStep, githubPushConfigCases));

describe('github-push as Kargo: replayed commits (Test_githubPusher_buildReplayCommit)', () => {
  for (const c of replayCommitCases)
    compatIt(c, () => {
      const committer = { name: 'Kargo', email: 'kargo@example.com' };
      const replay = replayOf(
        { sha: 'old', tree: 'tree-sha', message: 'test', author: c.author, committer, parents: [] },
        ['parent'],
        !!c.verifyUntrustedCommits,
      );
      expect(replay.tree).toBe('tree-sha');
      expect(replay.parents).toEqual(['parent']);
      if (c.keepsIdentities) {
        expect(replay.author).toEqual(c.author);
        expect(replay.committer).toEqual(committer);
        expect(replay.message).toBe('test');
      } else {
        expect(replay.author).toBeUndefined();
        expect(replay.committer).toBeUndefined();
      }
      if (c.coAuthoredBy) expect(replay.message).toBe(`test\n\nCo-authored-by: ${c.coAuthoredBy}`);
      else expect(replay.message).not.toContain('Co-authored-by');
    });
});

/**
 * Kargo's run, push, replay and ref tables and its integration test against github.com, on a
 * repository of the GitHub double (real git behind it); Kargo's mocked API failures are the
 * double's answers replaced (`api`).
 */
describe('github-push as Kargo: runs on the GitHub double', () => {
  let server: TestGitServer;
  let github: GitHubDouble;
  let connector: ForgeConnector;
  let repo = 0;

  beforeAll(async () => {
    server = await startGitServer();
    github = await startGitHubDouble(server, { token: TOKEN });
    connector = createForgeConnector({
      hosts: [
        {
          url: server.url,
          provider: 'github',
          apiUrl: github.apiUrl,
          insecureSkipTLSVerify: false,
        },
      ],
    });
  });
  afterAll(async () => {
    await github.stop();
    await server.stop();
  });

  for (const c of githubPushRunCases) compatIt(c, () => runCase(c));

  async function runCase(c: GitHubPushRunCase): Promise<void> {
    const harness = createStepHarness({
      credentials:
        c.arrange === 'no-credentials'
          ? undefined
          : c.arrange === 'empty-password'
            ? { username: 'kargo', password: '' }
            : CREDENTIALS,
    });
    try {
      await runIn(harness, c);
    } finally {
      harness.cleanup();
    }
  }

  async function runIn(harness: StepHarness, c: GitHubPushRunCase): Promise<void> {
    const id = ++repo;
    const name = c.arrange === 'not-github-url' ? `push-${id}` : `acme/push-${id}`;
    const url = server.createRepo(name, { 'test.txt': 'foo' });
    await harness.run(gitCloneStep, { repoURL: url, checkout: [{ branch: 'main', path: 'main' }] });
    const cwd = join(harness.workDir.root, 'main');
    // The clone's identity, read once (two git processes a read).
    const identity = await identityEnv(cwd);
    const git = async (args: string[], env?: NodeJS.ProcessEnv) =>
      (
        await runGit(args, {
          cwd,
          env: { ...identity, ...env },
          credentials: CREDENTIALS,
          askpass: harness.repositories.askpass,
        })
      ).trim();
    const commit = async (file: string, content: string, message: string, env = {}) => {
      writeFileSync(join(cwd, file), content);
      await git(['add', '-A']);
      await git(['commit', '--quiet', '-m', message], env);
    };
    const remoteCommit = (on: string) => {
      const sha = server
        .git(name, [
          '-c',
          'user.name=Remote Author',
          '-c',
          'user.email=remote@author.com',
          'commit-tree',
          `${on}^{tree}`,
          '-p',
          on,
          '-m',
          'remote commit ahead',
        ])
        .trim();
      server.git(name, ['update-ref', `refs/heads/${on}`, sha]);
    };

    if (c.arrange === 'merge-commit') {
      await commit('a.txt', 'commit A by someone else', 'commit A by someone else', SOMEONE_ELSE);
      await git(['checkout', '--quiet', '-b', 'side', 'HEAD~1']);
      await commit('b.txt', 'commit B by Kargo', 'commit B by Kargo');
      await git(['checkout', '--quiet', 'main']);
      await git(['merge', '--quiet', '--no-ff', '-m', 'merge side', 'side']);
    } else {
      await commit('a.txt', 'commit A by someone else', 'commit A by someone else', SOMEONE_ELSE);
      await commit('b.txt', 'commit B by Kargo', 'commit B by Kargo');
    }
    if (c.arrange === 'conflict') {
      await commit('test.txt', 'local change', 'local change');
      server.commitFiles(name, { 'test.txt': 'remote change' }, 'remote change');
    }
    if (c.target === 'ahead' || c.target === 'diverged')
      server.git(name, ['update-ref', 'refs/heads/target', 'main']);
    if (c.target === 'diverged') remoteCommit('target');
    if (c.target === 'behind' || c.target === 'identical')
      await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/target']);
    if (c.target === 'behind') remoteCommit('target');
    if (c.arrange === 'detached') await git(['checkout', '--quiet', '--detach']);
    if (c.arrange === 'unreachable-push')
      await git(['remote', 'set-url', '--push', 'origin', `${server.url}/acme/missing.git`]);

    const localHead = await git(['rev-parse', 'HEAD']);
    const before = server
      .git(name, ['rev-parse', c.target && c.target !== 'new' ? 'target' : 'main'])
      .trim();
    const step = createGitHubPushStep({
      verifyUntrustedCommits: !!c.verifyUntrustedCommits,
      ...(c.maxRevisions ? { maxRevisions: c.maxRevisions } : {}),
    });
    const config = {
      path: c.arrange === 'missing-path' ? 'nonexistent' : 'main',
      ...(c.target === 'new' ? { generateTargetBranch: true } : { targetBranch: 'target' }),
      ...(c.force ? { force: true } : {}),
      ...(c.maxAttempts ? { maxAttempts: c.maxAttempts } : {}),
    };
    const overrides: Partial<StepContext> = {
      forges: tweaked(connector, c.api ?? {}),
      promotion: `promo-${id}`,
      ...(c.arrange === 'credentials-fail'
        ? { credentialsFor: () => Promise.reject(new Error('something went wrong')) }
        : {}),
    };
    const running = harness.run(step, config, overrides);

    if (c.error !== undefined) {
      const err = await stepError(running);
      expect(err.message).toContain(c.error);
      if (c.terminal !== undefined) expect(err.terminal).toBe(c.terminal);
    } else {
      const outcome = await running;
      expect(outcome.status).toBe('Succeeded');
      const branch = outcome.output?.branch as string;
      const head = outcome.output?.commit as string;
      expect(branch).toBe(c.target === 'new' ? `kargo/promotion/promo-${id}` : 'target');
      expect(server.git(name, ['rev-parse', branch]).trim()).toBe(head);
      expect(await git(['rev-parse', 'HEAD'])).toBe(head);
      expect(outcome.output?.commitURL).toBe(
        `https://${new URL(server.url).host}/${name}/commit/${head}`,
      );
      if (c.branchAtLocalHead) expect(head).toBe(localHead);
      const base = server.git(name, ['merge-base', before, head]).trim();
      const replayed = server
        .git(name, ['rev-list', '--reverse', '--topo-order', `${base}..${head}`])
        .split('\n')
        .filter(Boolean);
      expect(replayed).toHaveLength(c.commits?.length ?? 0);
      for (const [index, expected] of (c.commits ?? []).entries()) {
        const sha = replayed[index]!;
        expect(github.verified(name, sha), `commit ${index} verified`).toBe(expected.verified);
        if (expected.author)
          expect(server.git(name, ['log', '-1', '--format=%an', sha]).trim()).toBe(expected.author);
        const message = server.git(name, ['log', '-1', '--format=%B', sha]);
        if (expected.coAuthoredBy)
          expect(message).toContain(`Co-authored-by: ${expected.coAuthoredBy}`);
        // Kargo adds the trailer whenever the author is not the signer: without signing, always.
        else if (!expected.verified) expect(message).not.toContain('Co-authored-by');
      }
      if (c.arrange === 'merge-commit') {
        // The merge keeps two parents, each one of the recreated commits.
        const parents = server.git(name, ['log', '-1', '--format=%P', head]).trim().split(' ');
        expect(parents).toHaveLength(2);
        for (const parent of parents) expect(replayed).toContain(parent);
      }
    }
    if (c.retried) expect(harness.logs.join('\n')).toContain(c.retried);
    // The staging ref never outlives the step.
    expect(server.git(name, ['for-each-ref', 'refs/kargo'])).toBe('');
  }
});

/** The connector with some of GitHub's answers replaced, as Kargo's mock client replaces them. */
function tweaked(connector: ForgeConnector, api: ApiTweak): ForgeConnector {
  const failure = () => new ForgeError('GitHub answered 500: something went wrong', 500, true);
  return {
    open: (url, options) => connector.open(url, options),
    github(url, options) {
      const real = connector.github!(url, options);
      let refused = false;
      const client: GitHubGitData = {
        owner: real.owner,
        repo: real.repo,
        getRef: (ref) => (api.getRef ? Promise.reject(failure()) : real.getRef(ref)),
        async compareCommits(base, head) {
          const tweak = api.compareCommits;
          if (tweak === 'fail') throw failure();
          const answer = await real.compareCommits(base, head);
          if (tweak === 'noTree')
            return { ...answer, commits: answer.commits.map((c) => ({ ...c, tree: undefined })) };
          return tweak ? { ...answer, status: tweak.status } : answer;
        },
        createCommit: (commit) =>
          api.createCommit ? Promise.reject(failure()) : real.createCommit(commit),
        createRef: (ref, sha) => real.createRef(ref, sha),
        updateRef(ref, sha, force) {
          if (api.updateRef === 'fail') return Promise.reject(failure());
          if (api.updateRef === 'notFastForwardOnce' && !refused) {
            refused = true;
            return Promise.reject(
              new ForgeError('GitHub answered 422: Update is not a fast forward', 422, false),
            );
          }
          return real.updateRef(ref, sha, force);
        },
        deleteRef: (ref) => real.deleteRef(ref),
      };
      return client;
    },
  };
}
