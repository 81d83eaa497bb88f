import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import {
  forgeCall,
  openForge,
  pollIntervalField,
  pollIntervalMs,
  prNumberField,
  pullRequestFields,
  pullRequestOutput,
} from './pull-requests.js';

const DEFAULT_POLL_MS = 30_000;

/** As Kargo's schemas/git-wait-for-pr-config.json. */
export const gitWaitForPrConfigSchema = z.strictObject({
  ...pullRequestFields,
  prNumber: prNumberField('The pull request to wait for'),
  pollInterval: pollIntervalField(
    'How often to look at the pull request while it is open (Go duration, default 30s; at least 1s)',
  ),
});

/**
 * git-wait-for-pr, as Kargo's: keeps Running while the pull request is open, succeeds once it
 * is merged (output `commit`: the merge commit), fails (Failed, its output kept) if it was closed unmerged. Its output
 * (`pr.id`, `pr.url`, `pr.open`, `pr.merged`) is recorded while it waits, which is what the UI
 * and `gantry get promotion` show, and what a webhook from the host matches to wake it at once
 * instead of at the next poll.
 */
export const gitWaitForPrStep = defineStep({
  kind: 'git-wait-for-pr',
  description: 'Wait for a pull request to be merged (woken by the host’s webhook, else polling)',
  configSchema: gitWaitForPrConfigSchema,
  capabilities: ['credentials', 'pull-requests'],
  async run(context, config) {
    if (config.prNumber < 1) {
      if (!context.plan) throw terminalError('prNumber: Must be greater than or equal to 1');
      const summary = 'would wait for the pull request the plan would open to be merged';
      context.log(`plan: ${summary}`);
      return { status: 'Succeeded', message: summary, output: { pr: { id: 0, url: '' } } };
    }
    const { forge } = await openForge(context, config);
    const pr = await forgeCall(`error getting pull request ${config.prNumber}`, () =>
      forge.getPullRequest(config.prNumber),
    );
    const output: Record<string, unknown> = { pr: pullRequestOutput(pr, true) };
    if (pr.mergeCommitSha) output.commit = pr.mergeCommitSha;
    if (pr.open) {
      if (context.plan) {
        const summary = `would wait for pull request ${pr.url} to be merged`;
        context.log(`plan: ${summary}`);
        return { status: 'Succeeded', message: summary, output };
      }
      return {
        status: 'Running',
        message: `waiting for pull request ${pr.url} to be merged`,
        output,
        retryAfterMs: pollIntervalMs(config.pollInterval, DEFAULT_POLL_MS),
      };
    }
    if (!pr.merged)
      // Failed, not an error: as Kargo, the pull request's state stays in the output.
      return {
        status: 'Failed',
        message: `pull request ${config.prNumber} was closed without being merged`,
        output,
      };
    context.log(`pull request ${pr.url} was merged as ${pr.mergeCommitSha}`);
    return { status: 'Succeeded', output };
  },
});
