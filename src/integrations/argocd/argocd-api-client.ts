import type { z } from 'zod';
import { applicationListSchema, applicationSchema, type Application } from './application.js';
import { ArgoCdError, errorDetail, isTransientStatus } from './argocd-error.js';
import { JsonHttpClient, type JsonHttpMethod } from './json-http-client.js';

export interface ArgoCdApiClientOptions {
  /** The API server's base URL, e.g. `https://argocd.example.com` (no `/api/v1`). */
  url: string;
  /** An Argo CD API token (account token or session JWT), sent as `Authorization: Bearer`. */
  token: string;
  /** Accept any TLS certificate. */
  insecure?: boolean;
  /** Per-request inactivity timeout; default 30 s. */
  timeoutMs?: number;
}

export interface ArgoCdCallOptions {
  signal?: AbortSignal;
}

export interface ArgoCdSyncOptions extends ArgoCdCallOptions {
  /** Delete resources no longer in Git. */
  prune?: boolean;
}

/**
 * A client for the part of Argo CD's API server REST API (`/api/v1`, Argo CD v2.x) that Gantry
 * needs to update, sync and watch Applications. Responses are checked with zod at this boundary;
 * failures are `ArgoCdError`s (see there for the transient/terminal split and message bounds).
 */
export class ArgoCdApiClient {
  readonly #base: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #http: JsonHttpClient;

  constructor(options: ArgoCdApiClientOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#http = new JsonHttpClient({ insecure: options.insecure ?? false });
  }

  /** `GET /api/v1/applications/{name}?appNamespace=`. A missing app is an error with status 404. */
  getApplication(
    name: string,
    namespace: string,
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    return this.#call(`get Application ${namespace}/${name}`, applicationSchema, {
      method: 'GET',
      path: appPath(name, { appNamespace: namespace }),
      signal: options?.signal,
    });
  }

  /** `GET /api/v1/applications?selector=&appNamespace=`: the apps matching a label selector. */
  async listApplications(
    selector: string,
    namespace: string,
    options?: ArgoCdCallOptions,
  ): Promise<Application[]> {
    const query = new URLSearchParams({ selector, appNamespace: namespace });
    const list = await this.#call(
      `list Applications in ${namespace} matching ${JSON.stringify(selector)}`,
      applicationListSchema,
      { method: 'GET', path: `/api/v1/applications?${query.toString()}`, signal: options?.signal },
    );
    return list.items ?? [];
  }

  /**
   * `PUT /api/v1/applications/{name}`: replaces the app's spec (and labels and annotations) with
   * `app`'s. Send back an app read from the server with only the wanted changes, so fields Gantry
   * does not model survive.
   */
  updateApplicationSpec(app: Application, options?: ArgoCdCallOptions): Promise<Application> {
    const { name, namespace = '' } = app.metadata;
    return this.#call(`update Application ${namespace}/${name}`, applicationSchema, {
      method: 'PUT',
      path: appPath(name, {}),
      body: app,
      signal: options?.signal,
    });
  }

  /** `PATCH /api/v1/applications/{name}` with a JSON merge patch (RFC 7386) of the Application. */
  patchApplication(
    name: string,
    namespace: string,
    mergePatch: Record<string, unknown>,
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    return this.#call(`patch Application ${namespace}/${name}`, applicationSchema, {
      method: 'PATCH',
      path: appPath(name, {}),
      body: {
        name,
        appNamespace: namespace,
        patch: JSON.stringify(mergePatch),
        patchType: 'merge',
      },
      signal: options?.signal,
    });
  }

  /**
   * `POST /api/v1/applications/{name}/sync`: asks Argo CD to sync, to `revision` when given
   * (otherwise the source's targetRevision). Returns at once with the app; the operation runs in
   * Argo CD: watch `status.operationState`. Argo CD refuses (400) while another operation runs.
   */
  sync(
    name: string,
    namespace: string,
    revision?: string,
    options?: ArgoCdSyncOptions,
  ): Promise<Application> {
    const body: Record<string, unknown> = { name, appNamespace: namespace };
    if (revision !== undefined) body.revision = revision;
    if (options?.prune !== undefined) body.prune = options.prune;
    return this.#call(`sync Application ${namespace}/${name}`, applicationSchema, {
      method: 'POST',
      path: `${appPath(name, {})}/sync`,
      body,
      signal: options?.signal,
    });
  }

  /**
   * `GET /api/v1/applications/{name}?refresh=`: makes Argo CD compare the app with Git again
   * (`hard` also drops its manifest cache) and returns the app.
   */
  refresh(
    name: string,
    namespace: string,
    mode: 'hard' | 'normal',
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    return this.#call(`refresh Application ${namespace}/${name}`, applicationSchema, {
      method: 'GET',
      path: appPath(name, { appNamespace: namespace, refresh: mode }),
      signal: options?.signal,
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.#http.close();
  }

  async #call<T extends z.ZodType>(
    what: string,
    schema: T,
    req: { method: JsonHttpMethod; path: string; body?: unknown; signal?: AbortSignal | undefined },
  ): Promise<z.infer<T>> {
    const prefix = `could not ${what} at Argo CD ${this.#base}`;
    let res;
    try {
      res = await this.#http.request({
        method: req.method,
        url: `${this.#base}${req.path}`,
        headers: { authorization: `Bearer ${this.#token}` },
        body: req.body,
        signal: req.signal,
        timeoutMs: this.#timeoutMs,
      });
    } catch (err) {
      const aborted = req.signal?.aborted === true;
      const reason = err instanceof Error ? err.message : String(err);
      throw new ArgoCdError(this.#redact(`${prefix}: ${reason}`), {
        // A caller's abort is its own decision, not a fault worth retrying.
        transient: !aborted,
        cause: err,
      });
    }
    if (res.status >= 400) {
      const detail = errorDetail(res.body, res.truncatedAt, (text) => this.#redact(text));
      throw new ArgoCdError(this.#redact(`${prefix}: HTTP ${res.status}: ${detail}`), {
        status: res.status,
        transient: isTransientStatus(res.status),
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new ArgoCdError(
        this.#redact(
          `${prefix}: the response is not JSON: ${errorDetail(res.body, undefined, (text) => this.#redact(text))}`,
        ),
        { status: res.status, transient: false },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where =
        issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
      throw new ArgoCdError(this.#redact(`${prefix}: unexpected response${where}`.slice(0, 1000)), {
        status: res.status,
        transient: false,
      });
    }
    return parsed.data;
  }

  /** Belt and braces: whatever a server or a proxy echoes, the token never leaves in a message. */
  #redact(message: string): string {
    return this.#token === '' ? message : message.split(this.#token).join('***');
  }
}

function appPath(name: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `/api/v1/applications/${encodeURIComponent(name)}${search === '' ? '' : `?${search}`}`;
}
