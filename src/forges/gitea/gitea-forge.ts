import { normalizeGitUrl } from '../../api/repo-urls.js';
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
import { GITEA_MERGE_STYLES, GiteaClient, type GiteaPull } from './gitea-client.js';

/**
 * Gitea (and Forgejo) pull requests, as Kargo's gitea provider (pkg/gitprovider/gitea): the
 * API is at the repository's scheme and host (`/api/v1`), labels are resolved to the
 * repository's label ids (all must exist), a pull request merges once Gitea reads it
 * `mergeable` and not a draft.
 */
export class GiteaForge implements GitForge {
  readonly owner: string;
  readonly repo: string;
  readonly #client: GiteaClient;

  constructor(options: ForgeOptions) {
    const { scheme, host, owner, repo } = parseGiteaRepo(options.repoURL);
    this.owner = owner;
    this.repo = repo;
    this.#client = new GiteaClient({
      baseUrl: options.apiBaseUrl ?? `${scheme}://${host}/api/v1`,
      token: options.token,
      fetch: options.fetch,
      insecureSkipTLSVerify: options.insecureSkipTLSVerify,
    });
  }

  async createPullRequest(options: CreatePullRequest): Promise<PullRequest> {
    const labels = await this.#labelIds(options.labels ?? []);
    const created = await this.#client.createPull(this.owner, this.repo, {
      title: options.title,
      head: options.head,
      base: options.base,
      body: options.description ?? '',
      ...(labels.length > 0 ? { labels } : {}),
    });
    return toPullRequest(created);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return toPullRequest(await this.#client.getPull(this.owner, this.repo, number));
  }

  /**
   * Gitea's list filters by state (and, since 1.24, base branch) only: head branch, base
   * branch and head commit are filtered here, page by page.
   */
  async listPullRequests(options: ListPullRequests): Promise<PullRequest[]> {
    const state = options.state === 'any' ? 'all' : options.state;
    const found: PullRequest[] = [];
    for (let page: number | undefined = 1; page !== undefined;) {
      const answer = await this.#client.listPulls(this.owner, this.repo, {
        state,
        baseBranch: options.base,
        page,
      });
      for (const pull of answer.items)
        if (
          (!options.head || pull.head.ref === options.head) &&
          (!options.base || pull.base.ref === options.base) &&
          (!options.headCommit || pull.head.sha === options.headCommit)
        )
          found.push(toPullRequest(pull));
      page = answer.next !== undefined && answer.next > page ? answer.next : undefined;
    }
    return found;
  }

  /**
   * Kargo's decisions: merged already answers the pull request; closed unmerged is final; a
   * draft or one Gitea does not read `mergeable` (its conflict check running, or a conflict:
   * Gitea's API does not tell them apart) is "not yet". The merge itself: 405 for reviews,
   * status checks or the conflict check still pending is "not yet" too; a user or merge
   * style not allowed, and 409 conflicts, are final.
   */
  async mergePullRequest(number: number, options: MergePullRequest = {}): Promise<MergeResult> {
    const pull = await this.#client.getPull(this.owner, this.repo, number);
    if (pull.merged) return { merged: true, pullRequest: toPullRequest(pull) };
    if (pull.state !== 'open')
      throw new ForgeError(`pull request ${number} is closed but not merged`, 422, false);
    if (pull.draft === true || !pull.mergeable) return { merged: false };
    const style = options.method || 'merge';
    if (!(GITEA_MERGE_STYLES as readonly string[]).includes(style))
      throw new ForgeError(`unsupported merge method ${JSON.stringify(style)}`, 0, false);
    try {
      await this.#client.mergePull(this.owner, this.repo, number, { Do: style });
    } catch (err) {
      if (!(err instanceof ForgeError) || err.status !== 405) throw err;
      // 405 without a message: merged by someone else since we looked.
      if (err.hostMessage === '') {
        const now = await this.#client.getPull(this.owner, this.repo, number);
        if (now.merged) return { merged: true, pullRequest: toPullRequest(now) };
        return { merged: false };
      }
      if (finalMergeRefusal(err.hostMessage)) throw err;
      return { merged: false };
    }
    return { merged: true, pullRequest: await this.getPullRequest(number) };
  }

  /** Kargo's resolveLabelIDs: the repository's labels, every page; each name once; all must exist. */
  async #labelIds(names: string[]): Promise<number[]> {
    if (names.length === 0) return [];
    const byName = new Map<string, number>();
    for (let page: number | undefined = 1; page !== undefined;) {
      const answer = await this.#client.listLabels(this.owner, this.repo, page);
      for (const label of answer.items) byName.set(label.name, label.id);
      page = answer.next !== undefined && answer.next > page ? answer.next : undefined;
    }
    const wanted = [...new Set(names)];
    const missing = wanted.filter((name) => !byName.has(name));
    if (missing.length > 0)
      throw new ForgeError(
        `labels not found in repository ${this.owner}/${this.repo}: ${missing.join(', ')}`,
        0,
        false,
      );
    return wanted.map((name) => byName.get(name)!);
  }
}

/**
 * A 405 on merge that waiting will not change: the token's user may not merge, the merge
 * style is not allowed here, or a protected branch wants signed merges Gitea cannot make.
 */
function finalMergeRefusal(message: string): boolean {
  return /not allowed|requires signed|would not be signed/i.test(message);
}

/**
 * Scheme, host, owner and repository of a Gitea URL, as Kargo's parseRepoURL: the URL
 * normalised as git URLs are, exactly two path parts, http kept, any other scheme (ssh, an
 * SCP-style address) read as https; the host keeps its port.
 */
export function parseGiteaRepo(repoURL: string): {
  scheme: 'http' | 'https';
  host: string;
  owner: string;
  repo: string;
} {
  let url: URL;
  try {
    url = new URL(normalizeGitUrl(repoURL));
  } catch {
    throw new ForgeError(`error parsing gitea repository URL ${JSON.stringify(repoURL)}`, 0, false);
  }
  const parts = url.pathname.replace(/^\//, '').split('/');
  if (parts.length !== 2 || !url.host)
    throw new ForgeError(
      `could not extract repository owner and name from URL ${JSON.stringify(repoURL)}`,
      0,
      false,
    );
  return {
    scheme: url.protocol === 'http:' ? 'http' : 'https',
    host: url.host,
    owner: decodeURIComponent(parts[0]!),
    repo: decodeURIComponent(parts[1]!),
  };
}

/** Kargo's convertGiteaPR. */
function toPullRequest(pull: GiteaPull): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    open: pull.state === 'open',
    merged: pull.merged,
    mergeCommitSha: pull.merge_commit_sha ?? '',
    headSha: pull.head.sha,
    headBranch: pull.head.ref,
    ...(pull.created_at ? { createdAt: pull.created_at } : {}),
  };
}
