import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { runGit } from '../git/git-cli.js';
import type { PullRequest } from '../forges/forge.js';
import { asStepError } from './git-step-errors.js';
import { forgeCall, openForge, pullRequestFields, pullRequestOutput } from './pull-requests.js';

/** As Kargo's schemas/git-open-pr-config.json. */
export const gitOpenPrConfigSchema = z.strictObject({
  ...pullRequestFields,
  sourceBranch: z.string().min(1).describe('The branch with the changes (pushed already)'),
  targetBranch: z.string().min(1).describe('The branch they go into (must exist)'),
  createTargetBranch: z.boolean().optional().describe('Deprecated in Kargo; does nothing'),
  title: z
    .string()
    .min(1)
    .optional()
    .describe("The title (default: the first line of the source branch's last commit message)"),
  description: z
    .string()
    .min(1)
    .optional()
    .describe('The description (default: the rest of that commit message)'),
  labels: z.array(z.string().min(1)).optional().describe('Labels to put on the pull request'),
});

/**
 * git-open-pr, as Kargo's: opens a pull request from `sourceBranch` into `targetBranch` and
 * outputs `pr.id` and `pr.url`. Idempotent: a pull request already open (or merged) for the
 * same branches and head commit is adopted instead of opening a second one, so a run repeated
 * after a crash finds the one it opened. Skipped when the branches do not differ (the host
 * would refuse "no commits between"). Title and description come from the source branch's
 * last commit message unless given; with a UI base URL, the description links to the Stage.
 * In plan mode it opens nothing and says what it would open.
 */
export const gitOpenPrStep = defineStep({
  kind: 'git-open-pr',
  description: 'Open a pull request on the Git host (GitHub, GitLab, Gitea, Bitbucket, Azure)',
  configSchema: gitOpenPrConfigSchema,
  capabilities: ['git', 'credentials', 'pull-requests'],
  async run(context, config) {
    const { forge, credentials } = await openForge(context, config);
    const mirror = await context.repositories
      .refresh(config.repoURL, credentials, context.signal, config.insecureSkipTLSVerify)
      .catch((err: unknown) => {
        throw asStepError(err, `error cloning ${config.repoURL}`);
      });
    const git = (args: string[]) => runGit(['-C', mirror, ...args], { cwd: mirror });
    const headCommit = await branchCommit(git, config.sourceBranch);
    if (!headCommit && context.plan) {
      // The branch is one the plan's git-push would have pushed.
      const summary = `would open a pull request from ${config.sourceBranch} (not on the remote yet) into ${config.targetBranch} of ${config.repoURL}`;
      context.log(`plan: ${summary}`);
      return { status: 'Succeeded', message: summary, output: { pr: { id: 0, url: '' } } };
    }
    if (!headCommit)
      throw terminalError(
        `error cloning ${config.repoURL}: Remote branch ${config.sourceBranch} not found in upstream origin`,
      );

    const existing = await forgeCall('error determining if pull request already exists', () =>
      forge.listPullRequests({
        state: 'any',
        head: config.sourceBranch,
        base: config.targetBranch,
        headCommit,
      }),
    );
    const adopted = preferred(existing).find((pr) => pr.open || pr.merged);
    if (adopted) {
      context.log(
        `found pull request ${adopted.url} for ${config.sourceBranch}; not opening another`,
      );
      return { status: 'Succeeded', output: { pr: pullRequestOutput(adopted) } };
    }

    // Exactly as Kargo reads it (git log --pretty=format:%B), trailing newline and all.
    const commitMessage = await git(['log', '-n', '1', '--pretty=format:%B', headCommit, '--']);
    if (!(await branchCommit(git, config.targetBranch)))
      throw terminalError(`target branch "${config.targetBranch}" does not exist`);
    const changed = await git([
      'diff',
      '--quiet',
      `refs/heads/${config.targetBranch}`,
      headCommit,
    ]).then(
      () => false,
      () => true,
    );
    if (!changed) {
      context.log(
        `${config.sourceBranch} and ${config.targetBranch} do not differ: no pull request`,
      );
      return { status: 'Skipped', message: 'no changes to open a pull request for' };
    }

    const { title, description } = titleAndDescription(context, config, commitMessage);
    if (context.plan) {
      const summary = `would open a pull request from ${config.sourceBranch} into ${config.targetBranch} of ${config.repoURL}: ${title}`;
      context.log(`plan: ${summary}`);
      return {
        status: 'Succeeded',
        message: summary,
        output: {
          pr: { id: 0, url: '' },
          plan: { title, description, labels: config.labels ?? [] },
        },
      };
    }
    const opened = await forgeCall('error creating pull request', () =>
      forge.createPullRequest({
        title,
        description,
        head: config.sourceBranch,
        base: config.targetBranch,
        labels: config.labels,
      }),
    );
    context.log(`opened pull request ${opened.url}`);
    return { status: 'Succeeded', output: { pr: pullRequestOutput(opened) } };
  },
});

async function branchCommit(
  git: (args: string[]) => Promise<string>,
  branch: string,
): Promise<string | undefined> {
  return git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]).then(
    (sha) => sha.trim() || undefined,
    () => undefined,
  );
}

/**
 * Kargo's adoption order: open ones first, then merged, then closed; newest first within each.
 */
function preferred(prs: PullRequest[]): PullRequest[] {
  const rank = (pr: PullRequest) => (pr.open ? 0 : pr.merged ? 1 : 2);
  return [...prs].sort(
    (a, b) => rank(a) - rank(b) || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );
}

/** Kargo's defaults: the commit message's first line as title, the rest as description. */
function titleAndDescription(
  context: StepContext,
  config: z.output<typeof gitOpenPrConfigSchema>,
  commitMessage: string,
): { title: string; description: string } {
  let title = config.title ?? '';
  let description = config.description ?? commitMessage;
  if (!title) {
    const newline = commitMessage.indexOf('\n');
    title = newline < 0 ? commitMessage : commitMessage.slice(0, newline);
    if (!config.description) description = newline < 0 ? '' : commitMessage.slice(newline + 1);
  }
  if (context.uiBaseUrl)
    description = `${description}\n\n[View in Kargo UI](${context.uiBaseUrl}/project/${context.project}/stage/${context.stage})`;
  return { title, description };
}
