import {
  isReachableGitSource,
  renderGitSource,
  worstHealth,
  type FakeResource,
} from './fake-argocd-repo-server.js';

/**
 * The state and the application controller behind both front doors of the fake Argo CD
 * (test/fake-argocd.ts documents the model). Fronts translate HTTP into these calls; this
 * class owns the Applications, the resourceVersion counter, operations and their timers, and
 * the failures a test asks for.
 */

/** An Application as stored: plain JSON, loosely typed on purpose (tests build them freely). */
export interface FakeApplication {
  apiVersion?: string;
  kind?: string;
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

export interface FakeRequest {
  method: string;
  /** Includes the query string. */
  path: string;
  body?: unknown;
  /** The `Content-Type` header, when the request had one. */
  contentType?: string;
}

export interface ControlPlaneOptions {
  namespace: string;
  syncDelayMs: number;
  healthyAfterMs: number;
  healthAfterSync: string;
  now: () => Date;
}

/** An injected failure for the next request, whichever front it reaches. */
export type Fault = { status: number; message: string };

export const APPLICATION_API_VERSION = 'argoproj.io/v1alpha1';
export const REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';

interface SyncOutcome {
  revisions: string[];
  /** Resources read from git; undefined when no source was resolved with git. */
  resources: Array<FakeResource & { namespace?: string }> | undefined;
  error?: string;
}

export class FakeArgoCdControlPlane {
  readonly namespace: string;
  readonly requests: FakeRequest[] = [];
  healthAfterSync: string;
  syncs = 0;
  refreshes = 0;
  readonly #options: ControlPlaneOptions;
  readonly #apps = new Map<string, FakeApplication>();
  /** Per app, the id of the operation the controller is running. */
  readonly #running = new Map<string, number>();
  readonly #healthTimers = new Map<string, NodeJS.Timeout>();
  readonly #timers = new Map<NodeJS.Timeout, () => void>();
  /** While set, operations that started keep running until it resolves (holdSyncs). */
  #held: Promise<void> | undefined;
  readonly #inflight = new Set<Promise<void>>();
  readonly #failingSyncs = new Map<string, { count: number; message: string }>();
  #version = 1;
  #operationIds = 0;
  #uids = 0;
  #failures = { count: 0, status: 503 };
  #hugeError: { bytes: number; status: number } | undefined;
  #stopped = false;

  constructor(options: ControlPlaneOptions) {
    this.#options = options;
    this.namespace = options.namespace;
    this.healthAfterSync = options.healthAfterSync;
  }

