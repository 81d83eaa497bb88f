import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

export interface RunningServer {
  url: string;
  /**
   * Stops accepting connections and resolves once in-flight requests have finished. Kept-alive
   * connections are closed as soon as they fall idle; after `forceAfterMs` any that remain are
   * cut.
   */
  close(forceAfterMs?: number): Promise<void>;
}

/**
 * Listens on host:port (port 0 picks a free one) and reports the URL actually bound; HTTPS
 * with `tls` (PEM certificate chain and key).
 */
export function listen(
  app: Hono,
  options: { host: string; port: number; tls?: { cert: Buffer; key: Buffer } | undefined },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    const server: ServerType = serve(
      {
        fetch: app.fetch,
        hostname: options.host,
        port: options.port,
        ...(options.tls
          ? { createServer: createHttpsServer, serverOptions: { ...options.tls } }
          : {}),
      },
      (info) => {
        server.off('error', onError);
        const host = info.address.includes(':') ? `[${info.address}]` : info.address;
        resolve({
          url: `${options.tls ? 'https' : 'http'}://${host}:${info.port}`,
          close: (forceAfterMs = 10_000) => closeServer(server as Server, forceAfterMs),
        });
      },
    );
    server.on('error', onError);
  });
}

function closeServer(server: Server, forceAfterMs: number): Promise<void> {
  return new Promise((done) => {
    // Responses still streaming (watches ended by the shutdown signal) finish a moment later;
    // their connections become idle then, so keep closing idle ones until none is left.
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const force = setTimeout(() => server.closeAllConnections(), forceAfterMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      done();
    });
    server.closeIdleConnections();
  });
}
