import { execFileSync } from 'node:child_process';
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
 *
 * And the git data API github-push uses (docs.github.com/en/rest/git, /rest/commits/commits):
 * - `GET /repos/{owner}/{repo}/git/ref/{ref}`: 200 `{ref, object: {sha}}`, or 404;
 * - `GET /repos/{owner}/{repo}/compare/{base}...{head}?per_page=`: `status` (identical, ahead,
 *   behind, diverged), `ahead_by`, `behind_by`, `merge_base_commit`, and head's commits missing
 *   from base, oldest first (parents before children), the first page only; 404 for an unknown
 *   commit or no common ancestor;
 * - `POST /repos/{owner}/{repo}/git/commits` `{message, tree, parents, author?, committer?}`: a
 *   real commit (commit-tree); without an author it is the token's user's, committed by
 *   "GitHub <noreply@github.com>" and signed (`verification.verified` true), with one the
 *   identities given and unsigned; 422 for an unknown tree or parent;
 * - `GET /repos/{owner}/{repo}/git/commits/{sha}`: the commit with its `verification`;
 * - `POST /repos/{owner}/{repo}/git/refs` `{ref, sha}`: 201; 422 "Reference already exists";
 * - `PATCH /repos/{owner}/{repo}/git/refs/{ref}` `{sha, force}`: 200; 422 "Update is not a fast
 *   forward" when force is false and sha does not descend from the ref; 422 "Reference does not
 *   exist";
 * - `DELETE /repos/{owner}/{repo}/git/refs/{ref}`: 204; 422 "Reference does not exist".
 */
export interface GitHubDouble extends ForgeDouble {
  /** Merge methods the repository refuses (GitHub's repository settings). */
  refuseMethod(method: 'merge' | 'squash' | 'rebase'): void;
  /** Whether GitHub signed a commit made through `POST git/commits` (its "Verified" badge). */
  verified(repository: string, sha: string): boolean;
}

