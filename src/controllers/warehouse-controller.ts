import { setMaxListeners } from 'node:events';
import type { Condition } from '../api/meta.js';
import { parseDuration } from '../api/duration.js';
import { freightName } from '../api/freight-name.js';
import { REFRESH_ANNOTATION } from '../api/labels.js';
import { redactUrl } from '../api/redact-url.js';
import { SecretSet } from '../api/secret-set.js';
import type { StoredResource } from '../api/resource.js';
import { formatTimestamp } from '../api/timestamp.js';
import type {
  ChartSubscription,
  GitSubscription,
  ImageSubscription,
  Subscription,
  WarehouseSpec,
  WarehouseStatus,
} from '../api/warehouse.js';
import { freightCreationCriteriaMet } from '../engine/discovered-artifact-functions.js';
import { errorMessage, isGantryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ResourceService } from '../resources/resource-service.js';
import type {
  DiscoveredCharts,
  DiscoveredCommits,
  DiscoveredImages,
  DiscoveryContext,
  DiscoveryCredentials,
} from '../sources/discovery.js';
import type { Lease, Store } from '../store/store.js';
import { updateStatus } from '../store/update-status.js';
import { fencedStore } from '../store/fenced-store.js';
import { LeaseKeeper } from './lease-keeper.js';
import { followChanges } from './follow-changes.js';
import { noMetrics, type Metrics } from '../metrics/metrics.js';
import {
  describeSubscription,
  proposeFreight,
  type DiscoveredArtifacts,
} from './warehouse-freight.js';

/** The discoverers, one per subscription type (listed explicitly in main.ts). */
export interface Discoverers {
  image(
    sub: ImageSubscription,
    previous: DiscoveredImages | undefined,
    context: DiscoveryContext,
  ): Promise<DiscoveredImages>;
  git(
    sub: GitSubscription,
    previous: DiscoveredCommits | undefined,
    context: DiscoveryContext,
  ): Promise<DiscoveredCommits>;
  chart(
    sub: ChartSubscription,
    previous: DiscoveredCharts | undefined,
    context: DiscoveryContext,
  ): Promise<DiscoveredCharts>;
}

export interface WarehouseControllerOptions {
  store: Store;
  service: ResourceService;
  discoverers: Discoverers;
  credentials(
    project: string,
    url: string,
    kind: 'git' | 'image' | 'helm',
  ): Promise<DiscoveryCredentials | undefined>;
  logger: Logger;
  replicaId: string;
  /** The server-wide floor under every Warehouse's interval (ms). */
  minIntervalMs: number;
  leaseTtlMs?: number | undefined;
  now?: () => Date;
  /** Where discoveries are reported (default: nowhere). */
  metrics?: Metrics | undefined;
}

interface Tracked {
  generation: number;
  timer?: NodeJS.Timeout | undefined;
}

const READY = 'Ready';

/**
 * Discovers each Warehouse's artifacts and turns new combinations into Freight.
 *
 * A Warehouse is discovered when it is created or its spec changes, every effective interval
 * (its `interval`, but never more often than the server's minimum) and at once when someone
 * asks: the `kargo.akuity.io/refresh` annotation (set by `gantry refresh`, the API and webhook
 * receivers) whose token is echoed in `status.lastHandledRefresh`. An explicit refresh also
 * re-checks what interval discoveries trust (see ImageDiscovery).
 *
 * Every subscription is discovered on its own: one failing reports its error in the `Ready`
 * condition and keeps its last results, and never hides the others' results. Freight is made
 * only when every subscription has a candidate. With several replicas, the replica holding a
 * Warehouse's lease discovers it.
 */
export class WarehouseController {
  readonly #options: WarehouseControllerOptions;
  readonly #tracked = new Map<string, Tracked>();
  readonly #queue = new Map<string, Promise<void>>();
  readonly #leases: LeaseKeeper;
  /** Consecutive failed discoveries per Warehouse (for the retry backoff). */
  readonly #failures = new Map<string, number>();
  readonly #stop = new AbortController();
  readonly #leaseTtlMs: number;
  readonly #now: () => Date;
  #watching: Promise<void> | undefined;

