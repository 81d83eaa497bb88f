/**
 * A Git host's pull requests, as Kargo's gitprovider.Interface has them (docs/adr/0003): the
 * port the pull-request steps use. One adapter per host under src/forges/<provider>/.
 */
export interface GitForge {
  createPullRequest(options: CreatePullRequest): Promise<PullRequest>;
  getPullRequest(number: number): Promise<PullRequest>;
  listPullRequests(options: ListPullRequests): Promise<PullRequest[]>;
  /** Merges an open pull request; one already merged answers as it is, `merged` false. */
  mergePullRequest(
    number: number,
    options?: { method?: string | undefined },
  ): Promise<{ pullRequest: PullRequest; merged: boolean }>;
}

export interface CreatePullRequest {
  title: string;
  description?: string | undefined;
  /** The branch with the changes. */
  head: string;
  /** The branch they go into. */
  base: string;
  labels?: string[] | undefined;
}

export interface ListPullRequests {
  state: 'open' | 'closed' | 'any';
  head?: string | undefined;
  base?: string | undefined;
  /** Only pull requests whose head is this commit. */
  headCommit?: string | undefined;
}

export interface PullRequest {
  number: number;
  url: string;
  open: boolean;
  merged: boolean;
  /** Empty until merged. */
  mergeCommitSha: string;
  headSha: string;
  createdAt?: string | undefined;
}

/**
 * A host's refusal or failure, with its status and message. `transient`: worth trying again
 * (5xx, 429, a base branch that moved meanwhile); `retryAfterMs` when the host said when.
 */
export class ForgeError extends Error {
  override readonly name = 'ForgeError';
  constructor(
    message: string,
    readonly status: number,
    readonly transient: boolean,
    readonly retryAfterMs?: number | undefined,
  ) {
    super(message);
  }
}
