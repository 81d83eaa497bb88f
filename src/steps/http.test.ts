import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStepHarness, type StepHarness } from '../../test/step-harness.js';
import { StepError } from '../engine/step-error.js';
import { createGuardedHttp } from '../outbound/guarded-http.js';
import { createOutboundPolicy, DEFAULT_OUTBOUND_POLICY } from '../outbound/outbound-policy.js';
import { httpStep } from './http.js';
import { setMetadataStep } from './set-metadata.js';

describe('http and set-metadata steps', () => {
  let server: Server;
  let base: string;
  const received: string[] = [];
  let harness: StepHarness;

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/ok')) {
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-build': '42' })
          .end(JSON.stringify({ status: 'green', version: '1.2.2' }));
      } else if (req.url?.startsWith('/big')) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100 * 1024));
      } else if (req.url?.startsWith('/busy')) {
        res.writeHead(503).end('try later');
      } else {
        res.writeHead(500).end('broken');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    harness = createStepHarness();
    received.length = 0;
  });
  afterEach(() => harness.cleanup());

  const error = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (err) {
      if (err instanceof StepError) return err;
      throw err;
    }
    throw new Error('expected a step error');
  };

  it('succeeds on 2xx and computes outputs from the response', async () => {
    const result = await harness.run(httpStep, {
      url: `${base}/ok`,
      queryParams: [{ name: 'env', value: 'dev' }],
      successExpression: 'response.status == 200 && response.body.status == "green"',
      outputs: [
        { name: 'version', fromExpression: 'response.body.version' },
        { name: 'build', fromExpression: 'response.header("X-Build")' },
      ],
    });
    expect(result).toMatchObject({
      status: 'Succeeded',
      output: { version: '1.2.2', build: '42' },
    });
    expect(received).toEqual(['GET /ok?env=dev']);
  });

  it('keeps waiting while the answer is not a success, and fails or errors on request', async () => {
    expect((await harness.run(httpStep, { url: `${base}/busy` })).status).toBe('Running');
    expect(
      await harness.run(httpStep, {
        url: `${base}/broken`,
        failureExpression: 'response.status >= 500',
      }),
    ).toMatchObject({
      status: 'Failed',
      message: 'HTTP (500) response met failure criteria',
    });
    const transient = await error(
      harness.run(httpStep, { url: `${base}/ok`, successExpression: 'response.nope.x' }),
    );
    expect(transient.terminal).toBe(false);
    expect(transient.message).toBe(
      'error evaluating success expression "response.nope.x": column 15: cannot fetch x from <nil>',
    );
    const bad = await error(harness.run(httpStep, { url: `${base}/ok`, successExpression: '(1' }));
    expect(bad.terminal).toBe(true);
    expect(bad.message).toContain('error compiling success expression "(1"');
    expect((await error(harness.run(httpStep, { url: 'ftp://x' }))).message).toContain(
      'url: must be an http(s) URL',
    );
  });

  it("has Kargo's retry defaults: one error ends it, no time limit while it polls", () => {
    expect(httpStep.defaultErrorThreshold).toBe(1);
    expect(httpStep.defaultTimeoutMs ?? 0).toBe(0);
  });

  it('in plan mode sends nothing but GETs', async () => {
    const plan = createStepHarness({ plan: true });
    const result = await plan.run(httpStep, { url: `${base}/ok`, method: 'POST', body: '{}' });
    expect(result.message).toBe(`would send POST ${base}/ok`);
    expect(received).toEqual([]);
    plan.cleanup();
  });

  describe('under the outbound policy', () => {
    const opened: string[] = [];
    // Real requests to the loopback server only: reaching this guard with any other host
    // means a refused destination got as far as opening a connection.
    const guarded = (config = DEFAULT_OUTBOUND_POLICY) =>
      createGuardedHttp(createOutboundPolicy(config), {
        request: (url, options) => {
          opened.push(url.href);
          if (url.hostname !== '127.0.0.1') throw new Error(`test guard: ${url.href} was opened`);
          return httpRequest(url, options);
        },
      });
    beforeEach(() => (opened.length = 0));

    it('refuses the metadata service for good, without any traffic', async () => {
      const guardedHarness = createStepHarness({ http: guarded() });
      const err = await error(
        guardedHarness.run(httpStep, { url: 'http://169.254.169.254/latest/meta-data/' }),
      );
      guardedHarness.cleanup();
      expect(err.terminal).toBe(true);
      expect(err.message).toBe(
        'GET http://169.254.169.254/latest/meta-data/: 169.254.169.254 is refused by the outbound policy ("link-local" in --outbound-deny); the operator sets it with --outbound-allow and --outbound-deny (GANTRY_OUTBOUND_ALLOW, GANTRY_OUTBOUND_DENY)',
      );
      expect(opened).toEqual([]);
    });

    it('refuses loopback when the operator denies it, sending nothing', async () => {
      const denying = createStepHarness({ http: guarded({ allow: ['*'], deny: ['loopback'] }) });
      const err = await error(denying.run(httpStep, { url: `${base}/ok` }));
      denying.cleanup();
      expect(err.terminal).toBe(true);
      expect(err.message).toContain('127.0.0.1 is refused by the outbound policy ("loopback"');
      expect(received).toEqual([]);
    });

    it('keeps only the first 64 KiB of a body, and says so', async () => {
      const result = await harness.run(httpStep, {
        url: `${base}/big`,
        outputs: [{ name: 'body', fromExpression: 'response.body' }],
      });
      expect((result.output?.body as string).length).toBe(64 * 1024);
      expect(result.message).toBe('the response body was cut to its first 64 KiB');
      expect(harness.logs).toContain('the response body was cut to its first 64 KiB');
    });
  });

  it('set-metadata writes through its port', async () => {
    await harness.run(setMetadataStep, {
      updates: [{ kind: 'Freight', name: 'f1', values: { tested: true } }],
    });
    expect(harness.metadataWrites).toEqual([
      { kind: 'Freight', name: 'f1', values: { tested: true } },
    ]);
  });
});
