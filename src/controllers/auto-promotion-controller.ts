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
import { followChanges } from './follow-changes.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RetryBackoff } from './retry-backoff.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  applyChange,
  emptyProjectView,
  projectView,
  type Affected,
  type ProjectView,
} from './auto-promotion-index.js';
import { compareNames } from '../api/name-order.js';

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
  /** The projects' auto-promotion leases this replica holds (renewed in the background). */
  readonly #leases: LeaseKeeper;
  readonly #retries = new RetryBackoff(
    (project) => this.#schedule(project, 'all'),
    this.#stop.signal,
  );
  #watching: Promise<void> | undefined;

  constructor(options: AutoPromotionControllerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#leases = new LeaseKeeper({
      store: options.store,
      holder: options.replicaId,
      ttlMs: LEASE_TTL_MS,
      logger: options.logger,
      what: 'auto-promotion',
    });
  }

  async start(): Promise<void> {
    const from = await this.#load();
    this.#watching = this.#watch(from);
    this.#leases.start();
    for (const project of this.#views.keys()) this.#schedule(project, 'all');
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#watching;
    await Promise.allSettled([...this.#queue.values()]);
    await this.#leases.stop();
    for (const name of this.#leases.names()) await this.#leases.release(name);
  }

  /**
   * Lists what auto-promotion reads into the views and answers the version to follow the
   * change feed from: from before the lists (an event older than what was listed changes
   * nothing), so the views miss nothing.
   */
  async #load(): Promise<string> {
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
    return from;
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
        const object = event.object;
        // A Project's own events (a freeze lifted) concern the project it names.
        if (object.kind === 'Project') {
          if (event.type === 'DELETED') this.#views.delete(object.metadata.name);
          this.#schedule(object.metadata.name, 'all');
          return;
        }
        const project = object.metadata.namespace ?? '';
        if (object.kind === 'ProjectConfig' && object.metadata.name !== project) return;
        const affected = applyChange(this.#view(project), object, event.type === 'DELETED');
        if (affected) this.#schedule(project, affected);
      },
      // The history to resume from is gone: build the views again, look at everything.
      resync: async () => {
        const from = await this.#load();
        for (const project of this.#views.keys()) this.#schedule(project, 'all');
        return from;
      },
    });
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

  /** Holds the project's lease (the keeper renews it while held); false while another has it. */
  async #lease(project: string): Promise<boolean> {
    return (await this.#leases.take(leaseName(project))) !== undefined;
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
      compareNames(a.metadata.name, b.metadata.name),
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
    // A replica that lost the project's lease (paused past it) creates nothing: fenced.
    const held = this.#leases.get(leaseName(project));
    if (!held) return undefined;
    try {
      const [created] = await this.#options.service.apply({
        mode: 'create',
        actor: AUTO_PROMOTION_ACTOR,
        fence: held.lease,
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

function leaseName(project: string): string {
  return `auto-promotion/${project}`;
}
