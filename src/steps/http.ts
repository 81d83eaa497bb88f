import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError, transientError } from '../engine/step-error.js';
import { evaluate } from '../expr/evaluator.js';
import { isExprError } from '../expr/expr-error.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import type { Node } from '../expr/ast.js';
import { jsonNumbersAsFloats, MethodHost, typeName } from '../expr/values.js';
import { isOutboundRefusal, type OutboundResponse } from '../outbound/outbound-http.js';
import { parseGoDuration } from '../verification/go-duration.js';
import { parseYamlAsKargo } from './parse-outputs.js';

/** Kargo's duration pattern, unanchored as gojsonschema applies it (`abc10s` passes it). */
export const GO_DURATION_PATTERN = /(?:\d+(ns|us|µs|ms|s|m|h))+/;
/** The most of a response body expressions see (and outputs can keep). */
const MAX_BODY_BYTES = 64 * 1024;
/** Kargo's limit for a bodyFromFile (maxResponseBytes, 2 MiB). */
const MAX_REQUEST_BODY_BYTES = 2 << 20;
/** Kargo's requestTimeoutDefault and httpPollIntervalDefault. */
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_POLL_INTERVAL_MS = 30_000;
/** The longest timer Node keeps (a non-positive Go timeout means none). */
const NO_TIMEOUT_MS = 2_147_483_647;

const nameValue = (what: string) =>
  z.strictObject({
    name: z.string().min(1).describe(`The name of the ${what}`),
    value: z.string().min(1).describe(`The value of the ${what}`),
  });
const goDuration = (description: string) =>
  z
    .string()
    .regex(GO_DURATION_PATTERN, 'Does not match pattern (a Go duration such as 10s or 1m30s)')
    .optional()
    .describe(description);

/** As Kargo's schemas/http-config.json. */
export const httpConfigSchema = z
  .strictObject({
    method: z
      .string()
      .regex(
        /^(DELETE|GET|HEAD|PATCH|POST|PUT)$/,
        'Does not match pattern (DELETE, GET, HEAD, PATCH, POST or PUT)',
      )
      .optional()
      .describe('HTTP method (default GET)'),
    url: z.string().min(1).describe('The URL to call (http or https)'),
    headers: z.array(nameValue('header')).optional().describe('Request headers'),
    queryParams: z
      .array(nameValue('query parameter'))
      .optional()
      .describe('Query parameters added to the URL'),
    body: z.string().optional().describe('Request body (an empty string is no body)'),
    bodyFromFile: z
      .string()
      .min(1)
      .optional()
      .describe('A file of the working directory whose contents are the request body'),
    insecureSkipTLSVerify: z
      .boolean()
      .optional()
      .describe('Accept any TLS certificate of the server (not recommended)'),
    proxy: z
      .string()
      .regex(/^https?:\/\/.*$/, 'Does not match pattern (an http:// or https:// URL)')
      .optional()
      .describe('An http:// proxy to send the request through (the outbound policy must allow it)'),
    timeout: goDuration('Per-request timeout (Go duration, default 10s)'),
    pollInterval: goDuration(
      'How long to wait before calling again while neither success nor failure is met (Go duration, default 30s)',
    ),
    responseContentType: z
      .string()
      .regex(
        /^(application\/json|application\/yaml|text\/plain)$/,
        'Does not match pattern (application/json, application/yaml or text/plain)',
      )
      .optional()
      .describe('Parse the response body as this type rather than by its Content-Type'),
    successExpression: z
      .string()
      .optional()
      .describe('Expression over response: true means success'),
    failureExpression: z
      .string()
      .optional()
      .describe('Expression over response: true means a (terminal) failure'),
    errorExpression: z
      .string()
      .optional()
      .describe('Expression over response giving the message of a failure'),
    outputs: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe('The name of the output'),
          fromExpression: z.string().min(1).describe('Expression over response giving its value'),
        }),
      )
      .optional()
      .describe('Outputs computed from response'),
  })
  .refine((config) => !(config.body && config.bodyFromFile), {
    message: 'body and bodyFromFile are mutually exclusive: set one of them',
    path: ['bodyFromFile'],
  });

