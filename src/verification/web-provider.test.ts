import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import { localCommandRunner } from './local-command-runner.js';
import { createGuardedHttp } from '../outbound/guarded-http.js';
import { createOutboundPolicy, DEFAULT_OUTBOUND_POLICY } from '../outbound/outbound-policy.js';
import type { MeasureContext } from './metric-provider.js';
import { webProvider, type WebMetric } from './web-provider.js';
import { refusedAddress } from '../../test/refused-address.js';
import { selfSignedCertificate } from '../../test/self-signed.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const listen = async (server: Server | HttpsServer, scheme: string) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as { port: number }).port}`;
};

describe('web provider', () => {
  const received: Received[] = [];
  let server: Server;
  let base: string;
  const context = (signal = new AbortController().signal): MeasureContext => ({
    signal,
    now: () => new Date('2025-01-01T00:00:00Z'),
    sleep: () => Promise.resolve(),
    runCommand: localCommandRunner,
    http: createGuardedHttp(createOutboundPolicy(DEFAULT_OUTBOUND_POLICY)),
  });
  const measure = (config: Omit<WebMetric, 'url'> & { path: string }, signal?: AbortSignal) => {
    const { path, ...rest } = config;
    return webProvider.prepare({ ...rest, url: `${base}${path}` }, 'm')(context(signal));
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url === '/json')
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ data: { ok: true, rate: 0.97 }, items: [{ value: 5 }] }));
        else if (req.url === '/text') res.writeHead(200).end('all good');
        else if (req.url === '/echo') res.writeHead(201).end(body);
        else if (req.url === '/hang')
          return; // never answers
        else res.writeHead(503).end('upstream unavailable');
      });
    });
    base = await listen(server, 'http');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each<[string, Omit<WebMetric, 'url'> & { path: string }, unknown]>([
    [
      'the JSON body without jsonPath',
      { path: '/json' },
      { data: { ok: true, rate: 0.97 }, items: [{ value: 5 }] },
    ],
    ['a field by jsonPath', { path: '/json', jsonPath: '{$.data.ok}' }, true],
    ['an array element by jsonPath', { path: '/json', jsonPath: '{$.items[0].value}' }, 5],
    ['a body that is not JSON as text', { path: '/text' }, 'all good'],
  ])('gives %s as result', async (_, config, expected) => {
    expect(await measure(config)).toEqual({ type: 'result', result: expected });
  });

  it('sends the method, headers and a JSON-encoded jsonBody', async () => {
    received.length = 0;
    const outcome = await measure({
      path: '/echo',
      method: 'POST',
      headers: [{ key: 'Authorization', value: 'Bearer t0ken' }],
      jsonBody: { service: 'api', threshold: 0.95 },
    });
    expect(outcome).toEqual({ type: 'result', result: { service: 'api', threshold: 0.95 } });
    expect(received[0]).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json' },
    });
  });

  it('sends a plain body as written', async () => {
    received.length = 0;
    await measure({ path: '/echo', method: 'PUT', body: 'raw text' });
    expect(received[0]).toMatchObject({ method: 'PUT', body: 'raw text' });
    expect(received[0]?.headers['content-type']).toBeUndefined();
  });

  it.each<[string, Omit<WebMetric, 'url'> & { path: string }, string]>([
    ['a non-2xx status', { path: '/down' }, 'received non-2xx status 503: upstream unavailable'],
    ['a jsonPath on text', { path: '/text', jsonPath: '{$.ok}' }, 'the response is not JSON'],
    [
      'a jsonPath that selects nothing',
      { path: '/json', jsonPath: '{$.data.missing}' },
      '"missing" is not found',
    ],
  ])('reports %s as an Error', async (_, config, message) => {
    const outcome = await measure(config);
    expect(outcome.type).toBe('error');
    expect(outcome.type === 'error' && outcome.message).toContain(message);
  });

  it('reports a refused connection as an Error, without the query string', async () => {
    // A port this process holds without listening: refused on every machine.
    const refused = await refusedAddress();
    const outcome = await webProvider
      .prepare(
        { url: `${refused.url}/x?token=abc` },
        'm',
      )(context())
      .finally(() => refused.close());
    expect(outcome).toMatchObject({
      type: 'error',
      message: expect.stringContaining('ECONNREFUSED') as string,
    });
    expect(JSON.stringify(outcome)).not.toContain('abc');
  });

  it('ends a measurement in flight when the signal aborts', async () => {
    const controller = new AbortController();
    const hanging = received.length;
    const measuring = measure({ path: '/hang' }, controller.signal);
    // Aborted once the request has reached the server, so it is in flight, however slow.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      if (received.slice(hanging).some((r) => r.url === '/hang')) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    const outcome = await measuring;
    expect(outcome).toMatchObject({
      type: 'error',
      message: expect.stringContaining('aborted') as string,
    });
  });

  it.each<[string, WebMetric, string]>([
    [
      'a URL that does not parse',
      { url: 'not a url' },
      'metric "m": web.url "not a url" is not a URL',
    ],
    ['a non-HTTP URL', { url: 'ftp://example.com/x' }, 'web.url must be an http or https URL'],
    [
      'authentication',
      { url: 'http://example.com', authentication: { oauth2: { tokenUrl: 'http://t' } } },
      'web.authentication is not supported by Gantry',
    ],
  ])('refuses %s before measuring', (_, config, message) => {
    let thrown: unknown;
    try {
      webProvider.prepare(config, 'm');
    } catch (err) {
      thrown = err;
    }
    expect(isGantryError(thrown, 'Invalid')).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });
});

// A self-signed certificate made with the openssl CLI: `insecure` must accept it, and only then.
describe('web provider over TLS', () => {
  let server: HttpsServer;
  let base: string;

  beforeAll(async () => {
    server = createHttpsServer(selfSignedCertificate(), (_, res) =>
      res.writeHead(200).end('{"ok":true}'),
    );
    base = await listen(server, 'https');
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const context: MeasureContext = {
    signal: new AbortController().signal,
    now: () => new Date(),
    sleep: () => Promise.resolve(),
    runCommand: localCommandRunner,
    http: createGuardedHttp(createOutboundPolicy(DEFAULT_OUTBOUND_POLICY)),
  };

  it('accepts any certificate with insecure', async () => {
    const outcome = await webProvider.prepare({ url: base, insecure: true }, 'm')(context);
    expect(outcome).toEqual({ type: 'result', result: { ok: true } });
  });

  it('verifies the certificate otherwise', async () => {
    const outcome = await webProvider.prepare({ url: base }, 'm')(context);
    expect(outcome).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/certificate/i) as string,
    });
  });
});
