/**
 * Kargo's http step tests (pkg/promotion/runner/builtin/http_requester_test.go and
 * poll_interval_test.go) as data, run through Gantry's real step against a local server by
 * http-compat.test.ts. `SERVER` in a config stands for that server's URL for the case.
 */

/** Replaced by the local server's URL for the case. */
export const SERVER = '$SERVER';
/** The same server over TLS, with a self-signed certificate no client trusts. */
export const TLS_SERVER = '$TLS_SERVER';
/** A forward proxy on loopback that adds `x-test-httprequester-proxy-injected: true`. */
export const PROXY = '$PROXY';

export interface HttpCompatResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpCompatCase {
  upstream: string;
  config: Record<string, unknown>;
  /** What the local server answers (default: 200, no headers, no body). */
  response?: HttpCompatResponse;
  /** Files of the working directory before the step (contents as bytes). */
  files?: Record<string, Uint8Array | string>;
  /** Files in the directory above the working directory. */
  outsideFiles?: Record<string, string>;
  expect: {
    /** The config is refused before anything runs, with this substring. */
    configError?: string;
    status?: 'Succeeded' | 'Failed' | 'Running';
    output?: Record<string, unknown>;
    /** The step's message contains (or, for messageNot, does not contain) this. */
    message?: string;
    messageNot?: string;
    /** The step throws, the message containing this. */
    error?: string;
    terminal?: boolean;
    retryAfterMs?: number;
    /** What the server received. */
    request?: {
      method?: string;
      url?: string;
      headers?: Record<string, string>;
      body?: Uint8Array;
    };
  };
  skip?: string;
  differs?: string;
}

const C = 'http_requester_test.go Test_httpRequester_convert';
const R = 'http_requester_test.go Test_httpRequester_run';
const B = 'http_requester_test.go Test_httpRequester_buildRequest';
const G = 'http_requester_test.go Test_httpRequester_getClient';
const E = 'http_requester_test.go Test_httpRequester_buildExprEnv';
const S = 'http_requester_test.go Test_httpRequester_evaluateSuccessCriteria';
const F = 'http_requester_test.go Test_httpRequester_evaluateFailureCriteria';
const O = 'http_requester_test.go Test_httpRequester_buildOutputs';
const M = 'http_requester_test.go Test_httpRequester_determineResponseParseMode';
const P = 'http_requester_test.go Test_httpRequester_proxy';
const I = 'poll_interval_test.go Test_resolvePollInterval';

const invalid = (name: string, config: Record<string, unknown>, configError: string) => ({
  upstream: `${C} ${name}`,
  config,
  expect: { configError },
});

