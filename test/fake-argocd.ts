import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-process contract double of Argo CD's API server REST API (`/api/v1`, Argo CD v2.x), for
 * the calls Gantry's Argo CD integration makes. It stands in for the API server *and* the
 * application controller, which together turn a sync request into a finished operation.
 *
 * Models:
 * - Auth: `Authorization: Bearer <token>` against one fixed token; missing or wrong → 401
 *   `{"error", "code": 16, "message": "invalid session: …"}` (gRPC Unauthenticated).
 * - `GET /api/v1/applications/{name}?appNamespace=&refresh=`: the Application; unknown → 404
 *   `{"error", "code": 5, "message": "applications.argoproj.io \"x\" not found"}`. `refresh`
 *   (`normal`|`hard`) is accepted and counted in `refreshes`; nothing else changes.
 * - `GET /api/v1/applications?selector=&appNamespace=`: `{"metadata": {}, "items": [...]}`, with
 *   `items` omitted when nothing matches (as the real server's protobuf JSON does). Selectors
 *   support only `k=v`, `k==v`, `k!=v` and `k` (exists), comma-separated.
 * - `PUT /api/v1/applications/{name}` (body: Application): replaces spec, labels and annotations;
 *   `PATCH /api/v1/applications/{name}` (body: `{name, appNamespace, patch, patchType: "merge"}`):
 *   applies an RFC 7386 merge patch to metadata and spec. Both bump `resourceVersion` and return
 *   the app. Other patch types → 400.
 * - `POST /api/v1/applications/{name}/sync` (body: `{revision?, revisions?, prune?, appNamespace?}`):
 *   sets `operation` and `status.operationState` {phase: Running, startedAt}, health Progressing,
 *   and answers with the app; while an operation runs, another sync → 400 code 9 "another
 *   operation is already in progress". After `syncDelayMs` (default 50) the operation completes:
 *   `operation` removed, sync {status: Synced, revision(s)}, operationState {phase: Succeeded,
 *   syncResult.revision(s), finishedAt}, health = `healthAfterSync` (default Healthy). The synced
 *   revision is the requested one, else the source's targetRevision, verbatim.
 * - Namespaces: `appNamespace` selects the namespace; without it, the control plane's own
 *   (`namespace`, default `argocd`).
 *
 * Does not model: RBAC and projects (every valid token may do everything), sync windows, real
 * Git (targetRevision is never resolved to a commit SHA; HEAD stays "HEAD"), failed or
 * terminated syncs, auto-sync, resourceVersion conflicts (PUT ignores a stale one), manifests,
 * resource trees, watch streams (`/api/v1/stream/applications`), session login, or JSON patch.
 */
export interface FakeArgoCd {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The one bearer token accepted. */
  token: string;
  /** Every request received (refused ones included); `path` includes the query string. */
  readonly requests: Array<{ method: string; path: string; body?: unknown }>;
  /** Sync requests accepted. */
  readonly syncs: number;
  /** `refresh=` GETs received. */
  readonly refreshes: number;
  /** Stores a copy of `app` (namespace defaults to the control plane's); replaces a namesake. */
  addApp(app: FakeApplication): void;
  /** A copy of the stored app, or undefined. */
  app(name: string, namespace?: string): FakeApplication | undefined;
  /** Sets `status.health.status` now (as the controller would after a health assessment). */
  setHealth(name: string, status: string, namespace?: string): void;
  /** The health a completed sync leaves the app in. */
  setHealthAfterSync(status: string): void;
  /** The next `count` requests get `status` (default 503) with a gRPC-style error body. */
  failNext(count: number, status?: number): void;
  /** The next request gets `status` (default 400) with a JSON error body of about `bytes` bytes. */
  respondWithHugeError(bytes: number, status?: number): void;
  stop(): Promise<void>;
}

/** An Application as stored: plain JSON, loosely typed on purpose (tests build them freely). */
export interface FakeApplication {
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  spec: Record<string, any>;
  status?: Record<string, any>;
  operation?: Record<string, any>;
  [key: string]: unknown;
}

export interface FakeArgoCdOptions {
  token?: string;
  /** The control plane's namespace, used when a request has no `appNamespace`. */
  namespace?: string;
  syncDelayMs?: number;
  healthAfterSync?: string;
  /** Clock for operation timestamps. */
  now?: () => Date;
}

const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 429: 8, 500: 13 };

