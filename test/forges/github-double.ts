import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestGitServer } from '../git-server.js';

/**
 * A contract double of GitHub's REST API for pull requests (docs.github.com/en/rest/pulls and
 * /rest/issues/labels, API version 2022-11-28), over the test git server's repositories: the
 * branches and merges are real git. It models what the pull-request steps use:
 * - `POST /repos/{owner}/{repo}/pulls`: 201; 422 "Validation Failed" for a head or base that
 *   does not exist; 422 "A pull request already exists for owner:head." for an open duplicate;
 * - `GET /repos/{owner}/{repo}/pulls/{number}`: 200 or 404 "Not Found";
 * - `GET /repos/{owner}/{repo}/pulls?state=&head=owner:branch&base=`: the matching list;
 * - `PUT /repos/{owner}/{repo}/pulls/{number}/merge`: a merge commit (two parents) on the base
 *   branch, 200 `{sha, merged: true}`; 405 "Pull Request is not mergeable" when merged, closed
 *   or conflicting;
 * - `POST /repos/{owner}/{repo}/issues/{number}/labels`: 200 with the labels;
 * - a token (`Authorization: token …` or `Bearer …`) required when one is set: 401 "Bad
 *   credentials" otherwise;
 * - `failNext(status, message, headers)`: the next request answers that (5xx, 429 with
 *   `Retry-After`, 405 "Base branch was modified"), for the transient errors.
 * The repository `owner/name` is the git server's repository `name`.
 */
export interface GitHubDouble {
  url: string;
  /** The repository URL a step sees for the git server's repository `name`. */
  repoURL(owner: string, name: string): string;
  failNext(status: number, message: string, headers?: Record<string, string>): void;
  /** Every request: method and path (with the query). */
  readonly requests: string[];
  stop(): Promise<void>;
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
}

export async function startGitHubDouble(
  git: TestGitServer,
  options: { token?: string; now?: () => Date } = {},
): Promise<GitHubDouble> {
  const pulls = new Map<string, Pull[]>();
  const requests: string[] = [];
  const failures: Array<{ status: number; message: string; headers: Record<string, string> }> = [];
  const now = options.now ?? (() => new Date());
  let url = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const branchSha = (repo: string, branch: string): string | undefined => {
    try {
      return git.git(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).trim();
    } catch {
      return undefined;
    }
  };
  const view = (owner: string, repo: string, pull: Pull) => ({
    number: pull.number,
    html_url: `${url}/${owner}/${repo}/pull/${pull.number}`,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    merged: pull.mergedSha !== null,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergedSha,
    head: { ref: pull.head, sha: pull.headSha, label: `${owner}:${pull.head}` },
    base: { ref: pull.base },
    labels: pull.labels.map((name) => ({ name })),
    created_at: pull.createdAt,
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'http://double');
    requests.push(`${method} ${target.pathname}${target.search}`);
    const failure = failures.shift();
    if (failure) return send(res, failure.status, { message: failure.message }, failure.headers);
    if (options.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`)
        return send(res, 401, { message: 'Bad credentials' });
    }
    const match =
      /^\/repos\/([^/]+)\/([^/]+)\/(pulls|issues)(?:\/(\d+))?(?:\/(merge|labels))?$/.exec(
        target.pathname,
      );
    if (!match) return send(res, 404, { message: 'Not Found' });
    const [, owner = '', repo = '', collection, numberText, action] = match;
    const list = pulls.get(repo) ?? [];
    pulls.set(repo, list);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const pull = numberText ? list.find((p) => p.number === Number(numberText)) : undefined;
    if (numberText && !pull) return send(res, 404, { message: 'Not Found' });

    if (collection === 'pulls' && !numberText && method === 'POST') {
      const head = text0(body.head);
      const base = text0(body.base);
      const headSha = branchSha(repo, head);
      if (!headSha || !branchSha(repo, base))
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', field: headSha ? 'base' : 'head', code: 'invalid' }],
        });
      if (list.some((p) => p.state === 'open' && p.head === head && p.base === base))
        return send(res, 422, {
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
      };
      list.push(created);
      return send(res, 201, view(owner, repo, created));
    }
    if (collection === 'pulls' && !numberText && method === 'GET') {
      const state = target.searchParams.get('state') ?? 'open';
      const head = target.searchParams.get('head');
      const base = target.searchParams.get('base');
      const found = list.filter(
        (p) =>
          (state === 'all' || p.state === state) &&
          (!head || `${owner}:${p.head}` === head) &&
          (!base || p.base === base),
      );
      return send(
        res,
        200,
        found.map((p) => view(owner, repo, p)),
      );
    }
    if (collection === 'pulls' && pull && !action && method === 'GET') {
      // The head moves with its branch while the pull request is open.
      if (pull.state === 'open') pull.headSha = branchSha(repo, pull.head) ?? pull.headSha;
      return send(res, 200, view(owner, repo, pull));
    }
    if (collection === 'pulls' && pull && action === 'merge' && method === 'PUT') {
      if (pull.state !== 'open')
        return send(res, 405, { message: 'Pull Request is not mergeable' });
      const baseSha = branchSha(repo, pull.base)!;
      const headSha = branchSha(repo, pull.head) ?? pull.headSha;
      let tree: string;
      try {
        tree = git
          .git(repo, ['merge-tree', '--write-tree', baseSha, headSha])
          .trim()
          .split('\n')[0]!;
      } catch {
        return send(res, 405, { message: 'Pull Request is not mergeable' });
      }
      const commit = git
        .git(repo, [
          '-c',
          'user.name=GitHub',
          '-c',
          'user.email=noreply@github.com',
          'commit-tree',
          tree,
          '-p',
          baseSha,
          '-p',
          headSha,
          '-m',
          `Merge pull request #${pull.number} from ${owner}/${pull.head}`,
        ])
        .trim();
      git.git(repo, ['update-ref', `refs/heads/${pull.base}`, commit, baseSha]);
      pull.state = 'closed';
      pull.mergedSha = commit;
      pull.mergedAt = now().toISOString();
      pull.headSha = headSha;
      return send(res, 200, {
        sha: commit,
        merged: true,
        message: 'Pull Request successfully merged',
      });
    }
    if (collection === 'issues' && pull && action === 'labels' && method === 'POST') {
      for (const label of (body.labels as string[] | undefined) ?? [])
        if (!pull.labels.includes(label)) pull.labels.push(label);
      return send(
        res,
        200,
        pull.labels.map((name) => ({ name })),
      );
    }
    return send(res, 404, { message: 'Not Found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    repoURL: (owner, name) => `https://github.com/${owner}/${name}.git`,
    failNext(status, message, headers = {}) {
      failures.push({ status, message, headers });
    },
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function text0(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
