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

/** Where Kargo talks to Bitbucket Cloud, whatever the repository URL's host. */
export const BITBUCKET_CLOUD_API = 'https://api.bitbucket.org/2.0';

/** The merge strategies of Bitbucket's merge endpoint (Kargo refuses any other name). */
const MERGE_STRATEGIES = new Set([
  'merge_commit',
  'squash',
  'fast_forward',
  'squash_fast_forward',
  'rebase_fast_forward',
  'rebase_merge',
]);

type BitbucketState = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED';

/** The fields of Bitbucket's `pullrequest` object the adapter reads. */
interface BitbucketPull {
  id: number;
  state?: BitbucketState;
  draft?: boolean;
  links?: { html?: { href?: string } };
  source?: { branch?: { name?: string }; commit?: { hash?: string } };
  destination?: { branch?: { name?: string } };
  merge_commit?: { hash?: string } | null;
  created_on?: string;
}

interface BitbucketPage {
  values?: BitbucketPull[];
  next?: string;
}

/** An answer: its status, headers and body as text. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Bitbucket Cloud pull requests through a small typed client on fetch (docs/adr/0003), as
 * Kargo's pkg/gitprovider/bitbucket/cloud: the 2.0 API at api.bitbucket.org (or the operator's
 * apiBaseUrl), an access token as `Authorization: Bearer`. Labels are dropped, as Kargo drops
 * them: Bitbucket pull requests have none. Bitbucket answers 12-character hashes for a pull
 * request's commits; each is resolved to the full one through the commit endpoint (Kargo does
 * so for the merge commit).
 */
export class BitbucketForge implements GitForge {
  readonly workspace: string;
  readonly repoSlug: string;
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #fullHashes = new Map<string, string>();

  constructor(options: ForgeOptions) {
    const { workspace, repoSlug } = parseBitbucketRepo(options.repoURL);
    this.workspace = workspace;
    this.repoSlug = repoSlug;
    this.#base = (options.apiBaseUrl ?? BITBUCKET_CLOUD_API).replace(/\/+$/, '');
    this.#token = options.token || undefined;
    // Kargo's client ignores insecureSkipTLSVerify for Bitbucket Cloud too.
    this.#fetch = options.fetch ?? fetch;
  }

  /**
   * Opens a pull request. Bitbucket answers a second one for the same branches with the open
   * one, its title and description overwritten; an open one found first is refused instead,
   * terminally, as the other hosts refuse it (git-open-pr looks for it before creating).
   */
  async createPullRequest(options: CreatePullRequest): Promise<PullRequest> {
    const open = await this.listPullRequests({
      state: 'open',
      head: options.head,
      base: options.base,
    });
    if (open[0])
      throw new ForgeError(
        `a pull request from ${options.head} to ${options.base} is already open: #${open[0].number}`,
        409,
        false,
      );
    const body: Record<string, unknown> = {
      type: 'pullrequest',
      title: options.title,
      source: { branch: { name: options.head } },
      destination: { branch: { name: options.base } },
    };
    if (options.description) body.description = options.description;
    const created = await this.#json<BitbucketPull>('POST', this.#repoPath('/pullrequests'), body);
    return this.#toPullRequest(created);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return this.#toPullRequest(await this.#getPull(number));
  }