  /** The newest resourceVersion handed out (what a Kubernetes list reports). */
  get resourceVersion(): string {
    return String(this.#version);
  }

  /** The stored object (live: copy before keeping it). */
  get(namespace: string, name: string): FakeApplication | undefined {
    return this.#apps.get(key(namespace, name));
  }

  /** Apps in `namespace` (every namespace when undefined) whose labels match `selector`. */
  list(namespace: string | undefined, selector: string): FakeApplication[] {
    const matches = parseSelector(selector);
    return [...this.#apps.values()].filter(
      (app) =>
        (namespace === undefined || app.metadata.namespace === namespace) &&
        matches(app.metadata.labels ?? {}),
    );
  }

  /** A test's backdoor: stores a copy as is; the controller does not react to it. */
  add(app: FakeApplication): void {
    const stored = structuredClone(app);
    stored.apiVersion ??= APPLICATION_API_VERSION;
    stored.kind ??= 'Application';
    stored.metadata.namespace ??= this.namespace;
    stored.metadata.uid ??= `00000000-0000-4000-8000-${String(++this.#uids).padStart(12, '0')}`;
    stored.metadata.creationTimestamp ??= this.#options.now().toISOString();
    stored.metadata.generation ??= 1;
    stored.metadata.resourceVersion = String(++this.#version);
    const k = key(stored.metadata.namespace, stored.metadata.name);
    this.#running.delete(k);
    this.#cancelHealthTimer(k);
    this.#apps.set(k, stored);
  }

  /**
   * Stores `next` in place of the app it names (which must exist), as the API server would:
   * identity fields kept, a new resourceVersion, `generation` bumped when the spec changed.
   * Returns a copy of what was written; then the controller reacts as Argo CD's would: it
   * consumes a `argocd.argoproj.io/refresh` annotation (counted in `refreshes`) and starts an
   * operation that this write set or changed.
   */
  write(next: FakeApplication): FakeApplication {
    const k = key(next.metadata.namespace ?? this.namespace, next.metadata.name);
    const current = this.#apps.get(k);
    if (current === undefined) throw new Error(`fake-argocd: no app ${k}`);
    const stored = structuredClone(next);
    stored.apiVersion = current.apiVersion ?? APPLICATION_API_VERSION;
    stored.kind = current.kind ?? 'Application';
    stored.metadata = {
      ...stored.metadata,
      name: current.metadata.name,
      namespace: current.metadata.namespace ?? this.namespace,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation:
        JSON.stringify(stored.spec) === JSON.stringify(current.spec)
          ? current.metadata.generation
          : Number(current.metadata.generation ?? 1) + 1,
      resourceVersion: String(++this.#version),
    };
    this.#apps.set(k, stored);
    const written = structuredClone(stored);

    if (stored.metadata.annotations?.[REFRESH_ANNOTATION] !== undefined) {
      delete stored.metadata.annotations[REFRESH_ANNOTATION];
      this.refreshes++;
      this.#bump(stored);
    }
    const operationChanged = JSON.stringify(stored.operation) !== JSON.stringify(current.operation);
    if (stored.operation !== undefined && operationChanged && !this.#running.has(k)) {
      this.#start(k, stored);
    }
    return written;
  }

  /** Whether Argo CD would refuse a new sync: an operation is requested or running. */
  operationInProgress(app: FakeApplication): boolean {
    return app.operation !== undefined || app.status?.operationState?.phase === 'Running';
  }

  /** The API server's sync call: records `operation` and starts it. */
  sync(app: FakeApplication, operation: Record<string, any>): void {
    app.operation = structuredClone(operation);
    this.#start(key(app.metadata.namespace ?? this.namespace, app.metadata.name), app);
  }

  setHealth(namespace: string, name: string, status: string): void {
    const k = key(namespace, name);
    const app = this.#apps.get(k);
    if (app === undefined) throw new Error(`fake-argocd: no app ${k}`);
    // The test's word is final: a pending "becomes healthy later" must not overwrite it.
    this.#cancelHealthTimer(k);
    app.status = { ...app.status, health: { status } };
    this.#bump(app);
  }

  failSyncs(namespace: string, name: string, count: number, message: string): void {
    this.#failingSyncs.set(key(namespace, name), { count, message });
  }

  failNext(count: number, status: number): void {
    this.#failures = { count, status };
  }

  respondWithHugeError(bytes: number, status: number): void {
    this.#hugeError = { bytes, status };
  }

  /** The failure the next authenticated request must get, if a test asked for one. */
  takeFault(): Fault | undefined {
    if (this.#failures.count > 0) {
      this.#failures.count--;
      const { status } = this.#failures;
      return { status, message: `the fake was told to fail with ${status}` };
    }
    if (this.#hugeError !== undefined) {
      const { bytes, status } = this.#hugeError;
      this.#hugeError = undefined;
      return {
        status,
        message: `application spec is invalid: ${'x'.repeat(Math.max(0, bytes - 80))}`,
      };
    }
    return undefined;
  }

  /** Resolves once no operation runs and no app waits to become healthy. */
  /** Operations started from now on run until the returned function is called. */
  holdSyncs(): () => void {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.#held = held;
    return () => {
      if (this.#held === held) this.#held = undefined;
      release();
    };
  }

  async idle(): Promise<void> {
    while (this.#inflight.size > 0 || this.#healthTimers.size > 0) {
      if (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#healthTimers.values()) clearTimeout(timer);
    for (const [timer, wake] of this.#timers) {
      clearTimeout(timer);
      wake();
    }
    this.#timers.clear();
    this.#healthTimers.clear();
    // Let running git commands end, so their temporary clones are removed.
    await Promise.allSettled([...this.#inflight]);
  }

  #bump(app: FakeApplication): void {
    app.metadata.resourceVersion = String(++this.#version);
    // Every change the double makes stands for a reconcile of Argo CD's controller, which
    // records when it last assessed the app (argocd-wait trusts health only after that).
    if (app.status !== undefined)
      app.status = { ...app.status, reconciledAt: this.#options.now().toISOString() };
  }

  #cancelHealthTimer(k: string): void {
    const timer = this.#healthTimers.get(k);
    if (timer !== undefined) clearTimeout(timer);
    this.#healthTimers.delete(k);
  }

  #start(k: string, app: FakeApplication): void {
    const id = ++this.#operationIds;
    this.#running.set(k, id);
    this.#cancelHealthTimer(k);
    const operation = structuredClone(app.operation ?? {});
    const sources = sourcesOf(app);
    const multi = Array.isArray(app.spec.sources) && app.spec.sources.length > 0;
    const wanted = requestedRevisions(operation.sync ?? {}, sources);
    const previousHealth = structuredClone(app.status?.health);
    app.status = {
      ...app.status,
      health: { status: 'Progressing' },
      operationState: {
        operation,
        phase: 'Running',
        message: 'one or more tasks are running',
        startedAt: this.#options.now().toISOString(),
      },
    };
    this.#bump(app);
    this.syncs++;
    const destination = app.spec.destination?.namespace as string | undefined;
    const work = Promise.all([
      this.#render(sources, wanted, destination),
      this.#sleep(this.#options.syncDelayMs),
      this.#held,
    ]).then(([outcome]) => this.#finish(k, id, outcome, multi, previousHealth));
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
  }

  /** Resolves after `ms`, or at once when the fake stops. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.set(timer, resolve);
    });
  }

  async #render(
    sources: Array<Record<string, any>>,
    wanted: string[],
    destinationNamespace: string | undefined,
  ): Promise<SyncOutcome> {
    const revisions = [...wanted];
    let resources: SyncOutcome['resources'];
    for (const [i, source] of sources.entries()) {
      if (!isReachableGitSource(source)) continue;
      try {
        const rendered = await renderGitSource({
          repoURL: source.repoURL as string,
          revision: wanted[i] ?? '',
          path: source.path as string | undefined,
          recurse: source.directory?.recurse === true,
        });
        revisions[i] = rendered.revision;
        resources = [
          ...(resources ?? []),
          ...rendered.resources.map((r) => ({
            ...r,
            ...(r.namespace === undefined && destinationNamespace !== undefined
              ? { namespace: destinationNamespace }
              : {}),
          })),
        ];
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const error = `failed to generate manifest for source ${i + 1} of ${sources.length}: ${reason}`;
        return { revisions, resources, error };
      }
    }
    return { revisions, resources };
  }

  #finish(
    k: string,
    id: number,
    outcome: SyncOutcome,
    multi: boolean,
    previousHealth: unknown,
  ): void {
    if (this.#stopped || this.#running.get(k) !== id) return;
    this.#running.delete(k);
    const app = this.#apps.get(k);
    if (app === undefined) return;
    // Argo CD's controller clears `operation` when it finishes, dropping any written meanwhile.
    delete app.operation;
    const status = app.status ?? {};
    const running = status.operationState ?? {};
    const finishedAt = this.#options.now().toISOString();
    const { conditions: _conditions, ...rest } = status;
    const restoreHealth = previousHealth === undefined ? {} : { health: previousHealth };

    if (outcome.error !== undefined) {
      // A comparison error: Argo CD cannot tell whether the app is in sync.
      const { health: _health, ...withoutHealth } = rest;
      app.status = {
        ...withoutHealth,
        ...restoreHealth,
        sync: { ...status.sync, status: 'Unknown' },
        conditions: [
          { type: 'ComparisonError', message: outcome.error, lastTransitionTime: finishedAt },
        ],
        operationState: {
          ...running,
          phase: 'Error',
          message: `ComparisonError: Failed to load target state: ${outcome.error}`,
          finishedAt,
        },
      };
      this.#bump(app);
      return;
    }

    const revision = multi
      ? { revisions: outcome.revisions }
      : { revision: outcome.revisions[0] ?? '' };
    const failing = this.#failingSyncs.get(k);
    if (failing !== undefined && failing.count > 0) {
      if (--failing.count === 0) this.#failingSyncs.delete(k);
      const { health: _health, ...withoutHealth } = rest;
      app.status = {
        ...withoutHealth,
        ...restoreHealth,
        sync: { ...status.sync, status: 'OutOfSync' },
        operationState: {
          ...running,
          phase: 'Failed',
          message: failing.message,
          syncResult: revision,
          finishedAt,
        },
      };
      this.#bump(app);
      return;
    }

    const { resources } = outcome;
    const finalHealth =
      resources === undefined ? this.healthAfterSync : worstHealth(resources.map((r) => r.health));
    const waiting = this.#options.healthyAfterMs > 0;
    app.status = {
      ...rest,
      sync: { status: 'Synced', ...revision },
      health: { status: waiting ? 'Progressing' : finalHealth },
      operationState: {
        ...running,
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        syncResult: revision,
        finishedAt,
      },
      ...(resources === undefined
        ? {}
        : {
            resources: resourceStatuses(resources, waiting),
            summary: {
              ...status.summary,
              images: [...new Set(resources.flatMap((r) => r.images))].sort(),
            },
          }),
    };
    this.#bump(app);
    if (!waiting) return;
    const timer = setTimeout(() => {
      this.#healthTimers.delete(k);
      const current = this.#apps.get(k);
      if (current === undefined || this.#stopped) return;
      current.status = {
        ...current.status,
        health: { status: finalHealth },
        ...(resources === undefined ? {} : { resources: resourceStatuses(resources, false) }),
      };
      this.#bump(current);
    }, this.#options.healthyAfterMs);
    this.#healthTimers.set(k, timer);
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Argo CD's order: `spec.sources` when it has any, else `spec.source`. */
export function sourcesOf(app: FakeApplication): Array<Record<string, any>> {
  if (Array.isArray(app.spec.sources) && app.spec.sources.length > 0) {
    return structuredClone(app.spec.sources as Array<Record<string, any>>);
  }
  return app.spec.source ? [structuredClone(app.spec.source as Record<string, any>)] : [];
}

/**
 * The revision each source is synced to: the operation's `revisions` (paired with 1-based
 * `sourcePositions` when given, Argo CD v2.10+; else index by index) or `revision`, else the
 * source's targetRevision, else `HEAD`.
 */
export function requestedRevisions(
  sync: Record<string, any>,
  sources: Array<Record<string, any>>,
): string[] {
  const requested: unknown[] = Array.isArray(sync.revisions)
    ? Array.isArray(sync.sourcePositions)
      ? sources.map((_, i) => sync.revisions[(sync.sourcePositions as number[]).indexOf(i + 1)])
      : sync.revisions
    : typeof sync.revision === 'string' && sync.revision !== ''
      ? [sync.revision]
      : [];
  return sources.map((source, i) => {
    const wanted = requested[i];
    return typeof wanted === 'string' && wanted !== ''
      ? wanted
      : String(source.targetRevision ?? 'HEAD');
  });
}

/** `status.resources` entries, as Argo CD lists the objects an app manages. */
function resourceStatuses(resources: FakeResource[], progressing: boolean): unknown[] {
  return resources.map(({ images: _images, health, ...resource }) => ({
    ...resource,
    status: 'Synced',
    health: { status: progressing ? 'Progressing' : health },
  }));
}

/**
 * A Kubernetes label selector in its string form: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)` and `k notin (a,b)`, comma-separated (commas inside parentheses belong to the set).
 * Throws on anything else.
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
      if (m === null) throw new Error(`unable to parse requirement: ${term}`);
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

/** RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
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
