import type { StoredResource } from '../api/resource.js';
import type { StageStatus } from '../api/stage.js';
import { assessStage, type HealthChecker, type StageHealth } from '../engine/stage-health.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { followChanges } from './follow-changes.js';
import type { Lease, Store } from '../store/store.js';
import { fencedStore } from '../store/fenced-store.js';
import { updateStatus } from '../store/update-status.js';

export interface StageHealthControllerOptions {
  store: Store;
  logger: Logger;
  replicaId: string;
  healthCheckers: readonly HealthChecker[];
  /** How often every watched Stage's health is assessed again (ms); default 10 s. */
  intervalMs?: number;
}

const LEASE = 'stage-health';

/**
 * Keeps `status.health` of Stages current between promotions (Kargo's Stage reconciler
 * does the same): every interval, each Stage whose last Promotion registered health checks
 * (argocd-update's Applications) or failed is assessed again, and the status is written only
 * when the health changed. A Stage whose last Promotion just finished is assessed at once, so
 * a failure shows without waiting for the next round. With several replicas, one holds the
 * lease and does the rounds.
 */
export class StageHealthController {
  readonly #options: StageHealthControllerOptions;
  readonly #interval: number;
  readonly #stop = new AbortController();
  /** The last Promotion seen per Stage, to notice a new one. */
  readonly #lastPromotion = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();
  #watching: Promise<void> | undefined;
  /** The health lease as last taken (released at stop). */
  #lease: Lease | undefined;

  constructor(options: StageHealthControllerOptions) {
    this.#options = options;
    this.#interval = options.intervalMs ?? 10_000;
  }

  async start(): Promise<void> {
    const list = await this.#options.store.list('Stage');
    for (const stage of list.items) this.#remember(stage);
    this.#watching = this.#watch(list.resourceVersion);
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#watching?.catch(() => undefined);
    await this.#round.catch(() => undefined);
    if (this.#lease) await this.#options.store.releaseLease(this.#lease).catch(() => undefined);
  }

  /** One round now (tests and benchmarks); resolves when it is done. */
  async assessAll(): Promise<void> {
    this.#round = this.#round.then(() => this.#assessAll());
    await this.#round;
  }

  #schedule(delayMs: number): void {
    if (this.#stop.signal.aborted) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.assessAll()
        .catch((err: unknown) =>
          this.#options.logger.error('stage health round failed', { error: errorMessage(err) }),
        )
        .finally(() => this.#schedule(this.#interval));
    }, delayMs);
    this.#timer.unref();
  }

  #watch(from: string): Promise<void> {
    return followChanges({
      store: this.#options.store,
      kinds: ['Stage'],
      from,
      signal: this.#stop.signal,
      logger: this.#options.logger,
      what: 'stage watch (health)',
      onEvent: (event) => {
        if (event.type === 'DELETED') {
          this.#lastPromotion.delete(keyOf(event.object));
          return;
        }
        if (this.#remember(event.object)) void this.#assessOne(event.object);
      },
      resync: async () => {
        const list = await this.#options.store.list('Stage');
        for (const stage of list.items) this.#remember(stage);
        return list.resourceVersion;
      },
    });
  }

  /** Notes the Stage's last Promotion; true when it is a finished one not seen before. */
  #remember(stage: StoredResource): boolean {
    const last = (stage.status as StageStatus | undefined)?.lastPromotion?.name;
    if (last === undefined) return false;
    const key = keyOf(stage);
    const changed = this.#lastPromotion.get(key) !== last;
    this.#lastPromotion.set(key, last);
    return changed;
  }

  async #assessAll(): Promise<void> {
    const { store, replicaId } = this.#options;
    if (this.#stop.signal.aborted) return;
    this.#lease = await store.acquireLease(LEASE, replicaId, this.#interval * 3);
    if (!this.#lease) return;
    const stages = await store.list('Stage');
    // The round's writes are fenced by the lease: a replica paused past it writes nothing.
    const fenced = fencedStore(store, this.#lease);
    for (const stage of stages.items) {
      if (this.#stop.signal.aborted) return;
      await this.#assessOne(stage, fenced);
    }
  }

  async #assessOne(stage: StoredResource, store = this.#options.store): Promise<void> {
    const status = stage.status as StageStatus | undefined;
    // While a Promotion runs, its apps move away from the last one's revisions on purpose:
    // the health is judged again once it has finished.
    if (!watched(status) || status?.currentPromotion) return;
    const assessed = status?.lastPromotion?.name;
    const project = stage.metadata.namespace ?? '';
    const name = stage.metadata.name;
    try {
      const health = await assessStage(status, this.#options.healthCheckers, {
        project,
        stage: name,
        signal: this.#stop.signal,
      });
      if (this.#stop.signal.aborted) return;
      await updateStatus<StageStatus>(
        store,
        { kind: 'Stage', namespace: project, name },
        (current) =>
          // A Promotion that finished meanwhile has checks of its own: this result is stale.
          current &&
          current.lastPromotion?.name === assessed &&
          !current.currentPromotion &&
          !sameHealth(current.health, health)
            ? { ...current, health }
            : undefined,
      );
    } catch (err) {
      this.#options.logger.error('stage health could not be assessed', {
        stage: `${project}/${name}`,
        error: errorMessage(err),
      });
    }
  }
}

/** Stages whose health depends on something outside: registered checks, or a failure. */
function watched(status: StageStatus | undefined): boolean {
  const last = status?.lastPromotion?.status;
  if (!last) return false;
  return (
    (last.healthChecks?.length ?? 0) > 0 ||
    last.phase === 'Failed' ||
    last.phase === 'Errored' ||
    (status?.health?.status !== undefined && status.health.status !== 'NotApplicable')
  );
}

function sameHealth(a: StageStatus['health'], b: StageHealth): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b);
}

function keyOf(stage: StoredResource): string {
  return `${stage.metadata.namespace ?? ''}/${stage.metadata.name}`;
}