const convertCases: HttpCompatCase[] = [
  invalid('url not specified', {}, 'url: required'),
  invalid('url is empty string', { url: '' }, 'url: must not be empty'),
  invalid('invalid method', { method: 'invalid' }, 'method: Does not match pattern'),
  invalid('header name not specified', { headers: [{}] }, 'headers[0].name: required'),
  invalid(
    'header name is empty string',
    { headers: [{ name: '' }] },
    'headers[0].name: must not be empty',
  ),
  invalid('header value not specified', { headers: [{}] }, 'headers[0].value: required'),
  invalid(
    'header value is empty string',
    { headers: [{ value: '' }] },
    'headers[0].value: must not be empty',
  ),
  invalid('query param name not specified', { queryParams: [{}] }, 'queryParams[0].name: required'),
  invalid(
    'query param name is empty string',
    { queryParams: [{ name: '' }] },
    'queryParams[0].name: must not be empty',
  ),
  invalid(
    'query param value not specified',
    { queryParams: [{}] },
    'queryParams[0].value: required',
  ),
  invalid(
    'query param value is empty string',
    { queryParams: [{ value: '' }] },
    'queryParams[0].value: must not be empty',
  ),
  invalid('invalid timeout', { timeout: 'invalid' }, 'timeout: Does not match pattern'),
  invalid(
    'invalid pollInterval',
    { pollInterval: 'invalid' },
    'pollInterval: Does not match pattern',
  ),
  invalid(
    'invalid response content type',
    { responseContentType: 'invalid' },
    'responseContentType: Does not match pattern',
  ),
  invalid('output name not specified', { outputs: [{}] }, 'outputs[0].name: required'),
  invalid(
    'output name is empty string',
    { outputs: [{ name: '' }] },
    'outputs[0].name: must not be empty',
  ),
  invalid(
    'output fromExpression not specified',
    { outputs: [{}] },
    'outputs[0].fromExpression: required',
  ),
  invalid(
    'output fromExpression is empty string',
    { outputs: [{ fromExpression: '' }] },
    'outputs[0].fromExpression: must not be empty',
  ),
  invalid(
    'proxy url has no scheme',
    { proxy: 'proxy.example.com:3000' },
    'proxy: Does not match pattern',
  ),
  invalid(
    'body and bodyFromFile are mutually exclusive',
    { url: 'https://example.com', body: '{}', bodyFromFile: 'payload.json' },
    'body and bodyFromFile are mutually exclusive',
  ),
  {
    upstream: `${C} valid kitchen sink`,
    config: {
      method: 'GET',
      url: SERVER,
      headers: [{ name: 'Accept', value: 'application/json' }],
      queryParams: [{ name: 'foo', value: 'bar' }],
      insecureSkipTLSVerify: true,
      timeout: '30s',
      pollInterval: '20s',
      successExpression: 'response.status == 200',
      failureExpression: 'response.status == 404',
      errorExpression: 'response.body?.error ?? response.body?.errorMessage',
      outputs: [
        { name: 'fact1', fromExpression: 'response.body.facts[0]' },
        { name: 'fact2', fromExpression: 'response.body.facts[1]' },
      ],
    },
    response: { headers: { 'content-type': 'application/json' }, body: '{"facts":["a","b"]}' },
    expect: {
      status: 'Succeeded',
      output: { fact1: 'a', fact2: 'b' },
      request: { method: 'GET', url: '/?foo=bar', headers: { accept: 'application/json' } },
    },
    // The upstream case also sets `proxy` (an address nothing listens on, for a config check
    // only): the proxy cases below send through a real one.
  },
  // Beyond the upstream table: what Kargo's schema accepts and Gantry must too.
  {
    upstream: `${C} (schema) empty body with bodyFromFile is one body`,
    config: { url: SERVER, method: 'POST', body: '', bodyFromFile: 'payload.json' },
    files: { 'payload.json': '{"a":1}' },
    expect: {
      status: 'Succeeded',
      request: { method: 'POST', body: new TextEncoder().encode('{"a":1}') },
    },
  },
  invalid(
    '(schema) bodyFromFile empty string',
    { url: 'https://example.com', bodyFromFile: '' },
    'bodyFromFile: must not be empty',
  ),
  invalid(
    '(schema) OPTIONS is not a method Kargo sends',
    { url: 'https://example.com', method: 'OPTIONS' },
    'method: Does not match pattern',
  ),
  invalid('(schema) unknown field', { url: 'https://example.com', retries: 3 }, 'retries'),
  {
    upstream: `${C} (schema) an http URL and every Go duration unit`,
    config: { url: SERVER, timeout: '1h2m3s4ms5us6µs7ns', pollInterval: '1.5s' },
    expect: { status: 'Succeeded' },
  },
];

const run = (
  name: string,
  config: Record<string, unknown>,
  response: HttpCompatResponse,
  expect: HttpCompatCase['expect'],
): HttpCompatCase => ({
  upstream: `${R} ${name}`,
  config: { url: SERVER, ...config },
  response,
  expect,
});
const json = { 'content-type': 'application/json' };

