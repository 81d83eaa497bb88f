import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { StoredResource } from '../api/resource.js';
import { GantryError, unavailableError } from '../errors.js';
import { errorFromBody } from '../server/http-errors.js';

export interface ListResponse {
  metadata: { resourceVersion: string; continue?: string };
  items: StoredResource[];
}

export interface BatchItem {
  kind: string;
  group: string;
  name: string;
  namespace?: string;
  outcome: string;
}

/**
 * The API as the CLI uses it, over node:http (a short-lived CLI process pays noticeably less
 * start-up for it than for fetch). Errors are rebuilt from the API's error body.
 */
export class ApiClient {
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …` on every request. */
  readonly token: string | undefined;

  readonly #onWarning: ((text: string) => void) | undefined;

  /**
   * `onWarning` hears each warning the server sends with an answer (`Warning: 299 - "…"`
   * headers, as the Kubernetes API sends admission warnings); the CLI prints them as kubectl.
   */
  constructor(
    baseUrl: string,
    token?: string,
    options: { onWarning?: ((text: string) => void) | undefined } = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token;
    this.#onWarning = options.onWarning;
  }

  /** Headers every request carries (the bearer token), for streams opened outside `request`. */
  headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let response: { status: number; text: string; warnings: string[] };
    try {
      response = await send(new URL(`${this.baseUrl}${path}`), method, payload, this.headers());
    } catch (err) {
      throw unavailableError(
        `cannot reach the Gantry server at ${this.baseUrl} (${describeNetworkError(err)}); is \`gantry server\` running? Set --server or GANTRY_SERVER to use another`,
        err,
      );
    }
    for (const warning of response.warnings) this.#onWarning?.(warning);
    let parsed: unknown;
    try {
      parsed = response.text === '' ? undefined : JSON.parse(response.text);
    } catch {
      throw new GantryError(
        'Unavailable',
        `the server at ${this.baseUrl} answered ${response.status} with something that is not JSON`,
      );
    }
    if (response.status === 401) {
      const error = errorFromBody(response.status, parsed);
      throw new GantryError(
        'Unauthenticated',
        `${error.message}${this.token ? '' : ' (no credentials: run `gantry login`, pass --token, or set GANTRY_TOKEN)'}`,
      );
    }
    if (response.status < 200 || response.status > 299)
      throw errorFromBody(response.status, parsed);
    return parsed as T;
  }
}

function send(
  url: URL,
  method: string,
  payload: string | undefined,
  extraHeaders: Record<string, string>,
): Promise<{ status: number; text: string; warnings: string[] }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers:
          payload === undefined
            ? extraHeaders
            : {
                ...extraHeaders,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            warnings: (res.headersDistinct.warning ?? []).flatMap(warningText),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function describeNetworkError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code === 'ECONNRESET') return 'connection reset';
  return err instanceof Error ? err.message : String(err);
}

/**
 * The texts of one `Warning` header: `299 - "text"` (RFC 7234), several joined by commas when
 * a proxy or the server's Headers object combined them.
 */
export function warningText(header: string): string[] {
  return [...header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((match) =>
    match[1]!.replace(/\\(.)/g, '$1'),
  );
}