export async function startFakeArgoCd(options: FakeArgoCdOptions = {}): Promise<FakeArgoCd> {
  const token = options.token ?? 'fake-argocd-token-0123456789';
  const controlNamespace = options.namespace ?? 'argocd';
  const syncDelayMs = options.syncDelayMs ?? 50;
  const now = options.now ?? (() => new Date());
  let healthAfterSync = options.healthAfterSync ?? 'Healthy';
  const apps = new Map<string, FakeApplication>();
  const timers = new Set<NodeJS.Timeout>();
  const requests: FakeArgoCd['requests'] = [];
  let syncs = 0;
  let refreshes = 0;
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let hugeError: { bytes: number; status: number } | undefined;
  let version = 1;

  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const copy = <T>(value: T): T => structuredClone(value);
  const bump = (app: FakeApplication) => {
    app.metadata.resourceVersion = String(++version);
  };

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  }

  function fail(res: ServerResponse, status: number, message: string, code?: number): void {
    send(res, status, { error: message, code: code ?? GRPC_CODE[status] ?? 14, message });
  }

  function notFound(res: ServerResponse, name: string): void {
    fail(res, 404, `applications.argoproj.io "${name}" not found`);
  }

  function completeSync(appKey: string, revisions: string[], multi: boolean): void {
    const app = apps.get(appKey);
    if (app === undefined) return;
    delete app.operation;
    const revision = multi ? { revisions } : { revision: revisions[0] ?? '' };
    app.status = {
      ...app.status,
      sync: { status: 'Synced', ...revision },
      health: { status: healthAfterSync },
      operationState: {
        ...app.status?.operationState,
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        syncResult: revision,
        finishedAt: now().toISOString(),
      },
    };
    bump(app);
  }

  function startSync(res: ServerResponse, app: FakeApplication, body: Record<string, any>): void {
    if (app.operation !== undefined || app.status?.operationState?.phase === 'Running') {
      fail(res, 400, 'another operation is already in progress', 9);
      return;
    }
    const sources: Array<Record<string, any>> =
      Array.isArray(app.spec.sources) && app.spec.sources.length > 0
        ? app.spec.sources
        : app.spec.source
          ? [app.spec.source]
          : [];
    const multi = Array.isArray(app.spec.sources) && app.spec.sources.length > 0;
    // `revisions` pairs with 1-based `sourcePositions` (Argo CD v2.10+); without positions,
    // index by index.
    const requested: unknown[] = Array.isArray(body.revisions)
      ? Array.isArray(body.sourcePositions)
        ? sources.map((_, i) => body.revisions[(body.sourcePositions as number[]).indexOf(i + 1)])
        : body.revisions
      : typeof body.revision === 'string' && body.revision !== ''
        ? [body.revision]
        : [];
    const revisions = sources.map((source, i) => {
      const wanted = requested[i];
      return typeof wanted === 'string' && wanted !== ''
        ? wanted
        : String(source.targetRevision ?? 'HEAD');
    });
    const syncSpec = multi ? { revisions } : { revision: revisions[0] ?? '' };
    app.operation = {
      sync: { ...syncSpec, prune: body.prune === true },
      initiatedBy: { username: 'admin' },
      ...(Array.isArray(body.infos) && body.infos.length > 0 ? { info: copy(body.infos) } : {}),
    };
    app.status = {
      ...app.status,
      health: { status: 'Progressing' },
      operationState: {
        operation: copy(app.operation),
        phase: 'Running',
        message: 'one or more tasks are running',
        startedAt: now().toISOString(),
      },
    };
    bump(app);
    syncs++;
    const appKey = key(app.metadata.namespace ?? controlNamespace, app.metadata.name);
    const timer = setTimeout(() => {
      timers.delete(timer);
      completeSync(appKey, revisions, multi);
    }, syncDelayMs);
    timers.add(timer);
    send(res, 200, app);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        requests.push({ method: req.method ?? '', path: url.pathname + url.search });
        fail(res, 400, 'request body is not JSON');
        return;
      }
    }
    requests.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      ...(body === undefined ? {} : { body }),
    });

    const auth = req.headers.authorization;
    if (auth === undefined) {
      fail(res, 401, 'no session information');
      return;
    }
    if (auth !== `Bearer ${token}`) {
      fail(res, 401, 'invalid session: token signature is invalid');
      return;
    }
    if (failures.count > 0) {
      failures.count--;
      fail(res, failures.status, `the fake was told to fail with ${failures.status}`);
      return;
    }
    if (hugeError !== undefined) {
      const { bytes, status } = hugeError;
      hugeError = undefined;
      fail(res, status, `application spec is invalid: ${'x'.repeat(Math.max(0, bytes - 80))}`);
      return;
    }

    const match = /^\/api\/v1\/applications(?:\/([^/]+)(\/sync)?)?$/.exec(url.pathname);
    if (match === null) {
      fail(res, 404, `no route for ${url.pathname}`);
      return;
    }
    const name = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    const isSync = match[2] !== undefined;
    const namespace =
      url.searchParams.get('appNamespace') ||
      (typeof body?.appNamespace === 'string' && body.appNamespace !== ''
        ? (body.appNamespace as string)
        : undefined) ||
      (req.method === 'PUT' && typeof body?.metadata?.namespace === 'string'
        ? (body.metadata.namespace as string)
        : controlNamespace);

    if (name === undefined) {
      if (req.method !== 'GET') {
        fail(res, 405, `method ${req.method} not allowed`, 12);
        return;
      }
      const selector = parseSelector(url.searchParams.get('selector') ?? '');
      const items = [...apps.values()].filter(
        (app) =>
          (app.metadata.namespace ?? controlNamespace) === namespace &&
          selector(app.metadata.labels ?? {}),
      );
      send(res, 200, items.length === 0 ? { metadata: {} } : { metadata: {}, items });
      return;
    }

    const app = apps.get(key(namespace, name));
    if (app === undefined) {
      notFound(res, name);
      return;
    }
    if (isSync) {
      if (req.method !== 'POST') fail(res, 405, `method ${req.method} not allowed`, 12);
      else startSync(res, app, body ?? {});
      return;
    }
    switch (req.method) {
      case 'GET':
        if (url.searchParams.has('refresh')) refreshes++;
        send(res, 200, app);
        return;
      case 'PUT': {
        if (typeof body?.spec !== 'object' || body.spec === null) {
          fail(res, 400, 'application spec is required');
          return;
        }
        app.spec = copy(body.spec);
        if (body.metadata?.labels !== undefined) app.metadata.labels = copy(body.metadata.labels);
        if (body.metadata?.annotations !== undefined) {
          app.metadata.annotations = copy(body.metadata.annotations);
        }
        bump(app);
        send(res, 200, app);
        return;
      }
      case 'PATCH': {
        if (body?.patchType !== 'merge' || typeof body.patch !== 'string') {
          fail(res, 400, `unsupported patch type ${JSON.stringify(body?.patchType)}`);
          return;
        }
        let patch: any;
        try {
          patch = JSON.parse(body.patch);
        } catch {
          fail(res, 400, 'error unmarshaling patch: invalid JSON');
          return;
        }
        const patched = mergePatch({ metadata: app.metadata, spec: app.spec }, patch) as any;
        app.spec = patched.spec ?? {};
        app.metadata = { ...patched.metadata, name: app.metadata.name };
        bump(app);
        send(res, 200, app);
        return;
      }
      default:
        fail(res, 405, `method ${req.method} not allowed`, 12);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, `fake-argocd: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    get syncs() {
      return syncs;
    },
    get refreshes() {
      return refreshes;
    },
    addApp(app) {
      const stored = copy(app);
      stored.metadata.namespace ??= controlNamespace;
      stored.metadata.resourceVersion ??= String(++version);
      apps.set(key(stored.metadata.namespace, stored.metadata.name), stored);
    },
    app(name, namespace = controlNamespace) {
      const app = apps.get(key(namespace, name));
      return app === undefined ? undefined : copy(app);
    },
    setHealth(name, status, namespace = controlNamespace) {
      const app = apps.get(key(namespace, name));
      if (app === undefined) throw new Error(`fake-argocd: no app ${namespace}/${name}`);
      app.status = { ...app.status, health: { status } };
      bump(app);
    },
    setHealthAfterSync(status) {
      healthAfterSync = status;
    },
    failNext(count, status = 503) {
      failures = { count, status };
    },
    respondWithHugeError(bytes, status = 400) {
      hugeError = { bytes, status };
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}

/**
 * A Kubernetes label selector in its string form: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)` and `k notin (a,b)`, comma-separated (commas inside parentheses belong to the set).
 */
export function parseSelector(selector: string): (labels: Record<string, string>) => boolean {
  const terms = (selector.match(/[^,(]+(?:\([^)]*\))?/g) ?? [])
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term) => {
      const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
      if (set !== null) {
        const values = set[3]!.split(',').map((v) => v.trim());
        return { key: set[1]!, op: set[2]!, values };
      }
      const absent = /^!\s*([^\s!=]+)$/.exec(term);
      if (absent !== null) return { key: absent[1]!, op: 'absent', values: [] };
      const m = /^([^=!\s]+)\s*(!=|==|=)?\s*(.*)$/.exec(term);
      if (m === null) throw new Error(`fake-argocd: unsupported selector term ${term}`);
      return { key: m[1]!, op: m[2] ?? 'exists', values: [m[3] ?? ''] };
    });
  return (labels) =>
    terms.every(({ key, op, values }) => {
      const actual = labels[key];
      switch (op) {
        case 'exists':
          return actual !== undefined;
        case 'absent':
          return actual === undefined;
        case 'in':
          return actual !== undefined && values.includes(actual);
        case 'notin':
          return actual === undefined || !values.includes(actual);
        case '!=':
          return actual !== values[0];
        default:
          return actual === values[0];
      }
    });
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}