const runCases: HttpCompatCase[] = [
  run(
    'success and not failed; no body',
    {
      successExpression: 'true',
      outputs: [
        { name: 'status', fromExpression: 'response.status' },
        { name: 'theMeaningOfLife', fromExpression: 'response.body.theMeaningOfLife' },
      ],
    },
    {},
    { status: 'Succeeded', output: { status: 200, theMeaningOfLife: null } },
  ),
  run(
    'unknown content-type with invalid JSON leaves body empty',
    { successExpression: 'true', outputs: [{ name: 'status', fromExpression: 'response.status' }] },
    { headers: { 'content-type': 'text/html' }, body: '<html>hello</html>' },
    { status: 'Succeeded', output: { status: 200 } },
  ),
  run(
    'success and not failed with json body',
    {
      successExpression: 'true',
      outputs: [
        { name: 'status', fromExpression: 'response.status' },
        { name: 'theMeaningOfLife', fromExpression: 'response.body.theMeaningOfLife' },
      ],
    },
    { headers: json, body: '{"theMeaningOfLife": 42}' },
    { status: 'Succeeded', output: { status: 200, theMeaningOfLife: 42 } },
  ),
  run(
    'success and not failed with json body and response is array',
    {
      successExpression: 'true',
      outputs: [{ name: 'theMeaningOfLife', fromExpression: 'response.body[0].theMeaningOfLife' }],
    },
    { headers: json, body: '[{"theMeaningOfLife": 42}]' },
    { status: 'Succeeded', output: { theMeaningOfLife: 42 } },
  ),
  run(
    'failed and not success',
    { failureExpression: 'response.status == 404' },
    { status: 404 },
    { status: 'Failed', message: 'HTTP (404) response met failure criteria' },
  ),
  run(
    'failed with errorExpression',
    { failureExpression: 'response.status == 404', errorExpression: 'response.body.error' },
    { status: 404, headers: json, body: '{"error": "resource not found"}' },
    { status: 'Failed', message: 'HTTP (404) response met failure criteria: "resource not found"' },
  ),
  run(
    'failed with errorExpression null coalescing',
    {
      failureExpression: 'response.status == 404',
      errorExpression: 'response.body?.error ?? response.body?.errorMessage',
    },
    { status: 404, headers: json, body: '{"errorMessage": "something went wrong"}' },
    {
      status: 'Failed',
      message: 'HTTP (404) response met failure criteria: "something went wrong"',
    },
  ),
  run(
    'failed with errorExpression evaluating to nil',
    {
      failureExpression: 'response.status == 404',
      errorExpression: 'response.body?.error ?? response.body?.errorMessage',
    },
    { status: 404, headers: json, body: '{}' },
    {
      status: 'Failed',
      message: 'HTTP (404) response met failure criteria',
      messageNot: 'criteria:',
    },
  ),
  run(
    'failed with errorExpression compile error',
    { failureExpression: 'true', errorExpression: '(1 + 2' },
    {},
    { error: 'error compiling error expression "(1 + 2"', terminal: true },
  ),
  run(
    'failed with errorExpression non-string result',
    { failureExpression: 'response.status == 404', errorExpression: 'response.body.error' },
    { status: 404, headers: json, body: '{"error": 42}' },
    {
      status: 'Failed',
      message: 'HTTP (404) response met failure criteria',
      messageNot: 'criteria:',
    },
  ),
  run(
    'failed with errorExpression eval error',
    { failureExpression: 'true', errorExpression: 'invalid()' },
    {},
    {
      status: 'Failed',
      message: 'HTTP (200) response met failure criteria',
      messageNot: 'criteria:',
    },
  ),
  run(
    'success AND failed',
    { successExpression: 'response.status == 200', failureExpression: 'response.status == 200' },
    {},
    { status: 'Failed', message: 'HTTP (200) response met failure criteria' },
  ),
  run(
    'neither success nor failed',
    { successExpression: 'response.status == 200', failureExpression: 'response.status == 404' },
    { status: 502 },
    { status: 'Running', retryAfterMs: 30_000 },
  ),
  run(
    'neither success nor failed with explicit pollInterval',
    {
      successExpression: 'response.status == 200',
      failureExpression: 'response.status == 404',
      pollInterval: '15s',
    },
    { status: 502 },
    { status: 'Running', retryAfterMs: 15_000 },
  ),
  run('undefined criteria with 2xx response', {}, { status: 200 }, { status: 'Succeeded' }),
  // Kargo answers Failed without an error, which its engine retries like Running.
  run('undefined criteria with non-2xx response', {}, { status: 404 }, { status: 'Running' }),
  run(
    'text/plain response with numeric content',
    {
      successExpression: 'response.body == "1"',
      outputs: [{ name: 'numeric_response', fromExpression: 'response.body' }],
    },
    { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '1' },
    { status: 'Succeeded', output: { numeric_response: '1' } },
  ),
  run(
    'text/plain response with word content',
    {
      successExpression: 'response.body == "one"',
      outputs: [{ name: 'word_response', fromExpression: 'response.body' }],
    },
    { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'one' },
    { status: 'Succeeded', output: { word_response: 'one' } },
  ),
  run(
    'YAML response with application/yaml content-type',
    {
      successExpression: 'response.body.status == "ok"',
      outputs: [
        { name: 'yaml_status', fromExpression: 'response.body.status' },
        { name: 'yaml_count', fromExpression: 'response.body.count' },
      ],
    },
    { headers: { 'content-type': 'application/yaml' }, body: 'status: ok\ncount: 42\n' },
    { status: 'Succeeded', output: { yaml_status: 'ok', yaml_count: 42 } },
  ),
  run(
    'responseContentType config override forces YAML parsing',
    {
      responseContentType: 'application/yaml',
      successExpression: 'response.body.key == "value"',
      outputs: [{ name: 'yaml_key', fromExpression: 'response.body.key' }],
    },
    { headers: { 'content-type': 'text/plain' }, body: 'key: value\n' },
    { status: 'Succeeded', output: { yaml_key: 'value' } },
  ),
  run(
    'responseContentType config override forces text/plain parsing',
    {
      responseContentType: 'text/plain',
      successExpression: 'response.body == "{\\"foo\\": \\"bar\\"}"',
      outputs: [{ name: 'raw_body', fromExpression: 'response.body' }],
    },
    { headers: json, body: '{"foo": "bar"}' },
    { status: 'Succeeded', output: { raw_body: '{"foo": "bar"}' } },
  ),
  run(
    'ignored errorExpression',
    {
      successExpression: 'response.status == 200',
      failureExpression: 'response.status == 404',
      errorExpression: 'response.body.error',
    },
    { status: 502, headers: json, body: '{"error": "should not appear"}' },
    { status: 'Running' },
  ),
];

