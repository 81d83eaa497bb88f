import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestGitServer } from '../git-server.js';
import {
  deliverWebhook,
  DoubleGit,
  listenOnLoopback,
  readBody,
  sendJson,
  stopServer,
} from './double-git.js';
import type { ForgeDouble, ForgeFailure, Mergeability, PullRequestRecord } from './forge-double.js';

/**
 * A contract double of Gitea's REST API v1 for pull requests (docs.gitea.com/api, the swagger
 * of routers/api/v1/repo/pull.go and label.go; Forgejo serves the same), under `/api/v1`, over
 * the test git server's repositories: `owner/repo` is the git server's `owner/repo.git`, and
 * branches and merges are real git. It models:
 * - `POST /repos/{owner}/{repo}/pulls` `{title, head, base, body, labels: [ids]}`: 201 with the
 *   pull request; 422 "Invalid PullRequest: There are no changes between the head and the
 *   base" when head is base; 404 "The target couldn't be found." for a head or base branch
 *   that does not exist; 409 "pull request already exists for these targets [...]" for an
 *   open one with the same branches; label ids the repository does not have are dropped; a
 *   title starting `WIP:` or `[WIP]` makes a draft;
 * - `GET /repos/{owner}/{repo}/pulls/{index}`: `state` open/closed, `merged`,
 *   `merge_commit_sha` (only once merged), `draft`, and `mergeable` as Gitea computes it: false
 *   while its conflict checker finds a conflict (or is still running) and for a draft; 404;
 * - `GET /repos/{owner}/{repo}/pulls?state=open|closed|all&base_branch=&page=&limit=`: newest
 *   first, `limit` at most MAX_RESPONSE_ITEMS (50; 30 by default), `Link` (rel="next"/"last") and `X-Total-Count`;
 *   no head-branch filter (Gitea has none);
 * - `POST /repos/{owner}/{repo}/pulls/{index}/merge` `{Do, delete_branch_after_merge}`: 200
 *   with an empty body; styles merge and rebase-merge (a merge commit), squash and rebase (one
 *   commit on the base: the same for a one-commit branch, which is what the tests make;
 *   fast-forward-only and manually-merged are refused as a repository not allowing them); 404
 *   for a closed one; 405 `""` for a merged one; 405 "Work in progress PRs cannot be merged";
 *   405 "Please try again later" while not mergeable (checking, conflict); 405 "Does not have
 *   enough approvals" while reviews or checks are pending (`setMergeability(..., 'pending')`,
 *   as branch protection answers); 405 "X is not allowed an allowed merge style for this
 *   repository" for a refused style; 409 with Gitea's conflict body `{Style, StdOut, StdErr,
 *   Err}` when the merge itself conflicts; 422 for a `Do` outside Gitea's list;
 * - `GET /repos/{owner}/{repo}/labels?page=&limit=`: `[{id, name, color, …}]`, paginated;
 * - `Authorization: token …` (or `Bearer …`) when a token is set: a wrong one 401; none 404 on
 *   reads (private repositories hide) and 401 "token is required" on writes;
 * - errors as Gitea's APIError `{message, url}`; failNext in that format, 429 with Retry-After
 *   (Gitea has no API rate limit of its own: a proxy in front of it answers so);
 * - the `pull_request` webhook (action `closed`, `pull_request.merged` true or false) with
 *   X-Gitea-Event, X-Gitea-Delivery and X-Gitea-Signature (hex HMAC-SHA256 of the body), as
 *   Gitea sends it (docs.gitea.com/usage/webhooks).
 *
 * Conflicts: Gitea's checker runs in the background after a push it receives, and its API
 * then shows a conflict only as `mergeable: false`, as it shows a check still running. The
 * tests move branches straight in git, past Gitea's hooks, so a pull request keeps what the
 * checker found last: `setMergeability(..., 'conflict')` is a conflict the checker has not
 * seen (the pull request still reads mergeable; the merge answers 409), `checkConflicts` runs
 * the checker (a conflict then reads `mergeable: false`, and the merge 405 "Please try again
 * later").
 */
