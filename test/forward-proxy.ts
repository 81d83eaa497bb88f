import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * A forward HTTP proxy on a loopback port, as clients use one (RFC 9110 9.3.6, RFC 9112
 * 3.2.2): an absolute-URI request is forwarded to its origin with `injectHeader` added, so the
 * origin can tell the request came through the proxy; CONNECT opens a TCP tunnel. With
 * `username`/`password`, Basic Proxy-Authorization is required (407 without it). Only loopback
 * destinations are served, so nothing a test does can leave the machine.
 */
export interface ForwardProxy {
  url: string;
  /** Each request: method and target (absolute URI, or host:port for CONNECT). */
  readonly seen: Array<{ method: string; target: string; authorization?: string | undefined }>;
  stop(): Promise<void>;
}

export async function startForwardProxy(
  options: { injectHeader?: [string, string]; username?: string; password?: string } = {},
): Promise<ForwardProxy> {
  const seen: ForwardProxy['seen'] = [];
  const sockets = new Set<Socket>();
  const expected =
    options.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  const refused = (req: IncomingMessage) =>
    expected !== undefined && req.headers['proxy-authorization'] !== expected;
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      target: req.url ?? '',
      authorization: req.headers['proxy-authorization'],
    });
    if (refused(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    if (!target.hostname.startsWith('127.')) {
      res.writeHead(403).end('loopback only');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    if (options.injectHeader) headers[options.injectHeader[0]] = options.injectHeader[1];
    const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push({
      method: 'CONNECT',
      target: req.url ?? '',
      authorization: req.headers['proxy-authorization'],
    });
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (refused(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    if (!host?.startsWith('127.')) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    async stop() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
