import { createServer } from 'node:http';
import { listenOn, type Listening } from './listen.js';

export type HealthStatus = 'ok' | 'degraded';

export interface HealthEndpoint extends Listening {
  status: HealthStatus;
}

/**
 * The example's dev frontend, as far as its `frontend-smoke` verification sees it:
 * `GET /healthz` answers `{"status":"ok"}` (or `"degraded"`). `PUT /healthz` with
 * `{"status":"degraded"}` breaks it and `{"status":"ok"}` fixes it, so a user can watch a
 * verification fail. A demo component of `gantry quickstart`.
 */
export async function startHealthEndpoint(options: {
  host: string;
  port: number;
  /** What it is called in errors; default "health endpoint". */
  what?: string;
}): Promise<HealthEndpoint> {
  let status: HealthStatus = 'ok';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/healthz') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz\n');
      return;
    }
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => {
        if (chunks.length < 16) chunks.push(chunk);
      });
      req.on('end', () => {
        let wanted: unknown;
        try {
          wanted = (JSON.parse(Buffer.concat(chunks).toString()) as { status?: unknown }).status;
        } catch {
          wanted = undefined;
        }
        if (wanted !== 'ok' && wanted !== 'degraded') {
          res
            .writeHead(400, { 'content-type': 'text/plain' })
            .end('body must be {"status":"ok"} or {"status":"degraded"}\n');
          return;
        }
        status = wanted;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
  });
  const listening = await listenOn(server, options, options.what ?? 'health endpoint');
  return {
    ...listening,
    get status() {
      return status;
    },
    set status(value: HealthStatus) {
      status = value;
    },
  };
}
