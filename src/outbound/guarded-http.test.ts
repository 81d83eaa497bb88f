import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startForwardProxy, type ForwardProxy } from '../../test/forward-proxy.js';
import { createGuardedHttp, type GuardedHttpOptions } from './guarded-http.js';
import { isOutboundRefusal, type OutboundRequest } from './outbound-http.js';
import {
  createOutboundPolicy,
  DEFAULT_OUTBOUND_POLICY,
  type OutboundPolicyConfig,
} from './outbound-policy.js';

interface Seen {
  path: string;
  host: string | undefined;
  authorization: string | undefined;
}

/** A loopback HTTP server recording what reached it; `routes` answer by path. */
async function startServer(
  address: string,
  routes: Record<string, (req: IncomingMessage, res: import('node:http').ServerResponse) => void>,
) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({
      path: req.url ?? '',
      host: req.headers.host,
      authorization: req.headers.authorization,
    });
    const route = routes[(req.url ?? '').split('?')[0]!];
    if (route) route(req, res);
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    seen,
    port,
    url: `http://${address}:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Opens real requests, except to the metadata address: a refused destination must be refused
 * before any request is opened, so reaching this guard with it fails the test (and no packet
 * ever leaves for 169.254.169.254).
 */
const opened: string[] = [];
const guardedRequest: GuardedHttpOptions['request'] = (url, options) => {
  opened.push(url.href);
  if (!['127.0.0.1', '127.0.0.2', 'app.test'].includes(url.hostname))
    throw new Error(`test guard: a request to ${url.href} was opened`);
  return httpRequest(url, options);
};

const client = (
  config: OutboundPolicyConfig = DEFAULT_OUTBOUND_POLICY,
  extra: GuardedHttpOptions = {},
) => createGuardedHttp(createOutboundPolicy(config), { request: guardedRequest, ...extra });

const get = (url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest => ({
  method: 'GET',
  url: new URL(url),
  headers: {},
  timeoutMs: 5_000,
  signal: new AbortController().signal,
  maxBodyBytes: 1024,
  overflow: 'error',
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOutboundRefusal(err)).toBe(true);
  return (err as Error).message;
}

describe('guarded outbound HTTP', () => {
  let a: Awaited<ReturnType<typeof startServer>>;
  let b: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    // b listens on another loopback address, so a policy can refuse it and not a.
    b = await startServer('127.0.0.2', {});
    a = await startServer('127.0.0.1', {
      '/to-b': (_, res) => res.writeHead(302, { location: `${b.url}/landed` }).end(),
      '/to-metadata': (_, res) =>
        res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
      '/to-self': (_, res) => res.writeHead(301, { location: '/ok' }).end(),
      '/see-other': (_, res) => res.writeHead(303, { location: '/ok' }).end(),
      '/loop': (_, res) => res.writeHead(302, { location: '/loop' }).end(),
      '/big': (_, res) => res.end('é'.repeat(2000)),
      '/bytes': (_, res) => res.end(Buffer.from([0, 255, 1, 254])),
      '/announced': (_, res) => {
        res.writeHead(200, { 'content-length': '4096' }).flushHeaders();
      },
      '/slow': () => undefined,
    });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  beforeEach(() => {
    a.seen.length = 0;
    b.seen.length = 0;
    opened.length = 0;
  });

  it('reaches an allowed server', async () => {
    const response = await client().send(get(`${a.url}/ok`));
    expect(response).toMatchObject({ status: 200, body: '{"ok":true}', truncated: false });
    expect(a.seen.map((s) => s.path)).toEqual(['/ok']);
  });

  it('refuses a server denied by --outbound-deny loopback, sending nothing', async () => {
    const message = await refusal(
      client({ allow: ['*'], deny: ['loopback'] }).send(get(`${a.url}/ok`)),
    );
    expect(message).toBe(
      '127.0.0.1 is refused by the outbound policy ("loopback" in --outbound-deny); the operator sets it with --outbound-allow and --outbound-deny (GANTRY_OUTBOUND_ALLOW, GANTRY_OUTBOUND_DENY)',
    );
    expect(a.seen).toEqual([]);
    expect(opened).toEqual([]);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://2852039166/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://0251.0376.0251.0376/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
  ])('refuses %s without any traffic', async (url) => {
    const message = await refusal(client().send(get(url)));
    expect(message).toMatch(
      /^(169\.254\.169\.254|::ffff:a9fe:a9fe|fd00:ec2::254) is refused by the outbound policy \("(link-local|metadata)" in --outbound-deny\)/,
    );
    expect(opened).toEqual([]);
  });

  it('refuses a metadata host name without looking it up', async () => {
    const resolve = (): Promise<LookupAddress[]> => {
      throw new Error('test guard: the name was looked up');
    };
    const message = await refusal(
      client(DEFAULT_OUTBOUND_POLICY, { resolve }).send(get('http://metadata.google.internal/')),
    );
    expect(message).toContain(
      'metadata.google.internal is refused by the outbound policy ("metadata" in --outbound-deny)',
    );
    expect(opened).toEqual([]);
  });

  it('checks every address a name resolves to', async () => {
    const resolve = () =>
      Promise.resolve([
        { address: '127.0.0.1', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ]);
    const message = await refusal(
      client(DEFAULT_OUTBOUND_POLICY, { resolve }).send(get(`http://app.test:${a.port}/ok`)),
    );
    expect(message).toContain('app.test (169.254.169.254) is refused by the outbound policy');
    expect(opened).toEqual([]);
    expect(a.seen).toEqual([]);
  });

  it('connects to the address it checked: a second, different DNS answer is never used', async () => {
    // A rebinding resolver: loopback the first time, the metadata service afterwards.
    let lookups = 0;
    const resolve = () =>
      Promise.resolve([{ address: lookups++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 }]);
    const response = await client(DEFAULT_OUTBOUND_POLICY, { resolve }).send(
      get(`http://app.test:${a.port}/ok`),
    );
    expect(response.status).toBe(200);
    expect(lookups).toBe(1);
    expect(a.seen).toEqual([{ path: '/ok', host: `app.test:${a.port}`, authorization: undefined }]);
  });

  it('refuses a redirect from an allowed server to a denied address', async () => {
    const message = await refusal(
      client({ allow: ['*'], deny: ['127.0.0.2/32'] }).send(get(`${a.url}/to-b`)),
    );
    expect(message).toContain(
      '127.0.0.2 is refused by the outbound policy ("127.0.0.2/32" in --outbound-deny)',
    );
    expect(a.seen.map((s) => s.path)).toEqual(['/to-b']);
    expect(b.seen).toEqual([]);
  });

  it('refuses a redirect to the metadata service without any traffic there', async () => {
    const message = await refusal(client().send(get(`${a.url}/to-metadata`)));
    expect(message).toContain('169.254.169.254 is refused by the outbound policy');
    expect(opened).toEqual([`${a.url}/to-metadata`]);
  });

  it('follows allowed redirects, keeping credentials to the same origin only', async () => {
    const auth = { headers: { Authorization: 'Bearer t0ken' } };
    const same = await client().send(get(`${a.url}/to-self`, auth));
    expect(same).toMatchObject({ status: 200, url: new URL(`${a.url}/ok`) });
    expect(a.seen.map((s) => s.authorization)).toEqual(['Bearer t0ken', 'Bearer t0ken']);
    const other = await client().send(get(`${a.url}/to-b`, auth));
    expect(other.status).toBe(200);
    expect(b.seen).toEqual([{ path: '/landed', host: b.url.slice(7), authorization: undefined }]);
    const posted = await client().send(get(`${a.url}/see-other`, { method: 'POST', body: 'x' }));
    expect(posted.status).toBe(200);
    await expect(client().send(get(`${a.url}/loop`))).rejects.toThrow('more than 10 redirects');
  });

  it('bounds the body: an error, or a cut on a character boundary', async () => {
    await expect(client().send(get(`${a.url}/big`))).rejects.toThrow(
      'the response body is larger than 1024 bytes',
    );
    const cut = await client().send(
      get(`${a.url}/big`, { maxBodyBytes: 1001, overflow: 'truncate' }),
    );
    expect(cut.truncated).toBe(true);
    expect(cut.body).toBe('é'.repeat(500));
  });

  it('keeps a binary body as bytes', async () => {
    const response = await client().send(get(`${a.url}/bytes`, { binary: true }));
    expect(response.bytes).toEqual(Buffer.from([0, 255, 1, 254]));
    expect(response.body).toBe('');
    expect((await client().send(get(`${a.url}/bytes`))).bytes).toBeUndefined();
  });

  it('refuses an announced oversized body before reading it', async () => {
    // The server never sends the body: only the Content-Length can end the exchange.
    await expect(client().send(get(`${a.url}/announced`, { binary: true }))).rejects.toThrow(
      'the response body is larger than 1024 bytes',
    );
  });

  it('gives up after the timeout', async () => {
    await expect(client().send(get(`${a.url}/slow`, { timeoutMs: 50 }))).rejects.toThrow(
      'no answer within 0.05s',
    );
  });

  describe('through a proxy', () => {
    let proxy: ForwardProxy;
    beforeAll(async () => {
      proxy = await startForwardProxy({ username: 'u', password: 'p w' });
    });
    afterAll(() => proxy.stop());
    beforeEach(() => {
      proxy.seen.length = 0;
    });
    const via = (url = proxy.url.replace('//', '//u:p%20w@')) => ({ proxy: new URL(url) });

    it('sends an absolute-URI request to the proxy, with its credentials', async () => {
      const response = await client().send(get(`${b.url}/proxied`, via()));
      expect(response.status).toBe(200);
      expect(proxy.seen).toEqual([
        {
          method: 'GET',
          target: `${b.url}/proxied`,
          authorization: `Basic ${Buffer.from('u:p w').toString('base64')}`,
        },
      ]);
      expect(b.seen.map((s) => s.path)).toEqual(['/proxied']);
    });

    it("answers the proxy's 407 when its credentials are missing", async () => {
      const response = await client().send(get(`${b.url}/x`, via(proxy.url)));
      expect(response.status).toBe(407);
      expect(b.seen).toEqual([]);
    });

    it('refuses a target the policy denies, without asking the proxy', async () => {
      const message = await refusal(
        client({ allow: ['*'], deny: ['127.0.0.2'] }).send(get(`${b.url}/x`, via())),
      );
      expect(message).toContain('127.0.0.2 is refused by the outbound policy');
      expect(proxy.seen).toEqual([]);
    });

    it('refuses a proxy the policy denies', async () => {
      const message = await refusal(
        client({ allow: ['127.0.0.2'], deny: [] }).send(get(`${b.url}/x`, via())),
      );
      expect(message).toContain('127.0.0.1 is refused by the outbound policy');
      expect(proxy.seen).toEqual([]);
    });

    it('refuses proxies that are not http://', async () => {
      await expect(client().send(get(`${b.url}/x`, via('socks5://127.0.0.1:1')))).rejects.toThrow(
        'proxy socks5:// URLs are not supported; use an http:// proxy',
      );
    });
  });
});