export interface GiteaDouble extends ForgeDouble {
  /** Creates the repository's labels (Gitea's repository labels); answers their ids. */
  addLabels(repository: string, names: string[]): number[];
  /** Runs Gitea's conflict checker over an open pull request (see the header). */
  checkConflicts(repository: string, number: number): void;
  /** Merge styles the repository does not allow (its pull-request settings). */
  refuseStyle(style: string): void;
}

interface Pull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  state: 'open' | 'closed';
  mergedSha: string | null;
  mergedAt: string | null;
  closedAt: string | null;
  labelIds: number[];
  createdAt: string;
  mergeability: Mergeability;
  /** What Gitea's conflict checker found last. */
  conflicted: boolean;
}

interface Label {
  id: number;
  name: string;
}

const STYLES = [
  'merge',
  'rebase',
  'rebase-merge',
  'squash',
  'fast-forward-only',
  'manually-merged',
];
const SWAGGER = 'swagger';

export async function startGiteaDouble(
  git: TestGitServer,
  options: {
    token?: string;
    now?: () => Date;
    /** Serve HTTPS with a self-signed certificate (made with openssl). */
    tls?: boolean;
    /** Gitea's [api] MAX_RESPONSE_ITEMS, the largest page it answers: 50 by default. */
    maxResponseItems?: number;
  } = {},
): Promise<GiteaDouble> {
  const repos = new DoubleGit(git);
  const pulls = new Map<string, Pull[]>();
  const labels = new Map<string, Label[]>();
  const requests: string[] = [];
  const failures: ForgeFailure[] = [];
  const refusedStyles = new Set<string>();
  const hooks: Array<{ url: string; secret: string }> = [];
  const now = options.now ?? (() => new Date());
  let nextLabelId = 1;
  let url = '';

  const listOf = (repository: string): Pull[] => {
    let list = pulls.get(repository);
    if (!list) pulls.set(repository, (list = []));
    return list;
  };
  const labelsOf = (repository: string): Label[] => {
    let list = labels.get(repository);
    if (!list) labels.set(repository, (list = []));
    return list;
  };
  const find = (repository: string, number: number): Pull => {
    const pull = listOf(repository).find((p) => p.number === number);
    if (!pull) throw new Error(`Gitea double: no pull request ${repository}#${number}`);
    return pull;
  };
  const webUrl = (repository: string, number: number) => `${url}/${repository}/pulls/${number}`;
  const apiError = (res: ServerResponse, status: number, message: string) =>
    sendJson(res, status, { message, url: `${url}/api/${SWAGGER}` });
  const notFound = (res: ServerResponse) =>
    sendJson(res, 404, {
      errors: [],
      message: "The target couldn't be found.",
      url: `${url}/api/${SWAGGER}`,
    });
  const isDraft = (pull: Pull) =>
    pull.mergeability === 'draft' || /^\s*(WIP:|\[WIP\])/i.test(pull.title);
  const conflicts = (repository: string, pull: Pull) =>
    pull.mergeability === 'conflict' || !repos.mergeable(repository, pull.base, pull.head);
  const view = (repository: string, pull: Pull) => {
    if (pull.state === 'open')
      pull.headSha = repos.branchSha(repository, pull.head) ?? pull.headSha;
    const merged = pull.mergedSha !== null;
    const repoLabels = labelsOf(repository);
    return {
      id: pull.number,
      url: webUrl(repository, pull.number),
      number: pull.number,
      user: { id: 1, login: 'kargo', username: 'kargo' },
      title: pull.title,
      body: pull.body,
      labels: pull.labelIds
        .map((id) => repoLabels.find((l) => l.id === id))
        .filter((l): l is Label => l !== undefined)
        .map((l) => ({ id: l.id, name: l.name, color: 'e11d21', description: '' })),
      state: pull.state,
      draft: isDraft(pull),
      is_locked: false,
      comments: 0,
      html_url: webUrl(repository, pull.number),
      diff_url: `${webUrl(repository, pull.number)}.diff`,
      patch_url: `${webUrl(repository, pull.number)}.patch`,
      mergeable: pull.state === 'open' && !pull.conflicted && !isDraft(pull),
      merged,
      merged_at: pull.mergedAt,
      merge_commit_sha: merged ? pull.mergedSha : null,
      merged_by: merged ? { id: 1, login: 'kargo' } : null,
      base: {
        label: pull.base,
        ref: pull.base,
        sha: repos.branchSha(repository, pull.base) ?? '',
        repo_id: 1,
      },
      head: { label: pull.head, ref: pull.head, sha: pull.headSha, repo_id: 1 },
      created_at: pull.createdAt,
      updated_at: pull.mergedAt ?? pull.closedAt ?? pull.createdAt,
      closed_at: pull.closedAt,
    };
  };
  const announce = (repository: string, pull: Pull) => {
    const [owner = '', name = ''] = repository.split('/');
    const payload = {
      action: 'closed',
      number: pull.number,
      pull_request: view(repository, pull),
      requested_reviewer: null,
      repository: {
        id: 1,
        owner: { id: 1, login: owner, username: owner },
        name,
        full_name: repository,
        html_url: `${url}/${repository}`,
        clone_url: `${git.url}/${repository}.git`,
      },
      sender: { id: 1, login: 'kargo', username: 'kargo' },
      commit_id: '',
    };
    const body = JSON.stringify(payload);
    for (const hook of hooks)
      void deliverWebhook(
        hook.url,
        payload,
        {
          'x-gitea-event': 'pull_request',
          'x-gitea-event-type': 'pull_request',
          'x-gitea-delivery': crypto.randomUUID(),
          'x-hub-signature-256': `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}`,
        },
        { header: 'x-gitea-signature', prefix: '', secret: hook.secret },
      ).catch(() => undefined);
  };
  /** The merge button: the new commit, or undefined on a conflict (nothing changed). */
  const mergeNow = (
    repository: string,
    pull: Pull,
    style = 'merge',
    deleteBranch = false,
  ): string | undefined => {
    if (pull.mergeability === 'conflict') return undefined;
    const squash = style === 'squash' || style === 'rebase';
    const sha = repos.merge(
      repository,
      pull.base,
      pull.head,
      squash
        ? `${pull.title} (#${pull.number})`
        : `Merge pull request '${pull.title}' (#${pull.number}) from ${pull.head} into ${pull.base}`,
      { name: 'Gitea', email: 'gitea@noreply.gitea.test' },
      squash,
    );
    if (!sha) return undefined;
    pull.headSha = repos.branchSha(repository, pull.head) ?? pull.headSha;
    pull.state = 'closed';
    pull.mergedSha = sha;
    pull.mergedAt = now().toISOString();
    pull.closedAt = pull.mergedAt;
    if (deleteBranch) repos.deleteBranch(repository, pull.head);
    announce(repository, pull);
    return sha;
  };
  const pageOf = <T>(
    res: ServerResponse,
    target: URL,
    items: T[],
    render: (item: T) => unknown,
    defaultLimit: number,
  ) => {
    const limit = Math.min(
      options.maxResponseItems ?? 50,
      Number(target.searchParams.get('limit')) || defaultLimit,
    );
    const page = Math.max(1, Number(target.searchParams.get('page')) || 1);
    const last = Math.max(1, Math.ceil(items.length / limit));
    const link = (to: number) => {
      const next = new URL(target.pathname + target.search, url);
      next.searchParams.set('page', String(to));
      next.searchParams.set('limit', String(limit));
      return next.href;
    };
    const links: string[] = [];
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    return sendJson(res, 200, items.slice((page - 1) * limit, page * limit).map(render), {
      'x-total-count': String(items.length),
      ...(links.length > 0 ? { link: links.join(',') } : {}),
    });
  };

  let tlsDir: string | undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req).then(
      (text) => handle(req, res, text),
      () => res.destroy(),
    );
  };
  let server;
  if (options.tls) {
    tlsDir = mkdtempSync(join(tmpdir(), 'gantry-gitea-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        'tls.key',
        '-out',
        'tls.crt',
      ],
      { cwd: tlsDir, stdio: 'ignore' },
    );
    server = createHttpsServer(
      { key: readFileSync(join(tlsDir, 'tls.key')), cert: readFileSync(join(tlsDir, 'tls.crt')) },
      onRequest,
    );
  } else server = createServer(onRequest);

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
        {
          message: failure.message ?? defaultMessage(failure.status),
          url: `${url}/api/${SWAGGER}`,
        },
        headers,
      );
    }
    if (options.token !== undefined) {
      const auth = req.headers.authorization;
      if (auth === undefined) {
        if (method === 'GET') return notFound(res);
        return apiError(res, 401, 'token is required');
      }
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`)
        return apiError(res, 401, 'invalid username, password or token');
    }
    const match =
      /^\/api\/v1\/repos\/([^/]+)\/([^/]+)\/(pulls|labels)(?:\/(\d+))?(?:\/(merge))?$/.exec(
        target.pathname,
      );
    if (!match) return notFound(res);
    const [, owner = '', name = '', collection, numberText, action] = match;
    const repository = `${decodeURIComponent(owner)}/${decodeURIComponent(name)}`;
    const list = listOf(repository);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return apiError(res, 422, 'invalid JSON body');
    }
    const pull = numberText ? list.find((p) => p.number === Number(numberText)) : undefined;
    if (numberText && !pull) return notFound(res);

    if (collection === 'labels' && !numberText && method === 'GET')
      return pageOf(res, target, labelsOf(repository), (l) => ({ ...l, color: 'e11d21' }), 30);

    if (collection === 'pulls' && !numberText && method === 'POST') {
      const title = text0(body.title);
      const head = text0(body.head);
      const base = text0(body.base);
      if (!title) return apiError(res, 422, '[Title]: Required');
      if (head === base)
        return apiError(
          res,
          422,
          'Invalid PullRequest: There are no changes between the head and the base',
        );
      const headSha = repos.branchSha(repository, head);
      if (!headSha || !repos.branchSha(repository, base)) return notFound(res);
      const existing = list.find((p) => p.state === 'open' && p.head === head && p.base === base);
      if (existing)
        return apiError(
          res,
          409,
          `pull request already exists for these targets [id: ${existing.number}, issue_id: ${existing.number}, head_repo_id: 1, base_repo_id: 1, head_branch: ${head}, base_branch: ${base}]`,
        );
      const known = new Set(labelsOf(repository).map((l) => l.id));
      const wanted = Array.isArray(body.labels) ? (body.labels as unknown[]) : [];
      const created: Pull = {
        number: list.length + 1,
        title,
        body: text0(body.body),
        head,
        base,
        headSha,
        state: 'open',
        mergedSha: null,
        mergedAt: null,
        closedAt: null,
        labelIds: wanted.filter((id): id is number => typeof id === 'number' && known.has(id)),
        createdAt: now().toISOString(),
        mergeability: 'clean',
        conflicted: false,
      };
      // Gitea's checker runs once a pull request is opened.
      created.conflicted = conflicts(repository, created);
      list.push(created);
      return sendJson(res, 201, view(repository, created));
    }
    if (collection === 'pulls' && !numberText && method === 'GET') {
      const state = target.searchParams.get('state') || 'open';
      const base = target.searchParams.get('base_branch');
      const found = list
        .filter((p) => (state === 'all' || p.state === state) && (!base || p.base === base))
        .reverse();
      return pageOf(res, target, found, (p) => view(repository, p), 30);
    }
    if (collection === 'pulls' && pull && !action && method === 'GET')
      return sendJson(res, 200, view(repository, pull));
    if (collection === 'pulls' && pull && action === 'merge' && method === 'POST') {
      const style = text0(body.Do) || 'merge';
      if (!STYLES.includes(style)) return apiError(res, 422, '[Do]: In');
      if (pull.mergedSha) return apiError(res, 405, '');
      if (pull.state !== 'open') return notFound(res);
      if (isDraft(pull)) return apiError(res, 405, 'Work in progress PRs cannot be merged');
      if (pull.conflicted) return apiError(res, 405, 'Please try again later');
      if (pull.mergeability === 'pending')
        return apiError(res, 405, 'Does not have enough approvals');
      if (
        refusedStyles.has(style) ||
        !['merge', 'rebase-merge', 'squash', 'rebase'].includes(style)
      )
        return apiError(
          res,
          405,
          `${style} is not allowed an allowed merge style for this repository`,
        );
      const sha = mergeNow(repository, pull, style, body.delete_branch_after_merge === true);
      if (!sha)
        return sendJson(res, 409, {
          Style: style,
          StdOut: '',
          StdErr: `CONFLICT (content): Merge conflict`,
          Err: {},
        });
      res.writeHead(200).end();
      return;
    }
    return notFound(res);
  }

  url = await listenOnLoopback(server, options.tls ? 'https' : 'http');
  return {
    provider: 'gitea',
    get apiUrl() {
      return `${url}/api/v1`;
    },
    webUrl,
    failNext(failure) {
      failures.push(failure);
    },
    setMergeability(repository, number, state) {
      find(repository, number).mergeability = state;
    },
    addLabels(repository, names) {
      const list = labelsOf(repository);
      return names.map((labelName) => {
        const existing = list.find((l) => l.name === labelName);
        if (existing) return existing.id;
        const label = { id: nextLabelId++, name: labelName };
        list.push(label);
        return label.id;
      });
    },
    checkConflicts(repository, number) {
      const pull = find(repository, number);
      if (pull.state === 'open') pull.conflicted = conflicts(repository, pull);
    },
    refuseStyle(style) {
      refusedStyles.add(style);
    },
    reviewer: {
      merge(repository, number) {
        const pull = find(repository, number);
        if (pull.state !== 'open' || !mergeNow(repository, pull))
          throw new Error(`Gitea double: ${repository}#${number} cannot be merged`);
      },
      close(repository, number) {
        const pull = find(repository, number);
        pull.state = 'closed';
        pull.closedAt = now().toISOString();
        announce(repository, pull);
      },
    },
    inspect(repository, number): PullRequestRecord | undefined {
      const pull = listOf(repository).find((p) => p.number === number);
      if (!pull) return undefined;
      const repoLabels = labelsOf(repository);
      return {
        number: pull.number,
        title: pull.title,
        description: pull.body,
        head: pull.head,
        base: pull.base,
        labels: pull.labelIds.map((id) => repoLabels.find((l) => l.id === id)?.name ?? `#${id}`),
        state: pull.mergedSha ? 'merged' : pull.state,
        mergeCommit: pull.mergedSha ?? undefined,
      };
    },
    addWebhook(hookUrl, secret) {
      hooks.push({ url: hookUrl, secret });
    },
    requests,
    async stop() {
      await stopServer(server);
      if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}

function defaultMessage(status: number): string {
  if (status === 401) return 'token is required';
  if (status === 403) return 'user should have a permission to write to the target branch';
  if (status === 404) return "The target couldn't be found.";
  if (status === 409) return 'pull request already exists for these targets';
  if (status === 429) return 'Too Many Requests';
  if (status >= 500) return 'Internal Server Error';
  return 'Validation Failed';
}

function text0(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
