import type { Condition } from '../api/meta.js';
import type { StoredResource } from '../api/resource.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import {
  REFERENCE_REASONS,
  stageReferenceProblems,
  type StageReferenceProblem,
} from '../api/stage-references.js';
import { formatTimestamp } from '../api/timestamp.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { followChanges } from './follow-changes.js';
import { RetryBackoff } from './retry-backoff.js';
import type { Store } from '../store/store.js';
import { updateStatus } from '../store/update-status.js';
import { createYielder } from '../event-loop.js';

const READY = 'Ready';

/**
 * Shows in each Stage's status what it requests Freight from that does not exist: a `Ready`
 * condition with status False, reason `MissingWarehouse` or `MissingUpstreamStage` and a
 * message naming them. The condition goes away by itself once they exist, and comes back when
 * one is deleted. A Stage whose references are fine keeps whatever Ready condition it has (this
 * controller removes only the ones it wrote).
 *
 * Level-triggered per project: any Stage created, deleted or changed (spec) and any Warehouse
 * created or deleted re-checks every Stage of its project.
 */
export class StageReferencesController {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #stop = new AbortController();
  readonly #retries = new RetryBackoff((project) => this.#schedule(project), this.#stop.signal);
  readonly #queue = new Map<string, Promise<void>>();
  /** Projects with a check queued and not started: more changes need no second check. */
  readonly #pending = new Set<string>();
  /** Each Stage's generation as last seen, so status-only writes do not re-check a project. */
  readonly #generations = new Map<string, number | undefined>();
  #watching: Promise<void> | undefined;

  constructor(options: { store: Store; logger: Logger; now?: () => Date }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    const list = await this.#store.list('Stage');
    this.#watching = this.#watch(list.resourceVersion);
    const projects = new Set<string>();
    for (const stage of list.items) {
      this.#generations.set(keyOf(stage), stage.metadata.generation);
      projects.add(stage.metadata.namespace ?? '');
    }
    for (const project of projects) this.#schedule(project);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#watching?.catch(() => undefined);
    await Promise.allSettled([...this.#queue.values()]);
  }

  #watch(from: string): Promise<void> {
    return followChanges({
      store: this.#store,
      kinds: ['Stage', 'Warehouse'],
      from,
      signal: this.#stop.signal,
      logger: this.#logger,
      what: 'stage references watch',
      onEvent: (event) => {
        const object = event.object;
        if (object.kind === 'Stage') {
          const key = keyOf(object);
          if (event.type === 'DELETED') this.#generations.delete(key);
          else if (
            this.#generations.has(key) &&
            this.#generations.get(key) === object.metadata.generation
          )
            return; // a status write (ours included): the references did not change
          else this.#generations.set(key, object.metadata.generation);
        } else if (event.type === 'MODIFIED') return; // a Warehouse's existence did not change
        this.#schedule(object.metadata.namespace ?? '');
      },
      resync: async () => {
        const list = await this.#store.list('Stage');
        const projects = new Set<string>();
        for (const stage of list.items) {
          this.#generations.set(keyOf(stage), stage.metadata.generation);
          projects.add(stage.metadata.namespace ?? '');
        }
        for (const project of projects) this.#schedule(project);
        return list.resourceVersion;
      },
    });
  }

  #schedule(project: string): void {
    if (this.#stop.signal.aborted || !project || this.#pending.has(project)) return;
    this.#pending.add(project);
    const previous = this.#queue.get(project) ?? Promise.resolve();
    const next = previous
      .then(() => {
        this.#pending.delete(project);
        return this.#reconcile(project);
      })
      .then(
        () => this.#retries.succeeded(project),
        (err: unknown) => {
          this.#logger.error('checking what Stages request Freight from failed; trying again', {
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

  async #reconcile(project: string): Promise<void> {
    const [stages, warehouses] = await Promise.all([
      this.#store.list('Stage', { namespace: project }),
      this.#store.list('Warehouse', { namespace: project }),
    ]);
    const stageNames = new Set(stages.items.map((s) => s.metadata.name));
    const warehouseNames = new Set(warehouses.items.map((w) => w.metadata.name));
    // 3,000 new Stages are 3,000 status writes: other requests go in between (event-loop.ts).
    const tick = createYielder();
    for (const stage of stages.items) {
      await tick();
      const problems = stageReferenceProblems(project, stage.spec as StageSpec, {
        warehouse: (name) => warehouseNames.has(name),
        stage: (name) => stageNames.has(name),
      });
      // Most Stages need nothing: decide on the listed status before reading it again to write.
      const listed = (stage.status as StageStatus | undefined)?.conditions;
      if (!referenceConditions(listed, problems, stage.metadata.generation, this.#now())) continue;
      await updateStatus<StageStatus>(
        this.#store,
        { kind: 'Stage', namespace: project, name: stage.metadata.name },
        (status) => {
          const conditions = referenceConditions(
            status?.conditions,
            problems,
            stage.metadata.generation,
            this.#now(),
          );
          if (!conditions) return undefined;
          const next: StageStatus = { ...status, conditions };
          if (conditions.length === 0) delete next.conditions;
          return next;
        },
      );
    }
  }
}

/**
 * The Stage's conditions given what it requests that is missing, or undefined when they stay
 * as they are: `Ready=False` naming the problems, or no Ready condition of ours once they are
 * gone. The transition time moves only when the status does.
 */
export function referenceConditions(
  conditions: Condition[] | undefined,
  problems: StageReferenceProblem[],
  generation: number | undefined,
  now: Date,
): Condition[] | undefined {
  const current = conditions ?? [];
  const ready = current.find((c) => c.type === READY);
  const others = current.filter((c) => c.type !== READY);
  if (problems.length === 0) {
    if (!ready || !REFERENCE_REASONS.has(ready.reason ?? '')) return undefined;
    return others;
  }
  const next: Condition = {
    type: READY,
    status: 'False',
    reason: problems[0]!.reason,
    message: problems.map((p) => p.message).join('; '),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime:
      ready?.status === 'False' && ready.lastTransitionTime
        ? ready.lastTransitionTime
        : formatTimestamp(now),
  };
  if (
    ready &&
    ready.status === next.status &&
    ready.reason === next.reason &&
    ready.message === next.message &&
    ready.observedGeneration === next.observedGeneration
  )
    return undefined;
  return [...others, next];
}

function keyOf(object: StoredResource): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
