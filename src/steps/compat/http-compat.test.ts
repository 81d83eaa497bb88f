import { mkdirSync, writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwardProxy, type ForwardProxy } from '../../../test/forward-proxy.js';
import { selfSignedCertificate } from '../../../test/self-signed.js';
import { createStepHarness } from '../../../test/step-harness.js';
import { parseStepConfig } from '../../engine/step-config.js';
import { isStepError } from '../../engine/step-error.js';
import { toPlainValue } from '../../expr/values.js';
import { httpStep } from '../http.js';
import { httpCompatCases, PROXY, SERVER, TLS_SERVER, type HttpCompatCase } from './http.cases.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The placeholders replaced by the servers' URLs, everywhere in the config. */
function withServer(value: unknown, urls: Record<string, string>): unknown {
  if (typeof value === 'string') {
    // Longest first: $TLS_SERVER must not be read as $SERVER.
    for (const name of [TLS_SERVER, PROXY, SERVER])
      if (value.startsWith(name)) return urls[name]! + value.slice(name.length);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => withServer(item, urls));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withServer(v, urls)]));
  return value;
}

describe('http as Kargo (http_requester_test.go, poll_interval_test.go)', () => {
  let server: Server;
  let base: string;
  // One path per case: the server answers what the case says and records what it received.
  const received = new Map<number, Received>();

  let tlsServer: HttpsServer;
  let tlsBase: string;
  let proxy: ForwardProxy;

  beforeAll(async () => {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const index = Number(/^\/case\/(\d+)/.exec(req.url ?? '')?.[1]);
        const testCase = httpCompatCases[index];
        received.set(index, {
          method: req.method ?? '',
          url: (req.url ?? '').replace(/^\/case\/\d+\/?/, '/'),
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        const answer = testCase?.response ?? {};
        res.writeHead(answer.status ?? 200, answer.headers ?? {}).end(answer.body ?? '');
      });
    };
    server = createServer(handler);
    tlsServer = createHttpsServer(selfSignedCertificate(), handler);
    await Promise.all(
      [server, tlsServer].map(
        (s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve)),
      ),
    );
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    tlsBase = `https://127.0.0.1:${(tlsServer.address() as { port: number }).port}`;
    proxy = await startForwardProxy({
      injectHeader: ['x-test-httprequester-proxy-injected', 'true'],
    });
  });
  afterAll(async () => {
    await proxy.stop();
    for (const s of [server, tlsServer]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  const check = async (testCase: HttpCompatCase, index: number) => {
    const harness = createStepHarness({ outbound: { allow: ['*'], deny: [] } });
    try {
      const config = withServer(testCase.config, {
        [SERVER]: `${base}/case/${index}`,
        [TLS_SERVER]: `${tlsBase}/case/${index}`,
        [PROXY]: proxy.url,
      });
      const want = testCase.expect;
      if (want.configError !== undefined) {
        expect(() => parseStepConfig(httpStep, config)).toThrow(want.configError);
        return;
      }
      for (const [path, content] of Object.entries(testCase.files ?? {})) {
        mkdirSync(dirname(join(harness.workDir.root, path)), { recursive: true });
        writeFileSync(join(harness.workDir.root, path), content);
      }
      for (const [path, content] of Object.entries(testCase.outsideFiles ?? {}))
        writeFileSync(join(harness.workDir.root, '..', path), content);
      let outcome: Awaited<ReturnType<typeof harness.run>> | undefined;
      let error: unknown;
      try {
        outcome = await harness.run(httpStep, config);
      } catch (err) {
        error = err;
      }
      if (want.error !== undefined) {
        expect(isStepError(error), String(error)).toBe(true);
        expect((error as Error).message).toContain(want.error);
        if (want.terminal !== undefined)
          expect((error as { terminal: boolean }).terminal).toBe(want.terminal);
        return;
      }
      expect(error).toBeUndefined();
      if (want.status) expect(outcome?.status).toBe(want.status);
      if (want.output) expect(toPlainValue(outcome?.output)).toEqual(want.output);
      if (want.message !== undefined) expect(outcome?.message).toContain(want.message);
      if (want.messageNot !== undefined) expect(outcome?.message).not.toContain(want.messageNot);
      if (want.retryAfterMs !== undefined) expect(outcome?.retryAfterMs).toBe(want.retryAfterMs);
      if (want.request) {
        const got = received.get(index);
        expect(got).toBeDefined();
        if (want.request.method) expect(got?.method).toBe(want.request.method);
        if (want.request.url) expect(got?.url).toBe(want.request.url);
        for (const [name, value] of Object.entries(want.request.headers ?? {}))
          expect(got?.headers[name]).toBe(value);
        if (want.request.body) expect(new Uint8Array(got!.body)).toEqual(want.request.body);
      }
    } finally {
      harness.cleanup();
    }
  };

  httpCompatCases.forEach((testCase, index) => {
    const name = testCase.differs ? `${testCase.upstream} (differs)` : testCase.upstream;
    if (testCase.skip)
      it(`${name} — not run here: ${testCase.skip}`, () =>
        expect(testCase.skip!.length).toBeGreaterThan(10));
    else it(name, () => check(testCase, index));
  });
});