  constructor(options: WarehouseControllerOptions) {
    this.#options = options;
    // Every discovery running now waits on it (a request, a retry's pause): one per
    // subscription of each Warehouse discovering, each gone when its wait ends. Past ten,
    // Node would warn of a leak that is not one.
    setMaxListeners(0, this.#stop.signal);
    this.#leaseTtlMs = options.leaseTtlMs ?? 60_000;
    this.#now = options.now ?? (() => new Date());
    this.#leases = new LeaseKeeper({
      store: options.store,
      holder: options.replicaId,
      ttlMs: this.#leaseTtlMs,
      logger: options.logger,
      what: 'Warehouse',
    });
  }

  async start(): Promise<void> {
    const list = await this.#options.store.list('Warehouse');
    this.#watching = this.#watch(list.resourceVersion);
    this.#leases.start();
    for (const warehouse of list.items) this.#observe(warehouse, 'start');
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    for (const tracked of this.#tracked.values()) clearTimeout(tracked.timer);
    await this.#watching?.catch(() => undefined);
    await Promise.allSettled([...this.#queue.values()]);
    await this.#leases.stop();
    for (const name of this.#leases.names()) await this.#leases.release(name);
  }

  #watch(from: string): Promise<void> {
    return followChanges({
      store: this.#options.store,
      kinds: ['Warehouse'],
      from,
      signal: this.#stop.signal,
      logger: this.#options.logger,
      what: 'warehouse watch',
      onEvent: (event) => {
        if (event.type === 'DELETED') this.#forget(keyOf(event.object));
        else this.#observe(event.object, 'change');
      },
      resync: async () => {
        const list = await this.#options.store.list('Warehouse');
        for (const warehouse of list.items) this.#observe(warehouse, 'start');
        return list.resourceVersion;
      },
    });
  }

  /** Decides, from a Warehouse as stored, whether to discover it now or when it is due. */
  #observe(warehouse: StoredResource, why: 'start' | 'change'): void {
    const key = keyOf(warehouse);
    const tracked = this.#tracked.get(key);
    const generation = warehouse.metadata.generation ?? 0;
    const status = (warehouse.status ?? {}) as WarehouseStatus;
    const refresh = warehouse.metadata.annotations?.[REFRESH_ANNOTATION];
    const refreshAsked = refresh !== undefined && refresh !== status.lastHandledRefresh;
    const specChanged =
      !tracked || generation !== tracked.generation || status.observedGeneration !== generation;
    if (why === 'change' && tracked && !refreshAsked && !specChanged) return; // our own status write
    this.#tracked.set(key, { generation, timer: tracked?.timer });
    if (refreshAsked || specChanged) {
      this.#enqueue(key, refreshAsked);
      return;
    }
    // Start-up with nothing new: carry on from the last discovery's time.
    const last = Date.parse(readyCondition(status)?.lastTransitionTime ?? '') || 0;
    const lastDiscovery = Math.max(
      last,
      Date.parse(status.discoveredArtifacts?.discoveredAt ?? '') || 0,
    );
    this.#scheduleAt(key, lastDiscovery + this.#interval(warehouse.spec as WarehouseSpec));
  }

  #forget(key: string): void {
    clearTimeout(this.#tracked.get(key)?.timer);
    this.#tracked.delete(key);
    this.#failures.delete(key);
    void this.#leases.release(leaseName(key));
  }

  #interval(spec: WarehouseSpec): number {
    const wanted = parseDuration(spec.interval ?? '5m0s') ?? 300_000;
    return Math.max(wanted, this.#options.minIntervalMs);
  }

  #scheduleAt(key: string, at: number): void {
    const tracked = this.#tracked.get(key);
    if (!tracked || this.#stop.signal.aborted) return;
    clearTimeout(tracked.timer);
    const delay = Math.max(at - this.#now().getTime(), 0);
    tracked.timer = setTimeout(() => this.#enqueue(key, false), delay);
    tracked.timer.unref();
  }

  /** Runs one discovery of the Warehouse, never two at once for the same Warehouse. */
  #enqueue(key: string, revalidate: boolean): void {
    if (this.#stop.signal.aborted) return;
    const previous = this.#queue.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#discover(key, revalidate))
      .then(() => void this.#failures.delete(key))
      .catch((err: unknown) => {
        // The store away, say: try again with backoff (1 s doubling to 30 s), never give up.
        const failures = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, failures);
        this.#options.logger.error('warehouse discovery failed; trying again', {
          warehouse: key,
          error: errorMessage(err),
        });
        this.#scheduleAt(
          key,
          this.#now().getTime() + Math.min(1_000 * 2 ** (failures - 1), 30_000),
        );
      });
    this.#queue.set(key, next);
    void next.finally(() => {
      if (this.#queue.get(key) === next) this.#queue.delete(key);
    });
  }

  async #discover(key: string, revalidate: boolean): Promise<void> {
    const [project, name] = key.split('/') as [string, string];
    const { store } = this.#options;
    const warehouse = await store.get({ kind: 'Warehouse', namespace: project, name });
    if (!warehouse || this.#stop.signal.aborted) return;
    const spec = warehouse.spec as WarehouseSpec;
    const interval = this.#interval(spec);
    const held = await this.#leases.take(leaseName(key));
    if (!held) {
      // Another replica has it; look again when its lease could have run out.
      this.#scheduleAt(key, this.#now().getTime() + this.#leaseTtlMs);
      return;
    }
    const status = (warehouse.status ?? {}) as WarehouseStatus;
    const refreshToken = warehouse.metadata.annotations?.[REFRESH_ANNOTATION];
    const specChanged = status.observedGeneration !== warehouse.metadata.generation;
    // Passwords discovery used are masked in the condition, whatever a registry echoes.
    const secrets = new SecretSet();
    const context: DiscoveryContext = {
      project,
      credentialsFor: async (kind, url) => {
        const found = await this.#options.credentials(project, url, kind);
        if (found?.password)
          secrets.addAll([found.password, `${found.username}:${found.password}`]);
        return found;
      },
      signal: this.#stop.signal,
      revalidate: revalidate || specChanged,
      now: this.#now,
    };
    const began = performance.now();
    const { artifacts, failures } = await this.#discoverAll(
      spec.subscriptions,
      status,
      context,
      specChanged,
      secrets,
    );
    if (this.#stop.signal.aborted) return;
    let outcome = '';
    let lastFreightID = status.lastFreightID;
    if (failures.length === 0) {
      const made = await this.#makeFreight(project, name, spec, artifacts, held.lease);
      outcome = made.message;
      lastFreightID = made.created ?? lastFreightID;
    }
    (this.#options.metrics ?? noMetrics).discoveryRun({
      project,
      warehouse: name,
      seconds: (performance.now() - began) / 1000,
      failedSubscriptions: failures.length,
      freightCreated: lastFreightID !== status.lastFreightID,
    });
    const now = this.#now();
    const previousArtifacts = status.discoveredArtifacts;
    const changed =
      JSON.stringify(withoutTime(previousArtifacts)) !== JSON.stringify(withoutTime(artifacts));
    const ready: Condition =
      failures.length === 0
        ? { type: READY, status: 'True', reason: 'Discovered', message: outcome }
        : {
            type: READY,
            status: 'False',
            reason: 'DiscoveryFailed',
            message: failures.map((f) => f.message).join('; '),
          };
    await updateStatus<WarehouseStatus>(
      fencedStore(store, held.lease),
      { kind: 'Warehouse', namespace: project, name },
      (current) => {
        const next: WarehouseStatus = {
          ...current,
          observedGeneration: warehouse.metadata.generation,
          discoveredArtifacts: {
            ...artifacts,
            discoveredAt:
              changed || !previousArtifacts?.discoveredAt
                ? formatTimestamp(now)
                : previousArtifacts.discoveredAt,
          },
          conditions: mergeCondition(
            current?.conditions,
            ready,
            now,
            warehouse.metadata.generation,
          ),
          ...(lastFreightID ? { lastFreightID } : {}),
          ...(refreshToken !== undefined ? { lastHandledRefresh: refreshToken } : {}),
        };
        return JSON.stringify(next) === JSON.stringify(current) ? undefined : next;
      },
    );
    const transient = failures.some((f) => f.transient);
    // A transient failure (network, 5xx, 429) is retried sooner than the interval.
    this.#scheduleAt(key, now.getTime() + (transient ? Math.min(interval, 30_000) : interval));
  }

  async #discoverAll(
    subscriptions: Subscription[],
    status: WarehouseStatus,
    context: DiscoveryContext,
    specChanged: boolean,
    secrets: SecretSet,
  ): Promise<{
    artifacts: DiscoveredArtifacts;
    failures: Array<{ message: string; transient: boolean }>;
  }> {
    const last = status.discoveredArtifacts ?? {};
    // After a spec change (new filters, a new constraint) the last results prove nothing.
    const previous = specChanged ? {} : last;
    const artifacts: DiscoveredArtifacts = {};
    const failures: Array<{ message: string; transient: boolean }> = [];
    const { discoverers } = this.#options;
    await Promise.all(
      subscriptions.map(async (subscription) => {
        const named =
          typeof subscription.name === 'string' ? { subscriptionName: subscription.name } : {};
        try {
          // The status (and the Freight made from it) names repositories without the
          // credentials a repoURL may carry; discoverers see the URL as written.
          if ('image' in subscription && subscription.image) {
            const sub = subscription.image as ImageSubscription;
            const before = previous.images?.find((e) => sameUrl(e.repoURL, sub.repoURL));
            (artifacts.images ??= []).push({
              ...stored(await discoverers.image(sub, asWritten(before, sub), context)),
              ...named,
            });
          } else if ('git' in subscription && subscription.git) {
            const sub = subscription.git as GitSubscription;
            const before = previous.git?.find((e) => sameUrl(e.repoURL, sub.repoURL));
            (artifacts.git ??= []).push({
              ...stored(await discoverers.git(sub, asWritten(before, sub), context)),
              ...named,
            });
          } else if ('chart' in subscription && subscription.chart) {
            const sub = subscription.chart as ChartSubscription;
            const before = previous.charts?.find(
              (e) => sameUrl(e.repoURL, sub.repoURL) && (e.name ?? '') === (sub.name ?? ''),
            );
            (artifacts.charts ??= []).push({
              ...stored(await discoverers.chart(sub, asWritten(before, sub), context)),
              ...named,
            });
          } else {
            throw new Error('Gantry has no discoverer for this subscription type');
          }
        } catch (err) {
          if (context.signal.aborted) return;
          failures.push({
            message: secrets.maskText(
              `${describeSubscription(subscription)}: ${boundedMessage(err)}`,
            ),
            transient: (err as { transient?: boolean }).transient === true,
          });
          // Keep the last results of a failing subscription: they are still the newest known.
          keepPrevious(subscription, last, artifacts);
        }
      }),
    );
    // Subscription order, whatever order discoveries finished in.
    const order = (url: string) =>
      subscriptions.findIndex((s) =>
        Object.values(s).some((v) => sameUrl((v as { repoURL?: string })?.repoURL ?? '', url)),
      );
    artifacts.images?.sort((a, b) => order(a.repoURL) - order(b.repoURL));
    artifacts.git?.sort((a, b) => order(a.repoURL) - order(b.repoURL));
    artifacts.charts?.sort((a, b) => order(a.repoURL) - order(b.repoURL));
    failures.sort((a, b) => a.message.localeCompare(b.message));
    return { artifacts, failures };
  }

  /** Creates the proposed Freight when it is new and the criteria hold. */
  async #makeFreight(
    project: string,
    warehouse: string,
    spec: WarehouseSpec,
    artifacts: DiscoveredArtifacts,
    lease: Lease,
  ): Promise<{ message: string; created?: string }> {
    const proposal = proposeFreight(project, warehouse, spec.subscriptions, artifacts);
    if (!proposal.freight) return { message: `no Freight: ${proposal.reason}` };
    const name = freightName(proposal.freight);
    if (spec.freightCreationPolicy === 'Manual')
      return { message: 'discovered; Freight is created by hand (freightCreationPolicy: Manual)' };
    const existing = await this.#options.store.get({ kind: 'Freight', namespace: project, name });
    if (existing)
      return { message: `newest artifacts are in Freight ${aliasOf(existing)} already` };
    const expression = spec.freightCreationCriteria?.expression;
    if (expression) {
      let verdict: boolean;
      try {
        // As Kargo: over the discovered artifacts (imageFrom(url).Tag, commitFrom(url).Subject).
        verdict = freightCreationCriteriaMet(expression, artifacts);
      } catch (err) {
        throw new Error(`freightCreationCriteria: ${errorMessage(err)}`);
      }
      if (!verdict) return { message: 'no Freight: freightCreationCriteria is false' };
    }
    try {
      const [created] = await this.#options.service.apply({
        mode: 'create',
        actor: 'system:warehouse-controller',
        fence: lease,
        documents: [
          {
            ...proposal.freight,
            metadata: { ...proposal.freight.metadata, name },
            // With milliseconds: Freight found in the same second must still order.
            discoveredAt: this.#now().toISOString(),
          },
        ],
      });
      const alias = aliasOf(created!.object);
      this.#options.logger.info('freight created', { project, warehouse, freight: name, alias });
      return { message: `created Freight ${alias}`, created: name };
    } catch (err) {
      if (isGantryError(err, 'AlreadyExists')) return { message: 'Freight exists already' };
      throw err;
    }
  }
}

