import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
 * A contract double of GitLab's REST API v4 for merge requests
 * (https://docs.gitlab.com/api/merge_requests/, GitLab.com and self-managed alike), over the test
 * git server's repositories: the project `group/sub/shop` is the git server's
 * `group/sub/shop.git`, named in paths by its URL-encoded full path (`group%2Fsub%2Fshop`) or by
 * its numeric id, and branches and merges are real git. It models:
 * - `POST /api/v4/projects/:id/merge_requests` (`source_branch`, `target_branch`, `title`,
 *   `description`, `labels` as a comma-separated string or an array): 201 with the merge
 *   request; 400 `{"error":"title is missing"}`; 400 `{"message":{"source_branch":["does not
 *   exist"]}}` for a missing branch; 409 `{"message":["Another open merge request already exists
 *   for this source branch: !N"]}` for an open duplicate; 422 for the same source and target;
 * - `GET /api/v4/projects/:id/merge_requests/:iid`: 200, or 404 `{"message":"404 Not found"}`;
 *   `state` opened, closed, locked or merged; `draft`, `merge_status`,
 *   `detailed_merge_status` (mergeable, not_approved for pending reviews, ci_still_running,
 *   conflict, draft_status, not_open, …) and `has_conflicts`; `sha`, `merge_commit_sha`,
 *   `squash_commit_sha`, `web_url`, `created_at`;
 * - `GET /api/v4/projects/:id/merge_requests?state=&source_branch=&target_branch=&per_page=&page=`:
 *   newest first (state `all` by default), paginated with `x-page`, `x-per-page`, `x-total`,
 *   `x-total-pages`, `x-next-page` and a `Link` header (per_page 20 by default, at most 100);
 * - `PUT /api/v4/projects/:id/merge_requests/:iid/merge` (`squash`, `should_remove_source_branch`,
 *   `sha`): 200 with the merged merge request (a merge commit with two parents; with `squash`,
 *   a squash commit of the source's changes merged by a merge commit, as a project whose merge
 *   method is "merge commit" does); 405 `{"message":"405 Method Not Allowed"}` for a merge
 *   request that is not open, a draft, or blocked by pending approvals or pipelines; 422
 *   `{"message":"Branch cannot be merged"}` for a conflict; 409 "SHA does not match HEAD of source
 *   branch" when `sha` is not the source's head;
 * - authentication with `PRIVATE-TOKEN` (or `Authorization: Bearer`) when a token is set: 401
 *   `{"message":"401 Unauthorized"}`; 404 `{"message":"404 Project Not Found"}` for a project
 *   the git server does not have;
 * - rate limits as GitLab answers them (https://docs.gitlab.com/security/rate_limits/): 429,
 *   body `Retry later`, with `Retry-After` and `RateLimit-*` headers;
 * - the "Merge Request Hook" webhook (https://docs.gitlab.com/user/project/integrations/
 *   webhook_events/#merge-request-events): `object_attributes.action` merge or close, with the
 *   secret token verbatim in X-Gitlab-Token.
 */
export interface GitLabDouble extends ForgeDouble {
  /** Overrides what GitLab reports as `detailed_merge_status` (e.g. a stale `mergeable`). */
  setDetailedMergeStatus(repository: string, iid: number, status: string | undefined): void;
  /** GitLab's `locked` state: a merge in progress. */
  lock(repository: string, iid: number): void;
  /** Answers like a GitLab before 15.6: no `detailed_merge_status`, only `merge_status`. */
  omitDetailedMergeStatus(omit: boolean): void;
  /** The `squash` and `should_remove_source_branch` of each accepted merge, in order. */
  readonly merges: Array<{ repository: string; iid: number; squash: boolean; removed: boolean }>;
}

interface MergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  source: string;
  target: string;
  sha: string;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  mergeCommitSha: string | null;
  squashCommitSha: string | null;
  mergedAt: string | null;
  closedAt: string | null;
  labels: string[];
  createdAt: string;
  mergeability: Mergeability;
  detailedOverride: string | undefined;
}

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export async function startGitLabDouble(
  git: TestGitServer,
  options: {
    token?: string;
    now?: () => Date;
    /** GitLab's cap on `per_page` (100); lower, a test sees pages with a few merge requests. */
    maxPerPage?: number;
  } = {},
): Promise<GitLabDouble> {
  const repos = new DoubleGit(git);
  const projects = new Map<string, { id: number; mrs: MergeRequest[] }>();
  const requests: string[] = [];
  const failures: ForgeFailure[] = [];
  const hooks: Array<{ url: string; secret: string }> = [];
  const merges: GitLabDouble['merges'] = [];
  const now = options.now ?? (() => new Date());
  let omitDetailed = false;
  let nextId = 1;
  let url = '';

  const exists = (repository: string): boolean => git.exists(repository);
  const projectOf = (repository: string) => {
    let project = projects.get(repository);
    if (!project) projects.set(repository, (project = { id: projects.size + 1, mrs: [] }));
    return project;
  };
  const find = (repository: string, iid: number): MergeRequest => {
    const mr = projectOf(repository).mrs.find((m) => m.iid === iid);
    if (!mr) throw new Error(`GitLab double: no merge request ${repository}!${iid}`);
    return mr;
  };
  const webUrl = (repository: string, iid: number) =>
    `${url}/${repository}/-/merge_requests/${iid}`;
  const conflicts = (repository: string, mr: MergeRequest) =>
    mr.mergeability === 'conflict' || !repos.mergeable(repository, mr.target, mr.source);
  const detailedStatus = (
    repository: string,
    mr: MergeRequest,
    conflicting = () => conflicts(repository, mr),
  ): string => {
    if (mr.detailedOverride !== undefined) return mr.detailedOverride;
    if (mr.state !== 'opened') return 'not_open';
    if (mr.mergeability === 'draft') return 'draft_status';
    if (conflicting()) return 'conflict';
    return mr.mergeability === 'pending' ? 'not_approved' : 'mergeable';
  };
  const view = (repository: string, mr: MergeRequest) => {
    // The head moves with the source branch while the merge request is open.
    if (mr.state === 'opened') mr.sha = repos.branchSha(repository, mr.source) ?? mr.sha;
    const hasConflicts = mr.state === 'opened' && conflicts(repository, mr);
    const detailed = detailedStatus(repository, mr, () => hasConflicts);
    const project = projectOf(repository);
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.createdAt,
      updated_at: mr.mergedAt ?? mr.closedAt ?? mr.createdAt,
      merged_at: mr.mergedAt,
      closed_at: mr.closedAt,
      target_branch: mr.target,
      source_branch: mr.source,
      source_project_id: project.id,
      target_project_id: project.id,
      labels: [...mr.labels],
      draft: mr.mergeability === 'draft',
      work_in_progress: mr.mergeability === 'draft',
      merge_when_pipeline_succeeds: false,
      merge_status: hasConflicts ? 'cannot_be_merged' : 'can_be_merged',
      ...(omitDetailed ? {} : { detailed_merge_status: detailed }),
      has_conflicts: hasConflicts,
      sha: mr.sha,
      merge_commit_sha: mr.mergeCommitSha,
      squash_commit_sha: mr.squashCommitSha,
      squash: false,
      references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${repository}!${mr.iid}` },
      web_url: webUrl(repository, mr.iid),
    };
  };
  const announce = (repository: string, mr: MergeRequest, action: 'merge' | 'close') => {
    const name = repository.split('/').at(-1) ?? repository;
    const project = {
      id: projectOf(repository).id,
      name,
      web_url: `${url}/${repository}`,
      git_ssh_url: `git@${new URL(url).hostname}:${repository}.git`,
      git_http_url: `${git.url}/${repository}.git`,
      namespace: repository.split('/').slice(0, -1).join('/'),
      path_with_namespace: repository,
      default_branch: 'main',
    };
    const { web_url: mrUrl, ...attributes } = view(repository, mr);
    const payload = {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: { id: 1, name: 'Reviewer', username: 'reviewer' },
      project,
      object_attributes: {
        ...attributes,
        action,
        url: mrUrl,
        merge_commit_sha: mr.mergeCommitSha,
        last_commit: { id: mr.sha },
      },
      labels: mr.labels.map((title) => ({ title })),
      changes: { state_id: { previous: 1, current: action === 'merge' ? 3 : 2 } },
      repository: { name, url: project.git_ssh_url, homepage: project.web_url },
    };
    for (const hook of hooks)
      void deliverWebhook(hook.url, payload, {
        'x-gitlab-event': 'Merge Request Hook',
        'x-gitlab-token': hook.secret,
        'x-gitlab-event-uuid': crypto.randomUUID(),
        'x-gitlab-webhook-uuid': crypto.randomUUID(),
        'x-gitlab-instance': url,
        'user-agent': 'GitLab/17.11.0',
      }).catch(() => undefined);
  };
  /** The merge button: a merge commit, or with `squash` a squash commit merged by one. */
  const mergeNow = (repository: string, mr: MergeRequest, squash: boolean): string | undefined => {
    const author = { name: 'GitLab', email: 'noreply@gitlab.test' };
    const message = `Merge branch '${mr.source}' into '${mr.target}'\n\n${mr.title}\n\nSee merge request ${repository}!${mr.iid}`;
    let sha: string | undefined;
    if (squash) {
      const head = repos.branchSha(repository, mr.source);
      const base = repos.branchSha(repository, mr.target);
      if (!head || !base || !repos.mergeable(repository, mr.target, mr.source)) return undefined;
      const forkPoint = git.git(repository, ['merge-base', base, head]).trim();
      const squashed = git
        .git(repository, [
          '-c',
          `user.name=${author.name}`,
          '-c',
          `user.email=${author.email}`,
          'commit-tree',
          `${head}^{tree}`,
          '-p',
          forkPoint,
          '-m',
          mr.title,
        ])
        .trim();
      const ref = `gitlab-double/squash-${mr.id}`;
      git.git(repository, ['update-ref', `refs/heads/${ref}`, squashed]);
      try {
        sha = repos.merge(repository, mr.target, ref, message, author);
      } finally {
        repos.deleteBranch(repository, ref);
      }
      if (sha) mr.squashCommitSha = squashed;
    } else {
      sha = repos.merge(repository, mr.target, mr.source, message, author);
    }
    if (!sha) return undefined;
    mr.sha = repos.branchSha(repository, mr.source) ?? mr.sha;
    mr.state = 'merged';
    mr.mergeCommitSha = sha;
    mr.mergedAt = now().toISOString();
    announce(repository, mr, 'merge');
    return sha;
  };

  const server = createServer((req, res) => {
    readBody(req).then(
      (text) => handle(req, res, text),
      () => res.destroy(),
    );
  });

  function fail(res: ServerResponse, failure: ForgeFailure) {
    if (failure.status === 429) {
      const reset = Math.ceil(now().getTime() / 1000) + (failure.retryAfterSeconds ?? 60);
      res.writeHead(429, {
        'content-type': 'text/plain; charset=utf-8',
        'retry-after': String(failure.retryAfterSeconds ?? 60),
        'ratelimit-name': 'throttle_authenticated_api',
        'ratelimit-limit': '2000',
        'ratelimit-observed': '2001',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(reset),
      });
      res.end(`${failure.message ?? 'Retry later'}\n`);
      return;
    }
    const headers: Record<string, string> = {};
    if (failure.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(failure.retryAfterSeconds);
    sendJson(
      res,
      failure.status,
      { message: failure.message ?? `${failure.status} ${REASONS[failure.status] ?? 'Error'}` },
      headers,
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const method = req.method ?? 'GET';
    // The raw path: a project's full path arrives URL-encoded (%2F) in one segment.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const target = new URL(req.url ?? '/', 'http://double');
    requests.push(`${method} ${rawPath}${target.search}`);
    const failure = failures.shift();
    if (failure) return fail(res, failure);
    if (options.token !== undefined) {
      const token = req.headers['private-token'];
      const auth = req.headers.authorization ?? '';
      if (token !== options.token && auth !== `Bearer ${options.token}`)
        return sendJson(res, 401, { message: '401 Unauthorized' });
    }
    const match = /^\/api\/v4\/projects\/([^/]+)\/merge_requests(?:\/(\d+)(?:\/(merge))?)?$/.exec(
      rawPath,
    );
    if (!match) return sendJson(res, 404, { error: '404 Not Found' });
    const [, projectId = '', iidText, action] = match;
    let repository = decodeURIComponent(projectId).toLowerCase();
    if (/^\d+$/.test(repository))
      repository = [...projects].find(([, p]) => String(p.id) === repository)?.[0] ?? '';
    if (!repository || !exists(repository))
      return sendJson(res, 404, { message: '404 Project Not Found' });
    const project = projectOf(repository);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { error: 'The provided content-type is not supported.' });
    }
    const mr = iidText ? project.mrs.find((m) => m.iid === Number(iidText)) : undefined;
    if (iidText && !mr) return sendJson(res, 404, { message: '404 Not found' });

    if (!iidText && method === 'POST') {
      const source = text0(body.source_branch);
      const targetBranch = text0(body.target_branch);
      for (const field of ['source_branch', 'target_branch', 'title'])
        if (!text0(body[field])) return sendJson(res, 400, { error: `${field} is missing` });
      if (source === targetBranch)
        return sendJson(res, 422, {
          message: ["You can't use same project/branch for source and target"],
        });
      const sha = repos.branchSha(repository, source);
      if (!sha) return sendJson(res, 400, { message: { source_branch: ['does not exist'] } });
      if (!repos.branchSha(repository, targetBranch))
        return sendJson(res, 400, { message: { target_branch: ['does not exist'] } });
      const duplicate = project.mrs.find(
        (m) => m.state === 'opened' && m.source === source && m.target === targetBranch,
      );
      if (duplicate)
        return sendJson(res, 409, {
          message: [
            `Another open merge request already exists for this source branch: !${duplicate.iid}`,
          ],
        });
      const labels = Array.isArray(body.labels)
        ? body.labels.map(String)
        : text0(body.labels)
            .split(',')
            .map((label) => label.trim());
      const title = text0(body.title);
      const created: MergeRequest = {
        id: nextId++,
        iid: project.mrs.length + 1,
        title,
        description: typeof body.description === 'string' ? body.description : null,
        source,
        target: targetBranch,
        sha,
        state: 'opened',
        mergeCommitSha: null,
        squashCommitSha: null,
        mergedAt: null,
        closedAt: null,
        labels: [...new Set(labels.filter((label) => label !== ''))],
        createdAt: now().toISOString(),
        mergeability: /^(draft:|\[draft\]|\(draft\))/i.test(title) ? 'draft' : 'clean',
        detailedOverride: undefined,
      };
      project.mrs.push(created);
      return sendJson(res, 201, view(repository, created));
    }
    if (!iidText && method === 'GET') {
      const query = target.searchParams;
      const state = query.get('state') || 'all';
      const source = query.get('source_branch');
      const targetBranch = query.get('target_branch');
      const perPage = Math.min(
        options.maxPerPage ?? 100,
        Math.max(1, Number(query.get('per_page') ?? 20) || 20),
      );
      const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
      const found = project.mrs
        .filter(
          (m) =>
            (state === 'all' || m.state === state) &&
            (!source || m.source === source) &&
            (!targetBranch || m.target === targetBranch),
        )
        .reverse(); // newest first: created_at, descending
      const pages = Math.max(1, Math.ceil(found.length / perPage));
      const pageUrl = (n: number) => {
        const link = new URL(`${url}${rawPath}${target.search}`);
        link.searchParams.set('page', String(n));
        link.searchParams.set('per_page', String(perPage));
        return link.href;
      };
      const links = [`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(pages)}>; rel="last"`];
      if (page < pages) links.unshift(`<${pageUrl(page + 1)}>; rel="next"`);
      if (page > 1) links.unshift(`<${pageUrl(page - 1)}>; rel="prev"`);
      return sendJson(
        res,
        200,
        found.slice((page - 1) * perPage, page * perPage).map((m) => view(repository, m)),
        {
          link: links.join(', '),
          'x-page': String(page),
          'x-per-page': String(perPage),
          'x-total': String(found.length),
          'x-total-pages': String(pages),
          'x-next-page': page < pages ? String(page + 1) : '',
          'x-prev-page': page > 1 ? String(page - 1) : '',
        },
      );
    }
    if (mr && !action && method === 'GET') return sendJson(res, 200, view(repository, mr));
    if (mr && action === 'merge' && method === 'PUT') {
      const detailed = detailedStatus(repository, mr);
      // Not open, a draft, approvals or pipelines pending: "not able to be merged" (405).
      if (mr.state !== 'opened' || !['mergeable', 'conflict'].includes(detailed))
        return sendJson(res, 405, { message: '405 Method Not Allowed' });
      const sha = repos.branchSha(repository, mr.source);
      if (typeof body.sha === 'string' && body.sha !== sha)
        return sendJson(res, 409, { message: `SHA does not match HEAD of source branch: ${sha}` });
      const squash = body.squash === true || body.squash === 'true';
      if (conflicts(repository, mr) || !mergeNow(repository, mr, squash))
        return sendJson(res, 422, { message: 'Branch cannot be merged' });
      const remove =
        body.should_remove_source_branch === true || body.should_remove_source_branch === 'true';
      if (remove) repos.deleteBranch(repository, mr.source);
      merges.push({ repository, iid: mr.iid, squash, removed: remove });
      return sendJson(res, 200, view(repository, mr));
    }
    return sendJson(res, 404, { error: '404 Not Found' });
  }

  url = await listenOnLoopback(server);
  return {
    provider: 'gitlab',
    get apiUrl() {
      return `${url}/api/v4`;
    },
    webUrl,
    failNext(failure) {
      failures.push(failure);
    },
    setMergeability(repository, iid, state) {
      find(repository, iid).mergeability = state;
    },
    setDetailedMergeStatus(repository, iid, status) {
      find(repository, iid).detailedOverride = status;
    },
    lock(repository, iid) {
      find(repository, iid).state = 'locked';
    },
    omitDetailedMergeStatus(omit) {
      omitDetailed = omit;
    },
    reviewer: {
      merge(repository, iid) {
        const mr = find(repository, iid);
        if (mr.state !== 'opened' || !mergeNow(repository, mr, false))
          throw new Error(`GitLab double: ${repository}!${iid} cannot be merged`);
      },
      close(repository, iid) {
        const mr = find(repository, iid);
        mr.state = 'closed';
        mr.closedAt = now().toISOString();
        announce(repository, mr, 'close');
      },
    },
    inspect(repository, iid): PullRequestRecord | undefined {
      const mr = projectOf(repository).mrs.find((m) => m.iid === iid);
      if (!mr) return undefined;
      return {
        number: mr.iid,
        title: mr.title,
        description: mr.description ?? '',
        head: mr.source,
        base: mr.target,
        labels: [...mr.labels],
        state: mr.state === 'merged' ? 'merged' : mr.state === 'closed' ? 'closed' : 'open',
        mergeCommit: mr.mergeCommitSha ?? undefined,
      };
    },
    addWebhook(hookUrl, secret) {
      hooks.push({ url: hookUrl, secret });
    },
    merges,
    requests,
    async stop() {
      await stopServer(server);
    },
  };
}

function text0(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