const buildRequestCases: HttpCompatCase[] = [
  {
    upstream: `${B} request options`,
    config: {
      method: 'GET',
      url: SERVER,
      headers: [{ name: 'Content-Type', value: 'application/json' }],
      queryParams: [{ name: 'param', value: 'some value' }],
    },
    expect: {
      status: 'Succeeded',
      request: {
        method: 'GET',
        url: '/?param=some+value',
        headers: { 'content-type': 'application/json' },
      },
    },
  },
  {
    upstream: `${B} (url.Values.Encode) the query sorted by key, escaped as Go`,
    config: {
      url: `${SERVER}?b=1&a=x`,
      queryParams: [
        { name: 'a', value: "it's (*)~" },
        { name: 'c', value: 'é&=' },
      ],
    },
    expect: {
      status: 'Succeeded',
      request: { url: '/?a=x&a=it%27s+%28%2A%29~&b=1&c=%C3%A9%26%3D' },
    },
  },
  {
    upstream: `${B} (http.Header.Add) a repeated header keeps every value`,
    config: {
      url: SERVER,
      headers: [
        { name: 'X-Token', value: 'a' },
        { name: 'x-token', value: 'b' },
      ],
    },
    expect: { status: 'Succeeded', request: { headers: { 'x-token': 'a, b' } } },
  },
  {
    upstream: `${B} body from file`,
    config: { method: 'POST', url: SERVER, bodyFromFile: 'payload.json' },
    files: { 'payload.json': new Uint8Array([0x00, 0xff, 0x01, 0x7f]) },
    expect: {
      status: 'Succeeded',
      request: { method: 'POST', body: new Uint8Array([0x00, 0xff, 0x01, 0x7f]) },
    },
  },
  {
    upstream: `${B} body from file (text bytes)`,
    config: { method: 'POST', url: SERVER, bodyFromFile: 'payload.json' },
    files: { 'payload.json': '{"x": "é"}' },
    expect: {
      status: 'Succeeded',
      request: { method: 'POST', body: new TextEncoder().encode('{"x": "é"}') },
    },
  },
  {
    upstream: `${B} body from file rejects oversize`,
    config: { method: 'POST', url: SERVER, bodyFromFile: 'payload.bin' },
    files: { 'payload.bin': new Uint8Array((2 << 20) + 1).fill(1) },
    expect: { error: 'content exceeds limit', terminal: true },
  },
  {
    upstream: `${B} body from file stays inside work directory`,
    config: { url: SERVER, bodyFromFile: '../payload.json' },
    outsideFiles: { 'payload.json': 'outside work directory' },
    expect: { error: 'could not read bodyFromFile', terminal: true },
  },
];

