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
import type { ResourceService } from '../resources/resource-service.js';
import type { Store } from '../store/store.js';
import { autoPromotionEnabled, candidateFor, currentFreight } from './auto-promotion.js';
import { verifiedFreightStatus } from './stage-verification.js';
import { updateStatus } from '../store/update-status.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  applyChange,
  emptyProjectView,
  projectView,
  type Affected,
  type ProjectView,
} from './auto-promotion-index.js';

const LEASE_TTL_MS = 60_000;
/** How many Stages a pass looks at before it lets the event loop run. */
const YIELD_EVERY = 50;

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
  readonly #queued = new Set<string>();
  readonly #queue = new Map<string, Promise<void>>();
  /** Each project's Stages, Freight, Promotions and config, kept from the change feed. */
  readonly #views = new Map<string, ProjectView>();
  /** Per project, the Stages whose decision the changes since its last pass may have changed. */
  readonly #dirty = new Map<string, Affected>();
  /** Until when (this clock) the project's lease, taken or renewed, needs no renewal. */
  readonly #leased = new Map<string, number>();
  #watching: Promise<void> | undefined;

  constructor(options: AutoPromotionControllerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    await this.#follow();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#watching?.catch(() => undefined);
    await Promise.allSettled([...this.#queue.values()]);
  }

  /**
   * Lists what auto-promotion reads, then follows the change feed from before the lists (an
   * event older than what was listed changes nothing), so the views miss nothing.
   */
  async #follow(): Promise<void> {
    const { store } = this.#options;
    const from = await store.currentResourceVersion();
    const [projects, configs, stages, freight, promotions] = await Promise.all(
      ['Project', 'ProjectConfig', 'Stage', 'Freight', 'Promotion'].map(
        async (kind) => (await store.list(kind)).items,
      ),
    );
    const byProject = (items: StoredResource[] | undefined, project: string) =>
      (items ?? []).filter((item) => item.metadata.namespace === project);
    this.#views.clear();
    const names = new Set([
      ...(projects ?? []).map((p) => p.metadata.name),
      ...[...(stages ?? []), ...(freight ?? [])].map((o) => o.metadata.namespace ?? ''),
    ]);
    for (const project of names) {
      if (!project) continue;
      this.#views.set(
        project,
        projectView(
          byProject(configs, project).find((c) => c.metadata.name === project),
          byProject(stages, project),
          byProject(freight, project),
          byProject(promotions, project),
        ),
      );
    }
    this.#watching = this.#watch(from);
    for (const project of this.#views.keys()) this.#schedule(project, 'all');
  }

  async #watch(from: string): Promise<void> {
    try {
      for await (const event of this.#options.store.watch({
        kinds: ['Freight', 'Stage', 'Promotion', 'ProjectConfig', 'Project'],
        fromResourceVersion: from,
        signal: this.#stop.signal,
      })) {
        const object = event.object;
        // A Project's own events (a freeze lifted) concern the project it names.
        if (object.kind === 'Project') {
          if (event.type === 'DELETED') this.#views.delete(object.metadata.name);
          this.#schedule(object.metadata.name, 'all');
          continue;
        }
        const project = object.metadata.namespace ?? '';
        if (object.kind === 'ProjectConfig' && object.metadata.name !== project) continue;
        const affected = applyChange(this.#view(project), object, event.type === 'DELETED');
        if (affected) this.#schedule(project, affected);
      }
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      this.#options.logger.error('auto-promotion watch ended; restarting', {
        error: errorMessage(err),
      });
      // Events may have been missed: build the views again.
      await this.#follow().catch((error: unknown) =>
        this.#options.logger.error('auto-promotion could not restart', {
          error: errorMessage(error),
        }),
      );
    }
  }

  #view(project: string): ProjectView {
    let view = this.#views.get(project);
    if (!view) this.#views.set(project, (view = emptyProjectView()));
    return view;
  }

  /**
   * Coalesces: many events for a project while one pass waits make one pass, over the Stages
   * they concern. A pass starts on a later turn of the event loop, so a burst of events (and
   * requests such as /healthz) go first.
   */
  #schedule(project: string, affected: Affected): void {
    if (!project || this.#stop.signal.aborted) return;
    const dirty = this.#dirty.get(project);
    if (affected === 'all' || dirty === 'all') this.#dirty.set(project, 'all');
    else if (dirty) for (const stage of affected) dirty.add(stage);
    else this.#dirty.set(project, new Set(affected));
    if (this.#queued.has(project)) return;
    this.#queued.add(project);
    const previous = this.#queue.get(project) ?? Promise.resolve();
    const next = previous
      .then(() => yieldToEventLoop())
      .then(() => {
        this.#queued.delete(project);
        return this.#reconcileChanged(project);
      })
      .catch((err: unknown) =>
        this.#options.logger.error('auto-promotion failed', { project, error: errorMessage(err) }),
      );
    this.#queue.set(project, next);
    void next.finally(() => {
      if (this.#queue.get(project) === next) this.#queue.delete(project);
    });
  }

  /**
   * One full scheduling pass over a project's Stages, read afresh from the store (benchmarks
   * call it; events trigger passes over the Stages they concern).
   */
  async reconcile(project: string): Promise<void> {
    const { store } = this.#options;
    if (!(await this.#lease(project))) return;
    const view = projectView(
      await store.get({ kind: 'ProjectConfig', namespace: project, name: project }),
      (await store.list('Stage', { namespace: project })).items,
      (await store.list('Freight', { namespace: project })).items,
      (await store.list('Promotion', { namespace: project })).items,
    );
    await this.#pass(project, view, [...view.stages.keys()].sort());
  }

  async #reconcileChanged(project: string): Promise<void> {
    const affected = this.#dirty.get(project);
    this.#dirty.delete(project);
    if (!affected) return;
    if (!(await this.#lease(project))) {
      // Another replica decides for now; should this one take over, it looks at everything.
      this.#dirty.set(project, 'all');
      return;
    }
    const view = this.#view(project);
    const stages = affected === 'all' ? [...view.stages.keys()] : [...affected];
    await this.#pass(project, view, stages.filter((name) => view.stages.has(name)).sort());
  }

  /** Takes or renews the project's lease; renews at most every third of its 60 s. */
  async #lease(project: string): Promise<boolean> {
    const now = Date.now();
    if ((this.#leased.get(project) ?? 0) > now) return true;
    const { store, replicaId } = this.#options;
    const got = await store.acquireLease(`auto-promotion/${project}`, replicaId, LEASE_TTL_MS);
    if (got) this.#leased.set(project, now + LEASE_TTL_MS / 3);
    else this.#leased.delete(project);
    return got;
  }

  async #pass(project: string, view: ProjectView, names: string[]): Promise<void> {
    const freight = [...view.freight.values()];
    const now = this.#now();
    for (const [i, name] of names.entries()) {
      // Long passes let the event loop breathe (requests, other controllers).
      if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
      const stage = view.stages.get(name);
      if (stage) await this.#reconcileStage(project, view, stage, freight, now);
    }
  }

  async #reconcileStage(
    project: string,
    view: ProjectView,
    stage: StoredResource,
    freight: StoredResource[],
    now: Date,
  ): Promise<void> {
    const spec = stage.spec as StageSpec;
    if (!spec.promotionTemplate?.spec.steps?.length) {
      await this.#verifyControlFlow(project, stage, freight, now);
      return;
    }
    const enabled = autoPromotionEnabled(view.config as ProjectConfig | undefined, stage);
    await this.#mirror(project, stage, enabled);
    if (!enabled) return;
    const mine = [...(view.promotions.get(stage.metadata.name)?.values() ?? [])].sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
    if (
      mine.some(
        (p) =>
          !TERMINAL_PROMOTION_PHASES.has((p.status as { phase?: string } | undefined)?.phase ?? ''),
      )
    )
      return; // one at a time: the queue wakes us again when it ends
    const holds = (stage.status as StageStatus | undefined)?.autoPromotionHolds ?? {};
    for (const request of spec.requestedFreight) {
      const candidate = candidateFor(stage, request, freight, view.stages, now);
      if (!candidate.freight || holds[candidate.origin]) continue;
      const name = candidate.freight.metadata.name;
      if (currentFreight(stage, candidate.origin) === name) continue;
      // Just promoted (the Stage's status may not show it yet): nothing to do.
      const newest = mine.at(-1);
      if (
        (newest?.spec as { freight?: string } | undefined)?.freight === name &&
        (newest?.status as { phase?: string } | undefined)?.phase === 'Succeeded'
      )
        continue;
      // A candidate whose last Promotion here failed is not retried over and over.
      const tried = mine.filter((p) => (p.spec as { freight?: string }).freight === name).at(-1);
      const phase = (tried?.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Failed' || phase === 'Errored') continue;
      const allowed = (await this.#options.promotionsAllowed?.(project, stage)) ?? {
        allowed: true,
      };
      if (!allowed.allowed) break;
      const created = await this.#promote(project, stage.metadata.name, name);
      // Seen at once by the next pass, even before the change feed brings it.
      if (created) applyChange(view, created, false);
      break;
    }
  }

  async #promote(
    project: string,
    stage: string,
    freight: string,
  ): Promise<StoredResource | undefined> {
    try {
      const [created] = await this.#options.service.apply({
        mode: 'create',
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
      return created?.object;
    } catch (err) {
      this.#options.logger.warn('auto-promotion refused', {
        project,
        stage,
        freight,
        error: errorMessage(err),
      });
      return undefined;
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
