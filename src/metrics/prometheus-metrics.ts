import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TERMINAL_PROMOTION_PHASES } from '../api/promotion.js';
import type { StoredResource } from '../api/resource.js';
import { stageReadiness } from '../api/stage-readiness.js';
import type { Store } from '../store/store.js';
import type { DiscoveryRun, Metrics } from './metrics.js';

/** Where the gauges sampled at scrape time read from. */
export interface MetricSources {
  /** Stages and Promotions, for `kargo_stages_by_ready_reason` and `kargo_promotions_non_terminal`. */
  store?: Pick<Store, 'list'> | undefined;
  /** Leases this replica holds now, by kind (`MeteredStore.heldLeases`). */
  leases?: (() => ReadonlyMap<string, number>) | undefined;
}

export interface PrometheusMetricsOptions {
  /** Node.js process metrics (`process_*`, `nodejs_*`); on by default. */
  defaultMetrics?: boolean | undefined;
  /**
   * The Stage and Promotion gauges are read from the store at most this often (default 10 s):
   * scrapes in between answer the last sample, so a scrape's cost does not grow with the number
   * of Prometheus servers or their frequency.
   */
  sampleIntervalMs?: number | undefined;
  /** A sample that takes longer is abandoned; the previous one is answered (default 2 s). */
  sampleTimeoutMs?: number | undefined;
  /** Called when a sample fails (the store is away): the server logs it. */
  onSampleError?: ((err: unknown) => void) | undefined;
  now?: (() => number) | undefined;
}

/**
 * Kargo buckets its promotion histograms from 30 s and its step histograms from 5 s and adds
 * native histograms for precision; prom-client has no native histograms, and Gantry's steps
 * often take well under a second, so these static buckets start lower.
 */
const PROMOTION_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const STEP_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const DISCOVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Sample {
  stagesByReason: Map<string, number>;
  nonTerminal: Map<string, number>;
}