const getClientCases: HttpCompatCase[] = [
  // Upstream inspects the client's TLS settings; here a server with an untrusted certificate
  // shows their effect.
  {
    upstream: `${G} without insecureSkipTLSVerify`,
    config: { url: TLS_SERVER },
    expect: { error: 'self-signed certificate' },
  },
  {
    upstream: `${G} with insecureSkipTLSVerify`,
    config: { url: TLS_SERVER, insecureSkipTLSVerify: true },
    expect: { status: 'Succeeded' },
  },
  {
    upstream: `${G} with invalid timeout`,
    // Past the schema's unanchored pattern, refused by the duration parser as in Kargo.
    config: { url: SERVER, timeout: 'invalid10s' },
    expect: { error: 'error parsing timeout', terminal: true },
  },
];

/** buildExprEnv cases: the body as expressions see it, read back through an output. */
const env = (
  name: string,
  response: HttpCompatResponse,
  body: unknown,
  responseContentType?: string,
): HttpCompatCase => ({
  upstream: `${E} ${name}`,
  config: {
    url: SERVER,
    successExpression: 'true',
    outputs: [{ name: 'body', fromExpression: 'response.body' }],
    ...(responseContentType && { responseContentType }),
  },
  response,
  expect: { status: 'Succeeded', output: { body } },
});
const envError = (name: string, response: HttpCompatResponse, error: string): HttpCompatCase => ({
  upstream: `${E} ${name}`,
  config: { url: SERVER, successExpression: 'true' },
  response,
  expect: { error, terminal: false },
});