function keyOf(object: StoredResource): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function leaseName(key: string): string {
  return `warehouses/${key}`;
}

function aliasOf(freight: StoredResource): string {
  return (freight as { alias?: string }).alias ?? freight.metadata.name.slice(0, 7);
}

function readyCondition(status: WarehouseStatus): Condition | undefined {
  return status.conditions?.find((c) => c.type === READY);
}

function withoutTime(artifacts: DiscoveredArtifacts | undefined): DiscoveredArtifacts {
  const { discoveredAt: _, ...rest } = artifacts ?? {};
  return rest;
}

/** Replaces one condition, keeping its transition time when its status did not change. */
function mergeCondition(
  conditions: Condition[] | undefined,
  next: Condition,
  now: Date,
  generation: number | undefined,
): Condition[] {
  const previous = conditions?.find((c) => c.type === next.type);
  const merged: Condition = {
    ...next,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime:
      previous?.status === next.status && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : formatTimestamp(now),
  };
  return [...(conditions ?? []).filter((c) => c.type !== next.type), merged];
}

/** Errors from registries can be huge; the status keeps a readable head of them. */
function boundedMessage(err: unknown): string {
  const message = errorMessage(err);
  return message.length > 1_000 ? `${message.slice(0, 1_000)}… (truncated)` : message;
}

