import { TERMINAL_PROMOTION_PHASES } from '../api/promotion.js';
import type { FreightStatus } from '../api/freight.js';
import { freightAvailability } from '../api/freight-availability.js';
import type { Freight } from '../api/freight.js';
import { KARGO_API_VERSION } from '../api/meta.js';
import type { ProjectConfig } from '../api/project-config.js';
import type { StoredResource } from '../api/resource.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import { formatTimestamp } from '../api/timestamp.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { followChanges } from './follow-changes.js';
import { RetryBackoff } from './retry-backoff.js';
import type { ResourceService } from '../resources/resource-service.js';
import type { Lease, Store } from '../store/store.js';
import { autoPromotionEnabled, candidateFor, currentFreight } from './auto-promotion.js';
import { verifiedFreightStatus } from './stage-verification.js';
import { updateStatus } from '../store/update-status.js';

/** Marks Promotions this controller created (Kargo shows them as made by the system). */
export const AUTO_PROMOTION_ACTOR = 'system:auto-promotion';

export interface AutoPromotionControllerOptions {
  store: Store;
  service: ResourceService;
  logger: Logger;
  replicaId: string;
  now?: () => Date;
  /** Looks at whether a project's Promotions may run now (windows, freezes); default: always. */
  promotionsAllowed?: (
    project: string,
    stage: StoredResource,
  ) => Promise<{ allowed: boolean; reason?: string }>;
}

/**
 * Auto-promotion, per project: for each Stage whose promotion policy enables it, and each of
 * its request slots, the candidate Freight (auto-promotion.ts) is promoted when the Stage does
 * not run it and no Promotion of it exists yet. One Promotion per Stage at a time. A
 * candidate whose Promotion failed is not retried over and over; the next candidate gets its
 * own Promotion, so one failure never stops the pipeline for good. A hold on a slot
 * (`status.autoPromotionHolds`, set when someone promoted another Freight by hand) pauses it.
 *
 * Control-flow Stages (no steps) are never promoted to: Freight available to them counts as
 * verified there at once, which lets them join or split pipelines.
 */
export class AutoPromotionController {
  readonly #options: AutoPromotionControllerOptions;
  readonly #now: () => Date;
  readonly #stop = new AbortController();
  readonly #retries = new RetryBackoff((project) => this.#schedule(project), this.#stop.signal);
  readonly #queued = new Set<string>();
  readonly #queue = new Map<string, Promise<void>>();
  #watching: Promise<void> | undefined;

  constructor(options: AutoPromotionControllerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    const { store } = this.#options;
    const from = await store.currentResourceVersion();
    this.#watching = this.#watch(from);
    for (const project of (await store.list('Project')).items)
      this.#schedule(project.metadata.name);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#watching?.catch(() => undefined);
    await Promise.allSettled([...this.#queue.values()]);
  }

  #watch(from: string): Promise<void> {
    return followChanges({
      store: this.#options.store,
      kinds: ['Freight', 'Stage', 'Promotion', 'ProjectConfig', 'Project'],
      from,
      signal: this.#stop.signal,
      logger: this.#options.logger,
      what: 'auto-promotion watch',
      onEvent: (event) => {
        // A Project's own events (a freeze lifted) concern the project it names.
        this.#schedule(
          event.object.kind === 'Project'
            ? event.object.metadata.name
            : (event.object.metadata.namespace ?? ''),
        );
      },
      resync: async () => {
        const list = await this.#options.store.list('Project');
        for (const project of list.items) this.#schedule(project.metadata.name);
        return list.resourceVersion;
      },
    });
  }

