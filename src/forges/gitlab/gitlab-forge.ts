import { MergeRequests } from '@gitbeaker/rest';
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
import { insecureFetch } from '../insecure-fetch.js';

/** The fields of GitLab's merge request object this adapter reads. */
interface GitLabMergeRequest {
  iid: number;
  web_url: string;
  state: string;
  sha?: string | null;
  source_branch?: string | null;
  merge_commit_sha?: string | null;
  created_at?: string | null;
  draft?: boolean | null;
  work_in_progress?: boolean | null;
  detailed_merge_status?: string | null;
  merge_status?: string | null;
  has_conflicts?: boolean | null;
}

type RequesterFn = NonNullable<
  ConstructorParameters<typeof MergeRequests<false>>[0]['requesterFn']
>;
type Requester = ReturnType<RequesterFn>;
type RequestOptions = Parameters<Requester['get']>[1];

/**
 * GitLab (GitLab.com and self-managed) merge requests through Gitbeaker (docs/adr/0003), as
 * Kargo's gitlab provider: the project is the repository URL's whole path (subgroups
 * included), the API lives at `<scheme>://<host>/api/v4` of the repository's host.
 */
export class GitLabForge implements GitForge {
  /** The project's full path (`group/sub/shop`), as GitLab's `:id`. */
  readonly project: string;
  readonly apiBaseUrl: string;
  readonly #api: MergeRequests;

  constructor(options: ForgeOptions) {
    const { scheme, host, project } = parseGitLabRepo(options.repoURL);
    this.project = project;
    this.apiBaseUrl = (options.apiBaseUrl ?? `${scheme}://${host}/api/v4`).replace(/\/+$/, '');
    this.#api = new MergeRequests({
      ...(options.token ? { token: options.token } : {}),
      requesterFn: fetchRequester(
        this.apiBaseUrl,
        options.fetch ?? (options.insecureSkipTLSVerify ? insecureFetch : globalThis.fetch),
      ),
    });
  }

  async createPullRequest(options: CreatePullRequest): Promise<PullRequest> {
    const created = await this.#call<GitLabMergeRequest>(() =>
      this.#api.create(this.project, options.head, options.base, options.title, {
        description: options.description ?? '',
        // As GitLab's client library sends them: one comma-separated string.
        ...(options.labels && options.labels.length > 0
          ? { labels: options.labels.join(',') }
          : {}),
      }),
    );
    return toPullRequest(created);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return toPullRequest(await this.#get(number));
  }

  /**
   * As Kargo: by source and target branch on GitLab's side, every state (GitLab's default);
   * the state (`locked` counts as open, `merged` as closed) and head commit filtered here.
   */
  async listPullRequests(options: ListPullRequests): Promise<PullRequest[]> {
    const found = await this.#call<GitLabMergeRequest[]>(() =>
      this.#api.all({
        projectId: this.project,
        ...(options.head ? { sourceBranch: options.head } : {}),
        ...(options.base ? { targetBranch: options.base } : {}),
        perPage: 100,
      }),
    );
    return found
      .filter(
        (mr) =>
          (options.state === 'any' || (options.state === 'open') === isOpen(mr)) &&
          (!options.headCommit || mr.sha === options.headCommit),
      )
      .map(toPullRequest);
  }

  /**
   * Kargo's MergePullRequest for GitLab: a merged merge request answers itself; a closed one is
   * final; a draft, or a `detailed_merge_status` other than `mergeable`, is "not yet". Gantry
   * differs (docs/compatibility.md) where waiting cannot help or a merge is under way: a
   * `conflict` is final, and `locked` (GitLab merging it now) is "not yet". Methods: `merge`
   * (the default) and `squash`; any other is refused, as GitLab's API offers no other.
   */
  async mergePullRequest(number: number, options: MergePullRequest = {}): Promise<MergeResult> {
    const mr = await this.#get(number);
    if (mr.state === 'merged') return { merged: true, pullRequest: toPullRequest(mr) };
    if (mr.state === 'locked') return { merged: false };
    if (mr.state !== 'opened')
      throw new ForgeError(`pull request ${number} is closed but not merged`, 422, false);
    if (mr.draft === true || mr.work_in_progress === true) return { merged: false };
    const status = mergeStatus(mr);
    if (status === 'conflict')
      throw new ForgeError(
        `merge request ${number} has conflicts and cannot be merged`,
        409,
        false,
      );
    if (status !== 'mergeable') return { merged: false };
    const method = options.method ?? '';
    if (method !== '' && method !== 'merge' && method !== 'squash')
      throw new ForgeError(`unsupported merge method ${JSON.stringify(method)}`, 422, false);
    let merged: GitLabMergeRequest;
    try {
      merged = await this.#call(() =>
        this.#api.merge(this.project, number, method === 'squash' ? { squash: true } : {}),
      );
    } catch (err) {
      // 405: GitLab will not merge it now (a pipeline started, an approval was withdrawn
      // since the merge request was read): "not yet".
      if (err instanceof ForgeError && err.status === 405) return { merged: false };
      throw err;
    }
    if (merged.state !== 'merged') merged = await this.#get(number);
    return merged.state === 'merged'
      ? { merged: true, pullRequest: toPullRequest(merged) }
      : { merged: false };
  }

  #get(number: number): Promise<GitLabMergeRequest> {
    return this.#call(() => this.#api.show(this.project, number));
  }

  /** One API call: its answer, or a ForgeError with GitLab's status and message. */
  async #call<T>(request: () => Promise<unknown>): Promise<T> {
    try {
      return (await request()) as T;
    } catch (err) {
      if (err instanceof ForgeError) throw err;
      throw new ForgeError(
        `GitLab answered nothing: ${(err as Error).message}`,
        0,
        true,
        undefined,
        (err as Error).message,
      );
    }
  }
}