/**
 * The Metrics port on prom-client, with its own Registry (never the global one, so two servers
 * in one process, as tests run them, keep their figures apart). Names and labels follow
 * Kargo v1.12 (`pkg/controller/promotions/metrics`, `pkg/promotion/metrics`, docs' monitoring
 * page) where Kargo has the metric: `kargo_promotions_created_total{project}`,
 * `kargo_promotion_duration_seconds{project,terminalPhase}`,
 * `kargo_promotion_step_duration_seconds{project,stepKind,terminalStatus}`,
 * `kargo_stages_by_ready_reason{project,reason}`, …; Gantry's own are `gantry_*`.
 * docs/operations.md lists them all.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #sources: MetricSources = {};
  readonly #sampleIntervalMs: number;
  readonly #sampleTimeoutMs: number;
  readonly #onSampleError: (err: unknown) => void;
  readonly #now: () => number;
  #sample: Sample | undefined;
  #sampledAt = -Infinity;
  #sampling: Promise<Sample | undefined> | undefined;

  readonly #promotionsCreated: Counter<'project'>;
  readonly #retryableErrors: Counter<'project'>;
  readonly #terminalErrors: Counter<'project'>;
  readonly #promotionDuration: Histogram<'project' | 'terminalPhase'>;
  readonly #stepDuration: Histogram<'project' | 'stepKind' | 'terminalStatus'>;
  readonly #discoveryRuns: Counter<'project' | 'warehouse' | 'outcome'>;
  readonly #discoveryErrors: Counter<'project' | 'warehouse'>;
  readonly #discoveryDuration: Histogram<'project'>;
  readonly #freightCreated: Counter<'project' | 'warehouse'>;
  readonly #storeDuration: Histogram<'op' | 'outcome'>;
  readonly #storeUnavailable: Counter<'op'>;
  readonly #leasesLost: Counter<'kind'>;
  readonly #leasesTakenOver: Counter<'kind'>;
  readonly #httpRequests: Counter<'method' | 'route' | 'code'>;
  readonly #httpDuration: Histogram<'method' | 'route'>;
  readonly #watchesOpen: Gauge;
  /** Labelled children by their label values: a store call or request observes without hashing labels. */
  readonly #storeChildren = new Map<string, { observe(value: number): void }>();

  constructor(options: PrometheusMetricsOptions = {}) {
    this.#sampleIntervalMs = options.sampleIntervalMs ?? 10_000;
    this.#sampleTimeoutMs = options.sampleTimeoutMs ?? 2_000;
    this.#onSampleError = options.onSampleError ?? (() => undefined);
    this.#now = options.now ?? (() => performance.now());
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.#promotionsCreated = new Counter({
      name: 'kargo_promotions_created_total',
      help: 'Number of Promotions the controller has observed being created.',
      labelNames: ['project'],
      registers,
    });
    this.#retryableErrors = new Counter({
      name: 'kargo_promotions_errored_retryable_total',
      help: 'Number of retryable errors encountered while executing Promotions (one per failed step attempt).',
      labelNames: ['project'],
      registers,
    });
    this.#terminalErrors = new Counter({
      name: 'kargo_promotions_errored_terminal_total',
      help: 'Number of Promotions that reached the terminal Errored phase.',
      labelNames: ['project'],
      registers,
    });
    this.#promotionDuration = new Histogram({
      name: 'kargo_promotion_duration_seconds',
      help: 'Time a Promotion spent running, from the moment it started until it reached a terminal phase.',
      labelNames: ['project', 'terminalPhase'],
      buckets: PROMOTION_BUCKETS,
      registers,
    });
    this.#stepDuration = new Histogram({
      name: 'kargo_promotion_step_duration_seconds',
      help: 'Time a Promotion step spent running, from the moment it started until it reached a terminal status.',
      labelNames: ['project', 'stepKind', 'terminalStatus'],
      buckets: STEP_BUCKETS,
      registers,
    });
    const nonTerminal: Gauge<'project'> = new Gauge({
      name: 'kargo_promotions_non_terminal',
      help: 'Number of Promotions in a non-terminal phase (Pending or Running), sampled at scrape time.',
      labelNames: ['project'],
      registers,
      collect: async () => {
        const sample = await this.#sampled();
        nonTerminal.reset();
        for (const [project, count] of sample?.nonTerminal ?? [])
          nonTerminal.set({ project }, count);
      },
    });
    const stagesByReason: Gauge<'project' | 'reason'> = new Gauge({
      name: 'kargo_stages_by_ready_reason',
      help: 'Number of Stages by the reason of their Ready condition, by Project, sampled at scrape time. Control flow Stages are omitted.',
      labelNames: ['project', 'reason'],
      registers,
      collect: async () => {
        const sample = await this.#sampled();
        stagesByReason.reset();
        for (const [key, count] of sample?.stagesByReason ?? []) {
          const [project, reason] = JSON.parse(key) as [string, string];
          stagesByReason.set({ project, reason }, count);
        }
      },
    });

    this.#discoveryRuns = new Counter({
      name: 'gantry_discovery_runs_total',
      help: 'Warehouse discoveries run, by outcome (succeeded, or failed when a subscription could not be discovered).',
      labelNames: ['project', 'warehouse', 'outcome'],
      registers,
    });
    this.#discoveryErrors = new Counter({
      name: 'gantry_discovery_errors_total',
      help: 'Subscriptions whose discovery failed.',
      labelNames: ['project', 'warehouse'],
      registers,
    });
    this.#discoveryDuration = new Histogram({
      name: 'gantry_discovery_duration_seconds',
      help: 'Time one discovery of a Warehouse took, every subscription and the Freight it made included.',
      labelNames: ['project'],
      buckets: DISCOVERY_BUCKETS,
      registers,
    });
    this.#freightCreated = new Counter({
      name: 'gantry_freight_created_total',
      help: 'Freight created by Warehouse discovery.',
      labelNames: ['project', 'warehouse'],
      registers,
    });
    this.#storeDuration = new Histogram({
      name: 'gantry_store_operation_duration_seconds',
      help: 'Time a store operation took, by operation and outcome (ok, or the error code).',
      labelNames: ['op', 'outcome'],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.#storeUnavailable = new Counter({
      name: 'gantry_store_unavailable_errors_total',
      help: 'Store operations that failed because the store was unavailable.',
      labelNames: ['op'],
      registers,
    });
    const leasesHeld: Gauge<'kind'> = new Gauge({
      name: 'gantry_leases_held',
      help: 'Leases this replica holds, by kind (promotions, warehouses, verification, …).',
      labelNames: ['kind'],
      registers,
      collect: () => {
        leasesHeld.reset();
        for (const [kind, count] of this.#sources.leases?.() ?? []) leasesHeld.set({ kind }, count);
      },
    });
    this.#leasesLost = new Counter({
      name: 'gantry_leases_lost_total',
      help: 'Leases this replica held and found held by another replica.',
      labelNames: ['kind'],
      registers,
    });
    this.#leasesTakenOver = new Counter({
      name: 'gantry_leases_taken_over_total',
      help: 'Leases this replica took that another replica held when this one last asked.',
      labelNames: ['kind'],
      registers,
    });
    this.#httpRequests = new Counter({
      name: 'gantry_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'code'],
      registers,
    });
    this.#httpDuration = new Histogram({
      name: 'gantry_http_request_duration_seconds',
      help: 'Time until an HTTP response started (for watch streams: until the stream opened).',
      labelNames: ['method', 'route'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.#watchesOpen = new Gauge({
      name: 'gantry_watches_open',
      help: 'Open change-feed subscriptions: API watch streams and the controllers’ own watches.',
      registers,
    });
  }

  /** What the scrape-time gauges read; set once the store exists (main.ts). */
  sampleFrom(sources: MetricSources): void {
    Object.assign(this.#sources, sources);
  }

  /** The Prometheus text exposition format's content type. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric, in the Prometheus text exposition format. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  promotionCreated(project: string, _stage: string): void {
    this.#promotionsCreated.inc({ project });
  }

  promotionFinished(
    project: string,
    _stage: string,
    phase: string,
    seconds: number | undefined,
  ): void {
    if (phase === 'Errored') this.#terminalErrors.inc({ project });
    if (seconds !== undefined)
      this.#promotionDuration.observe({ project, terminalPhase: phase }, seconds);
  }

  promotionRetryableError(project: string): void {
    this.#retryableErrors.inc({ project });
  }

  stepFinished(project: string, kind: string, status: string, seconds: number): void {
    this.#stepDuration.observe({ project, stepKind: kind, terminalStatus: status }, seconds);
  }

  discoveryRun(run: DiscoveryRun): void {
    const { project, warehouse } = run;
    const outcome = run.failedSubscriptions > 0 ? 'failed' : 'succeeded';
    this.#discoveryRuns.inc({ project, warehouse, outcome });
    if (run.failedSubscriptions > 0)
      this.#discoveryErrors.inc({ project, warehouse }, run.failedSubscriptions);
    this.#discoveryDuration.observe({ project }, run.seconds);
    if (run.freightCreated) this.#freightCreated.inc({ project, warehouse });
  }

  storeOperation(op: string, outcome: string, seconds: number): void {
    const key = `${op} ${outcome}`;
    let child = this.#storeChildren.get(key);
    if (!child) {
      child = this.#storeDuration.labels({ op, outcome });
      this.#storeChildren.set(key, child);
    }
    child.observe(seconds);
    if (outcome === 'unavailable') this.#storeUnavailable.inc({ op });
  }

  leaseLost(kind: string): void {
    this.#leasesLost.inc({ kind });
  }

  leaseTakenOver(kind: string): void {
    this.#leasesTakenOver.inc({ kind });
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.#httpRequests.inc({ method, route, code: String(status) });
    this.#httpDuration.observe({ method, route }, seconds);
  }

  watchOpened(): void {
    this.#watchesOpen.inc();
  }

  watchClosed(): void {
    this.#watchesOpen.dec();
  }

  /** The last sample while it is fresh; otherwise one new sample, shared by concurrent scrapes. */
  async #sampled(): Promise<Sample | undefined> {
    const store = this.#sources.store;
    if (!store) return undefined;
    if (this.#now() - this.#sampledAt < this.#sampleIntervalMs) return this.#sample;
    this.#sampling ??= this.#takeSample(store).finally(() => {
      this.#sampling = undefined;
    });
    return this.#sampling;
  }

  async #takeSample(store: Pick<Store, 'list'>): Promise<Sample | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`sampling Stages took over ${this.#sampleTimeoutMs} ms`)),
        this.#sampleTimeoutMs,
      );
      timer.unref();
    });
    try {
      const [stages, promotions] = await Promise.race([
        Promise.all([listAll(store, 'Stage'), listAll(store, 'Promotion')]),
        timeout,
      ]);
      this.#sample = sampleOf(stages, promotions);
      this.#sampledAt = this.#now();
    } catch (err) {
      this.#onSampleError(err);
    } finally {
      clearTimeout(timer);
    }
    return this.#sample;
  }
}