const exprEnvCases: HttpCompatCase[] = [
  {
    upstream: `${E} response body Content-Length exceeds limit`,
    config: { url: SERVER },
    expect: {},
    skip: 'Gantry keeps the first 64 KiB of any body (docs/security.md) rather than refusing one over 2 MiB; see the differs row',
  },
  {
    upstream: `${E} without body`,
    config: {
      url: SERVER,
      successExpression: 'true',
      outputs: [
        { name: 'status', fromExpression: 'response.status' },
        { name: 'header', fromExpression: 'response.header("Content-Type")' },
        { name: 'headers', fromExpression: 'response.headers["Content-Type"]' },
        { name: 'body', fromExpression: 'response.body' },
      ],
    },
    response: { headers: json },
    expect: {
      status: 'Succeeded',
      output: { status: 200, header: 'application/json', headers: ['application/json'], body: {} },
    },
  },
  env('with body', { headers: json, body: '{"foo": "bar"}' }, { foo: 'bar' }),
  env('with body as an array', { headers: json, body: '[{"foo1": "bar1"}, {"foo2": "bar2"}]' }, [
    { foo1: 'bar1' },
    { foo2: 'bar2' },
  ]),
  envError(
    'invalid JSON body',
    { headers: json, body: '{"foo":' },
    'failed to parse JSON response',
  ),
  env('JSON string response succeeds', { headers: json, body: '"foo"' }, 'foo'),
  env('JSON number response succeeds', { headers: json, body: '42' }, 42),
  env('JSON boolean response succeeds', { headers: json, body: 'true' }, true),
  env('JSON null response succeeds', { headers: json, body: 'null' }, null),
  env(
    'case-insensitive JSON content-type',
    { headers: { 'content-type': 'APPLICATION/JSON' }, body: '{"foo": "bar"}' },
    { foo: 'bar' },
  ),
  env(
    'unknown content-type with invalid JSON leaves body empty',
    { headers: { 'content-type': 'text/html' }, body: '<html>hello</html>' },
    {},
  ),
  env(
    'text/plain with JSON-like content stays as string',
    { headers: { 'content-type': 'text/plain' }, body: '{"key": "value"}' },
    '{"key": "value"}',
  ),
  env('empty content-type with non-JSON body leaves body empty', { body: 'hello world' }, {}),
  env('missing content-type but valid JSON body', { body: '{"foo": "bar"}' }, { foo: 'bar' }),
  env(
    'text/plain with numeric content',
    { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '1' },
    '1',
  ),
  env(
    'text/plain with float content',
    { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '3.14' },
    '3.14',
  ),
  env(
    'text/plain with word content',
    { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'one' },
    'one',
  ),
  env(
    'text/plain with sentence content',
    { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'this is not json' },
    'this is not json',
  ),
  env(
    'application/yaml content-type parses as YAML',
    { headers: { 'content-type': 'application/yaml' }, body: 'foo: bar\nbaz: 42\n' },
    { foo: 'bar', baz: 42 },
  ),
  env(
    'text/yaml content-type parses as YAML',
    { headers: { 'content-type': 'text/yaml' }, body: 'items:\n  - one\n  - two\n' },
    { items: ['one', 'two'] },
  ),
  env(
    'application/x-yaml content-type parses as YAML',
    { headers: { 'content-type': 'application/x-yaml' }, body: 'key: value\n' },
    { key: 'value' },
  ),
  // Beyond the upstream table: sigs.k8s.io/yaml's reading, as yaml-parse's (its table has these).
  env(
    '(YAML: a timestamp stays text, yes is true, only the first document)',
    {
      headers: { 'content-type': 'application/yaml' },
      body: 'when: 2024-01-02T03:04:05Z\nok: yes\n---\nsecond: 1\n',
    },
    { when: '2024-01-02T03:04:05Z', ok: true },
  ),
  envError(
    'invalid YAML body returns error',
    { headers: { 'content-type': 'application/yaml' }, body: 'foo: [bar\n' },
    'failed to parse YAML response',
  ),
  env(
    'responseContentType override forces JSON parsing',
    { headers: { 'content-type': 'text/plain' }, body: '{"foo": "bar"}' },
    { foo: 'bar' },
    'application/json',
  ),
  env(
    'responseContentType override forces YAML parsing',
    { headers: { 'content-type': 'text/plain' }, body: 'foo: bar\n' },
    { foo: 'bar' },
    'application/yaml',
  ),
  env(
    'responseContentType override forces text/plain parsing',
    { headers: json, body: '{"foo": "bar"}' },
    '{"foo": "bar"}',
    'text/plain',
  ),
  {
    upstream: `${E} responseContentType override text/yaml works`,
    config: { url: SERVER, responseContentType: 'text/yaml' },
    expect: { configError: 'responseContentType: Does not match pattern' },
    // Upstream calls buildExprEnv directly; through the step, Kargo's schema refuses text/yaml.
  },
  env(
    '(sigs.k8s.io/yaml) YAML 1.1 booleans as go-yaml v2 reads them',
    { headers: { 'content-type': 'application/yaml' }, body: 'a: yes\nb: on\nc: no\nd: "yes"\n' },
    { a: true, b: true, c: false, d: 'yes' },
  ),
  env(
    'unknown content-type with valid JSON falls back to JSON',
    { headers: { 'content-type': 'application/octet-stream' }, body: '{"success": true}' },
    { success: true },
  ),
];

const criteria = (
  upstream: string,
  field: 'successExpression' | 'failureExpression',
  source: string | undefined,
  expect: HttpCompatCase['expect'],
): HttpCompatCase => ({
  upstream,
  config: { url: SERVER, ...(source !== undefined && { [field]: source }) },
  expect,
});

