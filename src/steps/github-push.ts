import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import type { ComparedCommit, GitHubGitData, NewGitHubCommit } from '../forges/forge.js';
import { ForgeError } from '../forges/forge.js';
import { identityEnv, runGit } from '../git/git-cli.js';
import { commitUrlFor } from './commit-url.js';
import { gitRefName } from './git-ref-name.js';
import { asStepError } from './git-step-errors.js';

export const githubPushConfigSchema = z
  .strictObject({
    path: z.string().min(1).describe('The working tree whose commits to push'),
    generateTargetBranch: z
      .boolean()
      .optional()
      .describe('Push to a new branch kargo/promotion/<promotion> (force)'),
    // Kargo's schema lets targetBranch be an empty string, meaning unset.
    targetBranch: z
      .preprocess((value) => (value === '' ? undefined : value), gitRefName.optional())
      .describe('Branch to push to (default: the checked-out branch)'),
    force: z.boolean().optional().describe('Overwrite the branch, discarding commits only it has'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(2147483647)
      .default(10)
      .describe('Attempts when the branch moved on GitHub meanwhile'),
    insecureSkipTLSVerify: z
      .boolean()
      .optional()
      .describe('Accept any TLS certificate from the GitHub API (GitHub Enterprise)'),
  })
  .superRefine((config, ctx) => {
    if (config.generateTargetBranch && config.targetBranch)
      ctx.addIssue({
        code: 'custom',
        message:
          'Must validate one and only one schema: set targetBranch or generateTargetBranch, not both',
      });
  });

/** What the operator decides for every github-push (Kargo: the controller's environment). */
export interface GitHubPushOptions {
  /**
   * Kargo's GITHUB_PUSH_VERIFY_UNTRUSTED_COMMITS: let GitHub author and sign every replayed
   * commit (Verified), the original author kept as a Co-authored-by trailer. Off by default, as
   * Kargo: commits keep their author and committer, and GitHub leaves them unverified.
   */
  verifyUntrustedCommits?: boolean;
  /** Kargo's GITHUB_PUSH_MAX_REVISIONS: the most commits one push replays (default 10). */
  maxRevisions?: number;
}

/** Kargo's ref namespace for the staging push: hidden from the branch list. */
const STAGING_REF_PREFIX = 'refs/kargo/staging';

/**
 * github-push (Kargo's github_pusher.go): pushes a working tree's new commits through GitHub's
 * REST API instead of `git push`, so that GitHub creates them (and, when it authors them, signs
 * them: "Verified"). The branch's remote changes are rebased in first (Kargo's AlwaysRebase);
 * the tree's objects go to a hidden staging ref `refs/kargo/staging/<promotion>` by git; GitHub
 * compares the branch with the local head; each commit GitHub lacks is recreated with the API
 * (merge commits keep their parents); the branch is created or moved (fast-forward unless
 * forced); the staging ref is deleted. A branch that moved meanwhile is retried, up to
 * maxAttempts. The working tree is then reset to the pushed branch. Outputs `branch`, `commit`
 * and `commitURL`, as git-push.
 */
export function createGitHubPushStep(options: GitHubPushOptions = {}) {
  const maxRevisions = options.maxRevisions ?? 10;
  return defineStep({
    kind: 'github-push',
    description: "Push a working tree's commits through GitHub's API (verified commits)",
    configSchema: githubPushConfigSchema,
    capabilities: ['git', 'credentials'],
    async run(context, config) {
      const cwd = context.workDir.gitWorkTree(config.path);
      const url = await git(['remote', 'get-url', 'origin'], { cwd }).catch((err: unknown) => {
        throw asStepError(err, `error loading working tree from ${config.path}`);
      });
      context.repositories.checkRemote(url);
      const credentials = await context.credentialsFor(url, 'git').catch((err: unknown) => {
        throw transientError(`error getting credentials for ${url}: ${messageOf(err)}`, err);
      });
      if (!credentials) throw terminalError(`no credentials found for ${url}`);
      if (!credentials.password)
        throw terminalError(`credentials for ${url} are missing a password/token`);
      if (!context.forges?.github)
        throw terminalError('github-push: the GitHub API is not available here');
      let api: GitHubGitData;
      try {
        api = context.forges.github(url, {
          token: credentials.password,
          insecureSkipTLSVerify: config.insecureSkipTLSVerify,
        });
      } catch (err) {
        throw terminalError(`error parsing repository URL: ${messageOf(err)}`, err);
      }
      const force = !!config.force || !!config.generateTargetBranch;
      const branch = config.generateTargetBranch
        ? `kargo/promotion/${context.promotion}`
        : (config.targetBranch ?? (await currentBranch(cwd, 'error getting current branch')));
      if (context.plan) return planPush(context, cwd, branch, url);

      const run = {
        cwd,
        credentials,
        askpass: context.repositories.askpass,
        signal: context.signal,
        allowFileProtocol: context.repositories.allowsLocalRepositories,
      };
      const push: Push = {
        context,
        api,
        git: run,
        branch,
        force,
        stagingRef: `${STAGING_REF_PREFIX}/${context.promotion}`,
        maxRevisions,
        verifyUntrustedCommits: !!options.verifyUntrustedCommits,
      };
      await context.repositories.withPushLock(url, branch, async () => {
        try {
          for (let attempt = 1; ; attempt++) {
            try {
              await pushOnce(push);
              return;
            } catch (err) {
              if (!(err instanceof RetryablePush) || attempt >= config.maxAttempts) throw err;
              context.log(
                `${err.message}; trying again (attempt ${attempt + 1} of ${config.maxAttempts})`,
              );
            }
          }
        } catch (err) {
          throw asPushError(err);
        } finally {
          await api.deleteRef(push.stagingRef.replace(/^refs\//, '')).catch((err: unknown) => {
            context.log(
              `error deleting staging ref ${push.stagingRef} (non-fatal): ${messageOf(err)}`,
            );
          });
        }
      });

      // The replayed commits are new ones: the working tree takes the branch as GitHub has it.
      try {
        await git(['fetch', '--quiet', 'origin', `refs/heads/${branch}`], run);
        await git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], run);
      } catch (err) {
        throw asStepError(err, 'error syncing local branch after push');
      }
      const commit = await git(['rev-parse', 'HEAD'], run);
      const commitURL = commitUrlFor(url, commit, 'github');
      context.log(`pushed ${commit.slice(0, 7)} to ${branch} through the GitHub API`);
      return {
        status: 'Succeeded',
        output: { branch, commit, ...(commitURL ? { commitURL } : {}) },
      };
    },
  });
}