  /**
   * Kargo's state sets (open: OPEN; closed: MERGED, DECLINED, SUPERSEDED; any: all four) as
   * repeated `state` parameters; head and base as a BBQL `q` and again on the answers, every
   * page followed. A head commit matches the pull request's (short) source hash.
   */
  async listPullRequests(options: ListPullRequests): Promise<PullRequest[]> {
    let states: BitbucketState[];
    switch (options.state) {
      case 'any':
        states = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'];
        break;
      case 'closed':
        states = ['MERGED', 'DECLINED', 'SUPERSEDED'];
        break;
      case 'open':
        states = ['OPEN'];
        break;
      default:
        throw new ForgeError(
          `unknown pull request state ${JSON.stringify(options.state)}`,
          0,
          false,
        );
    }
    const query = new URLSearchParams();
    for (const state of states) query.append('state', state);
    const terms: string[] = [];
    if (options.head) terms.push(`source.branch.name = ${bbqlString(options.head)}`);
    if (options.base) terms.push(`destination.branch.name = ${bbqlString(options.base)}`);
    if (terms.length > 0) query.set('q', terms.join(' AND '));
    query.set('pagelen', '50');

    const found: BitbucketPull[] = [];
    let next: string | undefined =
      `${this.#base}${this.#repoPath('/pullrequests')}?${query.toString()}`;
    for (let pages = 0; next && pages < 100; pages++) {
      const page: BitbucketPage = await this.#json<BitbucketPage>('GET', next);
      found.push(...(page.values ?? []));
      next = page.next;
    }
    const headCommit = options.headCommit?.toLowerCase();
    const matching = found.filter(
      (pull) =>
        (!options.head || pull.source?.branch?.name === options.head) &&
        (!options.base || pull.destination?.branch?.name === options.base) &&
        (!headCommit || sameCommit(headCommit, pull.source?.commit?.hash ?? '')),
    );
    const result: PullRequest[] = [];
    for (const pull of matching) result.push(await this.#toPullRequest(pull));
    return result;
  }

  /**
   * Kargo's MergePullRequest for Bitbucket: merged answers its merge commit; declined or
   * superseded is final; a draft is "not yet"; otherwise it tries, Bitbucket having no way to
   * ask first. Its refusals are read as the port needs them: pending merge checks "not yet",
   * a merge still running (202) "not yet", a conflict final, a ref that moved meanwhile (409)
   * and a timed-out merge (555) worth trying again.
   */
  async mergePullRequest(number: number, options: MergePullRequest = {}): Promise<MergeResult> {
    const pull = await this.#getPull(number);
    if (pull.state === 'MERGED')
      return { merged: true, pullRequest: await this.#toPullRequest(pull) };
    if (pull.state !== 'OPEN')
      throw new ForgeError(
        `pull request ${number} is closed but not merged (state: ${pull.state ?? ''})`,
        422,
        false,
      );
    if (pull.draft === true) return { merged: false };
    if (options.method && !MERGE_STRATEGIES.has(options.method))
      throw new ForgeError(
        `unsupported merge strategy ${JSON.stringify(options.method)}`,
        0,
        false,
      );

    const body: Record<string, unknown> = { type: 'pullrequest_merge_parameters' };
    if (options.method) body.merge_strategy = options.method;
    let answer: Answer;
    try {
      answer = await this.#request(
        'POST',
        this.#repoPath(`/pullrequests/${number}/merge`),
        body,
        true,
      );
    } catch (err) {
      if (err instanceof ForgeError && err.status === 400 && /merge checks/i.test(err.hostMessage))
        return { merged: false };
      throw err;
    }
    if (answer.status === 202) return { merged: false };
    const merged = parse<BitbucketPull>(answer.text);
    if (merged?.state !== 'MERGED')
      throw new ForgeError(
        `unexpected state ${JSON.stringify(merged?.state ?? '')} after merging pull request ${number}`,
        answer.status,
        false,
      );
    return { merged: true, pullRequest: await this.#toPullRequest(merged) };
  }

  #repoPath(rest: string): string {
    return `/repositories/${encodeURIComponent(this.workspace)}/${encodeURIComponent(this.repoSlug)}${rest}`;
  }

  #getPull(number: number): Promise<BitbucketPull> {
    return this.#json<BitbucketPull>('GET', this.#repoPath(`/pullrequests/${number}`));
  }

