import { TERMINAL_PROMOTION_PHASES } from '../api/promotion.js';
import type { Freight, FreightStatus } from '../api/freight.js';
import { newestFirst } from '../api/freight-order.js';
import type { StoredResource } from '../api/resource.js';
import type { StageStatus } from '../api/stage.js';
import { errorMessage } from '../errors.js';
import {
  deliveriesToCollect,
  WEBHOOK_DELIVERY_KIND,
} from '../integrations/webhooks/webhook-deliveries.js';
import type { Logger } from '../logger.js';
import type { Lease, Store, WriteOp } from '../store/store.js';
import { fencedStore } from '../store/fenced-store.js';
import { compareNames } from '../api/name-order.js';

export interface GarbageCollectorOptions {
  store: Store;
  logger: Logger;
  replicaId: string;
  /** Unused Freight kept per Warehouse, newest first (default 50). */
  keepFreight?: number;
  /** Finished Promotions kept per Stage, newest first (default 20). */
  keepPromotions?: number;
  /** Time between collections (default 10 minutes). */
  intervalMs?: number;
  /** Called for each Promotion removed (its log goes with it). */
  onPromotionDeleted?: (project: string, name: string) => void;
  /**
   * Collections of the server's own records that belong to no project (expired sessions, the
   * audit trail beyond its bound), run once per round by one replica.
   */
  collectors?: Array<{ name: string; collect: () => Promise<number> }>;
  now?: () => Date;
}

/**
 * Keeps projects from growing without bound (Kargo's garbage collector):
 * - Freight: per Warehouse, the newest `keepFreight` that no Stage uses are kept. Freight a
 *   Stage runs, remembers in its history, holds, or that sits in a Stage (currentlyIn) is
 *   never deleted, however old.
 * - Promotions: per Stage, the newest `keepPromotions` finished ones are kept; Promotions
 *   still pending or running are never deleted.
 * - Webhook delivery records (replay protection): expired ones, and the oldest beyond the
 *   per-project bound.
 */
