import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestGitServer } from '../git-server.js';
import { DoubleGit, listenOnLoopback, readBody, sendJson, stopServer } from './double-git.js';
import type { ForgeDouble, ForgeFailure, Mergeability, PullRequestRecord } from './forge-double.js';

/**
 * A contract double of Bitbucket Cloud's REST API 2.0 for pull requests
 * (developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/ and
 * /api-group-commits/; the OpenAPI subset Kargo generates its client from,
 * pkg/gitprovider/bitbucket/cloud/spec/bitbucket.gen.json), served under `/2.0` over the test
 * git server's repositories: `workspace/repo_slug` is the git server's `workspace/repo_slug.git`,
 * and branches and merges are real git. It models:
 * - `POST /2.0/repositories/{workspace}/{repo_slug}/pullrequests` with `title`,
 *   `description`, `source.branch.name`, `destination.branch.name` (the main branch when
 *   absent), `close_source_branch`, `draft`: 201 with the pull request; 400 in Bitbucket's error
 *   envelope for a missing title, a branch that does not exist ("source: branch not found: x")
 *   or nothing to pull ("There are no changes to be pulled"). For an open pull request with the
 *   same source and destination the reference says nothing; Bitbucket is known to answer with
 *   that pull request, its title and description replaced, and the double does so (200);
 * - `GET …/pullrequests/{id}`: 200 or 404. Hashes in `source.commit.hash`,
 *   `destination.commit.hash` and `merge_commit.hash` are 12-character short hashes, as
 *   Bitbucket gives them; `links.html.href` is the web page `…/{workspace}/{repo}/pull-requests/{id}`;
 * - `GET …/pullrequests?state=…&state=…&q=…&pagelen=&page=`: OPEN only by default, the
 *   `state` parameter repeated for several; `q` in BBQL, the subset `field = "value"` joined with
 *   `AND` over source.branch.name, destination.branch.name and state (400 for anything else);
 *   paginated as Bitbucket does, with `pagelen` (10 by default, 50 at most) and an absolute `next`;
 * - `POST …/pullrequests/{id}/merge` with `merge_strategy` (merge_commit by default, squash,
 *   fast_forward; the other strategies of the enum are refused, 400) and `close_source_branch`:
 *   200 with the merged pull request; 400 "You can't merge until you resolve all merge checks."
 *   while checks or approvals are pending, "…merge conflicts." on a conflict, a draft refused,
 *   a closed one refused; 202 with a task-status `Location` with `?async=true` or after
 *   `mergeAsync()` (the merge then lands in the background, as a long merge does); 555 through
 *   failNext, as Bitbucket answers a merge that timed out;
 * - `GET …/commit/{commit}`: the commit with its full hash, for a short or full one; 404;
 * - `Authorization: Bearer <access token>` required when a token is set: 401 "Token is invalid,
 *   expired, or not supported for this endpoint.";
 * - errors as Bitbucket answers them, `{"type": "error", "error": {"message": …}}`; rate limits
 *   as 429 "Rate limit for this resource has been exceeded", with Retry-After when asked.
 * Bitbucket pull requests have no labels (the API has no such field) and the double has no
 * Bitbucket webhook: Gantry has no Bitbucket receiver, so git-wait-for-pr polls this host.
 */
export interface BitbucketDouble extends ForgeDouble {
  /** The next request whose method and path match answers this failure instead. */
  failNextOn(method: string, path: RegExp, failure: ForgeFailure): void;
  /** The next merge request answers 202 (still merging) and the merge lands right after. */
  mergeAsync(): void;
  /** What a newer pull request does to an older one in Bitbucket: SUPERSEDED. */
  supersede(repository: string, number: number): void;
  /** Request bodies, in order, for assertions on what was sent. */
  readonly bodies: Array<{ method: string; path: string; body: unknown }>;
}

type State = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED';

interface Pull {
  id: number;
  title: string;
  description: string;
  source: string;
  destination: string;
  sourceSha: string;
  destinationSha: string;
  state: State;
  mergeSha: string | null;
  closeSourceBranch: boolean;
  createdOn: string;
  updatedOn: string;
  mergeability: Mergeability;
}

const STRATEGIES = [
  'merge_commit',
  'squash',
  'fast_forward',
  'squash_fast_forward',
  'rebase_fast_forward',
  'rebase_merge',
];
const BBQL_TERM =
  /^\s*(source\.branch\.name|destination\.branch\.name|state)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/;

