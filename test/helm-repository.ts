import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { stringify } from 'yaml';

/**
 * A classic (HTTP) Helm chart repository for tests: static files served from memory by a small
 * Node HTTP server, chiefly `index.yaml` in the layout `helm repo index` writes (apiVersion v1,
 * `entries` by chart name, `generated`). Optionally requires Basic auth (401 without it);
 * unknown paths are 404.
 */
export interface HelmRepository {
  /** `http://127.0.0.1:PORT`, the chart repository URL (without `/index.yaml`). */
  url: string;
  /** Serves `content` at `path` (relative to the repository URL, e.g. `charts/app-1.0.0.tgz`). */
  setFile(path: string, content: string | Buffer): void;
  /**
   * Writes `index.yaml` listing these versions per chart. `created` defaults to one minute apart
   * from 2024-01-01 in list order; `urls` to `<name>-<version>.tgz`, relative as Helm writes them.
   */
  setIndex(charts: Record<string, HelmIndexVersion[]>): void;
  /** Every request received (path includes the query string). */
  readonly requests: Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

export interface HelmIndexVersion {
  version: string;
  created?: string;
  urls?: string[];
}

export async function startHelmRepository(
  options: { username?: string; password?: string } = {},
): Promise<HelmRepository> {
  const files = new Map<string, Buffer>();
  const requests: Array<{ method: string; path: string }> = [];
  const expected =
    options.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    requests.push({ method, path: req.url ?? '/' });
    if (expected !== undefined && req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="helm"' }).end();
      return;
    }
    const path = normalize(decodePath(new URL(req.url ?? '/', 'http://localhost').pathname));
    const file = files.get(path);
    if (!file || (method !== 'GET' && method !== 'HEAD')) {
      res.writeHead(file ? 405 : 404).end();
      return;
    }
    // A strong ETag, as static file servers and object stores send: clients revalidate with it.
    const etag = `"${createHash('sha1').update(file).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag }).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentType(path),
      'Content-Length': file.length,
      ETag: etag,
    });
    res.end(method === 'HEAD' ? undefined : file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const setFile = (path: string, content: string | Buffer) => {
    files.set(normalize(path), typeof content === 'string' ? Buffer.from(content) : content);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    setFile,
    setIndex(charts) {
      setFile('index.yaml', indexYaml(charts));
    },
    get requests() {
      return requests;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The text of an index.yaml, in the shape of Helm's repo.IndexFile. */
export function indexYaml(charts: Record<string, HelmIndexVersion[]>): string {
  const base = Date.UTC(2024, 0, 1);
  const entries: Record<string, unknown[]> = {};
  for (const [name, versions] of Object.entries(charts)) {
    entries[name] = versions.map((entry, position) => ({
      apiVersion: 'v2',
      name,
      version: entry.version,
      created: entry.created ?? new Date(base + position * 60_000).toISOString(),
      urls: entry.urls ?? [`${name}-${entry.version}.tgz`],
    }));
  }
  return stringify({ apiVersion: 'v1', entries, generated: new Date().toISOString() });
}

/** `/a/b.tgz`, `a/b.tgz` and `a//b.tgz` name the same file. */
function normalize(path: string): string {
  return path.split('/').filter(Boolean).join('/');
}

/** Percent-decodes a request path (`app%2B1.tgz` is `app+1.tgz`); a malformed one stays as sent. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function contentType(path: string): string {
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'application/x-yaml';
  if (path.endsWith('.tgz') || path.endsWith('.tar.gz')) return 'application/gzip';
  return 'application/octet-stream';
}