/**
 * Kargo's parseRepoURL: the normalised URL's scheme (http stays http; https, ssh and SCP-style
 * addresses reach the API over https), its host with any port, and its whole path as the
 * project (subgroups included).
 */
export function parseGitLabRepo(repoURL: string): {
  scheme: 'http' | 'https';
  host: string;
  project: string;
} {
  let url: URL;
  try {
    url = new URL(normalizeGitUrl(repoURL));
  } catch {
    throw new ForgeError(
      `error parsing gitlab repository URL ${JSON.stringify(repoURL)}`,
      0,
      false,
    );
  }
  const project = url.pathname.replace(/^\//, '');
  if (!project)
    throw new ForgeError(
      `could not extract the GitLab project from URL ${JSON.stringify(repoURL)}`,
      0,
      false,
    );
  return { scheme: url.protocol === 'http:' ? 'http' : 'https', host: url.host, project };
}

/** `opened` and `locked` (being merged) are open, as Kargo's isMROpen. */
function isOpen(mr: GitLabMergeRequest): boolean {
  return mr.state === 'opened' || mr.state === 'locked';
}

/**
 * GitLab's `detailed_merge_status` (15.6+); before it, `merge_status` (can_be_merged,
 * cannot_be_merged, unchecked, checking, cannot_be_merged_recheck) read the same way.
 */
function mergeStatus(mr: GitLabMergeRequest): string {
  if (mr.detailed_merge_status) return mr.detailed_merge_status;
  if (mr.has_conflicts === true || mr.merge_status === 'cannot_be_merged') return 'conflict';
  return mr.merge_status === 'can_be_merged' ? 'mergeable' : 'checking';
}

function toPullRequest(mr: GitLabMergeRequest): PullRequest {
  return {
    number: mr.iid,
    url: mr.web_url,
    open: isOpen(mr),
    merged: mr.state === 'merged',
    mergeCommitSha: (mr.state === 'merged' ? mr.merge_commit_sha : '') ?? '',
    headSha: mr.sha ?? '',
    ...(mr.source_branch ? { headBranch: mr.source_branch } : {}),
    ...(mr.created_at ? { createdAt: mr.created_at } : {}),
  };
}

/**
 * Gitbeaker's requester on the given fetch, one request per call: its own retries 429 and
 * 502 ten times without reading Retry-After; here GitLab's answer becomes a ForgeError at once
 * and the steps' retry policy decides (docs/adr/0003).
 */
function fetchRequester(apiBaseUrl: string, fetchFn: typeof fetch): RequesterFn {
  return (resource) => {
    const send =
      (method: string) =>
      async (endpoint: string, options: RequestOptions = {}) => {
        const url = new URL(`${apiBaseUrl}/${endpoint}`);
        for (const [key, value] of Object.entries(options.searchParams ?? {}))
          if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
            url.searchParams.set(snakeCase(key), String(value));
        const headers: Record<string, string> = { ...resource.headers };
        for (const [name, value] of Object.entries(resource.authHeaders))
          headers[name] = await value();
        let body: string | undefined;
        if (options.body && !(options.body instanceof FormData)) {
          body = JSON.stringify(
            Object.fromEntries(
              Object.entries(options.body).map(([key, value]) => [snakeCase(key), value]),
            ),
          );
          headers['content-type'] = 'application/json';
        }
        let response: Response;
        try {
          response = await fetchFn(url, {
            method,
            headers,
            body,
            ...(options.signal ? { signal: options.signal } : {}),
          });
        } catch (err) {
          // Node's fetch says "fetch failed" and keeps the reason (refused, TLS, DNS) in cause.
          const cause = (err as Error).cause as Error | undefined;
          const message =
            cause?.message && cause.message !== (err as Error).message
              ? `${(err as Error).message} (${cause.message})`
              : (err as Error).message;
          throw new ForgeError(`GitLab answered nothing: ${message}`, 0, true, undefined, message);
        }
        const text = await response.text();
        if (!response.ok) throw toForgeError(response, text);
        return {
          body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
          headers: Object.fromEntries(response.headers.entries()),
          status: response.status,
        };
      };
    return {
      get: send('GET'),
      post: send('POST'),
      put: send('PUT'),
      patch: send('PATCH'),
      delete: send('DELETE'),
    } as Requester;
  };
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * GitLab's answer as a ForgeError: 5xx and 429 (Retry-After, else RateLimit-Reset) retry;
 * 401, 403, 404, 405, 406, 409 and 422 are final. GitLab's message is a string, a list (409
 * "Another open merge request already exists…") or field errors (`{source_branch: [...]}`).
 */
function toForgeError(response: Response, text: string): ForgeError {
  const status = response.status;
  const message = hostMessage(text) || response.statusText || `HTTP ${status}`;
  let retryAfterMs: number | undefined;
  if (status === 429) {
    const after = Number(response.headers.get('retry-after') ?? NaN);
    const reset = Number(response.headers.get('ratelimit-reset') ?? NaN) - Date.now() / 1000;
    const seconds = Number.isFinite(after) ? after : reset;
    if (Number.isFinite(seconds) && seconds >= 0) retryAfterMs = Math.ceil(seconds * 1000);
  }
  return new ForgeError(
    `GitLab answered ${status}: ${message}`,
    status,
    status >= 500 || status === 429,
    retryAfterMs,
    message,
  );
}

function hostMessage(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.trim().slice(0, 300);
  }
  const answer = parsed as { message?: unknown; error?: unknown } | null;
  return describe(answer?.message ?? answer?.error ?? '');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(describe).join('; ');
  if (value && typeof value === 'object')
    return Object.entries(value)
      .map(([field, problem]) => `${field} ${describe(problem)}`)
      .join('; ');
  return value === undefined || value === null ? '' : JSON.stringify(value);
}
