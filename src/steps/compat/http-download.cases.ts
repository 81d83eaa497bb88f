/**
 * Kargo's http-download tests (pkg/promotion/runner/builtin/http_downloader_test.go) as data,
 * run through Gantry's step against a loopback server by http-download-compat.test.ts. `SERVER`
 * in a config's url stands for that server's URL.
 */

export const SERVER = '$SERVER';

export interface HttpDownloadCase {
  upstream: string;
  config: Record<string, unknown>;
  /** What the server answers (default 200 with no body). */
  response?: { status?: number; headers?: Record<string, string>; body?: string };
  /** Files before the run. */
  files?: Record<string, string>;
  expect: {
    /** The schema refuses the config; the message contains this. */
    configError?: string;
    status?: 'Succeeded' | 'Failed';
    message?: string;
    /** The step throws; the message contains this. */
    error?: string;
    terminal?: boolean;
    /** Files after the run; null: absent. */
    files?: Record<string, string | null>;
    /** What the server received. */
    request?: { headers?: Record<string, string>; query?: string };
    /** The server was not asked at all. */
    noRequest?: boolean;
  };
  /** Not translatable: why. */
  notRun?: string;
}

const convert = (name: string) => `http_downloader_test.go Test_httpDownloader_validate ${name}`;
const run = (name: string) => `http_downloader_test.go Test_httpDownloader_run ${name}`;
const url = 'https://example.com/file.txt';

