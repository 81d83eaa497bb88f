import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * An address on loopback that refuses connections, whatever else runs on the machine.
 *
 * A port number alone cannot promise that: `:0` is not refused by every client (fetch treats
 * it as the scheme's default, port 80), and a port that was free a moment ago, or a low one like
 * 1 or 9, may be served by something else. So the port is one this process holds without
 * listening on it: the local end of a connection it keeps open to a server of its own. Nothing
 * else can bind that port while it is held, and the kernel answers every connection to it with
 * a reset, which clients report as "connection refused" (ECONNREFUSED).
 */
export interface RefusedAddress {
  /** `127.0.0.1:PORT`, for image references. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function refusedAddress(): Promise<RefusedAddress> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port: serverPort } = server.address() as { port: number };
  const holder = connect(serverPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    holder.once('connect', resolve);
    holder.once('error', reject);
  });
  const port = holder.localPort!;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      holder.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