  async #toPullRequest(pull: BitbucketPull): Promise<PullRequest> {
    const mergeHash = pull.merge_commit?.hash ?? '';
    return {
      number: pull.id,
      url: pull.links?.html?.href ?? '',
      open: pull.state === 'OPEN',
      merged: pull.state === 'MERGED',
      mergeCommitSha: mergeHash ? await this.#fullHash(mergeHash) : '',
      headSha: pull.source?.commit?.hash ? await this.#fullHash(pull.source.commit.hash) : '',
      ...(pull.source?.branch?.name ? { headBranch: pull.source.branch.name } : {}),
      ...(pull.created_on ? { createdAt: pull.created_on } : {}),
    };
  }

  /** The full hash of a commit Bitbucket named by its short hash (GET …/commit/{hash}). */
  async #fullHash(hash: string): Promise<string> {
    if (/^[0-9a-f]{40}$/i.test(hash)) return hash;
    const known = this.#fullHashes.get(hash);
    if (known) return known;
    const commit = await this.#json<{ hash?: string }>(
      'GET',
      this.#repoPath(`/commit/${encodeURIComponent(hash)}`),
    );
    if (!commit.hash)
      throw new ForgeError(`Bitbucket answered no hash for commit ${hash}`, 200, false);
    this.#fullHashes.set(hash, commit.hash);
    return commit.hash;
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.#request(method, path, body);
    const parsed = parse<T>(answer.text);
    if (parsed === undefined)
      throw new ForgeError(
        `Bitbucket answered ${answer.status} without JSON for ${method} ${pathOnly(path)}`,
        answer.status,
        false,
      );
    return parsed;
  }

  /** One API call (a path under the API base, or an absolute `next` link). */
  async #request(method: string, path: string, body?: unknown, merging = false): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(/^https?:\/\//.test(path) ? path : `${this.#base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined;
      const message = `${(err as Error).message}${cause?.message ? ` (${cause.message})` : ''}`;
      throw new ForgeError(`Bitbucket answered nothing: ${message}`, 0, true, undefined, message);
    }
    const answer = {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    };
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw toForgeError(answer, merging);
  }
}

/**
 * Workspace and repository slug of a Bitbucket Cloud URL, as Kargo's parseRepoURL: the
 * normalised URL's path must be exactly two parts.
 */
export function parseBitbucketRepo(repoURL: string): {
  host: string;
  workspace: string;
  repoSlug: string;
} {
  let url: URL;
  try {
    url = new URL(normalizeGitUrl(repoURL));
  } catch (err) {
    throw new ForgeError(
      `parse Bitbucket Cloud URL ${JSON.stringify(repoURL)}: ${(err as Error).message}`,
      0,
      false,
    );
  }
  const parts = url.pathname.replace(/^\//, '').split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new ForgeError(`invalid repository path in URL ${JSON.stringify(url.href)}`, 0, false);
  return {
    host: url.hostname,
    workspace: decodeURIComponent(parts[0]),
    repoSlug: decodeURIComponent(parts[1]),
  };
}

/**
 * Bitbucket's answer as a ForgeError: 5xx (555 a timed-out merge among them) and 429 are worth
 * trying again, with Retry-After when sent; on the merge endpoint so is 409, which the reference
 * gives as "one of the refs involved changed while attempting to merge". Everything else
 * (400 refusals and conflicts, 401, 403, 404) is final.
 */
function toForgeError(answer: Answer, merging: boolean): ForgeError {
  const { status } = answer;
  const envelope = parse<{ error?: { message?: string } }>(answer.text);
  const message =
    envelope?.error?.message ?? (answer.text.trim().split('\n')[0] || `HTTP ${status}`);
  const transient = status >= 500 || status === 429 || (merging && status === 409);
  return new ForgeError(
    `Bitbucket answered ${status}: ${message}`,
    status,
    transient,
    transient ? retryAfterMs(answer.headers.get('retry-after')) : undefined,
    message,
  );
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Whether a full commit hash is the one Bitbucket names by a (short) hash. */
function sameCommit(full: string, hash: string): boolean {
  const short = hash.toLowerCase();
  return short.length >= 7 && full.startsWith(short);
}

/** A BBQL string literal. */
function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function parse<T>(text: string): T | undefined {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function pathOnly(path: string): string {
  return path.replace(/\?.*$/, '');
}