const criteriaCases: HttpCompatCase[] = [
  criteria(`${S} no success expression`, 'successExpression', undefined, { status: 'Succeeded' }),
  criteria(`${S} error compiling success expression`, 'successExpression', '(1 + 2', {
    error: 'error compiling success expression',
    terminal: true,
  }),
  criteria(`${S} error evaluating success expression`, 'successExpression', 'invalid()', {
    error: 'error evaluating success expression',
    terminal: false,
  }),
  criteria(`${S} success expression evaluates to non-boolean`, 'successExpression', '"foo"', {
    error: 'did not evaluate to a boolean',
    terminal: false,
  }),
  criteria(`${S} success expression evaluates to true`, 'successExpression', 'true', {
    status: 'Succeeded',
  }),
  criteria(`${S} success expression evaluates to false`, 'successExpression', 'false', {
    status: 'Running',
    retryAfterMs: 30_000,
  }),
  criteria(`${F} no failure expression`, 'failureExpression', undefined, { status: 'Succeeded' }),
  criteria(`${F} error compiling failure expression`, 'failureExpression', '(1 + 2', {
    error: 'error compiling failure expression',
    terminal: true,
  }),
  criteria(`${F} error evaluating failure expression`, 'failureExpression', 'invalid()', {
    error: 'error evaluating failure expression',
    terminal: false,
  }),
  criteria(`${F} failure expression evaluates to non-boolean`, 'failureExpression', '"foo"', {
    error: 'did not evaluate to a boolean',
    terminal: false,
  }),
  criteria(`${F} failure expression evaluates to true`, 'failureExpression', 'true', {
    status: 'Failed',
    message: 'met failure criteria',
  }),
  criteria(`${F} failure expression evaluates to false`, 'failureExpression', 'false', {
    status: 'Running',
    retryAfterMs: 30_000,
  }),
];

const output = (
  name: string,
  outputs: unknown[],
  expect: HttpCompatCase['expect'],
): HttpCompatCase => ({
  upstream: `${O} ${name}`,
  config: { url: SERVER, outputs },
  expect,
});

const outputCases: HttpCompatCase[] = [
  output('no outputs specified', [], { status: 'Succeeded', output: {} }),
  output('error compiling output expression', [{ name: 'fake-output', fromExpression: '(1 + 2' }], {
    error: 'error compiling output expression',
    terminal: true,
  }),
  output(
    'error evaluating output expression',
    [{ name: 'fake-output', fromExpression: 'invalid()' }],
    {
      error: 'error evaluating output expression',
      terminal: false,
    },
  ),
  output(
    'success',
    [
      { name: 'string-output', fromExpression: '"foo"' },
      { name: 'int-output', fromExpression: '42' },
    ],
    { status: 'Succeeded', output: { 'string-output': 'foo', 'int-output': 42 } },
  ),
];

/** determineResponseParseMode, seen through the body of a response with that Content-Type. */
const mode = (
  name: string,
  contentType: string,
  parsed: 'JSON' | 'YAML' | 'text',
): HttpCompatCase => {
  // `1` reads as float 1 as JSON and YAML, and as the string "1" as text; `a: 1` tells YAML apart.
  const body = parsed === 'YAML' ? 'a: 1\n' : '1';
  const expected = parsed === 'YAML' ? { a: 1 } : parsed === 'JSON' ? 1 : '1';
  return env(name, { headers: contentType ? { 'content-type': contentType } : {}, body }, expected);
};

const parseModeCases: HttpCompatCase[] = [
  mode('application/json returns JSON mode', 'application/json', 'JSON'),
  mode('APPLICATION/JSON (uppercase) returns JSON mode', 'APPLICATION/JSON', 'JSON'),
  mode('Application/Json (mixed case) returns JSON mode', 'Application/Json', 'JSON'),
  mode('application/yaml returns YAML mode', 'application/yaml', 'YAML'),
  mode('text/yaml returns YAML mode', 'text/yaml', 'YAML'),
  mode('application/x-yaml returns YAML mode', 'application/x-yaml', 'YAML'),
  mode('APPLICATION/YAML (uppercase) returns YAML mode', 'APPLICATION/YAML', 'YAML'),
  mode('TEXT/YAML (uppercase) returns YAML mode', 'TEXT/YAML', 'YAML'),
  mode('text/plain returns text mode', 'text/plain', 'text'),
  mode('TEXT/PLAIN (uppercase) returns text mode', 'TEXT/PLAIN', 'text'),
  mode('empty string falls back to JSON mode', '', 'JSON'),
  mode('text/html falls back to JSON mode', 'text/html', 'JSON'),
  mode('application/octet-stream falls back to JSON mode', 'application/octet-stream', 'JSON'),
  mode('unknown/type falls back to JSON mode', 'unknown/type', 'JSON'),
].map((c) => ({ ...c, upstream: c.upstream.replace(E, M) }));

