import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestGitServer } from '../git-server.js';
import { DoubleGit, deliverWebhook, listenOnLoopback, readBody, sendJson } from './double-git.js';
import type { ForgeDouble, ForgeFailure, Mergeability, PullRequestRecord } from './forge-double.js';

/**
 * A contract double of GitHub's REST API for pull requests (docs.github.com/en/rest/pulls/pulls
 * and /rest/issues/labels, API version 2022-11-28; GitHub Enterprise Server serves the same
 * under /api/v3), over the test git server's repositories: `owner/repo` is the git server's
 * `owner/repo.git`, and branches and merges are real git. It models:
 * - `POST /repos/{owner}/{repo}/pulls`: 201; 422 "Validation Failed" for a head or base that
 *   does not exist; 422 "A pull request already exists for owner:head." for an open duplicate;
 * - `GET /repos/{owner}/{repo}/pulls/{number}`: 200 with `mergeable` and `mergeable_state`
 *   (clean, blocked for pending reviews or checks, dirty for a conflict, draft), or 404;
 * - `GET /repos/{owner}/{repo}/pulls?state=&head=owner:branch&base=&per_page=&page=`: the list,
 *   paginated with a `Link` header;
 * - `PUT /repos/{owner}/{repo}/pulls/{number}/merge` with `merge_method`: a merge commit (two
 *   parents; `squash` one) on the base, 200 `{sha, merged: true}`; 405 "Pull Request is not
 *   mergeable" when closed or conflicting, 405 "At least 1 approving review is required…" when
 *   blocked; 405 "Squash merges are not allowed on this repository." for a refused method;
 * - `POST /repos/{owner}/{repo}/issues/{number}/labels`: 200 with the labels;
 * - `Authorization: token …` or `Bearer …` required when a token is set: 401 "Bad credentials";
 * - rate limits as GitHub answers them: 429 (or 403) with `Retry-After`, or 403 with
 *   `x-ratelimit-remaining: 0` and `x-ratelimit-reset`;
 * - the `pull_request` webhook (action `closed`, `merged` true or false), signed with
 *   X-Hub-Signature-256, as GitHub sends it (docs.github.com/en/webhooks/webhook-events-and-
 *   payloads#pull_request).
 */
export interface GitHubDouble extends ForgeDouble {
  /** Merge methods the repository refuses (GitHub's repository settings). */
  refuseMethod(method: 'merge' | 'squash' | 'rebase'): void;
}

interface Pull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  headSha: string;
  state: 'open' | 'closed';
  mergedSha: string | null;
  mergedAt: string | null;
  labels: string[];
  createdAt: string;
  mergeability: Mergeability;
}

