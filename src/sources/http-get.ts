import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  /** GET and HEAD for discovery; POST, PUT and PATCH for pushes to registries (oci-push). */
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** The request body: bytes, or a stream (sent once: a request with a stream is not retried). */
  body?: Buffer | Readable | undefined;
  signal?: AbortSignal | undefined;
  /** Accept any TLS certificate (the subscription's `insecureSkipTLSVerify`). */
  insecure?: boolean | undefined;
  timeoutMs?: number;
  /** Refuse bodies larger than this (a registry answering with something huge). */
  maxBytes?: number;
}

/**
 * HTTP for discovery: registries and chart repositories. node:http rather than fetch so that
 * connections are kept alive per host (a discovery makes many small requests to one registry)
 * and TLS verification can be switched off per request when a subscription asks for it.
 */
export class HttpGetter {
  readonly #http = new HttpAgent({ keepAlive: true, maxSockets: 32 });
  readonly #https = new HttpsAgent({ keepAlive: true, maxSockets: 32 });
  readonly #insecureHttps = new HttpsAgent({
    keepAlive: true,
    maxSockets: 32,
    rejectUnauthorized: false,
  });

  request(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      const req = this.#send(url, options, reject, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(new Error(`response larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      });
    });
  }

  /**
   * A request whose answer is not read into memory: the body arrives as a stream (a blob an
   * oci-push copies from one registry to another). The caller must consume or destroy it.
   */
  open(
    url: string,
    options: HttpRequestOptions = {},
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Readable }> {
    return new Promise((resolve, reject) => {
      this.#send(url, options, reject, (res) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
    });
  }

  #send(
    url: string,
    options: HttpRequestOptions,
    reject: (err: Error) => void,
    onResponse: (res: IncomingMessage) => void,
  ): ClientRequest {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const agent = secure ? (options.insecure ? this.#insecureHttps : this.#https) : this.#http;
    const send = secure ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: { 'user-agent': 'gantry', ...options.headers },
        agent,
        signal: options.signal,
        timeout: options.timeoutMs ?? 30_000,
      },
      onResponse,
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    const body = options.body;
    if (body === undefined || Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    }
    return req;
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
    this.#insecureHttps.destroy();
  }
}