const proxyCases: HttpCompatCase[] = [
  {
    upstream: `${P} proxy URL with invalid format returns error`,
    config: { url: SERVER, proxy: 'http://[invalid-url' },
    expect: { error: 'error parsing proxy URL', terminal: true },
  },
  {
    upstream: `${P} proxy is used when configured`,
    config: {
      url: SERVER,
      proxy: PROXY,
      successExpression: 'response.status == 200',
      outputs: [{ name: 'reachedBackend', fromExpression: 'response.body.reachedBackend' }],
    },
    response: { headers: { 'content-type': 'application/json' }, body: '{"reachedBackend": true}' },
    expect: {
      status: 'Succeeded',
      output: { reachedBackend: true },
      request: { headers: { 'x-test-httprequester-proxy-injected': 'true' } },
    },
  },
  // Beyond the upstream table: an https target through the proxy's CONNECT tunnel.
  {
    upstream: `${P} (https through a CONNECT tunnel)`,
    config: { url: TLS_SERVER, proxy: PROXY, insecureSkipTLSVerify: true },
    response: { headers: { 'content-type': 'application/json' }, body: '{"ok": true}' },
    expect: { status: 'Succeeded', request: { method: 'GET' } },
  },
];

const pollIntervalCases: HttpCompatCase[] = [
  {
    upstream: `${I} empty falls back to default`,
    config: { url: SERVER, successExpression: 'false', pollInterval: '' },
    expect: { configError: 'pollInterval: Does not match pattern' },
    // Through the step, "" never reaches resolvePollInterval: Kargo's schema pattern refuses it.
  },
  {
    upstream: `${I} empty falls back to default (unset)`,
    config: { url: SERVER, successExpression: 'false' },
    expect: { status: 'Running', retryAfterMs: 30_000 },
  },
  {
    upstream: `${I} explicit value takes precedence`,
    config: { url: SERVER, successExpression: 'false', pollInterval: '45s' },
    expect: { status: 'Running', retryAfterMs: 45_000 },
  },
  {
    upstream: `${I} invalid value returns an error`,
    config: { url: SERVER, successExpression: 'false', pollInterval: 'soon' },
    expect: { configError: 'pollInterval: Does not match pattern' },
  },
  {
    upstream: `${I} invalid value returns an error (past the pattern)`,
    config: { url: SERVER, successExpression: 'false', pollInterval: 'soon5s' },
    expect: { error: 'error parsing pollInterval', terminal: false },
  },
  {
    upstream: `${I} (Go durations) fractions and compound units`,
    config: { url: SERVER, successExpression: 'false', pollInterval: '1m30.5s' },
    expect: { status: 'Running', retryAfterMs: 90_500 },
  },
  {
    upstream: `${I} (Go durations) microseconds`,
    config: { url: SERVER, successExpression: 'false', pollInterval: '2000000us' },
    expect: { status: 'Running', retryAfterMs: 2000 },
  },
  {
    upstream: `${I} (Go durations) hours`,
    config: { url: SERVER, successExpression: 'false', pollInterval: '1h' },
    expect: { status: 'Running', retryAfterMs: 3_600_000 },
  },
];

export const httpCompatCases: HttpCompatCase[] = [
  ...convertCases,
  ...runCases,
  ...buildRequestCases,
  ...getClientCases,
  ...exprEnvCases,
  ...criteriaCases,
  ...outputCases,
  ...parseModeCases,
  ...proxyCases,
  ...pollIntervalCases,
];