/** github-push with Kargo's defaults (unverified commits keep their author; 10 commits at most). */
export const githubPushStep = createGitHubPushStep();

interface Push {
  context: StepContext;
  api: GitHubGitData;
  git: Parameters<typeof runGit>[1];
  branch: string;
  force: boolean;
  stagingRef: string;
  maxRevisions: number;
  verifyUntrustedCommits: boolean;
}

/** A failure another attempt may cure (the branch moved on GitHub meanwhile). */
class RetryablePush extends Error {
  override readonly name = 'RetryablePush';
}

/** One attempt: Kargo's push(). */
async function pushOnce(push: Push): Promise<void> {
  const { api, branch } = push;
  if (!push.force) await integrateRemoteChanges(push);
  await step(`error pushing to staging ref ${push.stagingRef}`, () =>
    git(['push', '--quiet', '--force', 'origin', `HEAD:${push.stagingRef}`], push.git),
  );
  const sourceHead = await git(['rev-parse', 'HEAD'], push.git);
  const targetExists = await step(`error checking if remote branch ${branch} exists`, () =>
    remoteBranchExists(push),
  );
  // GitHub compares with the branch, or, for a new one, with the branch the tree is on.
  const baseRef = `heads/${
    targetExists ? branch : await currentBranch(push.git.cwd, 'error getting current branch name')
  }`;
  const baseHead = await step(`error getting ref ${baseRef}`, () => api.getRef(baseRef));
  const comparison = await step(`error comparing commits ${baseHead}..${sourceHead}`, () =>
    api.compareCommits(baseHead, sourceHead),
  );
  const { status } = comparison;
  if (status === 'identical') return;
  if (status === 'behind' && !push.force)
    throw new RetryablePush(
      'source branch is behind target branch and force pushing is not enabled',
    );
  if (status === 'diverged' && !push.force)
    throw new RetryablePush(
      'source and target branches have diverged and force pushing is not enabled',
    );
  if (!['ahead', 'behind', 'diverged'].includes(status))
    throw terminalError(
      `unexpected comparison status ${JSON.stringify(status)} for ${baseHead}..${sourceHead}`,
    );
  if (comparison.commits.length > push.maxRevisions)
    throw terminalError(
      `commit range ${comparison.mergeBase}..${sourceHead} contains ${comparison.commits.length} commits, which exceeds the configured maximum of ${push.maxRevisions}`,
    );
  // Rooted at the merge base, whether the tree is ahead or (forced) diverged.
  const newHead = await step('error replaying commits via GitHub API', () =>
    replayCommits(push, comparison.commits, comparison.mergeBase),
  );
  await step('error updating target ref', () => upsertTargetRef(push, newHead, !targetExists));
}

/** Kargo's AlwaysRebase integration: the local commits go on top of the remote branch. */
async function integrateRemoteChanges(push: Push): Promise<void> {
  const what = `error integrating remote changes from remote branch ${JSON.stringify(push.branch)} to local branch ${JSON.stringify(push.branch)}`;
  if (!(await step(what, () => remoteBranchExists(push)))) return;
  await step(what, () =>
    git(['fetch', '--quiet', 'origin', `refs/heads/${push.branch}`], push.git),
  );
  // Already on top of the remote branch: nothing to rebase (and merge commits stay merges).
  const upToDate = await git(['merge-base', '--is-ancestor', 'FETCH_HEAD', 'HEAD'], push.git).then(
    () => true,
    () => false,
  );
  if (upToDate) return;
  const env = await identityEnv(push.git.cwd);
  try {
    await git(['rebase', '--quiet', 'FETCH_HEAD'], { ...push.git, env });
  } catch (err) {
    await git(['rebase', '--abort'], push.git).catch(() => undefined);
    // A conflict needs a person: no attempt will resolve it.
    throw terminalError(`${what}: merge conflict: ${messageOf(err)}`, err);
  }
}