  /** Coalesces: many events for a project while one reconcile waits make one reconcile. */
  #schedule(project: string): void {
    if (!project || this.#stop.signal.aborted || this.#queued.has(project)) return;
    this.#queued.add(project);
    const previous = this.#queue.get(project) ?? Promise.resolve();
    const next = previous
      .then(() => {
        this.#queued.delete(project);
        return this.#reconcile(project);
      })
      .then(
        () => this.#retries.succeeded(project),
        (err: unknown) => {
          this.#options.logger.error('auto-promotion failed; trying again', {
            project,
            error: errorMessage(err),
          });
          this.#retries.failed(project);
        },
      );
    this.#queue.set(project, next);
    void next.finally(() => {
      if (this.#queue.get(project) === next) this.#queue.delete(project);
    });
  }

  /** One full scheduling pass over a project's Stages (what events trigger; benchmarks call it). */
  reconcile(project: string): Promise<void> {
    return this.#reconcile(project);
  }

  async #reconcile(project: string): Promise<void> {
    const { store, replicaId } = this.#options;
    const lease = await store.acquireLease(`auto-promotion/${project}`, replicaId, 60_000);
    if (!lease) return;
    const config = (await store.get({
      kind: 'ProjectConfig',
      namespace: project,
      name: project,
    })) as (StoredResource & ProjectConfig) | undefined;
    const stages = (await store.list('Stage', { namespace: project })).items;
    const freight = (await store.list('Freight', { namespace: project })).items;
    const promotions = (await store.list('Promotion', { namespace: project })).items;
    const byName = new Map(stages.map((stage) => [stage.metadata.name, stage]));
    const now = this.#now();
    for (const stage of stages) {
      const spec = stage.spec as StageSpec;
      if (!spec.promotionTemplate?.spec.steps?.length) {
        await this.#verifyControlFlow(project, stage, freight, now);
        continue;
      }
      const enabled = autoPromotionEnabled(config, stage);
      await this.#mirror(project, stage, enabled);
      if (!enabled) continue;
      const mine = promotions.filter(
        (p) => (p.spec as { stage: string }).stage === stage.metadata.name,
      );
      if (
        mine.some(
          (p) =>
            !TERMINAL_PROMOTION_PHASES.has(
              (p.status as { phase?: string } | undefined)?.phase ?? '',
            ),
        )
      )
        continue; // one at a time: the queue wakes us again when it ends
      const holds = (stage.status as StageStatus | undefined)?.autoPromotionHolds ?? {};
      for (const request of spec.requestedFreight) {
        const candidate = candidateFor(stage, request, freight, byName, now);
        if (!candidate.freight || holds[candidate.origin]) continue;
        const name = candidate.freight.metadata.name;
        if (currentFreight(stage, candidate.origin) === name) continue;
        // Just promoted (the Stage's status may not show it yet): nothing to do.
        const newest = [...mine]
          .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
          .at(-1);
        if (
          (newest?.spec as { freight?: string } | undefined)?.freight === name &&
          (newest?.status as { phase?: string } | undefined)?.phase === 'Succeeded'
        )
          continue;
        // A candidate whose last Promotion here failed is not retried over and over.
        const tried = mine
          .filter((p) => (p.spec as { freight?: string }).freight === name)
          .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
          .at(-1);
        const phase = (tried?.status as { phase?: string } | undefined)?.phase;
        if (phase === 'Failed' || phase === 'Errored') continue;
        const allowed = (await this.#options.promotionsAllowed?.(project, stage)) ?? {
          allowed: true,
        };
        if (!allowed.allowed) break;
        await this.#promote(project, stage.metadata.name, name, lease);
        break;
      }
    }
  }

  async #promote(project: string, stage: string, freight: string, lease: Lease): Promise<void> {
    try {
      const [created] = await this.#options.service.apply({
        mode: 'create',
        // A replica that lost the project's lease (paused past it) creates nothing.
        fence: lease,
        actor: AUTO_PROMOTION_ACTOR,
        documents: [
          {
            apiVersion: KARGO_API_VERSION,
            kind: 'Promotion',
            metadata: { namespace: project },
            spec: { stage, freight },
          },
        ],
      });
      this.#options.logger.info('auto-promotion', {
        project,
        stage,
        freight,
        promotion: created?.object.metadata.name,
      });
    } catch (err) {
      this.#options.logger.warn('auto-promotion refused', {
        project,
        stage,
        freight,
        error: errorMessage(err),
      });
    }
  }

  /** Freight available to a control-flow Stage is verified there at once. */
  async #verifyControlFlow(
    project: string,
    stage: StoredResource,
    freight: StoredResource[],
    now: Date,
  ): Promise<void> {
    const spec = stage.spec as StageSpec;
    for (const item of freight) {
      const status = item.status as FreightStatus | undefined;
      if (status?.verifiedIn?.[stage.metadata.name]) continue;
      const availability = freightAvailability(
        { name: stage.metadata.name, spec },
        { origin: (item as unknown as Freight).origin, status },
        now,
      );
      if (!availability.available) continue;
      await updateStatus<FreightStatus>(
        this.#options.store,
        { kind: 'Freight', namespace: project, name: item.metadata.name },
        (current) =>
          current?.verifiedIn?.[stage.metadata.name]
            ? undefined
            : verifiedFreightStatus(current, stage.metadata.name, formatTimestamp(now)),
      );
    }
  }

  /**
   * Mirrors the policy into `status.autoPromotionEnabled`. Turning auto-promotion off clears
   * the holds (Kargo); a Stage that never had it keeps them, as a record of its rollbacks.
   */
  async #mirror(project: string, stage: StoredResource, enabled: boolean): Promise<void> {
    const status = stage.status as StageStatus | undefined;
    const was = status?.autoPromotionEnabled ?? false;
    if (was === enabled && status?.autoPromotionEnabled !== undefined) return;
    await updateStatus<StageStatus>(
      this.#options.store,
      { kind: 'Stage', namespace: project, name: stage.metadata.name },
      (current) => {
        const next: StageStatus = { ...current, autoPromotionEnabled: enabled };
        if (was && !enabled) delete next.autoPromotionHolds;
        return JSON.stringify(next) === JSON.stringify(current) ? undefined : next;
      },
    );
  }
}
