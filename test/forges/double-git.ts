import { createHmac } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TestGitServer } from '../git-server.js';

/**
 * What every Git host double does to the test git server's repositories, the way a host does
 * it: read a branch, merge one branch into another with a merge commit (or tell a conflict),
 * and the plumbing of a small JSON HTTP server and its webhooks.
 */
export class DoubleGit {
  constructor(readonly git: TestGitServer) {}

  /** The commit a branch points at, undefined when there is no such branch. */
  branchSha(repository: string, branch: string): string | undefined {
    return this.git.ref(repository, `refs/heads/${branch}`);
  }

  /** Whether `head` merges into `base` without a conflict. */
  mergeable(repository: string, base: string, head: string): boolean {
    return this.#mergeTree(repository, base, head) !== undefined;
  }

  /**
   * Merges `head` into `base` with a merge commit by `author`, as a host's merge button does;
   * the new commit, or undefined on a conflict (nothing changed then). `squash`: one commit
   * with the change and a single parent.
   */
  merge(
    repository: string,
    base: string,
    head: string,
    message: string,
    author = { name: 'Forge', email: 'noreply@forge.test' },
    squash = false,
  ): string | undefined {
    const baseSha = this.branchSha(repository, base);
    const headSha = this.branchSha(repository, head);
    if (!baseSha || !headSha) return undefined;
    const tree = this.#mergeTree(repository, base, head);
    if (!tree) return undefined;
    const parents = squash ? ['-p', baseSha] : ['-p', baseSha, '-p', headSha];
    const commit = this.git
      .git(repository, [
        '-c',
        `user.name=${author.name}`,
        '-c',
        `user.email=${author.email}`,
        'commit-tree',
        tree,
        ...parents,
        '-m',
        message,
      ])
      .trim();
    this.git.git(repository, ['update-ref', `refs/heads/${base}`, commit, baseSha]);
    return commit;
  }

  /** Deletes a branch (a host's "delete source branch" on merge). */
  deleteBranch(repository: string, branch: string): void {
    this.git.git(repository, ['update-ref', '-d', `refs/heads/${branch}`]);
  }

  /**
   * Merges of two commits, by repository and commits: the merge of the same two commits is
   * always the same (null: a conflict), and the doubles ask on every view of a pull request.
   */
  readonly #merges = new Map<string, string | null>();

  #mergeTree(repository: string, base: string, head: string): string | undefined {
    const baseSha = this.branchSha(repository, base);
    const headSha = this.branchSha(repository, head);
    if (!baseSha || !headSha) return undefined;
    const key = `${repository}\0${baseSha}\0${headSha}`;
    const known = this.#merges.get(key);
    if (known !== undefined) return known ?? undefined;
    let tree: string | null;
    try {
      tree =
        this.git
          .git(repository, ['merge-tree', '--write-tree', baseSha, headSha])
          .trim()
          .split('\n')[0] ?? null;
    } catch {
      tree = null;
    }
    this.#merges.set(key, tree);
    return tree ?? undefined;
  }
}

/**
 * Listens on a free loopback port and answers the double's URL (`https` for a TLS server).
 * Idle keep-alive connections are never closed by the double: a client reusing one the server
 * had just timed out gets a reset, which a loaded machine makes likely and which no test means
 * to exercise.
 */
export async function listenOnLoopback(
  server: Server,
  scheme: 'http' | 'https' = 'http',
): Promise<string> {
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Stops a double's server, dropping the connections its clients keep alive. */
export async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A request's body, whole. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/**
 * Delivers one webhook: POSTs the JSON payload with the headers, and an HMAC-SHA256 signature
 * of the body in `signatureHeader` (hex, after `prefix`) when one is named. Failures are the
 * receiver's business, as with a real host: kept in `deliveries` for the test to look at.
 */
export async function deliverWebhook(
  url: string,
  payload: unknown,
  headers: Record<string, string>,
  signing?: { header: string; prefix: string; secret: string },
): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(payload);
  const signed = signing
    ? {
        [signing.header]: `${signing.prefix}${createHmac('sha256', signing.secret).update(body).digest('hex')}`,
      }
    : {};
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...signed },
    body,
  });
  return { status: response.status, body: await response.text() };
}
