import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisTemplateSpec, Metric } from '../api/analysis-template.js';
import type { AnalysisRunStatus } from './analysis-run-status.js';
import type { NamedTemplate } from './merge-templates.js';
import { runAnalysis, type AnalysisInput } from './run-analysis.js';
import { localCommandRunner } from './local-command-runner.js';
import { createGuardedHttp } from '../outbound/guarded-http.js';
import { createOutboundPolicy, DEFAULT_OUTBOUND_POLICY } from '../outbound/outbound-policy.js';

const NOW = new Date('2025-01-01T00:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

/**
 * A web endpoint per test path answering a script of responses in order (the last one
 * repeats): `{value: x}` bodies, so metrics read `result` through jsonPath `{$.value}`.
 */
type Reply = number | string | { status: number; body: string };
const scripts = new Map<string, Reply[]>();
const hits: Array<{ path: string; authorization?: string }> = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    hits.push({
      path,
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    });
    const script = scripts.get(path) ?? [];
    const reply = (script.length > 1 ? script.shift() : script[0]) ?? {
      status: 404,
      body: 'no script',
    };
    if (typeof reply === 'object') res.writeHead(reply.status).end(reply.body);
    else
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ value: reply }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  scripts.clear();
  hits.length = 0;
});

const web = (name: string, path: string, extra: Partial<Metric> = {}): Metric => ({
  name,
  provider: { web: { url: `${base}${path}`, jsonPath: '{$.value}' } },
  ...extra,
});
const template = (name: string, spec: Partial<AnalysisTemplateSpec>): NamedTemplate => ({
  name,
  spec: { metrics: [], ...spec },
});

async function run(templates: NamedTemplate[], options: Partial<AnalysisInput> = {}) {
  const delays: number[] = [];
  const updates: AnalysisRunStatus[] = [];
  const status = await runAnalysis({
    templates,
    args: [],
    signal: new AbortController().signal,
    now: () => NOW,
    sleep: (ms) => (delays.push(ms), Promise.resolve()),
    onUpdate: (snapshot) => void updates.push(snapshot),
    // The operator's --allow-local-programs, for the job metrics here (see the test without it).
    runCommand: localCommandRunner,
    http: createGuardedHttp(createOutboundPolicy(DEFAULT_OUTBOUND_POLICY)),
    ...options,
  });
  return { status, delays, updates, metric: status.metricResults[0] };
}

describe('runAnalysis: measurements and conditions', () => {
  it.each<[string, Reply[], Partial<Metric>, string, string | undefined]>([
    [
      'success condition true',
      [0.95],
      { successCondition: 'result > 0.9' },
      'Successful',
      undefined,
    ],
    [
      'failure condition true',
      [0.5],
      { failureCondition: 'result < 0.9' },
      'Failed',
      'metric "m" assessed Failed due to failed (1) > failureLimit (0): failureCondition "result < 0.9" is true',
    ],
    [
      'success condition false without a failure condition',
      [0.5],
      { successCondition: 'result > 0.9' },
      'Failed',
      'metric "m" assessed Failed due to failed (1) > failureLimit (0): successCondition "result > 0.9" is false',
    ],
    [
      'neither condition true',
      [0.92],
      { successCondition: 'result > 0.95', failureCondition: 'result < 0.9' },
      'Inconclusive',
      'metric "m" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0): neither successCondition nor failureCondition is true',
    ],
    ['no conditions and a 2xx', ['anything'], {}, 'Successful', undefined],
  ])('%s → %s', async (_, replies, conditions, phase, message) => {
    scripts.set('/m', replies);
    const { status, metric } = await run([
      template('t', { metrics: [web('m', '/m', conditions)] }),
    ]);
    expect(status).toMatchObject({
      phase,
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
    });
    expect(status.message).toBe(message);
    expect(metric?.measurements).toHaveLength(1);
    expect(metric?.measurements[0]).toMatchObject({
      value: JSON.stringify(replies[0]),
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
    });
  });

  it('retries an erroring provider every 10s until consecutiveErrorLimit is exceeded', async () => {
    scripts.set('/down', [{ status: 500, body: 'database is down' }]);
    const { status, delays, metric } = await run([template('t', { metrics: [web('m', '/down')] })]);
    expect(status.phase).toBe('Error');
    expect(status.message).toBe(
      `metric "m" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): GET ${base}/down: received non-2xx status 500: database is down`,
    );
    expect(delays).toEqual([10_000, 10_000, 10_000, 10_000]);
    expect(metric).toMatchObject({ count: 0, error: 5, consecutiveError: 5 });
    expect(metric?.measurements.every((m) => m.phase === 'Error' && m.value === undefined)).toBe(
      true,
    );
  });
});

