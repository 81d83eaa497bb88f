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

/** The API as the CLI uses it: plain fetch, errors rebuilt from the API's error body. */
export class ApiClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      const reason =
        cause?.code === 'ECONNREFUSED'
          ? 'connection refused'
          : ((err as Error).message ?? 'unknown error');
      throw unavailableError(
        `cannot reach the Gantry server at ${this.baseUrl} (${reason}); is \`gantry server\` running? Set --server or GANTRY_SERVER to use another`,
        err,
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new GantryError(
        'Unavailable',
        `the server at ${this.baseUrl} answered ${response.status} with something that is not JSON`,
      );
    }
    if (!response.ok) throw errorFromBody(response.status, parsed);
    return parsed as T;
  }
}
