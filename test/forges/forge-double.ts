import type { ForgeProviderName } from '../../src/forges/forge-provider.js';

/**
 * What every Git host double offers the contract suite (src/forges/forge.contract.ts), the
 * step tests and the end-to-end tests, whatever host it models. Repositories are the test git
 * server's: the double's repository `acme/shop` is the git server's `acme/shop.git` (with
 * GitLab subgroups `group/sub/shop`), so branches, merges and pushes are real git.
 */
export interface ForgeDouble {
  provider: ForgeProviderName;
  /** The REST API base URL an adapter is given (GitHub's /api/v3, GitLab's /api/v4, …). */
  apiUrl: string;
  /** The web page of a pull request, as the host's API reports it. */
  webUrl(repository: string, number: number): string;
  /**
   * The next request answers this instead, in the host's own error format: a 5xx, a rate limit
   * (429 with Retry-After, or the host's equivalent), a 401/403/404/409.
   */
  failNext(failure: ForgeFailure): void;
  /**
   * Whether the host would merge an open pull request now: `clean` (yes), `pending` (required
   * checks or reviews not done yet: not now, maybe later), `conflict` (never), `draft`.
   */
  setMergeability(repository: string, number: number, state: Mergeability): void;
  /** What a reviewer does in the host's web UI: merge it (a merge commit), or close it unmerged. */
  reviewer: {
    merge(repository: string, number: number): void;
    close(repository: string, number: number): void;
  };
  /** The pull request as the host holds it, for assertions. */
  inspect(repository: string, number: number): PullRequestRecord | undefined;
  /**
   * Sends the host's pull-request webhook (merged, closed) to `url`, signed with `secret` as
   * the host signs it; where a host has no such webhook, this is absent.
   */
  addWebhook?(url: string, secret: string): void;
  /** Every request: method, path and query. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export interface ForgeFailure {
  status: number;
  /** The host's message; a typical one for the status otherwise. */
  message?: string | undefined;
  /** With 429 (or the host's rate-limit answer): when to come back. */
  retryAfterSeconds?: number | undefined;
}

export type Mergeability = 'clean' | 'pending' | 'conflict' | 'draft';

export interface PullRequestRecord {
  number: number;
  title: string;
  description: string;
  head: string;
  base: string;
  labels: string[];
  state: 'open' | 'closed' | 'merged';
  mergeCommit?: string | undefined;
}
