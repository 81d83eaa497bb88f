import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { imageConfig, imageLayer, imageManifest, type Content } from './oci-content.js';

/**
 * An in-process fake of the OCI Distribution API, only for what the real registry of
 * test/registry.ts (distribution 2.8) cannot do: tag-list pagination with `Link` headers,
 * 429 rate limiting, and counting requests. Everything else belongs against the real one.
 *
 * Model (OCI Distribution Spec v1.1, read-only "pull" and "content discovery" endpoints):
 * - `GET /v2/`: 200, or a 401 Bearer challenge in bearer mode.
 * - `GET /v2/<name>/tags/list?n=&last=`: tags sorted lexically (as distribution v3 does), at
 *   most `n` after `last`, and `Link: </v2/<name>/tags/list?last=<tag>&n=<n>>; rel="next"` when
 *   more follow. Without `n` a page holds `pageSize` tags (default: all).
 * - `GET`/`HEAD /v2/<name>/manifests/<tag or digest>` with `Docker-Content-Digest` and the
 *   stored `Content-Type` (the `Accept` header is not checked).
 * - `GET`/`HEAD /v2/<name>/blobs/<digest>`.
 * - `GET /token?service=&scope=` (bearer mode): checks Basic credentials when a username is
 *   configured (missing or wrong: 401) and issues a random token good for every repository.
 * Errors use the spec's `{"errors": [{code, message}]}` body. Anything else is 404 or 405.
 */
export interface FakeRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  /** Every request received, token requests included; path includes the query string. */
  readonly requests: Array<{ method: string; path: string }>;
  /** Requests to the token endpoint, refused ones included. */
  readonly tokenRequests: number;
  /** Empties `requests` (in place) and zeroes `tokenRequests`. */
  resetRequests(): void;
  /** Stores a one-layer OCI image under the tag; returns its manifest digest (distinct per call). */
  addImage(name: string, tag: string, options?: FakeImageOptions): string;
  /**
   * Makes `tags` the repository's tag set. Tags that already exist keep their manifest; new ones
   * point to cheap generated manifests (shared config and layer, one annotation with the tag),
   * so 10,000 tags take a fraction of a second.
   */
  setTags(name: string, tags: string[]): void;
  removeTag(name: string, tag: string): void;
  /** The next `count` requests to `/v2/<name>/...` get 429 with `Retry-After`. */
  rateLimit(count: number, retryAfterSeconds?: number): void;
  stop(): Promise<void>;
}

export interface FakeImageOptions {
  created?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  os?: string;
  architecture?: string;
}

interface Repository {
  tags: Map<string, string>;
  manifests: Map<string, Content>;
  blobs: Map<string, Content>;
  /** The sorted tag list, rebuilt lazily after a change. */
  sorted: string[] | undefined;
}

type Route =
  | { kind: 'base' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string };

