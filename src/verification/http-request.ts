import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Accept any TLS certificate (Rollouts' `insecure`). */
  insecure: boolean;
  signal: AbortSignal;
  /** A larger response body is an error rather than a memory spike. */
  maxBodyBytes: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP(S) exchange with node:http, used by the web and prometheus providers. Not global
 * fetch: fetch cannot skip TLS verification for a single request, which `insecure` needs.
 * Rejects with a one-line Error on timeouts, network failures and oversized bodies.
 */
export function sendHttpRequest(options: HttpRequest): Promise<HttpResponse> {
  const { url, timeoutMs } = options;
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new Error(`${url.protocol} URLs are not supported; use http or https`));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      req.destroy();
      reject(err);
    };
    const req = send(url, {
      method: options.method,
      headers: {
        ...options.headers,
        ...(options.body !== undefined && {
          'content-length': String(Buffer.byteLength(options.body)),
        }),
      },
      ...(url.protocol === 'https:' && { rejectUnauthorized: !options.insecure }),
    });
    const timer = setTimeout(
      () => fail(new Error(`no answer within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    const onAbort = () => fail(new Error('the request was aborted'));
    if (options.signal.aborted) queueMicrotask(onAbort);
    else options.signal.addEventListener('abort', onAbort, { once: true });

    req.on('error', (err) => fail(new Error(err.message || String(err))));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBodyBytes) {
          fail(new Error(`the response body is larger than ${options.maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => fail(err));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        });
      });
    });
    req.end(options.body);
  });
}