function keepPrevious(
  subscription: Subscription,
  previous: DiscoveredArtifacts,
  artifacts: DiscoveredArtifacts,
): void {
  if ('image' in subscription && subscription.image) {
    const url = (subscription.image as ImageSubscription).repoURL;
    const before = previous.images?.find((e) => sameUrl(e.repoURL, url));
    if (before) (artifacts.images ??= []).push(before);
  } else if ('git' in subscription && subscription.git) {
    const url = (subscription.git as GitSubscription).repoURL;
    const before = previous.git?.find((e) => sameUrl(e.repoURL, url));
    if (before) (artifacts.git ??= []).push(before);
  } else if ('chart' in subscription && subscription.chart) {
    const chart = subscription.chart as ChartSubscription;
    const before = previous.charts?.find(
      (e) => sameUrl(e.repoURL, chart.repoURL) && (e.name ?? '') === (chart.name ?? ''),
    );
    if (before) (artifacts.charts ??= []).push(before);
  }
}

/** The same repository, whether or not either URL has had its credentials redacted. */
function sameUrl(a: string, b: string): boolean {
  return a === b || redactUrl(a) === redactUrl(b);
}

/** A discovery result as the status keeps it: its repoURL without credentials. */
function stored<T extends { repoURL: string }>(entry: T): T {
  return { ...entry, repoURL: redactUrl(entry.repoURL) };
}

/** The last result handed back to a discoverer, under the repoURL it was written with. */
function asWritten<T extends { repoURL: string }>(
  entry: T | undefined,
  subscription: { repoURL: string },
): T | undefined {
  return entry && { ...entry, repoURL: subscription.repoURL };
}
