import type { z } from 'zod';
import {
  applicationListSchema,
  applicationSchema,
  sourcesPatch,
  type Application,
  type ApplicationSource,
} from './application.js';
import {
  argoCdAppUrl,
  formatLabelSelector,
  type ArgoCdCallOptions,
  type ArgoCdClient,
  type LabelSelector,
  type SyncRequest,
} from './argocd-client.js';
import { ArgoCdError, errorDetail, isTransientStatus } from './argocd-error.js';
import { JsonHttpClient, type JsonHttpMethod } from './json-http-client.js';

export interface ArgoCdApiClientOptions {
  /** The instance's name in the server configuration; default `default`. */
  instance?: string;
  /** The API server's base URL, e.g. `https://argocd.example.com` (no `/api/v1`). */
  url: string;
  /** An Argo CD API token (account token or session JWT), sent as `Authorization: Bearer`. */
  token: string;
  /** Where Applications live when a step names no namespace; default `argocd`. */
  namespace?: string;
  /** Accept any TLS certificate. */
  insecure?: boolean;
  /** Argo CD's UI, for links to apps; default: the API server's URL (they are one server). */
  uiUrl?: string | undefined;
  /** Per-request inactivity timeout; default 30 s. */
  timeoutMs?: number;
}

/**
 * The `ArgoCdClient` adapter for Argo CD's API server REST API (`/api/v1`, Argo CD v2.x): get,
 * list, patch, refresh and sync Applications. Responses are checked with zod at this boundary;
 * failures are `ArgoCdError`s (see there for the transient/terminal split and message bounds).
 */
export class ArgoCdApiClient implements ArgoCdClient {
  readonly instance: string;
  readonly defaultNamespace: string;
  readonly #base: string;
  readonly #ui: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #http: JsonHttpClient;

  constructor(options: ArgoCdApiClientOptions) {
    this.instance = options.instance ?? 'default';
    this.defaultNamespace = options.namespace ?? 'argocd';
    this.#base = options.url.replace(/\/+$/, '');
    this.#ui = options.uiUrl ?? this.#base;
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
    selector: LabelSelector,
    namespace: string,
    options?: ArgoCdCallOptions,
  ): Promise<Application[]> {
    const text = formatLabelSelector(selector);
    const query = new URLSearchParams({ selector: text, appNamespace: namespace });
    const list = await this.#call(
      `list Applications in ${namespace} matching ${JSON.stringify(text)}`,
      applicationListSchema,
      { method: 'GET', path: `/api/v1/applications?${query.toString()}`, signal: options?.signal },
    );
    return list.items ?? [];
  }

  /**
   * `PATCH /api/v1/applications/{name}` with a JSON merge patch of the sources. A merge patch
   * replaces arrays whole, so `spec.sources` is sent complete.
   */
  updateSources(
    app: Application,
    sources: ApplicationSource[],
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    return this.patchApplication(
      app.metadata.name,
      app.metadata.namespace ?? this.defaultNamespace,
      { spec: sourcesPatch(app, sources) },
      options,
    );
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
   * A hard refresh (`GET …?refresh=hard`), then `POST /api/v1/applications/{name}/sync` with
   * the revisions (`revisions` + 1-based `sourcePositions` for a multi-source app) and the info
   * entries (`infos`). The API server records its own account as the initiator. Argo CD
   * refuses (400) while another operation runs.
   */
  async sync(
    app: Application,
    request: SyncRequest,
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    const name = app.metadata.name;
    const namespace = app.metadata.namespace ?? this.defaultNamespace;
    await this.refresh(name, namespace, 'hard', options);
    const body: Record<string, unknown> = { name, appNamespace: namespace, infos: request.info };
    if (app.spec.sources !== undefined && app.spec.sources.length > 0) {
      body.revisions = request.revisions;
      body.sourcePositions = request.revisions.map((_, i) => i + 1);
    } else if (request.revisions[0] !== undefined && request.revisions[0] !== '') {
      body.revision = request.revisions[0];
    }
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

  appUrl(name: string, namespace: string): string {
    return argoCdAppUrl(this.#ui, name, namespace);
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