type HttpConfig = z.infer<typeof httpConfigSchema>;

/**
 * The `response` expressions see, as Kargo's buildExprEnv: `status`, `headers` (Go's
 * http.Header: canonical names, each a list of values), `body` and `header(name)`.
 */
class HttpResponse extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>>;
  override readonly fields: Readonly<Record<string, unknown>>;
  constructor(status: number, headers: Record<string, string[]>, body: unknown) {
    super();
    this.fields = { status, headers, body };
    this.methods = {
      header: ([name]) => headers[canonicalHeaderName(String(name))]?.[0] ?? '',
    };
  }
  /** Kargo's `response` is a map: a name it lacks reads as nil. */
  override get mapLike(): boolean {
    return true;
  }
  override toString(): string {
    return JSON.stringify(this.fields);
  }
}

/** Go's textproto.CanonicalMIMEHeaderKey for the names Node hands over (lower case tokens). */
function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** Go's url.QueryEscape: everything but letters, digits and `-_.~` escaped, a space as `+`. */
function goQueryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * The URL's query with the parameters added, as Kargo builds it (url.Values: Add, then
 * Encode): every key's values in order, keys sorted, each part query-escaped.
 */
export function goQueryWith(
  search: string,
  params: Array<{ name: string; value: string }>,
): string {
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) =>
    values.set(name, [...(values.get(name) ?? []), value]);
  for (const [name, value] of new URLSearchParams(search)) add(name, value);
  for (const param of params) add(param.name, param.value);
  return [...values.keys()]
    .sort()
    .flatMap((name) =>
      values.get(name)!.map((value) => `${goQueryEscape(name)}=${goQueryEscape(value)}`),
    )
    .join('&');
}

/**
 * Request headers as Kargo adds them (http.Header.Add): names case-insensitive, a repeated
 * name keeping every value (sent as one line, the values joined by `, `, which HTTP reads alike).
 */