async function remoteBranchExists(push: Push): Promise<boolean> {
  const refs = await git(['ls-remote', '--heads', 'origin', `refs/heads/${push.branch}`], push.git);
  return refs !== '';
}

/**
 * Recreates each commit through the API, oldest first: a commit with one parent (or none) goes
 * on the one made before it (the merge base first); a merge commit keeps its parents, each
 * replaced by its recreated commit when it was one of the range.
 */
async function replayCommits(
  push: Push,
  commits: ComparedCommit[],
  mergeBase: string,
): Promise<string> {
  const recreated = new Map<string, string>([[mergeBase, mergeBase]]);
  let last = mergeBase;
  for (const [index, commit] of commits.entries()) {
    if (!commit.tree) throw new Error(`commit ${index} in range has missing tree information`);
    const parents =
      commit.parents.length <= 1 ? [last] : commit.parents.map((p) => recreated.get(p) ?? p);
    const replay = replayOf(commit, parents, push.verifyUntrustedCommits);
    try {
      last = await push.api.createCommit(replay);
    } catch (err) {
      throw new Error(
        `error creating commit ${index + 1}/${commits.length} (original: ${commit.sha}): ${messageOf(err)}`,
        { cause: err },
      );
    }
    recreated.set(commit.sha, last);
  }
  return last;
}

/**
 * Kargo's buildReplayCommit for a commit no trusted key signed (Gantry signs none): it keeps its
 * author and committer, so GitHub does not sign it; or, with verifyUntrustedCommits, GitHub
 * authors and signs it and the author is named in a Co-authored-by trailer.
 */
export function replayOf(
  commit: ComparedCommit,
  parents: string[],
  verifyUntrustedCommits: boolean,
): NewGitHubCommit {
  const base = { tree: commit.tree ?? '', message: commit.message, parents };
  if (!verifyUntrustedCommits)
    return { ...base, author: commit.author, committer: commit.committer };
  const author = commit.author;
  return author?.name && author.email
    ? { ...base, message: `${commit.message}\n\nCo-authored-by: ${author.name} <${author.email}>` }
    : base;
}

async function upsertTargetRef(push: Push, sha: string, create: boolean): Promise<void> {
  const ref = `heads/${push.branch}`;
  if (create) {
    await push.api.createRef(ref, sha).catch((err: unknown) => {
      throw new Error(`error creating ref ${ref} at ${sha}: ${messageOf(err)}`, { cause: err });
    });
    return;
  }
  try {
    await push.api.updateRef(ref, sha, push.force);
  } catch (err) {
    if (err instanceof ForgeError && err.status === 422)
      throw new RetryablePush(
        `error updating ref ${ref} to ${sha} (not a fast forward): ${err.message}`,
      );
    throw new Error(`error updating ref ${ref} to ${sha}: ${messageOf(err)}`, { cause: err });
  }
}

/** A stage of the push, its failure prefixed as Kargo words it; step errors pass unchanged. */
async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (isStepError(err)) throw err;
    const message = `${what}: ${messageOf(err)}`;
    if (err instanceof RetryablePush) throw new RetryablePush(message);
    if (err instanceof ForgeError) throw new ForgeError(message, err.status, err.transient);
    throw asStepError(err, what);
  }
}

/** The end of the attempts: Kargo's "error pushing commits to remote", terminal or not. */
function asPushError(err: unknown): unknown {
  if (isStepError(err)) return err;
  const message = `error pushing commits to remote: ${messageOf(err)}`;
  if (err instanceof ForgeError)
    return err.transient ? transientError(message, err) : terminalError(message, err);
  return transientError(message, err);
}

async function currentBranch(cwd: string, what: string): Promise<string> {
  const branch = await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd }).catch(() => '');
  if (!branch) throw terminalError(`${what}: the working tree is not on a branch (detached HEAD)`);
  return branch;
}

async function git(args: string[], options: Parameters<typeof runGit>[1]): Promise<string> {
  return (await runGit(args, options)).trim();
}

/** Plan mode: the commits GitHub would be asked to recreate, and their diff; nothing sent. */
async function planPush(context: StepContext, cwd: string, branch: string, url: string) {
  const remote = await git(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`], {
    cwd,
  }).catch(() => '');
  const range = remote ? `${remote}..HEAD` : 'HEAD';
  const log = await git(['log', '--format=%H %s', range], { cwd });
  const diff = remote
    ? await runGit(['diff', remote, 'HEAD'], { cwd })
    : await runGit(['show', '--format=', 'HEAD'], { cwd });
  const commits = log ? log.split('\n') : [];
  const summary = `would replay ${commits.length} commit(s) onto ${branch} of ${url} through the GitHub API`;
  context.log(`plan: ${summary}`);
  return {
    status: 'Succeeded' as const,
    output: { branch, commit: await git(['rev-parse', 'HEAD'], { cwd }), plan: { commits, diff } },
    message: summary,
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