export async function startGitHubDouble(
  git: TestGitServer,
  options: { token?: string; now?: () => Date } = {},
): Promise<GitHubDouble> {
  const repos = new DoubleGit(git);
  const pulls = new Map<string, Pull[]>();
  const requests: string[] = [];
  const failures: ForgeFailure[] = [];
  const refusedMethods = new Set<string>();
  const hooks: Array<{ url: string; secret: string }> = [];
  const now = options.now ?? (() => new Date());
  let url = '';

  const listOf = (repository: string): Pull[] => {
    let list = pulls.get(repository);
    if (!list) pulls.set(repository, (list = []));
    return list;
  };
  const find = (repository: string, number: number): Pull => {
    const pull = listOf(repository).find((p) => p.number === number);
    if (!pull) throw new Error(`GitHub double: no pull request ${repository}#${number}`);
    return pull;
  };
  const webUrl = (repository: string, number: number) => `${url}/${repository}/pull/${number}`;
  const mergeableState = (repository: string, pull: Pull): string => {
    if (pull.state !== 'open') return 'unknown';
    if (pull.mergeability === 'draft') return 'draft';
    if (pull.mergeability === 'conflict' || !repos.mergeable(repository, pull.base, pull.head))
      return 'dirty';
    return pull.mergeability === 'pending' ? 'blocked' : 'clean';
  };
  const view = (repository: string, pull: Pull) => {
    const owner = repository.split('/')[0]!;
    // The head moves with its branch while the pull request is open.
    if (pull.state === 'open')
      pull.headSha = repos.branchSha(repository, pull.head) ?? pull.headSha;
    const state = mergeableState(repository, pull);
    return {
      number: pull.number,
      html_url: webUrl(repository, pull.number),
      state: pull.state,
      title: pull.title,
      body: pull.body,
      draft: pull.mergeability === 'draft',
      merged: pull.mergedSha !== null,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergedSha,
      mergeable: pull.state === 'open' ? state === 'clean' : null,
      mergeable_state: state,
      head: { ref: pull.head, sha: pull.headSha, label: `${owner}:${pull.head}` },
      base: { ref: pull.base },
      labels: pull.labels.map((name) => ({ name })),
      created_at: pull.createdAt,
    };
  };
  const announce = (repository: string, pull: Pull) => {
    const payload = {
      action: 'closed',
      number: pull.number,
      pull_request: view(repository, pull),
      repository: {
        full_name: repository,
        html_url: `${url}/${repository}`,
        clone_url: `${git.url}/${repository}.git`,
      },
    };
    for (const hook of hooks)
      void deliverWebhook(
        hook.url,
        payload,
        { 'x-github-event': 'pull_request', 'x-github-delivery': crypto.randomUUID() },
        { header: 'x-hub-signature-256', prefix: 'sha256=', secret: hook.secret },
      ).catch(() => undefined);
  };
  const mergeNow = (repository: string, pull: Pull, method = 'merge'): string | undefined => {
    const sha = repos.merge(
      repository,
      pull.base,
      pull.head,
      method === 'squash'
        ? `${pull.title} (#${pull.number})`
        : `Merge pull request #${pull.number} from ${repository.split('/')[0]}/${pull.head}`,
      { name: 'GitHub', email: 'noreply@github.com' },
      method === 'squash',
    );
    if (!sha) return undefined;
    pull.headSha = repos.branchSha(repository, pull.head) ?? pull.headSha;
    pull.state = 'closed';
    pull.mergedSha = sha;
    pull.mergedAt = now().toISOString();
    announce(repository, pull);
    return sha;
  };

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
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> = {};
      if (failure.retryAfterSeconds !== undefined)
        headers['retry-after'] = String(failure.retryAfterSeconds);
      return sendJson(
        res,
        failure.status,
        { message: failure.message ?? defaultMessage(failure.status) },
        headers,
      );
    }
    if (options.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`)
        return sendJson(res, 401, { message: 'Bad credentials' });
    }
    const match =
      /^\/repos\/([^/]+)\/([^/]+)\/(pulls|issues)(?:\/(\d+))?(?:\/(merge|labels))?$/.exec(
        target.pathname,
      );
    if (!match) return sendJson(res, 404, { message: 'Not Found' });
    const [, owner = '', name = '', collection, numberText, action] = match;
    const repository = `${owner}/${name}`;
    const list = listOf(repository);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { message: 'Problems parsing JSON' });
    }
    const pull = numberText ? list.find((p) => p.number === Number(numberText)) : undefined;
    if (numberText && !pull) return sendJson(res, 404, { message: 'Not Found' });

    if (collection === 'pulls' && !numberText && method === 'POST') {
      const head = text0(body.head);
      const base = text0(body.base);
      const headSha = repos.branchSha(repository, head);
      if (!headSha || !repos.branchSha(repository, base))
        return sendJson(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', field: headSha ? 'base' : 'head', code: 'invalid' }],
        });
      if (list.some((p) => p.state === 'open' && p.head === head && p.base === base))
        return sendJson(res, 422, {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${owner}:${head}.`,
            },
          ],
        });
      const created: Pull = {
        number: list.length + 1,
        title: text0(body.title),
        body: typeof body.body === 'string' ? body.body : null,
        head,
        base,
        headSha,
        state: 'open',
        mergedSha: null,
        mergedAt: null,
        labels: [],
        createdAt: now().toISOString(),
        mergeability: body.draft === true ? 'draft' : 'clean',
      };
      list.push(created);
      return sendJson(res, 201, view(repository, created));
    }
    if (collection === 'pulls' && !numberText && method === 'GET') {
      const state = target.searchParams.get('state') ?? 'open';
      const head = target.searchParams.get('head');
      const base = target.searchParams.get('base');
      const perPage = Math.min(100, Number(target.searchParams.get('per_page') ?? 30) || 30);
      const page = Math.max(1, Number(target.searchParams.get('page') ?? 1) || 1);
      const found = list
        .filter(
          (p) =>
            (state === 'all' || p.state === state) &&
            (!head || `${owner}:${p.head}` === head) &&
            (!base || p.base === base),
        )
        .reverse(); // newest first, as GitHub sorts by creation by default
      const headers: Record<string, string> = {};
      if (page * perPage < found.length) {
        const next = new URL(target.pathname + target.search, url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.href}>; rel="next"`;
      }
      return sendJson(
        res,
        200,
        found.slice((page - 1) * perPage, page * perPage).map((p) => view(repository, p)),
        headers,
      );
    }
    if (collection === 'pulls' && pull && !action && method === 'GET')
      return sendJson(res, 200, view(repository, pull));
    if (collection === 'pulls' && pull && action === 'merge' && method === 'PUT') {
      const mergeMethod = text0(body.merge_method) || 'merge';
      if (refusedMethods.has(mergeMethod))
        return sendJson(res, 405, {
          message: `${mergeMethod === 'merge' ? 'Merge commits' : `${mergeMethod[0]!.toUpperCase()}${mergeMethod.slice(1)} merges`} are not allowed on this repository.`,
        });
      const state = mergeableState(repository, pull);
      if (pull.state !== 'open' || state === 'dirty' || state === 'draft')
        return sendJson(res, 405, { message: 'Pull Request is not mergeable' });
      if (state === 'blocked')
        return sendJson(res, 405, {
          message: 'At least 1 approving review is required by reviewers with write access.',
        });
      const sha = mergeNow(repository, pull, mergeMethod);
      if (!sha) return sendJson(res, 405, { message: 'Pull Request is not mergeable' });
      return sendJson(res, 200, { sha, merged: true, message: 'Pull Request successfully merged' });
    }
    if (collection === 'issues' && pull && action === 'labels' && method === 'POST') {
      for (const label of (body.labels as string[] | undefined) ?? [])
        if (!pull.labels.includes(label)) pull.labels.push(label);
      return sendJson(
        res,
        200,
        pull.labels.map((labelName) => ({ name: labelName })),
      );
    }
    return sendJson(res, 404, { message: 'Not Found' });
  }

  url = await listenOnLoopback(server);
  return {
    provider: 'github',
    get apiUrl() {
      return url;
    },
    webUrl,
    failNext(failure) {
      failures.push(failure);
    },
    setMergeability(repository, number, state) {
      find(repository, number).mergeability = state;
    },
    refuseMethod(method) {
      refusedMethods.add(method);
    },
    reviewer: {
      merge(repository, number) {
        const pull = find(repository, number);
        if (pull.state !== 'open' || !mergeNow(repository, pull))
          throw new Error(`GitHub double: ${repository}#${number} cannot be merged`);
      },
      close(repository, number) {
        const pull = find(repository, number);
        pull.state = 'closed';
        announce(repository, pull);
      },
    },
    inspect(repository, number): PullRequestRecord | undefined {
      const pull = listOf(repository).find((p) => p.number === number);
      if (!pull) return undefined;
      return {
        number: pull.number,
        title: pull.title,
        description: pull.body ?? '',
        head: pull.head,
        base: pull.base,
        labels: [...pull.labels],
        state: pull.mergedSha ? 'merged' : pull.state,
        mergeCommit: pull.mergedSha ?? undefined,
      };
    },
    addWebhook(hookUrl, secret) {
      hooks.push({ url: hookUrl, secret });
    },
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Bad credentials';
  if (status === 403) return 'Resource not accessible by integration';
  if (status === 404) return 'Not Found';
  if (status === 429) return 'API rate limit exceeded';
  if (status >= 500) return 'Server Error';
  return 'Validation Failed';
}

function text0(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