export class GarbageCollector {
  readonly #options: GarbageCollectorOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: GarbageCollectorOptions) {
    this.#options = options;
  }

  start(): void {
    const run = () => {
      this.#running ??= this.collectAll()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.#options.logger.error('garbage collection failed', { error: errorMessage(err) }),
        )
        .finally(() => (this.#running = undefined));
    };
    this.#timer = setInterval(run, this.#options.intervalMs ?? 600_000);
    this.#timer.unref();
    run();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async collectAll(): Promise<{ freight: number; promotions: number }> {
    const totals = { freight: 0, promotions: 0 };
    for (const project of (await this.#options.store.list('Project')).items) {
      const name = project.metadata.name;
      const lease = await this.#options.store.acquireLease(
        `gc/${name}`,
        this.#options.replicaId,
        120_000,
      );
      if (!lease) continue;
      // Deletions are fenced: a replica paused past the lease deletes nothing.
      const result = await this.collect(name, lease);
      await this.collectDeliveries(name, lease);
      totals.freight += result.freight;
      totals.promotions += result.promotions;
    }
    if (
      this.#options.collectors?.length &&
      (await this.#options.store.acquireLease('gc/_server', this.#options.replicaId, 120_000))
    )
      for (const collector of this.#options.collectors) {
        const removed = await collector.collect();
        if (removed > 0)
          this.#options.logger.info('garbage collected', { what: collector.name, removed });
      }
    return totals;
  }

  /** Removes a project's expired webhook delivery records; returns how many. */
  async collectDeliveries(project: string, lease?: Lease): Promise<number> {
    const store = lease ? fencedStore(this.#options.store, lease) : this.#options.store;
    const now = this.#options.now?.() ?? new Date();
    const { items } = await store.list(WEBHOOK_DELIVERY_KIND, { namespace: project });
    const doomed = deliveriesToCollect(items, now);
    if (doomed.length === 0) return 0;
    try {
      await store.write(
        doomed.map((record) => ({
          op: 'delete' as const,
          key: { kind: WEBHOOK_DELIVERY_KIND, namespace: project, name: record.metadata.name },
          resourceVersion: record.metadata.resourceVersion,
        })),
      );
    } catch (err) {
      this.#options.logger.warn('garbage collection skipped webhook deliveries', {
        project,
        error: errorMessage(err),
      });
      return 0;
    }
    return doomed.length;
  }

  /** One project's collection; returns how many objects were deleted. */
  async collect(project: string, lease?: Lease): Promise<{ freight: number; promotions: number }> {
    const store = lease ? fencedStore(this.#options.store, lease) : this.#options.store;
    const keepFreight = this.#options.keepFreight ?? 50;
    const keepPromotions = this.#options.keepPromotions ?? 20;
    const stages = (await store.list('Stage', { namespace: project })).items;
    const inUse = new Set<string>();
    for (const stage of stages) {
      const status = (stage.status ?? {}) as StageStatus;
      for (const entry of status.freightHistory ?? [])
        for (const item of Object.values(entry.items ?? {})) if (item.name) inUse.add(item.name);
      for (const hold of Object.values(status.autoPromotionHolds ?? {}))
        inUse.add(hold.freightName);
      if (status.currentPromotion?.freight?.name) inUse.add(status.currentPromotion.freight.name);
    }
    const promotions = (await store.list('Promotion', { namespace: project })).items;
    const pending = new Set(
      promotions
        .filter(
          (p) =>
            !TERMINAL_PROMOTION_PHASES.has(
              (p.status as { phase?: string } | undefined)?.phase ?? '',
            ),
        )
        .map((p) => (p.spec as { freight?: string }).freight ?? ''),
    );
    const ops: WriteOp[] = [];
    const byWarehouse = new Map<string, StoredResource[]>();
    for (const item of (await store.list('Freight', { namespace: project })).items) {
      const status = item.status as FreightStatus | undefined;
      const used =
        inUse.has(item.metadata.name) ||
        pending.has(item.metadata.name) ||
        Object.keys(status?.currentlyIn ?? {}).length > 0;
      if (used) continue;
      const origin = (item as unknown as Freight).origin.name;
      byWarehouse.set(origin, [...(byWarehouse.get(origin) ?? []), item]);
    }
    let freight = 0;
    for (const unused of byWarehouse.values()) {
      unused.sort(newestFirst);
      for (const item of unused.slice(keepFreight)) {
        ops.push({
          op: 'delete',
          key: { kind: 'Freight', namespace: project, name: item.metadata.name },
          resourceVersion: item.metadata.resourceVersion,
        });
        freight++;
      }
    }
    const byStage = new Map<string, StoredResource[]>();
    for (const promotion of promotions) {
      if (
        !TERMINAL_PROMOTION_PHASES.has(
          (promotion.status as { phase?: string } | undefined)?.phase ?? '',
        )
      )
        continue;
      const stage = (promotion.spec as { stage: string }).stage;
      byStage.set(stage, [...(byStage.get(stage) ?? []), promotion]);
    }
    const removed: string[] = [];
    for (const finished of byStage.values()) {
      // Promotion names sort by creation (they carry a ULID).
      finished.sort((a, b) => compareNames(b.metadata.name, a.metadata.name));
      for (const promotion of finished.slice(keepPromotions)) {
        ops.push({
          op: 'delete',
          key: { kind: 'Promotion', namespace: project, name: promotion.metadata.name },
          resourceVersion: promotion.metadata.resourceVersion,
        });
        removed.push(promotion.metadata.name);
      }
    }
    if (ops.length === 0) return { freight: 0, promotions: 0 };
    try {
      await store.write(ops);
    } catch (err) {
      // Something changed meanwhile (a conflict): the next round looks again.
      this.#options.logger.warn('garbage collection skipped a round', {
        project,
        error: errorMessage(err),
      });
      return { freight: 0, promotions: 0 };
    }
    for (const name of removed) this.#options.onPromotionDeleted?.(project, name);
    this.#options.logger.info('garbage collected', {
      project,
      freight,
      promotions: removed.length,
    });
    return { freight, promotions: removed.length };
  }
}
