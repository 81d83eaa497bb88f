import { z } from 'zod';
import type { StepContext } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import { ForgeError, type GitForge, type PullRequest } from '../forges/forge.js';
import type { GitCredentials } from '../git/credentials.js';
import { GO_DURATION_PATTERN, goDurationMs } from './http.js';

/** What the pull-request steps share (git-open-pr, git-wait-for-pr, git-merge-pr). */
export const pullRequestFields = {
  repoURL: z.string().min(1).describe('The repository (as git-clone names it)'),
  provider: z
    .enum(['azure', 'bitbucket', 'gitea', 'github', 'gitlab'])
    .optional()
    .describe('The Git host (github, gitlab, gitea, bitbucket, azure); from the URL by default'),
  insecureSkipTLSVerify: z
    .boolean()
    .optional()
    .describe('Accept any TLS certificate from the Git host (not recommended)'),
};

export const pollIntervalField = (description: string) =>
  z
    .string()
    .regex(GO_DURATION_PATTERN, 'Does not match pattern (a Go duration such as 10s or 1m30s)')
    .optional()
    .describe(description);

/**
 * Kargo's `prNumber`: an integer of at least 1. Gantry takes 0 too, so that a plan (which
 * opens no pull request and so has no number) can say what it would wait for; a run is refused
 * a 0 by the step itself, with Kargo's message.
 */
export const prNumberField = (description: string) =>
  z.number().int().min(0, 'Must be greater than or equal to 1').describe(description);

/** The poll interval asked for, at least a second: a manifest must not hammer a Git host. */
export function pollIntervalMs(configured: string | undefined, defaultMs: number): number {
  if (!configured) return defaultMs;
  const ms = goDurationMs(configured);
  if (ms === undefined)
    throw terminalError(`error parsing pollInterval: time: invalid duration "${configured}"`);
  return Math.max(MIN_POLL_MS, ms);
}

const MIN_POLL_MS = 1000;

/**
 * The host's adapter for the repository, with the project's git credentials (the token), and
 * those credentials for the step's own git work.
 */
export async function openForge(
  context: StepContext,
  config: {
    repoURL: string;
    provider?: string | undefined;
    insecureSkipTLSVerify?: boolean | undefined;
  },
): Promise<{ forge: GitForge; credentials: GitCredentials | undefined }> {
  context.repositories.checkRemote(config.repoURL);
  const credentials = await context.credentialsFor(config.repoURL, 'git');
  if (!context.forges) throw terminalError('pull requests are not available here');
  try {
    const forge = context.forges.open(config.repoURL, {
      provider: config.provider,
      token: credentials?.password,
      insecureSkipTLSVerify: config.insecureSkipTLSVerify,
    });
    return { forge, credentials };
  } catch (err) {
    throw asForgeStepError(err, 'error creating git provider service');
  }
}

/**
 * A host's failure as a step error: transient ones (5xx, rate limits, a base that moved) are
 * retried within the step's errorThreshold, after the host's Retry-After when it gave one;
 * the rest end the step with the host's message.
 */
export function asForgeStepError(err: unknown, what: string): unknown {
  if (err instanceof ForgeError) {
    const message = `${what}: ${err.message}`;
    return err.transient ? transientError(message, err) : terminalError(message, err);
  }
  if (isStepError(err)) return err;
  return transientError(`${what}: ${err instanceof Error ? err.message : String(err)}`, err);
}

/** A forge call, its failure named as Kargo names it (`error getting pull request 3: …`). */
export async function forgeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw asForgeStepError(err, what);
  }
}

/** Kargo's output for a pull request: id, url, and (waiting) open and merged. */
export function pullRequestOutput(pr: PullRequest, full = false): Record<string, unknown> {
  return full
    ? { id: pr.number, url: pr.url, open: pr.open, merged: pr.merged }
    : { id: pr.number, url: pr.url };
}
