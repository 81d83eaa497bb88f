import { Octokit } from '@octokit/rest';
import { normalizeGitUrl } from '../../api/repo-urls.js';
import { insecureFetch } from '../insecure-fetch.js';
import {
  ForgeError,
  type CreatePullRequest,
  type ForgeOptions,
  type GitForge,
  type ListPullRequests,
  type MergePullRequest,
  type MergeResult,
  type PullRequest,
} from '../forge.js';

interface GitHubPull {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean | null;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  mergeable?: boolean | null;
  mergeable_state?: string;
  draft?: boolean;
  head: { sha: string; ref?: string };
  created_at?: string;
}

/** GitHub (and GitHub Enterprise) pull requests through Octokit (docs/adr/0003). */
export class GitHubForge implements GitForge {
  readonly owner: string;
  readonly repo: string;
  readonly #octokit: Octokit;

  constructor(options: ForgeOptions) {
    const { host, owner, repo } = parseGitHubRepo(options.repoURL);
    this.owner = owner;
    this.repo = repo;
    this.#octokit = new Octokit({
      auth: options.token || undefined,
      baseUrl:
        options.apiBaseUrl ??
        (host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`),
      request: options.fetch
        ? { fetch: options.fetch }
        : options.insecureSkipTLSVerify
          ? { fetch: insecureFetch }
          : undefined,
      userAgent: 'gantry',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  async createPullRequest(options: CreatePullRequest): Promise<PullRequest> {
    const created = await this.#call(() =>
      this.#octokit.rest.pulls.create({
        owner: this.owner,
        repo: this.repo,
        title: options.title,
        body: options.description,
        head: options.head,
        base: options.base,
      }),
    );
    if (options.labels && options.labels.length > 0)
      await this.#call(() =>
        this.#octokit.rest.issues.addLabels({
          owner: this.owner,
          repo: this.repo,
          issue_number: created.number,
          labels: options.labels!,
        }),
      );
    return toPullRequest(created);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    const pull = await this.#call(() =>
      this.#octokit.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number }),
    );
    return toPullRequest(pull);
  }

  async listPullRequests(options: ListPullRequests): Promise<PullRequest[]> {
    const pulls = await this.#call(() =>
      this.#octokit.paginate(this.#octokit.rest.pulls.list, {
        owner: this.owner,
        repo: this.repo,
        state: options.state === 'any' ? 'all' : options.state,
        ...(options.head ? { head: `${this.owner}:${options.head}` } : {}),
        ...(options.base ? { base: options.base } : {}),
        per_page: 100,
      }),
    );
    return (pulls as GitHubPull[])
      .map(toPullRequest)
      .filter((pr) => !options.headCommit || pr.headSha === options.headCommit);
  }

  /**
   * Kargo's reading of GitHub's `mergeable_state`: clean, unstable and has_hooks merge; dirty
   * is a conflict (terminal); blocked and behind try, and a refusal then means "not yet";
   * draft and unknown are "not yet"; without a state, `draft` and `mergeable` decide.
   */
  async mergePullRequest(number: number, options: MergePullRequest = {}): Promise<MergeResult> {
    const pull = (await this.#call(() =>
      this.#octokit.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number }),
    )) as GitHubPull;
    if (pull.merged_at) return { merged: true, pullRequest: toPullRequest(pull) };
    if (pull.state !== 'open')
      throw new ForgeError(`pull request ${number} is closed but not merged`, 422, false);
    let policyBlocked = false;
    switch (pull.mergeable_state) {
      case 'clean':
      case 'unstable':
      case 'has_hooks':
        break;
      case 'dirty':
        throw new ForgeError(
          `pull request ${number} has conflicts and cannot be merged`,
          409,
          false,
        );
      case 'blocked':
      case 'behind':
        policyBlocked = true;
        break;
      case 'draft':
      case 'unknown':
        return { merged: false };
      default:
        if (pull.draft === true || pull.mergeable !== true) return { merged: false };
    }
    try {
      const result = await this.#call(() =>
        this.#octokit.rest.pulls.merge({
          owner: this.owner,
          repo: this.repo,
          pull_number: number,
          ...(options.method
            ? { merge_method: options.method as 'merge' | 'squash' | 'rebase' }
            : {}),
        }),
      );
      if (!result.merged)
        throw new ForgeError(`merge rejected for pull request ${number}`, 405, false);
    } catch (err) {
      if (
        err instanceof ForgeError &&
        err.status === 405 &&
        transientMergeRefusal(err.hostMessage, policyBlocked)
      )
        return { merged: false };
      throw err;
    }
    return { merged: true, pullRequest: await this.getPullRequest(number) };
  }

  /** One API call: its data, or a ForgeError with GitHub's status and message. */
  async #call<T>(request: () => Promise<T | { data: T }>): Promise<T> {
    try {
      const answer = await request();
      return typeof answer === 'object' && answer !== null && 'data' in answer
        ? answer.data
        : answer;
    } catch (err) {
      throw toForgeError(err);
    }
  }
}

/** owner and repository of a GitHub URL, as Kargo's ParseRepoURL: exactly two path parts. */
export function parseGitHubRepo(repoURL: string): { host: string; owner: string; repo: string } {
  let url: URL;
  try {
    url = new URL(normalizeGitUrl(repoURL));
  } catch {
    throw new ForgeError(
      `error parsing github repository URL ${JSON.stringify(repoURL)}`,
      0,
      false,
    );
  }
  const parts = url.pathname.replace(/^\//, '').split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new ForgeError(
      `could not extract repository owner and name from URL ${JSON.stringify(repoURL)}`,
      0,
      false,
    );
  return { host: url.host, owner: parts[0], repo: parts[1] };
}

/**
 * Kargo's rule for GitHub's 405 on merge: a refused merge method is final; a base branch that
 * moved, or GitHub's generic "not mergeable", is "not yet"; anything else is "not yet" only when
 * branch protection was already blocking the pull request.
 */
function transientMergeRefusal(message: string, policyBlocked: boolean): boolean {
  if (message.includes('not allowed')) return false;
  if (message.includes('Base branch was modified')) return true;
  if (message.includes('Pull Request is not mergeable')) return true;
  return policyBlocked;
}

function toPullRequest(pull: GitHubPull): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    open: pull.state === 'open',
    merged: !!pull.merged_at,
    mergeCommitSha: (pull.merged_at ? pull.merge_commit_sha : '') ?? '',
    headSha: pull.head.sha,
    ...(pull.head.ref ? { headBranch: pull.head.ref } : {}),
    ...(pull.created_at ? { createdAt: pull.created_at } : {}),
  };
}

/** GitHub's answer as a ForgeError: 5xx, 429, 403 rate limits and 405 "base modified" retry. */
export function toForgeError(err: unknown): ForgeError {
  if (err instanceof ForgeError) return err;
  const failure = err as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string | undefined>; data?: { message?: string } };
  };
  const status = failure.status ?? 0;
  const headers = failure.response?.headers ?? {};
  const message = failure.response?.data?.message ?? failure.message ?? String(err);
  const retryAfter =
    headers['retry-after'] !== undefined
      ? Number(headers['retry-after'])
      : // A primary rate limit says when it resets (epoch seconds).
        Number(headers['x-ratelimit-reset']) - Date.now() / 1000;
  const rateLimited =
    status === 429 || (status === 403 && headers['x-ratelimit-remaining'] === '0');
  const baseModified = status === 405 && /base branch was modified/i.test(message);
  const transient = status === 0 || status >= 500 || rateLimited || baseModified;
  return new ForgeError(
    `GitHub answered ${status || 'nothing'}: ${message}`,
    status,
    transient,
    rateLimited && Number.isFinite(retryAfter) && retryAfter >= 0
      ? Math.ceil(retryAfter * 1000)
      : undefined,
    message,
  );
}