/** Who the token belongs to: the author of the commits GitHub makes for it. */
const TOKEN_USER = { name: 'gantry-app[bot]', email: 'gantry-app[bot]@users.noreply.github.com' };
const GITHUB_COMMITTER = { name: 'GitHub', email: 'noreply@github.com' };

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
  /** `owner/repo@sha` of the commits GitHub signed. */
  const verifiedCommits = new Set<string>();
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
    const data =
      /^\/repos\/([^/]+)\/([^/]+)\/(git\/ref|git\/refs|git\/commits|compare)(?:\/(.+))?$/.exec(
        target.pathname,
      );
    if (data)
      return gitData(
        res,
        method,
        `${data[1]}/${data[2]}`,
        data[3]!,
        decodeURIComponent(data[4] ?? ''),
        text,
        target,
      );
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

  /** Git in the repository's bare directory, with an environment (identities and dates). */
  const gitIn = (repository: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
    execFileSync('git', args, {
      cwd: git.path(repository),
      env: { PATH: process.env.PATH, HOME: git.root, GIT_CONFIG_NOSYSTEM: '1', ...env },
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    }).trim();
  const resolve = (repository: string, name: string, type = 'commit'): string | undefined => {
    try {
      return gitIn(repository, ['rev-parse', '--verify', '--quiet', `${name}^{${type}}`]);
    } catch {
      return undefined;
    }
  };
  const commitView = (repository: string, sha: string) => {
    const [, tree = '', parents = '', an, ae, ad, cn, ce, cd, message = ''] = gitIn(repository, [
      'show',
      '-s',
      '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B',
      sha,
    ]).split('\0');
    const signed = verifiedCommits.has(`${repository}@${sha}`);
    return {
      sha,
      html_url: `${url}/${repository}/commit/${sha}`,
      message: message.replace(/\n$/, ''),
      tree: { sha: tree },
      author: { name: an, email: ae, date: ad },
      committer: { name: cn, email: ce, date: cd },
      parents: parents ? parents.split(' ').map((p) => ({ sha: p })) : [],
      verification: { verified: signed, reason: signed ? 'valid' : 'unsigned' },
    };
  };
  const identityEnv = (who: 'AUTHOR' | 'COMMITTER', value: unknown): NodeJS.ProcessEnv => {
    const identity = value as { name?: string; email?: string; date?: string };
    return {
      [`GIT_${who}_NAME`]: identity.name ?? '',
      [`GIT_${who}_EMAIL`]: identity.email ?? '',
      ...(identity.date ? { [`GIT_${who}_DATE`]: identity.date } : {}),
    };
  };

  function gitData(
    res: ServerResponse,
    method: string,
    repository: string,
    kind: string,
    rest: string,
    text: string,
    target: URL,
  ) {
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { message: 'Problems parsing JSON' });
    }
    const refSha = (ref: string) => git.ref(repository, `refs/${ref}`);
    if (kind === 'git/ref' && method === 'GET') {
      const sha = refSha(rest);
      if (!sha) return sendJson(res, 404, { message: 'Not Found' });
      return sendJson(res, 200, { ref: `refs/${rest}`, object: { sha, type: 'commit' } });
    }
    if (kind === 'compare' && method === 'GET') {
      const [baseName = '', headName = ''] = rest.split('...');
      const base = resolve(repository, baseName);
      const head = resolve(repository, headName);
      if (!base || !head) return sendJson(res, 404, { message: 'Not Found' });
      let mergeBase: string;
      try {
        mergeBase = gitIn(repository, ['merge-base', base, head]);
      } catch {
        return sendJson(res, 404, {
          message: `No common ancestor between ${baseName} and ${headName}.`,
        });
      }
      const count = (range: string) => Number(gitIn(repository, ['rev-list', '--count', range]));
      const ahead = count(`${base}..${head}`);
      const behind = count(`${head}..${base}`);
      const status =
        ahead === 0 && behind === 0
          ? 'identical'
          : behind === 0
            ? 'ahead'
            : ahead === 0
              ? 'behind'
              : 'diverged';
      const perPage = Number(target.searchParams.get('per_page') ?? 250) || 250;
      const listed = gitIn(repository, [
        'rev-list',
        '--reverse',
        '--topo-order',
        `${base}..${head}`,
      ])
        .split('\n')
        .filter(Boolean)
        .slice(0, perPage);
      return sendJson(res, 200, {
        status,
        ahead_by: ahead,
        behind_by: behind,
        total_commits: ahead,
        merge_base_commit: { sha: mergeBase },
        base_commit: { sha: base },
        commits: listed.map((sha) => {
          const view = commitView(repository, sha);
          return {
            sha,
            commit: {
              message: view.message,
              tree: view.tree,
              author: view.author,
              committer: view.committer,
              verification: view.verification,
            },
            parents: view.parents,
          };
        }),
        files: [],
      });
    }
    if (kind === 'git/commits' && method === 'POST') {
      const tree = resolve(repository, text0(body.tree), 'tree');
      if (!tree) return sendJson(res, 422, { message: 'Tree SHA does not exist' });
      const parents = Array.isArray(body.parents) ? (body.parents as unknown[]).map(text0) : [];
      if (parents.some((p) => !resolve(repository, p)))
        return sendJson(res, 422, {
          message: 'Parent SHA does not exist or is not a commit object',
        });
      const byGitHub = body.author === undefined && body.committer === undefined;
      const env = byGitHub
        ? { ...identityEnv('AUTHOR', TOKEN_USER), ...identityEnv('COMMITTER', GITHUB_COMMITTER) }
        : {
            ...identityEnv('AUTHOR', body.author ?? body.committer),
            ...identityEnv('COMMITTER', body.committer ?? body.author),
          };
      const sha = gitIn(
        repository,
        ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])],
        env,
        text0(body.message),
      );
      if (byGitHub) verifiedCommits.add(`${repository}@${sha}`);
      return sendJson(res, 201, commitView(repository, sha));
    }
    if (kind === 'git/commits' && method === 'GET') {
      if (!resolve(repository, rest)) return sendJson(res, 404, { message: 'Not Found' });
      return sendJson(res, 200, commitView(repository, rest));
    }
    if (kind === 'git/refs' && method === 'POST') {
      const ref = text0(body.ref);
      if (!/^refs\/[^/]+\/.+/.test(ref))
        return sendJson(res, 422, {
          message: 'Reference name must start with refs/ and have at least two slashes.',
        });
      if (refSha(ref.slice('refs/'.length)))
        return sendJson(res, 422, { message: 'Reference already exists' });
      const sha = resolve(repository, text0(body.sha));
      if (!sha) return sendJson(res, 422, { message: 'Object does not exist' });
      gitIn(repository, ['update-ref', ref, sha]);
      return sendJson(res, 201, { ref, object: { sha, type: 'commit' } });
    }
    if (kind === 'git/refs' && method === 'PATCH') {
      const current = refSha(rest);
      if (!current) return sendJson(res, 422, { message: 'Reference does not exist' });
      const sha = resolve(repository, text0(body.sha));
      if (!sha) return sendJson(res, 422, { message: 'Object does not exist' });
      if (body.force !== true) {
        try {
          gitIn(repository, ['merge-base', '--is-ancestor', current, sha]);
        } catch {
          return sendJson(res, 422, { message: 'Update is not a fast forward' });
        }
      }
      gitIn(repository, ['update-ref', `refs/${rest}`, sha, current]);
      return sendJson(res, 200, { ref: `refs/${rest}`, object: { sha, type: 'commit' } });
    }
    if (kind === 'git/refs' && method === 'DELETE') {
      if (!refSha(rest)) return sendJson(res, 422, { message: 'Reference does not exist' });
      gitIn(repository, ['update-ref', '-d', `refs/${rest}`]);
      res.writeHead(204).end();
      return;
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
    verified(repository, sha) {
      return verifiedCommits.has(`${repository}@${sha}`);
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
      await stopServer(server);
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
