import { createServer, type Server } from 'node:http';

/**
 * An HTTP server that answers every request 404, for the addresses a test's objects name but
 * the test does not mean to serve (a Warehouse's registry, a Stage's git repository). The
 * example's own addresses (127.0.0.1:5000, :8418, :3000) may be served by whatever the user
 * runs; this one belongs to the test, listens on a port the system chose, and always answers
 * the same way, so what the controllers find there never depends on the machine.
 */
export interface DeadEndServer {
  /** `127.0.0.1:PORT`, for image references. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Every request received (method and path with its query), oldest first. */
  readonly requests: Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

export async function startDeadEndServer(): Promise<DeadEndServer> {
  const requests: Array<{ method: string; path: string }> = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '' });
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'nothing here' }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