describe('runAnalysis: limits, count and timing', () => {
  const every = { count: 3, interval: '1m', successCondition: 'result > 0.9' };

  it.each<[string, Partial<Metric>, Reply[], string, number, Record<string, number>, number[]]>([
    [
      'failures within failureLimit',
      { failureLimit: 1 },
      [0.5, 0.99, 0.99],
      'Successful',
      3,
      { failed: 1, successful: 2 },
      [60_000, 60_000],
    ],
    [
      'failures over failureLimit end early',
      { failureLimit: 1, count: 5 },
      [0.5, 0.5, 0.99],
      'Failed',
      2,
      { failed: 2, count: 2 },
      [60_000],
    ],
    [
      'inconclusive over inconclusiveLimit',
      { inconclusiveLimit: 1, failureCondition: 'result < 0.5', successCondition: 'result > 0.9' },
      [0.7, 0.99, 0.7],
      'Inconclusive',
      3,
      { inconclusive: 2, successful: 1 },
      [60_000, 60_000],
    ],
    [
      'errors in a row over consecutiveErrorLimit',
      { consecutiveErrorLimit: '1' },
      [{ status: 500, body: '' }, 0.99, { status: 500, body: '' }, { status: 500, body: '' }, 0.99],
      'Error',
      4,
      { error: 3, consecutiveError: 2, count: 1 },
      [10_000, 60_000, 10_000],
    ],
    ['count taken as a string', { count: '2' }, [0.99], 'Successful', 2, { count: 2 }, [60_000]],
    [
      'initialDelay before the first measurement',
      { initialDelay: '2m' },
      [0.99],
      'Successful',
      3,
      { count: 3 },
      [120_000, 60_000, 60_000],
    ],
    [
      'consecutiveSuccessLimit ends early, failureLimit disabled',
      { failureLimit: -1, consecutiveSuccessLimit: 2, count: 10, interval: '1s' },
      [0.5, 0.99, 0.5, 0.99, 0.99, 0.5],
      'Successful',
      5,
      { failed: 2, successful: 3, consecutiveSuccess: 2 },
      [1_000, 1_000, 1_000, 1_000],
    ],
    [
      'consecutiveSuccessLimit without count waits for the streak',
      { count: undefined, consecutiveSuccessLimit: 3, interval: '1s' },
      [0.99, 0.99, 0.5, 0.99, 0.99, 0.99],
      'Failed',
      3,
      { failed: 1, successful: 2 },
      [1_000, 1_000],
    ],
    [
      'consecutiveSuccessLimit without count, failures tolerated',
      { count: undefined, failureLimit: 5, consecutiveSuccessLimit: 3, interval: '1s' },
      [0.99, 0.99, 0.5, 0.99, 0.99, 0.99],
      'Successful',
      6,
      { failed: 1, successful: 5, count: 6 },
      [1_000, 1_000, 1_000, 1_000, 1_000],
    ],
  ])('%s', async (_, changes, replies, phase, requests, counters, delays) => {
    scripts.set('/m', replies);
    const result = await run([
      template('t', { metrics: [web('m', '/m', { ...every, ...changes })] }),
    ]);
    expect(result.status.phase).toBe(phase);
    expect(hits).toHaveLength(requests);
    expect(result.metric).toMatchObject(counters);
    expect(result.delays).toEqual(delays);
  });

  it('keeps the last 10 measurements, or measurementRetention', async () => {
    scripts.set('/a', [1]);
    scripts.set('/b', [1]);
    const { status } = await run([
      template('t', {
        metrics: [
          web('a', '/a', { count: 12, interval: '1s' }),
          web('b', '/b', { count: 5, interval: '1s' }),
        ],
        measurementRetention: [{ metricName: 'b', limit: 2 }],
      }),
    ]);
    expect(status.metricResults.map((r) => [r.count, r.measurements.length])).toEqual([
      [12, 10],
      [5, 2],
    ]);
  });

  it('stops the other metrics once one fails, as a terminating Rollouts run', async () => {
    scripts.set('/bad', [0.1]);
    scripts.set('/slow', [0.99]);
    // Waits of a minute only end when the run stops them.
    const sleep = (ms: number, signal: AbortSignal) =>
      ms < 60_000
        ? Promise.resolve()
        : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    const { status } = await run(
      [
        template('t', {
          metrics: [
            web('slow', '/slow', { count: 5, interval: '1m' }),
            web('bad', '/bad', { initialDelay: '1s', successCondition: 'result > 0.9' }),
          ],
        }),
      ],
      { sleep },
    );
    expect(status.phase).toBe('Failed');
    expect(status.metricResults.map((r) => [r.name, r.phase, r.count, r.message])).toEqual([
      ['slow', 'Aborted', 1, 'stopped early: metric "bad" assessed Failed'],
      [
        'bad',
        'Failed',
        1,
        'failed (1) > failureLimit (0): successCondition "result > 0.9" is false',
      ],
    ]);
  });
});

