import { z } from 'zod';
import type { Metric } from '../api/analysis-template.js';
import { inputError } from '../errors.js';
import { parseFloatText } from './analysis-functions.js';
import { parseGoDuration } from './go-duration.js';
import { isOutboundRefusal } from '../outbound/outbound-http.js';
import type { MetricProvider } from './metric-provider.js';

export type PrometheusMetric = NonNullable<Metric['provider']['prometheus']>;

const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_RANGE_MS = 5 * 60_000;
const DEFAULT_STEP_MS = 60_000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** `now()` or `now() - duration("5m")`, the forms Rollouts' rangeQuery examples use. */
const NOW_MINUS = /^now\(\)\s*(?:-\s*duration\(\s*"([^"]+)"\s*\))?$/;

/** Prometheus' HTTP API v1 envelope and the three value types a query can return. */
const sampleSchema = z.tuple([z.number(), z.string()]);
const responseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
      z.object({ resultType: z.literal('string'), result: sampleSchema }),
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ value: sampleSchema })),
      }),
      z.object({
        resultType: z.literal('matrix'),
        result: z.array(z.object({ values: z.array(sampleSchema) })),
      }),
    ]),
  }),
  z.object({
    status: z.literal('error'),
    errorType: z.string().optional(),
    error: z.string().optional(),
  }),
]);

type TimeOf = (now: Date) => Date;

/**
 * Rollouts' prometheus provider: an instant query (`GET <address>/api/v1/query`, at the
 * run's clock) or, with `rangeQuery`, a range query (`/api/v1/query_range`). The `result`
 * conditions see is what Rollouts gives them:
 * - a scalar → its number; a vector → an array of the sample values (`result[0] >= 0.95`);
 * - a matrix (range query) → one array of sample values per series;
 * - `NaN` and `±Inf` samples become the numbers (test them with isNaN / isInf).
 * A Prometheus error (`status: error`), a non-2xx answer or a timeout (`timeout` seconds,
 * 30 by default) is an Error measurement; an address the operator's outbound policy refuses
 * ends the metric in Error at once. rangeQuery `start`/`end` take an RFC 3339 time,
 * `now()` or `now() - duration("5m")`; by default the range is the last 5 minutes, with a
 * step of 1m. `authentication` (sigv4, oauth2) is not supported: use `headers`.
 */
export const prometheusProvider: MetricProvider<PrometheusMetric> = {
  name: 'prometheus',
  prepare(config, metric) {
    const field = (name: string) => `metric "${metric}": prometheus.${name}`;
    if (config.authentication)
      throw inputError(
        `${field('authentication')} is not supported by Gantry; send credentials in prometheus.headers`,
      );
    if (!config.address) throw inputError(`${field('address')} is required`);
    let base: URL;
    try {
      base = new URL(config.address);
    } catch {
      throw inputError(`${field('address')} ${JSON.stringify(config.address)} is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw inputError(`${field('address')} must be an http or https URL`);
    const query = config.query;
    if (!query?.trim()) throw inputError(`${field('query')} is required`);
    const range = config.rangeQuery && {
      start: timeOf(config.rangeQuery.start, field('rangeQuery.start'), DEFAULT_RANGE_MS),
      end: timeOf(config.rangeQuery.end, field('rangeQuery.end'), 0),
      stepMs: config.rangeQuery.step
        ? (parseGoDuration(config.rangeQuery.step) ?? DEFAULT_STEP_MS)
        : DEFAULT_STEP_MS,
    };
    const headers = Object.fromEntries((config.headers ?? []).map((h) => [h.key, h.value]));
    const timeoutSeconds =
      config.timeout !== undefined && config.timeout > 0 ? config.timeout : DEFAULT_TIMEOUT_SECONDS;
    const path = base.pathname.replace(/\/+$/, '');

    return async (context) => {
      const now = context.now();
      const url = new URL(base);
      url.pathname = `${path}/api/v1/${range ? 'query_range' : 'query'}`;
      url.searchParams.set('query', query);
      if (range) {
        url.searchParams.set('start', seconds(range.start(now)));
        url.searchParams.set('end', seconds(range.end(now)));
        url.searchParams.set('step', String(range.stepMs / 1000));
      } else {
        url.searchParams.set('time', seconds(now));
      }
      const target = `prometheus at ${base.origin}${path}`;
      let response;
      try {
        response = await context.http.send({
          method: 'GET',
          url,
          headers: { accept: 'application/json', ...headers },
          timeoutMs: timeoutSeconds * 1000,
          insecure: config.insecure ?? false,
          signal: context.signal,
          maxBodyBytes: MAX_BODY_BYTES,
          overflow: 'error',
        });
      } catch (err) {
        return {
          type: 'error',
          message: `${target}: ${(err as Error).message}`,
          terminal: isOutboundRefusal(err),
        };
      }
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch {
        return {
          type: 'error',
          message: `${target} answered status ${response.status} with a body that is not JSON: ${response.body.trim().slice(0, 200)}`,
        };
      }
      const parsed = responseSchema.safeParse(body);
      if (!parsed.success)
        return {
          type: 'error',
          message: `${target} answered status ${response.status} with an unexpected body: ${parsed.error.issues[0]?.message ?? ''}`,
        };
      const answer = parsed.data;
      if (answer.status === 'error')
        return {
          type: 'error',
          message: `${target}: ${answer.errorType ? `${answer.errorType}: ` : ''}${answer.error ?? 'unknown error'}`,
        };
      if (response.status < 200 || response.status > 299)
        return { type: 'error', message: `${target} answered status ${response.status}` };
      const data = answer.data;
      switch (data.resultType) {
        case 'scalar':
          return { type: 'result', result: sample(data.result) };
        case 'vector':
          return { type: 'result', result: data.result.map((s) => sample(s.value)) };
        case 'matrix':
          return { type: 'result', result: data.result.map((s) => s.values.map(sample)) };
        case 'string':
          return {
            type: 'error',
            message: `${target} returned a string; the query must return a scalar, a vector or a matrix`,
          };
      }
    };
  },
};

function sample([, value]: [number, string]): number {
  return parseFloatText(value) ?? NaN;
}

function seconds(date: Date): string {
  return String(date.getTime() / 1000);
}

function timeOf(text: string | undefined, field: string, defaultAgoMs: number): TimeOf {
  if (text === undefined || text.trim() === '')
    return (now) => new Date(now.getTime() - defaultAgoMs);
  const trimmed = text.trim();
  if (RFC3339.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) {
    const fixed = new Date(trimmed);
    return () => fixed;
  }
  const match = NOW_MINUS.exec(trimmed);
  const ago = match ? (match[1] === undefined ? 0 : parseGoDuration(match[1])) : undefined;
  if (ago === undefined)
    throw inputError(
      `${field} ${JSON.stringify(text)} is not supported: use an RFC 3339 time, now() or now() - duration("5m")`,
    );
  return (now) => new Date(now.getTime() - ago);
}