export async function startFakeRegistry(
  options: {
    pageSize?: number;
    auth?: 'none' | 'bearer';
    username?: string;
    password?: string;
  } = {},
): Promise<FakeRegistry> {
  const repositories = new Map<string, Repository>();
  const requests: Array<{ method: string; path: string }> = [];
  const tokens = new Set<string>();
  const limit = { remaining: 0, retryAfterSeconds: 1 };
  let tokenRequests = 0;
  let images = 0;
  let url = '';

  const repository = (name: string): Repository => {
    let repo = repositories.get(name);
    if (!repo) {
      repo = { tags: new Map(), manifests: new Map(), blobs: new Map(), sorted: undefined };
      repositories.set(name, repo);
    }
    return repo;
  };
  const store = (repo: Repository, tag: string, manifest: Content, blobs: Content[]) => {
    for (const blob of blobs) repo.blobs.set(blob.digest, blob);
    repo.manifests.set(manifest.digest, manifest);
    if (!repo.tags.has(tag)) repo.sorted = undefined;
    repo.tags.set(tag, manifest.digest);
  };

  const handleToken = (req: IncomingMessage, res: ServerResponse) => {
    tokenRequests++;
    if (options.username !== undefined) {
      const expected = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.setHeader('WWW-Authenticate', 'Basic realm="fake"');
        return sendError(res, 401, 'UNAUTHORIZED', 'bad or missing credentials');
      }
    }
    const token = randomBytes(16).toString('hex');
    tokens.add(token);
    sendJson(res, 200, { token, expires_in: 300 });
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (options.auth !== 'bearer') return true;
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') && tokens.has(header.slice('Bearer '.length));
  };

  const handleV2 = (
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) => {
    if (route.kind !== 'base' && limit.remaining > 0) {
      limit.remaining--;
      res.setHeader('Retry-After', String(limit.retryAfterSeconds));
      return sendError(res, 429, 'TOOMANYREQUESTS', 'rate limit exceeded');
    }
    if (!authorized(req)) {
      const scope = route.kind === 'base' ? '' : `,scope="repository:${route.name}:pull"`;
      res.setHeader('WWW-Authenticate', `Bearer realm="${url}/token",service="fake"${scope}`);
      return sendError(res, 401, 'UNAUTHORIZED', 'authentication required');
    }
    if (route.kind === 'base') return sendJson(res, 200, {});
    const repo = repositories.get(route.name);
    if (!repo) return sendError(res, 404, 'NAME_UNKNOWN', `repository ${route.name} not known`);
    if (route.kind === 'tags') return listTags(res, route.name, repo, query, options.pageSize);
    if (route.kind === 'manifest') {
      const digest = route.reference.startsWith('sha256:')
        ? route.reference
        : repo.tags.get(route.reference);
      const manifest = digest === undefined ? undefined : repo.manifests.get(digest);
      if (!manifest) return sendError(res, 404, 'MANIFEST_UNKNOWN', `${route.reference} not known`);
      return sendContent(req, res, manifest, manifest.mediaType);
    }
    const blob = repo.blobs.get(route.digest);
    if (!blob) return sendError(res, 404, 'BLOB_UNKNOWN', `${route.digest} not known`);
    sendContent(req, res, blob, 'application/octet-stream');
  };

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    requests.push({ method, path: req.url ?? '/' });
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const parsed = new URL(req.url ?? '/', 'http://localhost');
    if (parsed.pathname === '/token' && method === 'GET') return handleToken(req, res);
    const route = parseRoute(parsed.pathname);
    if (!route) return sendError(res, 404, 'NOT_FOUND', `no route for ${parsed.pathname}`);
    if (method !== 'GET' && method !== 'HEAD') {
      return sendError(res, 405, 'UNSUPPORTED', 'the fake registry is read-only');
    }
    handleV2(req, res, route, parsed.searchParams);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  url = `http://127.0.0.1:${port}`;

  // setTags' manifests share these two blobs.
  const { layer: sharedLayer, diffId: sharedDiffId } = imageLayer({ 'layer.txt': 'shared\n' });
  const sharedConfig = imageConfig({ created: '2024-01-01T00:00:00Z' }, [sharedDiffId]);

  return {
    url,
    host: `127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    resetRequests() {
      requests.length = 0;
      tokenRequests = 0;
    },
    addImage(name, tag, image = {}) {
      const { layer, diffId } = imageLayer({ 'layer.txt': `${name}:${tag} #${++images}\n` });
      const config = imageConfig(image, [diffId]);
      const manifest = imageManifest(config, [layer], { annotations: image.annotations });
      store(repository(name), tag, manifest, [config, layer]);
      return manifest.digest;
    },
    setTags(name, tags) {
      const repo = repository(name);
      const wanted = new Set(tags);
      for (const tag of [...repo.tags.keys()]) if (!wanted.has(tag)) repo.tags.delete(tag);
      for (const tag of wanted) {
        if (repo.tags.has(tag)) continue;
        const manifest = imageManifest(sharedConfig, [sharedLayer], {
          annotations: { 'org.opencontainers.image.version': tag },
        });
        store(repo, tag, manifest, [sharedConfig, sharedLayer]);
      }
      repo.sorted = undefined;
    },
    removeTag(name, tag) {
      const repo = repositories.get(name);
      if (repo?.tags.delete(tag)) repo.sorted = undefined;
    },
    rateLimit(count, retryAfterSeconds = 1) {
      limit.remaining = count;
      limit.retryAfterSeconds = retryAfterSeconds;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseRoute(pathname: string): Route | undefined {
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'base' };
  const match = /^\/v2\/(.+)\/(tags\/list|manifests\/([^/]+)|blobs\/([^/]+))$/.exec(pathname);
  if (!match) return undefined;
  const name = match[1]!;
  if (match[2] === 'tags/list') return { kind: 'tags', name };
  if (match[3] !== undefined) {
    return { kind: 'manifest', name, reference: decodeURIComponent(match[3]) };
  }
  return { kind: 'blob', name, digest: decodeURIComponent(match[4]!) };
}

/** One page of tags, per the spec's content discovery section (and distribution v3). */
function listTags(
  res: ServerResponse,
  name: string,
  repo: Repository,
  query: URLSearchParams,
  pageSize: number | undefined,
): void {
  repo.sorted ??= [...repo.tags.keys()].sort();
  const all = repo.sorted;
  const n = query.has('n') ? Number(query.get('n')) : (pageSize ?? all.length);
  if (!Number.isInteger(n) || n < 0) {
    return sendError(res, 400, 'PAGINATION_NUMBER_INVALID', `invalid n: ${query.get('n')}`);
  }
  const last = query.get('last');
  const start = last === null ? 0 : firstAfter(all, last);
  const tags = all.slice(start, start + n);
  const lastTag = tags[tags.length - 1];
  if (lastTag !== undefined && start + n < all.length) {
    const next = `/v2/${name}/tags/list?last=${encodeURIComponent(lastTag)}&n=${n}`;
    res.setHeader('Link', `<${next}>; rel="next"`);
  }
  sendJson(res, 200, { name, tags });
}

/** Index of the first element of a sorted array greater than `value` (binary search). */
function firstAfter(sorted: string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function sendContent(
  req: IncomingMessage,
  res: ServerResponse,
  item: Content,
  contentType: string,
): void {
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': item.size,
    'Docker-Content-Digest': item.digest,
  });
  res.end(req.method === 'HEAD' ? undefined : item.bytes);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ code, message }] });
}