export function requestHeaders(
  headers: Array<{ name: string; value: string }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of headers) {
    const key = canonicalHeaderName(name);
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

/** Milliseconds of a Go duration (time.ParseDuration: an optional sign, then number-unit pairs). */
export function goDurationMs(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const ms = parseGoDuration(text.replace(/^[-+]/, ''));
  return ms === undefined ? undefined : sign * ms;
}

/** Kargo's determineResponseParseMode: JSON, YAML or text by media type, JSON for anything else. */
function parseMode(contentType: string): 'json' | 'yaml' | 'text' {
  switch (contentType.toLowerCase()) {
    case 'application/yaml':
    case 'text/yaml':
    case 'application/x-yaml':
      return 'yaml';
    case 'text/plain':
      return 'text';
    default:
      return 'json';
  }
}

/** The media type of a Content-Type header, lower case, as Go's mime.ParseMediaType ("" when malformed). */
function mediaType(header: string | undefined): string {
  if (!header) return '';
  const type = header.split(';')[0]!.trim();
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+\/[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(type)
    ? type.toLowerCase()
    : '';
}

/**
 * The body as Kargo's expressions see it: `{}` when empty; parsed by the configured
 * responseContentType, else by the Content-Type header; anything that is neither YAML nor text
 * is tried as JSON, and left `{}` when it is not JSON unless it claimed to be exactly
 * `application/json` (then an error, as in Kargo). Numbers are Go's float64.
 */
function parseBody(text: string, contentType: string, cut: string | undefined): unknown {
  if (text.length === 0) return {};
  const mode = parseMode(contentType);
  const failed = (kind: string, err: unknown) =>
    transientError(
      `failed to parse ${kind} response: ${(err as Error).message}${cut ? ` (${cut})` : ''}`,
    );
  if (mode === 'text') return text;
  if (mode === 'yaml') {
    // sigs.k8s.io/yaml, as yaml-parse reads a file: the first document, YAML 1.1, timestamps
    // kept as text, through JSON (numbers float64, keys strings).
    try {
      return parseYamlAsKargo(text);
    } catch (err) {
      throw failed('YAML', err);
    }
  }
  try {
    return jsonNumbersAsFloats(JSON.parse(text) as unknown);
  } catch (err) {
    if (contentType !== 'application/json') return {};
    throw failed('JSON', err);
  }
}

/**
 * http: calls a URL and judges the answer with expressions, as Kargo's http step:
 * - `failureExpression` true fails the step for good ("HTTP (404) response met failure
 *   criteria"), with the message `errorExpression` extracts from the response when it gives a
 *   string (an error evaluating it is ignored; one compiling it is terminal);
 * - else `successExpression` true succeeds and computes the outputs;
 * - without either expression, a 2xx succeeds and anything else is tried again;
 * - otherwise the step keeps Running and asks to be called again after `pollInterval` (30s).
 * A syntax error in an expression is terminal; an error evaluating one is transient.
 * In plan mode, only GET and HEAD are sent.
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
  // Kargo registers the http step without one: its registry's default, 1.
  defaultErrorThreshold: 1,
  // RFC 9110 §9.2.2: GET, HEAD, PUT and DELETE may be sent again; POST and PATCH may not.
  unsafeToRepeat(config) {
    const method = config.method ?? 'GET';
    if (typeof method === 'string' && /^(GET|HEAD|PUT|DELETE)$/.test(method)) return undefined;
    return typeof method === 'string' && !method.includes('${{')
      ? `http ${method} is not safe to send twice`
      : 'http with a method chosen by an expression may not be safe to send twice';
  },
  async run(context, config: HttpConfig) {
    const method = config.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw terminalError(
        `url: ${JSON.stringify(config.url)} is not a URL: must be an http(s) URL`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw terminalError(`url: must be an http(s) URL, got ${JSON.stringify(config.url)}`);
    if (config.queryParams?.length) url.search = goQueryWith(url.search, config.queryParams);
    let proxy: URL | undefined;
    if (config.proxy) {
      try {
        proxy = new URL(config.proxy);
      } catch {
        throw terminalError(`error parsing proxy URL ${JSON.stringify(config.proxy)}`);
      }
      if (proxy.protocol !== 'http:')
        throw terminalError(
          `proxy: ${JSON.stringify(config.proxy)}: only http:// proxies are supported (an https target is reached through a CONNECT tunnel)`,
        );
    }
    const timeout = config.timeout ? goDurationMs(config.timeout) : DEFAULT_TIMEOUT_MS;
    if (timeout === undefined)
      throw terminalError(
        `error parsing timeout: ${JSON.stringify(config.timeout)} is not a Go duration`,
      );
    // A syntax error is terminal (Kargo: expr.Compile); an error while evaluating is transient.
    const compile = (what: string, source: string | undefined): Node | undefined => {
      if (!source) return undefined;
      try {
        return parse(source);
      } catch (err) {
        if (isExprError(err))
          throw terminalError(`error compiling ${what} ${JSON.stringify(source)}: ${err.message}`);
        throw err;
      }
    };
    let body: string | Buffer | undefined = config.body || undefined;
    if (config.bodyFromFile) {
      let bytes: Buffer;
      try {
        bytes = context.workDir.readFile(config.bodyFromFile, 'bodyFromFile');
      } catch (err) {
        throw terminalError(
          `error building HTTP request: could not read bodyFromFile ${JSON.stringify(config.bodyFromFile)}: ${(err as Error).message}`,
        );
      }
      if (bytes.length > MAX_REQUEST_BODY_BYTES)
        throw terminalError(
          `error building HTTP request: could not read bodyFromFile ${JSON.stringify(config.bodyFromFile)}: content exceeds limit of ${MAX_REQUEST_BODY_BYTES} bytes`,
        );
      body = bytes;
    }
    if (context.plan && method !== 'GET' && method !== 'HEAD') {
      const summary = `would send ${method} ${url.origin}${url.pathname}`;
      context.log(`plan: ${summary}`);
      return { status: 'Succeeded', message: summary, output: {} };
    }
    const target = `${method} ${url.origin}${url.pathname}`;
    let response: OutboundResponse;
    try {
      // Through the operator's outbound policy: every address and every redirect is checked.
      response = await context.http.send({
        method,
        url,
        headers: requestHeaders(config.headers ?? []),
        body,
        timeoutMs: timeout > 0 ? timeout : NO_TIMEOUT_MS,
        insecure: config.insecureSkipTLSVerify,
        proxy,
        signal: context.signal,
        maxBodyBytes: MAX_BODY_BYTES,
        overflow: 'truncate',
      });
    } catch (err) {
      if (isOutboundRefusal(err)) throw terminalError(`${target}: ${(err as Error).message}`);
      throw transientError(`error sending HTTP request ${target}: ${(err as Error).message}`);
    }
    // The body can reach the Promotion's status through outputs: only its start is kept.
    const cut = response.truncated
      ? `the response body was cut to its first ${MAX_BODY_BYTES / 1024} KiB`
      : undefined;
    if (cut) context.log(cut);
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(response.headers))
      if (value !== undefined)
        headers[canonicalHeaderName(name)] = Array.isArray(value) ? value : [value];
    const contentType = config.responseContentType ?? mediaType(headers['Content-Type']?.[0]);
    const environment = {
      variables: {
        response: new HttpResponse(
          response.status,
          headers,
          parseBody(response.body, contentType, cut),
        ),
      },
      functions: standardFunctions,
    };
    context.log(`${target} answered ${response.status}`);
    const run = (what: string, node: Node): unknown => {
      try {
        return evaluate(node, environment);
      } catch (err) {
        if (isExprError(err)) throw transientError(`error evaluating ${what}: ${err.message}`);
        throw err;
      }
    };
    const judge = (what: string, source: string | undefined): boolean | undefined => {
      const node = compile(what, source);
      if (!node) return undefined;
      const value = run(`${what} ${JSON.stringify(source)}`, node);
      if (typeof value !== 'boolean')
        throw transientError(
          `${what} ${JSON.stringify(source)} did not evaluate to a boolean (got ${typeName(value)})`,
        );
      return value;
    };
    const success = judge('success expression', config.successExpression);
    const failure = judge('failure expression', config.failureExpression);
    if (failure) {
      const errorNode = compile('error expression', config.errorExpression);
      let detail: unknown;
      try {
        detail = errorNode && evaluate(errorNode, environment);
      } catch (err) {
        // Best effort, as in Kargo: the response may not have the shape the expression expects.
        if (!isExprError(err)) throw err;
        context.log(`errorExpression: ${err.message}`);
      }
      const message = `HTTP (${response.status}) response met failure criteria`;
      return {
        status: 'Failed',
        message:
          typeof detail === 'string' && detail ? `${message}: ${JSON.stringify(detail)}` : message,
      };
    }
    const succeeded =
      success ??
      (failure === undefined && response.status >= 200 && response.status <= 299
        ? true
        : undefined);
    if (!succeeded) {
      if (success === undefined && failure === undefined)
        // Kargo answers Failed without an error: tried again, not counted as an error.
        return { status: 'Running', message: `waiting: HTTP ${response.status}` };
      const interval = config.pollInterval
        ? goDurationMs(config.pollInterval)
        : DEFAULT_POLL_INTERVAL_MS;
      if (interval === undefined)
        throw transientError(
          `error parsing pollInterval: ${JSON.stringify(config.pollInterval)} is not a Go duration`,
        );
      return {
        status: 'Running',
        message: `waiting: HTTP ${response.status}`,
        retryAfterMs: Math.max(0, interval),
      };
    }
    const output: Record<string, unknown> = {};
    for (const item of config.outputs ?? []) {
      const node = compile(`output expression ${JSON.stringify(item.name)}`, item.fromExpression)!;
      output[item.name] = run(`output expression ${JSON.stringify(item.name)}`, node);
    }
    return { status: 'Succeeded', output, ...(cut && { message: cut }) };
  },
});