export const httpDownloadCases: HttpDownloadCase[] = [
  {
    upstream: convert('url not specified'),
    config: { outPath: 'file.txt' },
    expect: { configError: 'url' },
  },
  {
    upstream: convert('url is empty string'),
    config: { url: '', outPath: 'file.txt' },
    expect: { configError: 'url' },
  },
  {
    upstream: convert('outPath not specified'),
    config: { url },
    expect: { configError: 'outPath' },
  },
  {
    upstream: convert('outPath is empty string'),
    config: { url, outPath: '' },
    expect: { configError: 'outPath' },
  },
  {
    upstream: convert('header name not specified'),
    config: { url, outPath: 'f', headers: [{ value: 'v' }] },
    expect: { configError: 'headers[0].name' },
  },
  {
    upstream: convert('header name is empty string'),
    config: { url, outPath: 'f', headers: [{ name: '', value: 'v' }] },
    expect: { configError: 'headers[0].name' },
  },
  {
    upstream: convert('header value not specified'),
    config: { url, outPath: 'f', headers: [{ name: 'n' }] },
    expect: { configError: 'headers[0].value' },
  },
  {
    upstream: convert('header value is empty string'),
    config: { url, outPath: 'f', headers: [{ name: 'n', value: '' }] },
    expect: { configError: 'headers[0].value' },
  },
  {
    upstream: convert('query param name not specified'),
    config: { url, outPath: 'f', queryParams: [{ value: 'v' }] },
    expect: { configError: 'queryParams[0].name' },
  },
  {
    upstream: convert('query param name is empty string'),
    config: { url, outPath: 'f', queryParams: [{ name: '', value: 'v' }] },
    expect: { configError: 'queryParams[0].name' },
  },
  {
    upstream: convert('query param value not specified'),
    config: { url, outPath: 'f', queryParams: [{ name: 'n' }] },
    expect: { configError: 'queryParams[0].value' },
  },
  {
    upstream: convert('query param value is empty string'),
    config: { url, outPath: 'f', queryParams: [{ name: 'n', value: '' }] },
    expect: { configError: 'queryParams[0].value' },
  },
  {
    upstream: convert('invalid timeout'),
    config: { url, outPath: 'file.txt', timeout: 'invalid' },
    expect: { configError: 'timeout: Does not match pattern' },
  },
  {
    upstream: 'schemas/http-download-config.json unknown field',
    config: { url, outPath: 'file.txt', method: 'POST' },
    expect: { configError: 'method' },
  },
  {
    upstream: convert('valid kitchen sink'),
    config: {
      url: SERVER,
      outPath: 'downloads/file.txt',
      headers: [{ name: 'Authorization', value: 'Bearer token123' }],
      queryParams: [{ name: 'version', value: 'latest' }],
      insecureSkipTLSVerify: true,
      timeout: '30s',
      allowOverwrite: true,
    },
    response: { body: 'sink' },
    expect: { status: 'Succeeded', files: { 'downloads/file.txt': 'sink' } },
  },
  {
    upstream: run('successful download'),
    config: { url: SERVER, outPath: 'test-file.txt' },
    response: { body: 'Hello, World!' },
    expect: { status: 'Succeeded', files: { 'test-file.txt': 'Hello, World!' } },
  },
  {
    upstream: run('successful download with nested path'),
    config: { url: SERVER, outPath: 'nested/dir/test-file.txt' },
    response: { body: 'nested content' },
    expect: { status: 'Succeeded', files: { 'nested/dir/test-file.txt': 'nested content' } },
  },
  {
    upstream: run('file already exists and overwrite not allowed'),
    config: { url: SERVER, outPath: 'existing-file.txt', allowOverwrite: false },
    files: { 'existing-file.txt': 'existing' },
    response: { body: 'new content' },
    expect: {
      error: 'file already exists',
      terminal: true,
      files: { 'existing-file.txt': 'existing' },
      noRequest: true,
    },
  },
  {
    upstream: run('file already exists and overwrite allowed'),
    config: { url: SERVER, outPath: 'existing-file.txt', allowOverwrite: true },
    files: { 'existing-file.txt': 'existing' },
    response: { body: 'new content' },
    expect: { status: 'Succeeded', files: { 'existing-file.txt': 'new content' } },
  },
  {
    upstream: run('HTTP error response'),
    config: { url: SERVER, outPath: 'test-file.txt' },
    response: { status: 404 },
    expect: {
      status: 'Failed',
      message: 'HTTP request failed with status 404',
      files: { 'test-file.txt': null },
    },
  },
  {
    upstream: run('download exceeds size limit via Content-Length'),
    config: { url: SERVER, outPath: 'large-file.txt' },
    response: { headers: { 'content-length': String(100 * 1024 * 1024 + 1) }, body: 'content' },
    expect: { error: 'download exceeds limit', terminal: true, files: { 'large-file.txt': null } },
  },
  {
    upstream: run('download with custom headers and query params'),
    config: {
      url: SERVER,
      outPath: 'test-file.txt',
      headers: [{ name: 'Authorization', value: 'Bearer token123' }],
      queryParams: [{ name: 'version', value: 'latest' }],
    },
    response: { body: 'authenticated content' },
    expect: {
      status: 'Succeeded',
      files: { 'test-file.txt': 'authenticated content' },
      request: { headers: { authorization: 'Bearer token123' }, query: 'version=latest' },
    },
  },
  {
    upstream: 'http_downloader_test.go Test_httpDownloader_buildRequest',
    config: {
      url: `${SERVER}/file.txt`,
      outPath: 'f',
      headers: [{ name: 'Authorization', value: 'Bearer token123' }],
      queryParams: [{ name: 'version', value: 'some value' }],
    },
    expect: {
      status: 'Succeeded',
      request: { headers: { authorization: 'Bearer token123' }, query: 'version=some+value' },
    },
  },
  {
    upstream:
      'http_downloader_test.go Test_httpDownloader_buildHTTPClient (default, insecure, custom timeout)',
    notRun:
      'it inspects the Go client (its Timeout field, its TLS config); the timeout and insecureSkipTLSVerify are exercised through requests in http-download.test.ts',
    config: {},
    expect: {},
  },
  {
    upstream: 'http_downloader_test.go Test_httpDownloader_buildHTTPClient with invalid timeout',
    config: { url: SERVER, outPath: 'f', timeout: 'abc10s' },
    expect: { error: 'error parsing timeout', terminal: false, noRequest: true },
  },
  {
    upstream: 'http_downloader_test.go Test_httpDownloader_downloadToFile small file download',
    config: { url: SERVER, outPath: 'f' },
    response: { body: 'a'.repeat(100) },
    expect: { status: 'Succeeded', files: { f: 'a'.repeat(100) } },
  },
  {
    upstream: 'http_downloader_test.go Test_httpDownloader_downloadToFile empty file download',
    config: { url: SERVER, outPath: 'f' },
    response: { body: '' },
    expect: { status: 'Succeeded', files: { f: '' } },
  },
  {
    upstream:
      'http_downloader_test.go Test_httpDownloader_downloadToFile file download at size limit',
    notRun:
      "a 100 MiB body per test run is too heavy for the shared test machine; the cap is the outbound client's maxBodyBytes, tested with small limits in guarded-http.test.ts",
    config: {},
    expect: {},
  },
  {
    upstream: 'http_downloader_test.go Test_httpDownloader_downloadToFile_contextCancellation',
    notRun:
      "it cancels Go's context mid-copy; Gantry aborts the request through context.signal, which guarded-http.test.ts covers",
    config: {},
    expect: {},
  },
  {
    upstream: 'http_downloader_test.go Test_httpDownloader_downloadToFile_sizeExceeded',
    notRun:
      'a body past 100 MiB without Content-Length is too heavy here; guarded-http.test.ts bounds a streamed body with a small limit',
    config: {},
    expect: {},
  },
];