/** Page size of the sampling lists: between pages, the event loop serves other work. */
const SAMPLE_PAGE = 500;

async function listAll(store: Pick<Store, 'list'>, kind: string): Promise<StoredResource[]> {
  const items: StoredResource[] = [];
  let next: string | undefined;
  do {
    const page = await store.list(kind, { limit: SAMPLE_PAGE, continue: next });
    items.push(...page.items);
    next = page.continue;
    // A backend that answers synchronously would otherwise hold the loop for every page.
    await new Promise((resolve) => setImmediate(resolve));
  } while (next);
  return items;
}

/**
 * Stages by their Ready reason (control-flow Stages, without promotion steps, left out as
 * Kargo does: their readiness says nothing of health or verification) and non-terminal
 * Promotions, by project.
 */
export function sampleOf(stages: StoredResource[], promotions: StoredResource[]): Sample {
  const stagesByReason = new Map<string, number>();
  for (const stage of stages) {
    const steps = (stage.spec as { promotionTemplate?: { spec?: { steps?: unknown[] } } })
      ?.promotionTemplate?.spec?.steps;
    if (!steps?.length) continue;
    const reason = stageReadiness(stage).reason || 'Unknown';
    const key = JSON.stringify([stage.metadata.namespace ?? '', reason]);
    stagesByReason.set(key, (stagesByReason.get(key) ?? 0) + 1);
  }
  const nonTerminal = new Map<string, number>();
  for (const promotion of promotions) {
    const phase = (promotion.status as { phase?: string } | undefined)?.phase ?? '';
    if (TERMINAL_PROMOTION_PHASES.has(phase)) continue;
    const project = promotion.metadata.namespace ?? '';
    nonTerminal.set(project, (nonTerminal.get(project) ?? 0) + 1);
  }
  return { stagesByReason, nonTerminal };
}