export async function startBitbucketDouble(
  git: TestGitServer,
  options: { token?: string; now?: () => Date } = {},
): Promise<BitbucketDouble> {
  const repos = new DoubleGit(git);
  const pulls = new Map<string, Pull[]>();
  const requests: string[] = [];
  const bodies: Array<{ method: string; path: string; body: unknown }> = [];
  const failures: Array<{ method?: string; path?: RegExp; failure: ForgeFailure }> = [];
  const now = options.now ?? (() => new Date());
  let asyncMerges = 0;
  let url = '';

  const listOf = (repository: string): Pull[] => {
    let list = pulls.get(repository);
    if (!list) pulls.set(repository, (list = []));
    return list;
  };
  const find = (repository: string, number: number): Pull => {
    const pull = listOf(repository).find((p) => p.id === number);
    if (!pull) throw new Error(`Bitbucket double: no pull request ${repository}#${number}`);
    return pull;
  };
  const exists = (repository: string): boolean => git.exists(repository);
  const webUrl = (repository: string, number: number) =>
    `${url}/${repository}/pull-requests/${number}`;
  const short = (sha: string | null) => (sha ? sha.slice(0, 12) : '');
  const refresh = (repository: string, pull: Pull) => {
    // The source moves with its branch while the pull request is open.
    if (pull.state !== 'OPEN') return;
    pull.sourceSha = repos.branchSha(repository, pull.source) ?? pull.sourceSha;
    pull.destinationSha = repos.branchSha(repository, pull.destination) ?? pull.destinationSha;
  };
  const endpoint = (repository: string, branch: string, sha: string) => ({
    branch: { name: branch },
    commit: { type: 'commit', hash: short(sha) },
    repository: {
      type: 'repository',
      full_name: repository,
      name: repository.split('/')[1],
    },
  });
  const view = (repository: string, pull: Pull) => {
    refresh(repository, pull);
    const api = `${url}/2.0/repositories/${repository}/pullrequests/${pull.id}`;
    return {
      type: 'pullrequest',
      id: pull.id,
      title: pull.title,
      description: pull.description,
      state: pull.state,
      draft: pull.mergeability === 'draft',
      close_source_branch: pull.closeSourceBranch,
      source: endpoint(repository, pull.source, pull.sourceSha),
      destination: endpoint(repository, pull.destination, pull.destinationSha),
      merge_commit: pull.mergeSha ? { type: 'commit', hash: short(pull.mergeSha) } : null,
      created_on: pull.createdOn,
      updated_on: pull.updatedOn,
      comment_count: 0,
      task_count: 0,
      reason: '',
      links: {
        self: { href: api },
        html: { href: webUrl(repository, pull.id) },
        merge: { href: `${api}/merge` },
      },
    };
  };
  const mergeNow = (
    repository: string,
    pull: Pull,
    strategy = 'merge_commit',
  ): string | undefined => {
    let sha: string | undefined;
    if (strategy === 'fast_forward') {
      const base = repos.branchSha(repository, pull.destination);
      const head = repos.branchSha(repository, pull.source);
      if (!base || !head) return undefined;
      try {
        git.git(repository, ['merge-base', '--is-ancestor', base, head]);
      } catch {
        return undefined;
      }
      git.git(repository, ['update-ref', `refs/heads/${pull.destination}`, head, base]);
      sha = head;
    } else {
      sha = repos.merge(
        repository,
        pull.destination,
        pull.source,
        strategy === 'squash'
          ? `${pull.title} (pull request #${pull.id})`
          : `Merged in ${pull.source} (pull request #${pull.id})`,
        { name: 'Bitbucket', email: 'noreply@bitbucket.org' },
        strategy === 'squash',
      );
    }
    if (!sha) return undefined;
    refresh(repository, pull);
    pull.state = 'MERGED';
    pull.mergeSha = sha;
    pull.updatedOn = now().toISOString();
    if (pull.closeSourceBranch) repos.deleteBranch(repository, pull.source);
    return sha;
  };
  const error = (res: ServerResponse, status: number, message: string, extra = {}) =>
    sendJson(res, status, { type: 'error', error: { message, ...extra } });

  const server = createServer((req, res) => {
    readBody(req).then(
      (text) => handle(req, res, text),
      () => res.destroy(),
    );
  });

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'http://double');
    requests.push(`${method} ${target.pathname}${target.search}`);
    const failureAt = failures.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || f.path.test(target.pathname)),
    );
    if (failureAt >= 0) {
      const [{ failure }] = failures.splice(failureAt, 1) as [{ failure: ForgeFailure }];
      const headers: Record<string, string> = {};
      if (failure.retryAfterSeconds !== undefined)
        headers['retry-after'] = String(failure.retryAfterSeconds);
      return sendJson(
        res,
        failure.status,
        { type: 'error', error: { message: failure.message ?? defaultMessage(failure.status) } },
        headers,
      );
    }
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`)
      return error(res, 401, 'Token is invalid, expired, or not supported for this endpoint.');
    const match =
      /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/(pullrequests|commit)(?:\/([^/]+))?(?:\/(merge))?\/?$/.exec(
        target.pathname,
      );
    if (!match) return error(res, 404, 'Resource not found');
    const [, workspace = '', slug = '', collection, idText, action] = match;
    const repository = `${decodeURIComponent(workspace)}/${decodeURIComponent(slug)}`;
    if (!exists(repository)) return error(res, 404, `Repository ${repository} not found`);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return error(res, 400, 'Invalid JSON');
    }
    bodies.push({ method, path: target.pathname, body });
    const list = listOf(repository);

    if (collection === 'commit' && idText && method === 'GET') {
      let sha: string;
      try {
        sha = git
          .git(repository, ['rev-parse', '--verify', '--quiet', `${idText}^{commit}`])
          .trim();
      } catch {
        return error(res, 404, `Commit not found`);
      }
      return sendJson(res, 200, {
        type: 'commit',
        hash: sha,
        links: { html: { href: `${url}/${repository}/commits/${sha}` } },
      });
    }
    if (collection !== 'pullrequests') return error(res, 404, 'Resource not found');

    if (!idText && method === 'POST') {
      const title = text0(body.title);
      const source = text0(field(body.source, 'branch', 'name'));
      const destination = text0(field(body.destination, 'branch', 'name')) || 'main';
      if (!title)
        return error(res, 400, 'title: This field is required.', {
          fields: { title: ['This field is required.'] },
        });
      const sourceSha = repos.branchSha(repository, source);
      if (!sourceSha)
        return error(res, 400, `source: branch not found: ${source}`, {
          fields: { source: [`branch not found: ${source}`] },
        });
      const destinationSha = repos.branchSha(repository, destination);
      if (!destinationSha)
        return error(res, 400, `destination: branch not found: ${destination}`, {
          fields: { destination: [`branch not found: ${destination}`] },
        });
      if (source === destination || sourceSha === destinationSha)
        return error(res, 400, 'There are no changes to be pulled');
      const open = list.find(
        (p) => p.state === 'OPEN' && p.source === source && p.destination === destination,
      );
      if (open) {
        open.title = title;
        if (typeof body.description === 'string') open.description = body.description;
        open.updatedOn = now().toISOString();
        return sendJson(res, 200, view(repository, open));
      }
      const at = now().toISOString();
      const created: Pull = {
        id: list.length + 1,
        title,
        description: typeof body.description === 'string' ? body.description : '',
        source,
        destination,
        sourceSha,
        destinationSha,
        state: 'OPEN',
        mergeSha: null,
        closeSourceBranch: body.close_source_branch === true,
        createdOn: at,
        updatedOn: at,
        mergeability: body.draft === true ? 'draft' : 'clean',
      };
      list.push(created);
      const location = `${url}/2.0/repositories/${repository}/pullrequests/${created.id}`;
      return sendJson(res, 201, view(repository, created), { location });
    }
    if (!idText && method === 'GET') {
      const states = target.searchParams.getAll('state');
      for (const state of states)
        if (!['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'].includes(state))
          return error(res, 400, `Invalid state: ${state}`);
      const wanted = states.length > 0 ? states : ['OPEN'];
      const filters: Array<[string, string]> = [];
      const q = target.searchParams.get('q');
      if (q)
        for (const term of q.split(/\s+AND\s+/)) {
          const parsed = BBQL_TERM.exec(term);
          if (!parsed) return error(res, 400, `Invalid query: ${q}`);
          filters.push([parsed[1]!, parsed[2]!.replace(/\\(.)/g, '$1')]);
        }
      const pagelen = Math.min(50, Number(target.searchParams.get('pagelen') ?? 10) || 10);
      const page = Math.max(1, Number(target.searchParams.get('page') ?? 1) || 1);
      const found = list
        .filter((p) => wanted.includes(p.state))
        .filter((p) =>
          filters.every(([name, value]) =>
            name === 'state'
              ? p.state === value
              : (name === 'source.branch.name' ? p.source : p.destination) === value,
          ),
        )
        .reverse();
      const answer: Record<string, unknown> = {
        size: found.length,
        page,
        pagelen,
        values: found.slice((page - 1) * pagelen, page * pagelen).map((p) => view(repository, p)),
      };
      if (page * pagelen < found.length) {
        const next = new URL(target.pathname + target.search, url);
        next.searchParams.set('page', String(page + 1));
        answer.next = next.href;
      }
      return sendJson(res, 200, answer);
    }
    const pull = list.find((p) => String(p.id) === idText);
    if (!pull) return error(res, 404, 'Resource not found');
    if (!action && method === 'GET') return sendJson(res, 200, view(repository, pull));
    if (action === 'merge' && method === 'POST') {
      const strategy = text0(body.merge_strategy) || 'merge_commit';
      if (!STRATEGIES.includes(strategy))
        return error(res, 400, `merge_strategy: "${strategy}" is not a valid choice.`, {
          fields: { merge_strategy: [`"${strategy}" is not a valid choice.`] },
        });
      if (!['merge_commit', 'squash', 'fast_forward'].includes(strategy))
        return error(
          res,
          400,
          `The merge strategy ${strategy} is not enabled for this repository.`,
        );
      if (pull.state !== 'OPEN') return error(res, 400, 'Pull request is already closed.');
      if (pull.mergeability === 'draft')
        return error(res, 400, "You can't merge a draft pull request.");
      if (pull.mergeability === 'pending')
        return error(res, 400, "You can't merge until you resolve all merge checks.");
      if (
        pull.mergeability === 'conflict' ||
        !repos.mergeable(repository, pull.destination, pull.source)
      )
        return error(res, 400, "You can't merge until you resolve all merge conflicts.");
      if (typeof body.close_source_branch === 'boolean')
        pull.closeSourceBranch = body.close_source_branch;
      if (target.searchParams.get('async') === 'true' || asyncMerges > 0) {
        if (asyncMerges > 0) asyncMerges--;
        // The merge goes on in the background; it is done by the time anyone looks again.
        if (!mergeNow(repository, pull, strategy))
          return error(res, 400, "You can't merge until you resolve all merge conflicts.");
        res.writeHead(202, {
          location: `${url}/2.0/repositories/${repository}/pullrequests/${pull.id}/merge/task-status/1`,
        });
        return res.end();
      }
      if (!mergeNow(repository, pull, strategy))
        return strategy === 'fast_forward'
          ? error(res, 400, 'Unable to fast forward due to changes in the destination branch.')
          : error(res, 400, "You can't merge until you resolve all merge conflicts.");
      return sendJson(res, 200, view(repository, pull));
    }
    return error(res, 405, 'Method not allowed');
  }

  url = await listenOnLoopback(server);
  return {
    provider: 'bitbucket',
    get apiUrl() {
      return `${url}/2.0`;
    },
    webUrl,
    failNext(failure) {
      failures.push({ failure });
    },
    failNextOn(method, path, failure) {
      failures.push({ method, path, failure });
    },
    mergeAsync() {
      asyncMerges++;
    },
    supersede(repository, number) {
      const pull = find(repository, number);
      refresh(repository, pull);
      pull.state = 'SUPERSEDED';
    },
    setMergeability(repository, number, state) {
      find(repository, number).mergeability = state;
    },
    reviewer: {
      merge(repository, number) {
        const pull = find(repository, number);
        if (pull.state !== 'OPEN' || !mergeNow(repository, pull))
          throw new Error(`Bitbucket double: ${repository}#${number} cannot be merged`);
      },
      close(repository, number) {
        const pull = find(repository, number);
        refresh(repository, pull);
        pull.state = 'DECLINED';
        pull.updatedOn = now().toISOString();
      },
    },
    inspect(repository, number): PullRequestRecord | undefined {
      const pull = listOf(repository).find((p) => p.id === number);
      if (!pull) return undefined;
      return {
        number: pull.id,
        title: pull.title,
        description: pull.description,
        head: pull.source,
        base: pull.destination,
        // Bitbucket pull requests have no labels.
        labels: [],
        state: pull.state === 'MERGED' ? 'merged' : pull.state === 'OPEN' ? 'open' : 'closed',
        mergeCommit: pull.mergeSha ?? undefined,
      };
    },
    requests,
    bodies,
    async stop() {
      await stopServer(server);
    },
  };
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Token is invalid, expired, or not supported for this endpoint.';
  if (status === 403) return 'Your credentials lack one or more required privilege scopes.';
  if (status === 404) return 'Resource not found';
  if (status === 429) return 'Rate limit for this resource has been exceeded';
  if (status === 555) return 'The merge took too long and timed out; try again later.';
  if (status >= 500) return 'Something went wrong';
  return 'Bad request';
}

function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path)
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

function text0(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
