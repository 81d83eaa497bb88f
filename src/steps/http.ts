import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError, transientError } from '../engine/step-error.js';
import { evaluate } from '../expr/evaluator.js';
import { isExprError } from '../expr/expr-error.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import { jsonNumbersAsFloats, MethodHost } from '../expr/values.js';
import { isOutboundRefusal, type OutboundResponse } from '../outbound/outbound-http.js';

const nameValue = z.strictObject({ name: z.string().min(1), value: z.string() });
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
/** The most of a response body expressions see (and outputs can keep). */
const MAX_BODY_BYTES = 64 * 1024;

export const httpConfigSchema = z.strictObject({
  method: z
    .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    .default('GET')
    .describe('HTTP method'),
  url: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .describe('The URL to call'),
  headers: z.array(nameValue).optional().describe('Request headers'),
  queryParams: z.array(nameValue).optional().describe('Query parameters added to the URL'),
  body: z.string().optional().describe('Request body'),
  timeout: z
    .string()
    .regex(DURATION, 'must be a duration such as 10s')
    .default('10s')
    .describe('Per-request timeout'),
  insecureSkipTLSVerify: z
    .boolean()
    .optional()
    .describe('Skip TLS verification (not supported: refused rather than ignored)'),
  successExpression: z.string().optional().describe('Expression over response: true means success'),
  failureExpression: z
    .string()
    .optional()
    .describe('Expression over response: true means a (terminal) failure'),
  errorExpression: z
    .string()
    .optional()
    .describe('Expression over response: true means an error worth retrying'),
  outputs: z
    .array(z.strictObject({ name: z.string().min(1), fromExpression: z.string().min(1) }))
    .optional()
    .describe('Outputs computed from response'),
});

/** The `response` expressions see: status, headers, body (JSON when it parses), header(name). */
class HttpResponse extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>>;
  override readonly fields: Readonly<Record<string, unknown>>;
  constructor(status: number, headers: Record<string, string>, body: unknown) {
    super();
    this.fields = { status, headers, body };
    this.methods = { header: ([name]) => headers[String(name).toLowerCase()] ?? '' };
  }
  /** Kargo's `response` is a map: a name it lacks reads as nil. */
  override get mapLike(): boolean {
    return true;
  }
  override toString(): string {
    return JSON.stringify(this.fields);
  }
}

/**
 * http: calls a URL and judges the answer with expressions. Without success or failure
 * expressions a 2xx succeeds and anything else is tried again (the step keeps Running);
 * `failureExpression` true fails the step for good; `errorExpression` true counts as a
 * transient error. In plan mode, only GET and HEAD are sent.
 *
 * Requests go through the operator's outbound policy (context.http): a destination it refuses
 * — by address, after DNS, or after a redirect — is a terminal error naming the address and
 * the flags. Expressions see at most the first 64 KiB of the body (the log says when it was
 * cut), so outputs cannot carry a huge answer into the Promotion's status.
 */
export const httpStep = defineStep({
  kind: 'http',
  description: 'Call an HTTP endpoint and judge the response',
  configSchema: httpConfigSchema,
  capabilities: ['http'],
  defaultErrorThreshold: 3,
  async run(context, config) {
    if (config.insecureSkipTLSVerify)
      throw terminalError(
        'insecureSkipTLSVerify is not supported: configure a trusted certificate instead',
      );
    const url = new URL(config.url);
    for (const param of config.queryParams ?? []) url.searchParams.append(param.name, param.value);
    if (context.plan && config.method !== 'GET' && config.method !== 'HEAD') {
      const summary = `would send ${config.method} ${url.origin}${url.pathname}`;
      context.log(`plan: ${summary}`);
      return { status: 'Succeeded', message: summary, output: {} };
    }
    const match = DURATION.exec(config.timeout)!;
    const timeoutMs =
      Number(match[1]) * { ms: 1, s: 1_000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
    const target = `${config.method} ${url.origin}${url.pathname}`;
    let response: OutboundResponse;
    try {
      // Through the operator's outbound policy: every address and every redirect is checked.
      response = await context.http.send({
        method: config.method,
        url,
        headers: Object.fromEntries((config.headers ?? []).map((h) => [h.name, h.value])),
        body: config.body,
        timeoutMs,
        signal: context.signal,
        maxBodyBytes: MAX_BODY_BYTES,
        overflow: 'truncate',
      });
    } catch (err) {
      if (isOutboundRefusal(err)) throw terminalError(`${target}: ${(err as Error).message}`);
      throw transientError(`${target} failed: ${(err as Error).message}`);
    }
    // The body can reach the Promotion's status through outputs: only its start is kept.
    const cut = response.truncated
      ? `the response body was cut to its first ${MAX_BODY_BYTES / 1024} KiB`
      : undefined;
    if (cut) context.log(cut);
    const text = response.body;
    let body: unknown = text;
    try {
      // Numbers as Go's json.Unmarshal makes them (float64), as Kargo's expressions see them.
      body = jsonNumbersAsFloats(JSON.parse(text) as unknown);
    } catch {
      // not JSON (or cut): the body stays text
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const environment = {
      variables: { response: new HttpResponse(response.status, headers, body) },
      functions: standardFunctions,
    };
    const judge = (field: string, source: string | undefined): boolean => {
      if (!source) return false;
      try {
        const value = evaluate(parse(source), environment);
        if (typeof value !== 'boolean')
          throw terminalError(`${field}: must be true or false, got ${JSON.stringify(value)}`);
        return value;
      } catch (err) {
        if (isExprError(err)) throw terminalError(`${field}: ${err.message}`);
        throw err;
      }
    };
    context.log(`${target} answered ${response.status}`);
    if (judge('failureExpression', config.failureExpression))
      return { status: 'Failed', message: `failureExpression matched (HTTP ${response.status})` };
    if (judge('errorExpression', config.errorExpression))
      throw transientError(`errorExpression matched (HTTP ${response.status})`);
    const succeeded = config.successExpression
      ? judge('successExpression', config.successExpression)
      : !config.failureExpression && response.status >= 200 && response.status <= 299;
    if (!succeeded) return { status: 'Running', message: `waiting: HTTP ${response.status}` };
    const output: Record<string, unknown> = {};
    for (const [index, item] of (config.outputs ?? []).entries()) {
      try {
        output[item.name] = evaluate(parse(item.fromExpression), environment);
      } catch (err) {
        if (isExprError(err))
          throw terminalError(`outputs[${index}].fromExpression: ${err.message}`);
        throw err;
      }
    }
    return { status: 'Succeeded', output, ...(cut && { message: cut }) };
  },
});
