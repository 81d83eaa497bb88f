/**
 * A Git host's pull requests, as Kargo's gitprovider.Interface has them (docs/adr/0003): the
 * port the pull-request steps use. One adapter per host under src/forges/<provider>/.
 */
export interface GitForge {
  createPullRequest(options: CreatePullRequest): Promise<PullRequest>;
  getPullRequest(number: number): Promise<PullRequest>;
  listPullRequests(options: ListPullRequests): Promise<PullRequest[]>;
  /**
   * Merges an open pull request, as Kargo's MergePullRequest: `merged` with the pull request
   * as it is now when it merged (or had been merged already); `merged` false, and no pull
   * request, when the host will not merge it yet but may later (checks or reviews pending, a
   * draft, mergeability still being computed). A closed unmerged one, a conflict and a refused
   * merge method reject with a terminal ForgeError.
   */
  mergePullRequest(number: number, options?: MergePullRequest): Promise<MergeResult>;
}

export interface MergePullRequest {
  /** The host's merge method name (GitHub merge/squash/rebase, GitLab squash, …); host default. */
  method?: string | undefined;
}

export type MergeResult = { merged: true; pullRequest: PullRequest } | { merged: false };

/** What an adapter is built from (forge-adapters.ts). */
export interface ForgeOptions {
  /** The repository, as git knows it (https://host/owner/repo.git, git@host:…, ssh://…). */
  repoURL: string;
  /** A token with access to the repository (the project's git credentials' password). */
  token?: string | undefined;
  /** The host's REST API base URL, when the operator set one; else derived from repoURL. */
  apiBaseUrl?: string | undefined;
  /** Accept any TLS certificate from the host. */
  insecureSkipTLSVerify?: boolean | undefined;
  /** The fetch adapters on fetch use (tests, proxies); the global one by default. */
  fetch?: typeof fetch | undefined;
}

/** What the pull-request steps are handed (StepContext.forges): a GitForge per repository. */
export interface ForgeConnector {
  /**
   * The host's adapter for a repository: the step's `provider` if it names one, else the
   * operator's host entry (--forge-config), else Kargo's host-name rules. A terminal
   * ForgeError when none applies, in Kargo's words.
   */
  open(repoURL: string, options: OpenForge): GitForge;
  /**
   * GitHub's git database API for a repository (github-push), whatever its host: Kargo takes
   * any host for a GitHub Enterprise (API at https://host/api/v3) unless the operator's host
   * entry names its API. Absent where no GitHub API can be reached.
   */
  github?(repoURL: string, options: OpenForge): GitHubGitData;
}

/**
 * The part of GitHub's REST API github-push replays commits through (docs.github.com/en/rest/
 * git and /rest/commits/commits#compare-two-commits). Refs are named as the API names them
 * after `refs/` (`heads/main`). Failures are ForgeErrors with GitHub's status.
 */
export interface GitHubGitData {
  readonly owner: string;
  readonly repo: string;
  /** The commit a ref points at. */
  getRef(ref: string): Promise<string>;
  /** base...head: GitHub's status and merge base, and head's commits missing from base, oldest first. */
  compareCommits(base: string, head: string): Promise<CommitComparison>;
  /** A new commit; without author and committer, GitHub's own (signed, so Verified). */
  createCommit(commit: NewGitHubCommit): Promise<string>;
  createRef(ref: string, sha: string): Promise<void>;
  /** A 422 ForgeError when the update is not a fast forward and force is false. */
  updateRef(ref: string, sha: string, force: boolean): Promise<void>;
  deleteRef(ref: string): Promise<void>;
}

export interface CommitComparison {
  /** identical, ahead, behind or diverged (anything else is GitHub's news). */
  status: string;
  mergeBase: string;
  commits: ComparedCommit[];
}

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601. */
  date?: string | undefined;
}

export interface ComparedCommit {
  sha: string;
  /** Undefined when GitHub gave none. */
  tree: string | undefined;
  message: string;
  author?: GitIdentity | undefined;
  committer?: GitIdentity | undefined;
  parents: string[];
}

export interface NewGitHubCommit {
  tree: string;
  message: string;
  parents: string[];
  author?: GitIdentity | undefined;
  committer?: GitIdentity | undefined;
}

export interface OpenForge {
  provider?: string | undefined;
  /** The project's git credentials' password for the repository. */
  token?: string | undefined;
  insecureSkipTLSVerify?: boolean | undefined;
}

/** For places given no connector: every repository is refused. */
export const noForges: ForgeConnector = {
  open: () => {
    throw new ForgeError('pull requests are not available here', 0, false);
  },
};

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
  /** The branch with the changes (git-merge-pr's deleteSourceBranch). */
  headBranch?: string | undefined;
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
    /** The host's own words, without Gantry's prefix. */
    readonly hostMessage: string = message,
  ) {
    super(message);
  }
}
