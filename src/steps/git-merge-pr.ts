import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import type { GitCredentials } from '../git/credentials.js';
import { runGit } from '../git/git-cli.js';
import { asStepError } from './git-step-errors.js';
import { isStepError, terminalError } from '../engine/step-error.js';
import type { MergeResult, PullRequest } from '../forges/forge.js';
import {
  asForgeStepError,
  forgeCall,
  openForge,
  pollIntervalField,
  pollIntervalMs,
  prNumberField,
  pullRequestFields,
} from './pull-requests.js';

const DEFAULT_POLL_MS = 10_000;

/** As Kargo's schemas/git-merge-pr-config.json. */
export const gitMergePrConfigSchema = z.strictObject({
  ...pullRequestFields,
  prNumber: prNumberField('The pull request to merge'),
  mergeMethod: z
    .string()
    .min(1)
    .optional()
    .describe("The host's merge method (GitHub: merge, squash, rebase; …); the host's default"),
  wait: z
    .boolean()
    .optional()
    .describe('Keep trying while the host will not merge it yet (checks, reviews); else fail'),
  pollInterval: pollIntervalField(
    'With wait: how often to try again (Go duration, default 10s; at least 1s)',
  ),
  deleteSourceBranch: z
    .boolean()
    .optional()
    .describe(
      "Gantry's: once merged, delete the pull request's source branch (a promotion branch)",
    ),
});

/**
 * git-merge-pr, as Kargo's: merges the pull request through the host's API (one attempt per
 * call) and outputs `commit`, the merge commit. When the host will not merge it yet (checks or
 * reviews pending, a draft), it keeps Running with `wait`, else ends Failed; a conflict, a
 * closed pull request or a refused merge method end it Failed at once, as in Kargo, while the
 * host's outages are retried. One merged already counts as merged.
 * In plan mode it merges nothing.
 */
export const gitMergePrStep = defineStep({
  kind: 'git-merge-pr',
  description: 'Merge a pull request through the Git host’s API',
  configSchema: gitMergePrConfigSchema,
  capabilities: ['credentials', 'pull-requests'],
  async run(context, config) {
    if (config.prNumber < 1) {
      if (!context.plan) throw terminalError('prNumber: Must be greater than or equal to 1');
      const summary = 'would merge the pull request the plan would open';
      context.log(`plan: ${summary}`);
      return { status: 'Succeeded', message: summary, output: { commit: '' } };
    }
    const { forge, credentials } = await openForge(context, config);
    if (context.plan) {
      const pr = await forgeCall(`error getting pull request ${config.prNumber}`, () =>
        forge.getPullRequest(config.prNumber),
      );
      const summary = pr.merged
        ? `pull request ${pr.url} is merged already`
        : `would merge pull request ${pr.url}${config.mergeMethod ? ` (${config.mergeMethod})` : ''}${config.deleteSourceBranch && pr.headBranch ? ` and delete ${pr.headBranch}` : ''}`;
      context.log(`plan: ${summary}`);
      return { status: 'Succeeded', message: summary, output: { commit: pr.mergeCommitSha } };
    }
    let result: MergeResult;
    try {
      result = await forge.mergePullRequest(config.prNumber, { method: config.mergeMethod });
    } catch (err) {
      const failure = asForgeStepError(err, `error merging pull request ${config.prNumber}`);
      // Kargo: Failed (a refused token, a conflict, a closed pull request); an outage is
      // retried within errorThreshold instead (Gantry's).
      if (isStepError(failure) && failure.terminal)
        return { status: 'Failed', message: failure.message };
      throw failure;
    }
    if (!result.merged) {
      if (!config.wait)
        return {
          status: 'Failed',
          message: `pull request ${config.prNumber} is not ready to merge and wait is disabled`,
        };
      return {
        status: 'Running',
        message: `pull request ${config.prNumber} is not ready to merge yet`,
        retryAfterMs: pollIntervalMs(config.pollInterval, DEFAULT_POLL_MS),
      };
    }
    context.log(
      `merged pull request ${result.pullRequest.url} as ${result.pullRequest.mergeCommitSha}`,
    );
    if (config.deleteSourceBranch)
      await deleteSourceBranch(context, config, result.pullRequest, credentials);
    return { status: 'Succeeded', output: { commit: result.pullRequest.mergeCommitSha } };
  },
});

/**
 * Deletes the merged pull request's source branch with git (as the host's "delete branch"
 * button does), with the project's credentials; one the host deleted already is no error.
 */
async function deleteSourceBranch(
  context: StepContext,
  config: { repoURL: string; insecureSkipTLSVerify?: boolean | undefined },
  pr: PullRequest,
  credentials: GitCredentials | undefined,
): Promise<void> {
  if (!pr.headBranch) {
    context.log(
      `the host did not say which branch pull request ${pr.number} came from: none deleted`,
    );
    return;
  }
  const remote = await context.repositories.lsRemote(
    config.repoURL,
    credentials,
    context.signal,
    config.insecureSkipTLSVerify,
  );
  if (!remote.branches.has(pr.headBranch)) {
    context.log(`source branch ${pr.headBranch} is gone already`);
    return;
  }
  const mirror = await context.repositories.refresh(
    config.repoURL,
    credentials,
    context.signal,
    config.insecureSkipTLSVerify,
  );
  await runGit(
    [
      'push',
      '--quiet',
      '--end-of-options',
      config.repoURL,
      // `:ref` deletes it; after --end-of-options nothing can be read as an option.
      `:refs/heads/${pr.headBranch}`,
    ],
    {
      cwd: mirror,
      credentials,
      askpass: context.repositories.askpass,
      signal: context.signal,
    },
  ).catch((err: unknown) => {
    throw asStepError(err, `error deleting source branch ${pr.headBranch}`);
  });
  context.log(`deleted source branch ${pr.headBranch}`);
}