describe('runAnalysis: arguments', () => {
  const spec = (metric: Partial<Metric>): Partial<AnalysisTemplateSpec> => ({
    args: [
      { name: 'path', value: '/default' },
      { name: 'threshold' },
      { name: 'count', value: '2' },
    ],
    metrics: [
      {
        name: 'm',
        count: '{{args.count}}',
        interval: '10s',
        successCondition: 'result > {{ args.threshold }}',
        provider: { web: { url: `${base}{{ args.path }}`, jsonPath: '{$.value}' } },
        ...metric,
      },
    ],
  });

  it('substitutes defaults and Stage values in the provider and the conditions', async () => {
    scripts.set('/default', [0.95]);
    scripts.set('/override', [0.5]);
    const defaults = await run([template('t', spec({}))], {
      args: [{ name: 'threshold', value: '0.9' }],
    });
    expect(defaults.status.phase).toBe('Successful');
    expect(defaults.metric?.count).toBe(2);
    const stage = await run([template('t', spec({}))], {
      args: [
        { name: 'threshold', value: '0.4' },
        { name: 'path', value: '/override' },
        { name: 'count', value: '1' },
        { name: 'undeclared', value: 'ignored' },
      ],
    });
    expect(stage.status.phase).toBe('Successful');
    expect(hits.map((h) => h.path)).toEqual(['/default', '/default', '/override']);
  });

  it.each<[string, Partial<AnalysisTemplateSpec>, AnalysisInput['args'], string]>([
    [
      'an argument without a value',
      spec({}),
      [],
      'argument "threshold" has no value: set it in the Stage\'s verification args or give it a value in template "t"',
    ],
    [
      'a reference to an undeclared argument',
      spec({ failureCondition: 'result < {{args.floor}}' }),
      [{ name: 'threshold', value: '1' }],
      'metric "m": argument "floor" is not declared by the template',
    ],
    [
      'a fieldRef argument',
      {
        ...spec({}),
        args: [{ name: 'threshold', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      },
      [],
      'argument "threshold" (template "t"): valueFrom.fieldRef (metadata.name) is not supported by Gantry',
    ],
    [
      'a count that is not a number',
      spec({}),
      [
        { name: 'threshold', value: '1' },
        { name: 'count', value: 'three' },
      ],
      'metric "m": count "three" is not an integer',
    ],
  ])('ends in Error for %s', async (_, templateSpec, args, message) => {
    const { status } = await run([template('t', templateSpec)], { args });
    expect(status.phase).toBe('Error');
    expect(status.message).toContain(message);
    expect(status.metricResults).toEqual([]);
    expect(hits).toEqual([]);
  });

  describe('from a Secret', () => {
    const secretSpec = (): Partial<AnalysisTemplateSpec> => ({
      args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }],
      // A dry run, so its errors cannot stop the other metrics before they are measured.
      dryRun: [{ metricName: 'leaky' }],
      metrics: [
        {
          name: 'echo',
          successCondition: 'result contains "{{args.token}}"',
          provider: {
            web: {
              url: `${base}/echo/{{args.token}}`,
              headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
              jsonPath: '{$.value}',
            },
          },
        },
        {
          name: 'leaky',
          provider: {
            web: {
              url: `${base}/leaky`,
              headers: [{ key: 'Authorization', value: '{{args.token}}' }],
            },
          },
        },
        {
          name: 'job',
          provider: {
            job: {
              spec: {
                backoffLimit: 0,
                template: {
                  spec: {
                    containers: [
                      {
                        name: 'check',
                        command: ['sh', '-c', 'echo "using $TOKEN" >&2; echo "$TOKEN"'],
                        env: [{ name: 'TOKEN', value: '{{args.token}}' }],
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      ],
    });
    const secretValue = (name: string, key: string) =>
      name === 'creds' && key === 'token' ? 'hunter2' : undefined;

    it('uses the value but shows *** in messages, values and logs', async () => {
      scripts.set('/echo/hunter2', ['token is hunter2']);
      scripts.set('/leaky', [{ status: 401, body: 'bad token hunter2' }]);
      const { status, updates } = await run([template('t', secretSpec())], { secretValue });
      expect(hits.find((h) => h.path === '/echo/hunter2')?.authorization).toBe('Bearer hunter2');
      const [echo, leaky, job] = status.metricResults;
      expect(echo).toMatchObject({
        phase: 'Successful',
        measurements: [{ value: '"token is ***"' }],
      });
      expect(leaky?.measurements[0]?.message).toBe(
        `GET ${base}/leaky: received non-2xx status 401: bad token ***`,
      );
      expect(job?.measurements[0]?.value).toBe('"***"');
      expect(job?.measurements[0]?.logs).toContain('using ***\n');
      expect(status.phase).toBe('Successful');
      expect(JSON.stringify([status, updates])).not.toContain('hunter2');
    });

    it('ends in Error when the Secret has no such key', async () => {
      const { status } = await run([template('t', secretSpec())], { secretValue: () => undefined });
      expect(status).toMatchObject({
        phase: 'Error',
        message:
          'argument "token" (template "t"): secret "creds" has no key "token" in the Stage\'s project',
      });
    });
  });
});

describe('runAnalysis: templates', () => {
  it.each<[string, NamedTemplate[], AnalysisInput['args'], string]>([
    [
      'the same metric in two templates',
      [
        template('first', { metrics: [web('rate', '/x')] }),
        template('second', { metrics: [web('rate', '/y')] }),
      ],
      [],
      'metric "rate" is defined by both template "first" and template "second"',
    ],
    [
      'two defaults for one argument',
      [
        template('first', { args: [{ name: 'svc', value: 'a' }], metrics: [web('a', '/x')] }),
        template('second', { args: [{ name: 'svc', value: 'b' }], metrics: [web('b', '/y')] }),
      ],
      [],
      'argument "svc" has different default values in template "first" and template "second"',
    ],
    [
      'an unsupported provider',
      [template('t', { metrics: [{ name: 'dd', provider: { datadog: { query: 'avg:x' } } }] })],
      [],
      'metric "dd": provider datadog is not supported by Gantry; use web, prometheus or job',
    ],
    [
      'a dryRun rule that matches nothing',
      [template('t', { metrics: [web('a', '/x')], dryRun: [{ metricName: 'typo' }] })],
      [],
      'dryRun[0] of template "t": "typo" matches no metric',
    ],
    [
      'nested templates',
      [template('t', { templates: [{ templateName: 'other' }] })],
      [],
      'template "t" includes other templates (spec.templates)',
    ],
    ['no templates', [], [], 'there are no analysis templates to run'],
  ])('ends in Error for %s', async (_, templates, args, message) => {
    const { status } = await run(templates, { args });
    expect(status.phase).toBe('Error');
    expect(status.message).toContain(message);
  });

  it('merges metrics and arguments; a Stage value settles conflicting defaults', async () => {
    scripts.set('/a', [1]);
    scripts.set('/b', [1]);
    const { status } = await run(
      [
        template('first', {
          args: [{ name: 'svc', value: 'a' }],
          metrics: [web('a', '/{{args.svc}}')],
        }),
        template('second', {
          args: [
            { name: 'svc', value: 'b' },
            { name: 'other', value: 'b' },
          ],
          metrics: [web('b', '/{{args.other}}')],
        }),
      ],
      { args: [{ name: 'svc', value: 'a' }] },
    );
    expect(status.phase).toBe('Successful');
    expect(status.metricResults.map((r) => r.name)).toEqual(['a', 'b']);
  });

  // metricName is an RE2 expression, as Rollouts' Go regexp: `(?i)` works.
  it.each([['fails'], ['.*'], ['*'], ['(?i)^FAIL']])(
    'records dry-run metrics (%s) without letting them decide',
    async (rule) => {
      scripts.set('/ok', [1]);
      scripts.set('/bad', [0]);
      const { status } = await run([
        template('t', {
          metrics: [web('fails', '/bad', { successCondition: 'result > 0' })],
          dryRun: [{ metricName: rule }],
        }),
        template('u', {
          metrics: [
            web('works', '/ok', { successCondition: rule === 'fails' ? 'result > 0' : 'true' }),
          ],
        }),
      ]);
      expect(status.metricResults[0]).toMatchObject({
        name: 'fails',
        phase: 'Failed',
        dryRun: true,
      });
      expect(status.phase).toBe('Successful');
      expect(status.message).toBeUndefined();
    },
  );
});

describe('runAnalysis: abort, progress and resume', () => {
  it.each([
    ['resolves', () => Promise.resolve()],
    ['rejects', () => Promise.reject(new DOMException('aborted', 'AbortError'))],
  ])(
    'ends Aborted when the signal aborts between measurements (the sleep %s)',
    async (_, after) => {
      scripts.set('/m', [1]);
      const controller = new AbortController();
      const { status, metric } = await run(
        [template('t', { metrics: [web('m', '/m', { count: 3, interval: '1m' })] })],
        {
          signal: controller.signal,
          sleep: () => (controller.abort(), after()),
        },
      );
      expect(status).toMatchObject({
        phase: 'Aborted',
        message: 'the analysis was aborted',
        finishedAt: NOW.toISOString(),
      });
      expect(metric).toMatchObject({
        phase: 'Aborted',
        count: 1,
        message: 'the analysis was aborted',
      });
    },
  );

  it('ends Aborted without measuring when the signal is already aborted', async () => {
    const { status } = await run([template('t', { metrics: [web('m', '/m')] })], {
      signal: AbortSignal.abort(),
    });
    expect(status.phase).toBe('Aborted');
    expect(hits).toEqual([]);
  });

  it('cancels a job measurement in flight', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const { status, metric } = await run(
      [
        template('t', {
          metrics: [
            {
              name: 'slow',
              provider: {
                job: {
                  spec: {
                    template: { spec: { containers: [{ name: 'c', command: ['sleep', '120'] }] } },
                  },
                },
              },
            },
          ],
        }),
      ],
      { signal: controller.signal },
    );
    expect(status.phase).toBe('Aborted');
    expect(metric?.measurements).toEqual([]);
    // Far less than the two minutes the job would take, with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('reports progress after every measurement with snapshots', async () => {
    scripts.set('/m', [1]);
    const { status, updates } = await run([
      template('t', { metrics: [web('m', '/m', { count: 2, interval: '5s' })] }),
    ]);
    expect(
      updates.map((u) => [u.phase, u.metricResults[0]?.phase, u.metricResults[0]?.count]),
    ).toEqual([
      ['Running', 'Running', 1],
      ['Running', 'Running', 2],
    ]);
    expect(status.metricResults[0]?.phase).toBe('Successful');
  });

  it('rejects when saving progress fails', async () => {
    scripts.set('/m', [1]);
    await expect(
      run([template('t', { metrics: [web('m', '/m')] })], {
        onUpdate: () => Promise.reject(new Error('store is read-only')),
      }),
    ).rejects.toThrow('store is read-only');
  });

  it('resumes a run: keeps finished measurements and counts, waits only what is left', async () => {
    scripts.set('/m', [1]);
    const previous: AnalysisRunStatus = {
      phase: 'Running',
      startedAt: ago(120_000),
      metricResults: [
        {
          name: 'm',
          phase: 'Running',
          count: 1,
          successful: 1,
          failed: 0,
          inconclusive: 0,
          error: 0,
          consecutiveError: 0,
          measurements: [
            { phase: 'Successful', value: '1', startedAt: ago(21_000), finishedAt: ago(20_000) },
            // In flight when the server stopped: taken again.
            { phase: 'Error', startedAt: ago(1_000) },
          ],
        },
        {
          name: 'gone',
          phase: 'Running',
          count: 0,
          successful: 0,
          failed: 0,
          inconclusive: 0,
          error: 0,
          consecutiveError: 0,
          measurements: [],
        },
      ],
    };
    const { status, delays, metric } = await run(
      [template('t', { metrics: [web('m', '/m', { count: 3, interval: '1m' })] })],
      { previous },
    );
    expect(status).toMatchObject({ phase: 'Successful', startedAt: ago(120_000) });
    expect(delays).toEqual([40_000, 60_000]);
    expect(hits).toHaveLength(2);
    expect(metric).toMatchObject({ count: 3, successful: 3 });
    expect(metric?.measurements.map((m) => m.startedAt)).toEqual([
      ago(21_000),
      NOW.toISOString(),
      NOW.toISOString(),
    ]);
    expect(status.metricResults.map((r) => r.name)).toEqual(['m']);
  });

  it('resumes the initial delay from the run start', async () => {
    scripts.set('/m', [1]);
    const { delays } = await run(
      [template('t', { metrics: [web('m', '/m', { initialDelay: '2m' })] })],
      {
        previous: { phase: 'Running', startedAt: ago(90_000), metricResults: [] },
      },
    );
    expect(delays).toEqual([30_000]);
  });

  it('returns a finished run as it was', async () => {
    const previous: AnalysisRunStatus = {
      phase: 'Failed',
      startedAt: ago(1),
      finishedAt: ago(0),
      metricResults: [],
    };
    const { status } = await run([template('t', { metrics: [web('m', '/m')] })], { previous });
    expect(status).toBe(previous);
    expect(hits).toEqual([]);
  });
});

describe('runAnalysis: bounds', () => {
  it('keeps messages within 1,000 bytes and values within 4 KiB', async () => {
    scripts.set('/big', ['x'.repeat(10_000)]);
    const { status, metric } = await run([
      template('t', {
        metrics: [
          web('big', '/big', { successCondition: 'len(result) > 10' }),
          {
            name: 'noisy',
            provider: {
              job: {
                spec: {
                  backoffLimit: 0,
                  template: {
                    spec: {
                      containers: [
                        {
                          name: 'c',
                          command: ['sh', '-c', 'head -c 5000 /dev/zero | tr "\\0" e >&2; exit 2'],
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
        ],
      }),
    ]);
    expect(Buffer.byteLength(metric?.measurements[0]?.value ?? '')).toBeLessThanOrEqual(4096);
    const noisy = status.metricResults[1];
    expect(noisy?.phase).toBe('Failed');
    for (const text of [status.message, noisy?.message, noisy?.measurements[0]?.message])
      expect(Buffer.byteLength(text ?? '')).toBeLessThanOrEqual(1000);
  });
});

describe('runAnalysis: job metrics when the operator has not allowed local programs', () => {
  it('ends the job metric with an Error measurement naming the flag, and runs nothing', async () => {
    const marker = join(tmpdir(), `gantry-job-ran-${process.pid}-${Date.now()}`);
    scripts.set('/slow', [0.5]);
    const { status } = await run(
      [
        template('t', {
          metrics: [
            web('web', '/slow', { successCondition: 'result > 0' }),
            {
              name: 'local',
              provider: {
                job: {
                  spec: {
                    template: {
                      spec: { containers: [{ name: 'c', command: ['touch', marker] }] },
                    },
                  },
                },
              },
            },
          ],
        }),
      ],
      { runCommand: undefined },
    );
    expect(existsSync(marker)).toBe(false);
    const local = status.metricResults.find((m) => m.name === 'local');
    expect(local?.phase).toBe('Error');
    expect(local?.measurements).toHaveLength(1);
    expect(local?.measurements[0]).toMatchObject({ phase: 'Error' });
    expect(local?.measurements[0]?.message).toContain(
      '--allow-local-programs (GANTRY_ALLOW_LOCAL_PROGRAMS=true)',
    );
    expect(status.phase).toBe('Error');
    expect(status.message).toContain('--allow-local-programs');
  });
});

describe('runAnalysis: the outbound policy', () => {
  it('ends a web or prometheus metric in Error at once when its destination is refused', async () => {
    const opened: string[] = [];
    const http = createGuardedHttp(
      createOutboundPolicy({ allow: ['*'], deny: ['link-local', 'loopback'] }),
      {
        request: (url) => {
          opened.push(url.href);
          throw new Error(`test guard: ${url.href} was opened`);
        },
      },
    );
    const { status } = await run(
      [
        template('t', {
          metrics: [
            { name: 'metadata', provider: { web: { url: 'http://169.254.169.254/latest/' } } },
            { name: 'prom', provider: { prometheus: { address: base, query: 'up' } } },
          ],
          dryRun: [{ metricName: 'prom' }],
        }),
      ],
      { http },
    );
    expect(opened).toEqual([]);
    const [metadata, prom] = status.metricResults;
    expect(metadata).toMatchObject({ phase: 'Error', error: 1, count: 0 });
    expect(metadata?.measurements).toHaveLength(1);
    expect(metadata?.message).toContain(
      'stopped at once: GET http://169.254.169.254/latest/: 169.254.169.254 is refused by the outbound policy ("link-local" in --outbound-deny)',
    );
    expect(prom?.measurements[0]?.message).toContain(
      '127.0.0.1 is refused by the outbound policy ("loopback" in --outbound-deny)',
    );
    expect(status.phase).toBe('Error');
    expect(hits).toEqual([]);
  });
});
