import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { identityEnv, runGit } from '../git/git-cli.js';
import { GitError } from '../git/git-error.js';
import { commitUrlFor } from './commit-url.js';
import { gitRefName } from './git-ref-name.js';
import { asStepError } from './git-step-errors.js';

export const gitPushConfigSchema = z
  .strictObject({
    path: z.string().min(1).describe('The working tree to push'),
    // Kargo's schema lets targetBranch and tag be empty strings, meaning unset.
    targetBranch: z
      .preprocess((value) => (value === '' ? undefined : value), gitRefName.optional())
      .describe('Branch to push to (default: the checked-out branch)'),
    generateTargetBranch: z
      .boolean()
      .optional()
      .describe('Push to a new branch kargo/promotion/<promotion> (force)'),
    tag: z
      .preprocess((value) => (value === '' ? undefined : value), gitRefName.optional())
      .describe('Push this tag instead of a branch'),
    force: z.boolean().optional().describe('Force the push (no rebase on conflict)'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(2147483647)
      .default(10)
      .describe('Attempts when the remote moved meanwhile'),
    provider: z
      .enum(['azure', 'bitbucket', 'gitea', 'github', 'gitlab'])
      .optional()
      .describe('Git hosting provider, for the commit URL (github, gitlab, …)'),
  })
  .superRefine((config, ctx) => {
    const targets = (['targetBranch', 'generateTargetBranch', 'tag'] as const).filter(
      (key) => config[key],
    );
    if (targets.length > 1)
      ctx.addIssue({
        code: 'custom',
        message: `set at most one of targetBranch, generateTargetBranch and tag (found ${targets.join(', ')})`,
      });
    if (config.tag && config.force)
      ctx.addIssue({ code: 'custom', path: ['force'], message: 'cannot force-push a tag' });
  });

/**
 * git-push: pushes a working tree's HEAD. Pushes to one branch of one repository are
 * serialised inside Gantry; when the remote moved anyway (someone else pushed), it fetches,
 * rebases and tries again, up to maxAttempts. Outputs `branch`, `commit`, and `commitURL` for
 * hosts whose commit pages it knows. In plan mode it pushes nothing and reports the commit
 * and diff it would push.
 */
export const gitPushStep = defineStep({
  kind: 'git-push',
  description: 'Push a working tree to its remote, rebasing onto concurrent changes',
  configSchema: gitPushConfigSchema,
  capabilities: ['git', 'credentials'],
  defaultErrorThreshold: 3,
  async run(context, config) {
    const cwd = context.workDir.gitWorkTree(config.path);
    try {
      const url = (await runGit(['remote', 'get-url', 'origin'], { cwd })).trim();
      // The push target obeys the same rule as git-clone: no local repositories unless allowed.
      context.repositories.checkRemote(url);
      const credentials = await context.credentialsFor(url);
      const git = {
        cwd,
        credentials,
        askpass: context.repositories.askpass,
        signal: context.signal,
        allowFileProtocol: context.repositories.allowsLocalRepositories,
      };
      if (config.tag) {
        if (context.plan)
          return planned(context, `would push tag ${config.tag}`, { tag: config.tag });
        await runGit(['push', '--quiet', 'origin', `refs/tags/${config.tag}`], git);
        const commit = (await runGit(['rev-parse', `${config.tag}^{commit}`], git)).trim();
        context.log(`pushed tag ${config.tag} (${commit.slice(0, 7)})`);
        return { status: 'Succeeded', output: { tag: config.tag, commit } };
      }
      const branch = config.generateTargetBranch
        ? `kargo/promotion/${context.promotion}`
        : (config.targetBranch ?? (await currentBranch(cwd)));
      const force = !!config.force || !!config.generateTargetBranch;
      if (context.plan) return planPush(context, cwd, branch, url);
      const commit = await context.repositories.withPushLock(url, branch, () =>
        pushWithRetry(context, git, branch, force, config.maxAttempts),
      );
      const commitURL = commitUrlFor(url, commit, config.provider);
      context.log(`pushed ${commit.slice(0, 7)} to ${branch}`);
      return {
        status: 'Succeeded',
        output: { branch, commit, ...(commitURL ? { commitURL } : {}) },
      };
    } catch (err) {
      throw asStepError(err, `could not push ${config.path}`);
    }
  },
});

async function pushWithRetry(
  context: StepContext,
  git: Parameters<typeof runGit>[1],
  branch: string,
  force: boolean,
  maxAttempts: number,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runGit(
        ['push', '--quiet', ...(force ? ['--force'] : []), 'origin', `HEAD:refs/heads/${branch}`],
        git,
      );
      return (await runGit(['rev-parse', 'HEAD'], git)).trim();
    } catch (err) {
      if (!(err instanceof GitError) || !err.pushRejected || attempt >= maxAttempts) throw err;
      context.log(
        `${branch} moved on the remote; rebasing and retrying (attempt ${attempt + 1} of ${maxAttempts})`,
      );
      await runGit(['fetch', '--quiet', 'origin', `refs/heads/${branch}`], git);
      const env = await identityEnv(git.cwd);
      try {
        await runGit(['rebase', '--quiet', 'FETCH_HEAD'], { ...git, env });
      } catch (rebaseError) {
        await runGit(['rebase', '--abort'], git).catch(() => undefined);
        throw terminalError(
          `the changes conflict with what was pushed to ${branch} meanwhile; promote again to start from the new state (${(rebaseError as Error).message})`,
          rebaseError,
        );
      }
    }
  }
}

async function currentBranch(cwd: string): Promise<string> {
  const branch = (
    await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd }).catch(() => '')
  ).trim();
  if (!branch)
    throw terminalError('the working tree is not on a branch (detached HEAD): set targetBranch');
  return branch;
}

/** Plan mode: what the push would send — the commits and their diff — without sending it. */
async function planPush(context: StepContext, cwd: string, branch: string, url: string) {
  const remote = await runGit(
    ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`],
    { cwd },
  ).then(
    (v) => v.trim(),
    () => '',
  );
  const range = remote ? `${remote}..HEAD` : 'HEAD';
  const log = (await runGit(['log', '--format=%H %s', range], { cwd })).trim();
  const diff = remote
    ? await runGit(['diff', remote, 'HEAD'], { cwd })
    : await runGit(['show', '--format=', 'HEAD'], { cwd });
  const commit = (await runGit(['rev-parse', 'HEAD'], { cwd })).trim();
  return planned(
    context,
    `would push ${log ? log.split('\n').length : 0} commit(s) to ${branch} of ${url}`,
    {
      branch,
      commit,
      plan: { commits: log ? log.split('\n') : [], diff },
    },
  );
}

function planned(context: StepContext, summary: string, output: Record<string, unknown>) {
  context.log(`plan: ${summary}`);
  return { status: 'Succeeded' as const, output, message: summary };
}
