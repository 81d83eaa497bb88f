/**
 * The provider against a fake Prometheus that models the part of Prometheus' HTTP API v1 it
 * uses: GET /api/v1/query (query, time) and GET /api/v1/query_range (query, start, end, step),
 * answering the `{status: "success", data: {resultType, result}}` envelope with scalar,
 * vector or matrix results, and `{status: "error", errorType, error}` with HTTP 400 for a
 * query that does not parse, as Prometheus does.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import { localCommandRunner } from './local-command-runner.js';
import { createGuardedHttp } from '../outbound/guarded-http.js';
import { createOutboundPolicy, DEFAULT_OUTBOUND_POLICY } from '../outbound/outbound-policy.js';
import type { MeasureContext } from './metric-provider.js';
import { prometheusProvider, type PrometheusMetric } from './prometheus-provider.js';

const NOW = new Date('2025-01-01T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

const ANSWERS: Readonly<Record<string, { status: number; body: unknown }>> = {
  'success_rate{service="api"}': {
    status: 200,
    body: {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { pod: 'a' }, value: [NOW_SECONDS, '0.99'] },
          { metric: { pod: 'b' }, value: [NOW_SECONDS, 'NaN'] },
        ],
      },
    },
  },
  'scalar(up)': {
    status: 200,
    body: { status: 'success', data: { resultType: 'scalar', result: [NOW_SECONDS, '1'] } },
  },
  'label("x")': {
    status: 200,
    body: { status: 'success', data: { resultType: 'string', result: [NOW_SECONDS, 'x'] } },
  },
  'rate(errors[1m])': {
    status: 200,
    body: {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [NOW_SECONDS - 60, '0.5'],
              [NOW_SECONDS, '+Inf'],
            ],
          },
          { metric: {}, values: [[NOW_SECONDS, '2']] },
        ],
      },
    },
  },
  'sum(': {
    status: 400,
    body: {
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
    },
  },
};

describe('prometheus provider', () => {
  const requests: Array<{ path: string; params: URLSearchParams; headers: IncomingHttpHeaders }> =
    [];
  let server: Server;
  let address: string;
  const context: MeasureContext = {
    signal: new AbortController().signal,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    runCommand: localCommandRunner,
    http: createGuardedHttp(createOutboundPolicy(DEFAULT_OUTBOUND_POLICY)),
  };
  const measure = (config: Omit<PrometheusMetric, 'address'>) =>
    prometheusProvider.prepare({ address, ...config }, 'm')(context);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://prometheus');
      requests.push({ path: url.pathname, params: url.searchParams, headers: req.headers });
      if (
        url.pathname === '/prefix/api/v1/query' ||
        url.pathname === '/prefix/api/v1/query_range'
      ) {
        const answer = ANSWERS[url.searchParams.get('query') ?? ''];
        if (answer) {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.body));
          return;
        }
      }
      res.writeHead(502).end('bad gateway');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(server.address() as { port: number }).port}/prefix/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each<[string, string, unknown]>([
    ['a vector as the array of its sample values', 'success_rate{service="api"}', [0.99, NaN]],
    ['a scalar as its number', 'scalar(up)', 1],
  ])('gives %s', async (_, query, expected) => {
    expect(await measure({ query })).toEqual({ type: 'result', result: expected });
  });

  it('asks an instant query at the run clock, with the configured headers', async () => {
    requests.length = 0;
    await measure({ query: 'scalar(up)', headers: [{ key: 'X-Scope-OrgID', value: 'team-a' }] });
    expect(requests[0]?.path).toBe('/prefix/api/v1/query');
    expect(requests[0]?.params.get('time')).toBe(String(NOW_SECONDS));
    expect(requests[0]?.headers['x-scope-orgid']).toBe('team-a');
  });

  it.each<[string, NonNullable<PrometheusMetric['rangeQuery']>, [number, number, string]]>([
    ['the last 5 minutes by default', {}, [NOW_SECONDS - 300, NOW_SECONDS, '60']],
    [
      'now() expressions',
      { start: 'now() - duration("10m")', end: 'now()', step: '30s' },
      [NOW_SECONDS - 600, NOW_SECONDS, '30'],
    ],
    [
      'RFC 3339 times',
      { start: '2025-01-01T11:00:00Z', end: '2025-01-01T11:30:00+00:00', step: '5m' },
      [NOW_SECONDS - 3600, NOW_SECONDS - 1800, '300'],
    ],
  ])('asks a range query over %s, giving one array per series', async (_, rangeQuery, expected) => {
    requests.length = 0;
    const outcome = await measure({ query: 'rate(errors[1m])', rangeQuery });
    expect(outcome).toEqual({ type: 'result', result: [[0.5, Infinity], [2]] });
    const params = requests[0]?.params;
    expect(requests[0]?.path).toBe('/prefix/api/v1/query_range');
    expect([Number(params?.get('start')), Number(params?.get('end')), params?.get('step')]).toEqual(
      expected,
    );
  });

  it.each<[string, string, string]>([
    [
      'a Prometheus error',
      'sum(',
      'bad_data: invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
    ],
    [
      'an answer that is not JSON',
      'unknown_query',
      'answered status 502 with a body that is not JSON: bad gateway',
    ],
    ['a string result', 'label("x")', 'returned a string'],
  ])('reports %s as an Error', async (_, query, message) => {
    const outcome = await measure({ query });
    expect(outcome.type).toBe('error');
    expect(outcome.type === 'error' && outcome.message).toContain(message);
  });

  it.each<[string, PrometheusMetric, string]>([
    ['no address', { query: 'up' }, 'prometheus.address is required'],
    ['no query', { address: 'http://p' }, 'prometheus.query is required'],
    [
      'a bad address',
      { address: 'p:9090:x', query: 'up' },
      'prometheus.address must be an http or https URL',
    ],
    [
      'an unsupported range start',
      { address: 'http://p', query: 'up', rangeQuery: { start: 'yesterday' } },
      'rangeQuery.start "yesterday" is not supported',
    ],
    [
      'authentication',
      { address: 'http://p', query: 'up', authentication: { sigv4: { region: 'eu' } } },
      'prometheus.authentication is not supported by Gantry',
    ],
  ])('refuses %s before measuring', (_, config, message) => {
    let thrown: unknown;
    try {
      prometheusProvider.prepare(config, 'm');
    } catch (err) {
      thrown = err;
    }
    expect(isGantryError(thrown, 'Invalid')).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });
});
