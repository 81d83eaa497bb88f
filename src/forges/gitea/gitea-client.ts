import { ForgeError } from '../forge.js';
import { insecureFetch } from '../insecure-fetch.js';

/**
 * The subset of Gitea's REST API v1 (docs.gitea.com/api, the same on Forgejo) the adapter
 * uses: pull requests (create, get, list, merge) and the repository's labels. A small typed
 * client on fetch (docs/adr/0003): every answer that is not 2xx becomes a ForgeError.
 */
export interface GiteaPull {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  title?: string;
  body?: string | null;
  /** Since Gitea 1.22; earlier a title starting "WIP:" or "[WIP]" was the only sign. */
  draft?: boolean;
  /** Gitea's checker found no conflict and the pull request is not a work in progress. */
  mergeable: boolean;
  merged: boolean;
  merge_commit_sha?: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  created_at?: string | null;
}

export interface GiteaLabel {
  id: number;
  name: string;
}

export interface CreatePullOption {
  title: string;
  head: string;
  base: string;
  body?: string | undefined;
  /** Label ids (Gitea's API takes ids, not names). */
  labels?: number[] | undefined;
}

/** Gitea's merge styles (MergePullRequestOption.Do). */
export const GITEA_MERGE_STYLES = [
  'merge',
  'rebase',
  'rebase-merge',
  'squash',
  'fast-forward-only',
  'manually-merged',
] as const;

export interface MergePullOption {
  Do: string;
  delete_branch_after_merge?: boolean | undefined;
}

/** One page of a list and the next page's number, from Gitea's `Link` header. */
export interface GiteaPage<T> {
  items: T[];
  next?: number | undefined;
}

export interface GiteaClientOptions {
  /** `https://host/api/v1` */
  baseUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Accept any TLS certificate (used only when no fetch is given). */
  insecureSkipTLSVerify?: boolean | undefined;
}

/** Gitea caps a page at its MAX_RESPONSE_ITEMS, 50 by default. */
const PAGE_SIZE = 50;

export class GiteaClient {
  readonly #baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: GiteaClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#fetch =
      options.fetch ??
      (options.insecureSkipTLSVerify ? insecureFetch : (input, init) => fetch(input, init));
  }

  createPull(owner: string, repo: string, option: CreatePullOption): Promise<GiteaPull> {
    return this.#json('POST', `${repoPath(owner, repo)}/pulls`, option);
  }

  getPull(owner: string, repo: string, index: number): Promise<GiteaPull> {
    return this.#json('GET', `${repoPath(owner, repo)}/pulls/${index}`);
  }

  listPulls(
    owner: string,
    repo: string,
    query: { state: 'open' | 'closed' | 'all'; baseBranch?: string | undefined; page: number },
  ): Promise<GiteaPage<GiteaPull>> {
    const params = new URLSearchParams({
      state: query.state,
      page: String(query.page),
      limit: String(PAGE_SIZE),
    });
    // Gitea 1.24 filters by base branch; earlier versions ignore the parameter.
    if (query.baseBranch) params.set('base_branch', query.baseBranch);
    return this.#page(`${repoPath(owner, repo)}/pulls?${params.toString()}`);
  }

  listLabels(owner: string, repo: string, page: number): Promise<GiteaPage<GiteaLabel>> {
    const params = new URLSearchParams({ page: String(page), limit: String(PAGE_SIZE) });
    return this.#page(`${repoPath(owner, repo)}/labels?${params.toString()}`);
  }

  /** Resolves once Gitea answered 200 (merged); any other answer rejects. */
  async mergePull(
    owner: string,
    repo: string,
    index: number,
    option: MergePullOption,
  ): Promise<void> {
    await this.#send('POST', `${repoPath(owner, repo)}/pulls/${index}/merge`, option);
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body);
    return (await response.json()) as T;
  }

  async #page<T>(path: string): Promise<GiteaPage<T>> {
    const response = await this.#send('GET', path);
    const items = (await response.json()) as T[] | null;
    return { items: items ?? [], next: nextPage(response.headers.get('link')) };
  }

  async #send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `token ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      throw new ForgeError(`Gitea answered nothing: ${message}`, 0, true, undefined, message);
    }
    if (response.ok) return response;
    throw await toForgeError(response);
  }
}

function repoPath(owner: string, repo: string): string {
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

/** The `page` of the `rel="next"` link Gitea sends while more pages follow. */
function nextPage(link: string | null): number | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (!match) continue;
    const page = Number(new URL(match[1]!, 'http://gitea').searchParams.get('page'));
    return Number.isInteger(page) && page > 0 ? page : undefined;
  }
  return undefined;
}

/**
 * Gitea's answer as a ForgeError. Its errors are `{message, url}` (a merge conflict is the
 * conflict itself: `{Style, StdOut, StdErr, Err}`). Transient: 5xx, 429 (with Retry-After),
 * 405 "Please try again later" (the conflict check still running) and 409 "merge push out of
 * date" (the base branch moved while merging); everything else is final.
 */
async function toForgeError(response: Response): Promise<ForgeError> {
  const status = response.status;
  const text = await response.text().catch(() => '');
  let body: { message?: unknown; Style?: unknown } = {};
  try {
    body = (text ? JSON.parse(text) : {}) as typeof body;
  } catch {
    body = {};
  }
  // Gitea's own words: its message (which may be empty: 405 for a merged pull request), or
  // what a conflict body says.
  const hostMessage =
    typeof body?.message === 'string'
      ? body.message
      : typeof body?.Style === 'string'
        ? `${body.Style} failed because of conflicts`
        : '';
  const message = hostMessage || response.statusText || `HTTP ${status}`;
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  const transient =
    status >= 500 ||
    status === 429 ||
    (status === 405 && /try again later/i.test(message)) ||
    (status === 409 && /out of date/i.test(message) && !/head out of date/i.test(message));
  return new ForgeError(
    `Gitea answered ${status}: ${message}`,
    status,
    transient,
    status === 429 || status === 503 ? retryAfter : undefined,
    hostMessage,
  );
}

/** Retry-After as seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
