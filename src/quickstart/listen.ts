import type { Server } from 'node:http';
import { inputError } from '../errors.js';

/** A server listening on a loopback port, and how to stop it. */
export interface Listening {
  /** `http://HOST:PORT` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Listens on `host:port` (0: any free port). A taken port is an error naming the port and what
 * wanted it, so the user can free it or choose another.
 */
export async function listenOn(
  server: Server,
  where: { host: string; port: number },
  what: string,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? inputError(
              `the ${what} cannot listen on ${where.host}:${where.port}: the port is in use (another quickstart?); stop what uses it, or choose another port (0 picks a free one)`,
            )
          : err,
      );
    };
    server.once('error', onError);
    server.listen(where.port, where.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : where.port;
  return {
    url: `http://${where.host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
