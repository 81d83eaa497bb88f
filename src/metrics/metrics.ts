/**
 * The Metrics port: what the controllers, the engine, the store decorator and the HTTP server
 * report, in domain terms. The Prometheus adapter (`prometheus-metrics.ts`) turns these into
 * Kargo's metric names where Kargo has them (v1.12's `kargo_promotion*`) and Gantry's own
 * (`gantry_*`) elsewhere; `noMetrics` records nothing (the default of every component, and
 * what tests use). Implementations must be cheap and must never throw: they are called on
 * hot paths (every store operation, every HTTP request).
 */
export interface Metrics {
  /** A Promotion was seen for the first time by the replica that runs its Stage. */
  promotionCreated(project: string, stage: string): void;
  /**
   * A Promotion reached a terminal phase. `seconds` is how long it ran, from its start to its
   * end; undefined when it ended without ever running (Kargo observes only those that ran).
   */
  promotionFinished(
    project: string,
    stage: string,
    phase: string,
    seconds: number | undefined,
  ): void;
  /** A step attempt failed with an error that is retried (Kargo: one per failed attempt). */
  promotionRetryableError(project: string): void;
  /**
   * A step reached a terminal status (Succeeded, Failed or Errored; skipped and aborted steps
   * are not reported). `seconds` covers its whole life, every attempt and wait included.
   */
  stepFinished(project: string, kind: string, status: string, seconds: number): void;
  /** One discovery of a Warehouse ended. */
  discoveryRun(run: DiscoveryRun): void;
  /** One call of the Store port ended; `outcome` is `ok` or the error's code in snake case. */
  storeOperation(op: string, outcome: string, seconds: number): void;
  /** This replica held a lease and found another replica holding it (`kind`: its name's prefix). */
  leaseLost(kind: string): void;
  /** This replica took a lease another replica held when this one last asked for it. */
  leaseTakenOver(kind: string): void;
  /** An HTTP request was answered; `route` is the route's pattern, never the raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** A change-feed subscription (an API watch stream or a controller's watch) opened or ended. */
  watchOpened(): void;
  watchClosed(): void;
}

export interface DiscoveryRun {
  project: string;
  warehouse: string;
  seconds: number;
  /** Subscriptions whose discovery failed in this run (0 when all succeeded). */
  failedSubscriptions: number;
  /** Whether the run created a Freight. */
  freightCreated: boolean;
}

/** Records nothing. */
export const noMetrics: Metrics = {
  promotionCreated: () => undefined,
  promotionFinished: () => undefined,
  promotionRetryableError: () => undefined,
  stepFinished: () => undefined,
  discoveryRun: () => undefined,
  storeOperation: () => undefined,
  leaseLost: () => undefined,
  leaseTakenOver: () => undefined,
  httpRequest: () => undefined,
  watchOpened: () => undefined,
  watchClosed: () => undefined,
};

/**
 * How long something ran that started at `startedAt` (an RFC 3339 timestamp to the second, as
 * statuses keep it) and that this process has been timing since `localStartMs` (both measured
 * at `nowMs`). The local measure is precise; the timestamp covers work done before a restart
 * or on another replica. The timestamp wins only when it says clearly more (over a second,
 * its precision) than the local measure.
 */
export function elapsedSeconds(
  startedAt: string | undefined,
  localStartMs: number,
  nowMs: number,
): number {
  const local = Math.max(0, nowMs - localStartMs) / 1000;
  const since = startedAt ? Date.parse(startedAt) : NaN;
  if (Number.isNaN(since)) return local;
  const whole = Math.max(0, nowMs - since) / 1000;
  return whole - local > 1 ? whole : local;
}

/** A lease's kind for metrics: its name up to the first `/` (`promotions/demo/dev` → `promotions`). */
export function leaseKind(name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(0, slash);
}

/** What `/metrics` serves: the metrics in a text format and its content type. */
export interface MetricsExposition {
  readonly contentType: string;
  exposition(): Promise<string>;
}
