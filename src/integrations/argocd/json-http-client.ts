import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type JsonHttpMethod = 'GET' | 'PUT' | 'PATCH' | 'POST';

export interface JsonHttpRequest {
  method: JsonHttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON with `content-type: application/json`. */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Socket inactivity timeout; the request fails with "timed out after N ms". */
  timeoutMs?: number;
}

export interface JsonHttpResponse {
  status: number;
  body: Buffer;
  /** Set when an error body was cut short: the number of bytes kept. */
  truncatedAt?: number;
}

export interface JsonHttpClientOptions {
  /** Accept any TLS certificate (self-signed Argo CD installs; Argo CD's own `--insecure`). */
  insecure?: boolean;
  /** Refuse successful bodies larger than this; default 64 MiB (a list of thousands of apps). */
  maxBytes?: number;
  /**
   * Bytes of an error body (status >= 400) kept; the rest is not even read. Default 16 KiB: an
   * error is for a one-line message, however much the server wants to say.
   */
  maxErrorBytes?: number;
}

/**
 * A small JSON-over-HTTP client for API servers that need more verbs than `HttpGetter` offers
 * (GET, PUT, PATCH, POST). node:http with keep-alive agents rather than fetch, so TLS
 * verification can be switched off per client. It never throws on a status: callers map
 * statuses to errors. It throws only when no complete response arrived.
 */
export class JsonHttpClient {
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #secureAgent: HttpsAgent;
  readonly #maxBytes: number;
  readonly #maxErrorBytes: number;

  constructor(options: JsonHttpClientOptions = {}) {
    this.#agent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
    this.#secureAgent = new HttpsAgent({
      keepAlive: true,
      maxSockets: 16,
      rejectUnauthorized: !options.insecure,
    });
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#maxErrorBytes = options.maxErrorBytes ?? 16 * 1024;
  }

  request(req: JsonHttpRequest): Promise<JsonHttpResponse> {
    const target = new URL(req.url);
    const secure = target.protocol === 'https:';
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const timeoutMs = req.timeoutMs ?? 30_000;
    const headers: Record<string, string> = {
      'user-agent': 'gantry',
      accept: 'application/json',
      ...req.headers,
    };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: req.method,
          headers,
          agent: secure ? this.#secureAgent : this.#agent,
          signal: req.signal,
          timeout: timeoutMs,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const limit = status >= 400 ? this.#maxErrorBytes : this.#maxBytes;
          const chunks: Buffer[] = [];
          let size = 0;
          let done = false;
          res.on('data', (chunk: Buffer) => {
            if (done) return;
            if (size + chunk.length <= limit) {
              chunks.push(chunk);
              size += chunk.length;
              return;
            }
            if (status < 400) {
              done = true;
              request.destroy(new Error(`response larger than ${limit} bytes`));
              return;
            }
            // An oversized error: keep the head, stop reading, answer with what we have.
            chunks.push(chunk.subarray(0, limit - size));
            done = true;
            resolve({ status, body: Buffer.concat(chunks), truncatedAt: limit });
            res.destroy();
          });
          res.on('end', () => {
            if (done) return;
            done = true;
            resolve({ status, body: Buffer.concat(chunks) });
          });
          res.on('error', (err) => {
            if (!done) reject(err);
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(payload);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#agent.destroy();
    this.#secureAgent.destroy();
  }
}
