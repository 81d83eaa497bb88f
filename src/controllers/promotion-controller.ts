import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PromotionStep } from '../api/common.js';
import type { FreightStatus } from '../api/freight.js';
import { TERMINAL_PROMOTION_PHASES, type PromotionStatus } from '../api/promotion.js';
import type { StoredResource } from '../api/resource.js';
import { SecretSet } from '../api/secret-set.js';
import type { StageStatus } from '../api/stage.js';
import { formatTimestamp } from '../api/timestamp.js';
import type { PromotionLogs } from '../engine/promotion-logs.js';
import { runPromotion, type RunnerDeps } from '../engine/promotion-runner.js';
import { terminalError } from '../engine/step-error.js';
import { Nudges } from '../engine/nudges.js';
import { REFRESH_ANNOTATION } from '../api/labels.js';
import { errorMessage, isGantryError } from '../errors.js';
import { firstUnfinishedStep, planResume } from '../engine/resume-plan.js';
import { flushingWrites } from '../store/deferred-flush.js';
import { fencedStore } from '../store/fenced-store.js';
import { followChanges } from './follow-changes.js';
import { LeaseKeeper, type HeldLease } from './lease-keeper.js';
import { setFreightAlias } from './set-freight-alias.js';
import { projectLookups } from './project-lookups.js';
import { updateStatus } from '../store/update-status.js';
import { AUTO_PROMOTION_ACTOR } from './auto-promotion-controller.js';
import { autoPromotionEnabled, candidateFor } from './auto-promotion.js';
import { originKey } from '../api/common.js';
import type { ProjectConfig, ProjectConfigSpec } from '../api/project-config.js';
import { OVERRIDE_ANNOTATION, promotionGate } from '../api/promotion-gates.js';
import type { StageSpec } from '../api/stage.js';
import { CREATE_ACTOR_ANNOTATION } from '../resources/promotion-admission.js';
import type { Logger } from '../logger.js';
import type { Store, WriteOp } from '../store/store.js';
import { readModifyWrite, statusUpdate } from './read-modify-write.js';
import {
  verifiedFreightStatus,
  verifiedOnPromotion,
  verifiesOnPromotion,
} from './stage-verification.js';
import { elapsedSeconds, noMetrics, type Metrics } from '../metrics/metrics.js';
import {
  freightReference,
  freightStatusInStage,
  promotionWork,
  stageStatusAfterPromotion,
} from './stage-promotion-status.js';
import { linkSignals } from '../abort-signals.js';
import { compareNames } from '../api/name-order.js';

export const ABORT_ANNOTATION = 'kargo.akuity.io/abort';

export interface PromotionControllerOptions {
  store: Store;
  runner: Omit<RunnerDeps, 'log'>;
  logs: PromotionLogs;
  logger: Logger;
  /**
   * This replica's identity in the store's leases. Stable across restarts of one replica (it
   * lives in the data directory), so a restarted replica takes its Stages back at once.
   */
  replicaId: string;
  /** How long a Stage's lease lasts without renewal (default 10 s). */
  leaseTtlMs?: number | undefined;
  /** The UI's base URL, which steps' expressions read as `ctx.uiBaseUrl` (Kargo's UIBaseURL). */
  uiBaseUrl?: (() => string) | undefined;
  /** Where Promotions and their steps are reported (default: nowhere). */
  metrics?: Metrics | undefined;
  /** How long a step runs before its start is saved (runPromotion's `saveRunningAfterMs`). */
  saveRunningAfterMs?: number | undefined;
}

interface Running {
  name: string;
  controller: AbortController;
  done: Promise<void>;
  /** Wakes a step waiting between polls (git-wait-for-pr) when the refresh annotation changes. */
  nudges: Nudges;
  refresh: string | undefined;
}

/**
 * Runs Promotions: per Stage, one at a time, in creation order (names sort by creation).
 * Level-triggered: on any change to a Promotion it looks at that Stage's queue again. A
 * Promotion found Running at start-up was interrupted by a crash: it resumes at the step that
 * was running, or ends Errored saying why it cannot. Aborting (the `kargo.akuity.io/abort`
 * annotation) stops a running Promotion between steps or cancels a pending one.
 *
 * Replicas sharing a store divide the Stages between them with leases: only the replica
 * holding a Stage's lease touches its queue, renewing the lease while Promotions are waiting
 * or running and giving it up when the queue is empty. Every write made for a Stage carries
 * its lease as a fence, so a replica that lost the lease (paused past it, cut off from the
 * store) can never overwrite what the new holder did, and it stops its run as soon as it
 * knows. A replica that dies loses its Stages when their leases run out, and another replica
 * takes the interrupted Promotion over: it runs again from its first step in a fresh working
 * directory (see engine/resume-plan.ts), which is safe because steps are idempotent against
 * the outside.
 */
export class PromotionController {
  readonly #options: PromotionControllerOptions;
  readonly #running = new Map<string, Running>();
  readonly #stop = new AbortController();
  readonly #queue = new Map<string, Promise<void>>();
  /** The Stages' leases this replica holds. */
  readonly #leases: LeaseKeeper;
  /** Stages to look at again later: another replica's lease may run out, an error may pass. */
  readonly #retries = new Map<string, NodeJS.Timeout>();
  /** Consecutive failed reconciles or runs per Stage (for the retry backoff). */
  readonly #failures = new Map<string, number>();
  readonly #leaseTtlMs: number;
  readonly #metrics: Metrics;
  /**
   * Each Stage's Promotions (by Stage key, then name), kept from the change feed and this
   * controller's own writes (the newest version of each): a Stage's queue without listing the
   * project's Promotions on every event (issue 17: 1,000 Stages, one list per look). What
   * begins a run is read from the store itself once the Stage's lease is taken (#reconcile).
   */
  readonly #promotions = new Map<string, Map<string, StoredResource>>();
  #watching: Promise<void> | undefined;

  constructor(options: PromotionControllerOptions) {
    this.#options = options;
    this.#leaseTtlMs = options.leaseTtlMs ?? 10_000;
    this.#metrics = options.metrics ?? noMetrics;
    this.#leases = new LeaseKeeper({
      store: options.store,
      holder: options.replicaId,
      ttlMs: this.#leaseTtlMs,
      logger: options.logger,
      what: 'Stage',
    });
  }

  async start(): Promise<void> {
    const list = await this.#options.store.list('Promotion');
    this.#rememberAll(list.items);
    this.#watching = this.#watch(list.resourceVersion);
    this.#leases.start();
    for (const key of new Set(list.items.map(stageKeyOf))) this.#schedule(key);
  }

  /**
   * Stops watching and interrupts running Promotions between steps (a step in progress is
   * asked to stop; its status is not half-written), waiting for them at most `graceMs`, then
   * hands every Stage back: the leases are released, so another replica carries on at once,
   * or this one when it starts again (resuming in place, its working directories intact).
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stop.abort();
    for (const timer of this.#retries.values()) clearTimeout(timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running.values()].map((r) => r.done)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.#watching;
    await this.#leases.stop();
    // A run that did not stop in time cannot write after this: its writes are fenced.
    for (const name of this.#leases.names()) await this.#leases.release(name);
  }

  /** Freezes and promotion windows; rollbacks and overridden Promotions pass. */
  async #gate(promotion: StoredResource): Promise<{ open: boolean; reason?: string }> {
    const annotations = promotion.metadata.annotations ?? {};
    if (annotations[OVERRIDE_ANNOTATION] || annotations['kargo.akuity.io/rollback'] === 'true')
      return { open: true };
    const { store } = this.#options;
    const project = promotion.metadata.namespace ?? '';
    const stageName = (promotion.spec as { stage: string }).stage;
    const stage = await store.get({ kind: 'Stage', namespace: project, name: stageName });
    return promotionGate(
      await store.get({ kind: 'Project', namespace: '', name: project }),
      (await store.get({ kind: 'ProjectConfig', namespace: project, name: project })) as
        { spec?: ProjectConfigSpec } | undefined,
      { name: stageName, labels: stage?.metadata.labels },
      new Date(),
    );
  }

  /** Looks at the Stage again once another replica's lease could have run out. */
  #retryLater(stageKey: string, delayMs = this.#leaseTtlMs): void {
    if (this.#retries.has(stageKey) || this.#stop.signal.aborted) return;
    const timer = setTimeout(() => {
      this.#retries.delete(stageKey);
      this.#schedule(stageKey);
    }, delayMs);
    timer.unref();
    this.#retries.set(stageKey, timer);
  }

  /**
   * After a failure (the store away, say): looks at the Stage again with backoff, 1 s doubling
   * to 30 s, so nothing is left Running or waiting for good, and an error that repeats never spins.
   */
  #retryAfterFailure(stageKey: string): void {
    const failures = (this.#failures.get(stageKey) ?? 0) + 1;
    this.#failures.set(stageKey, failures);
    this.#retryLater(stageKey, Math.min(1_000 * 2 ** (failures - 1), 30_000));
  }

  /**
   * The Stage's Promotions in creation order (names sort by creation): from the store with
   * `fresh` (it reads the project's list, and the index is brought up to date), else as the
   * index knows them.
   */
  async #stageQueue(stageKey: string, fresh = false): Promise<StoredResource[]> {
    if (fresh) {
      const [project, stage] = stageKey.split('/') as [string, string];
      const { items } = await this.#options.store.list('Promotion', { namespace: project });
      const mine = items.filter((p) => (p.spec as { stage: string }).stage === stage);
      this.#promotions.delete(stageKey);
      for (const promotion of mine) this.#remember(promotion);
    }
    return [...(this.#promotions.get(stageKey)?.values() ?? [])].sort((a, b) =>
      compareNames(a.metadata.name, b.metadata.name),
    );
  }

  /** Keeps `promotion` in the index unless a newer version of it is there (a replayed event). */
  #remember(promotion: StoredResource, deleted = false): void {
    const key = stageKeyOf(promotion);
    let mine = this.#promotions.get(key);
    const held = mine?.get(promotion.metadata.name);
    if (held && Number(held.metadata.resourceVersion) > Number(promotion.metadata.resourceVersion))
      return;
    if (deleted) {
      mine?.delete(promotion.metadata.name);
      if (mine?.size === 0) this.#promotions.delete(key);
      return;
    }
    if (!mine) this.#promotions.set(key, (mine = new Map<string, StoredResource>()));
    mine.set(promotion.metadata.name, promotion);
  }

  /** Rebuilds the index from a complete list of Promotions. */
  #rememberAll(promotions: StoredResource[]): void {
    this.#promotions.clear();
    for (const promotion of promotions) this.#remember(promotion);
  }

  /** Whether a Promotion of the Stage other than `name` waits or runs, as far as the index knows. */
  #othersWaiting(stageKey: string, name: string): boolean {
    for (const promotion of this.#promotions.get(stageKey)?.values() ?? [])
      if (promotion.metadata.name !== name && unfinished(promotion)) return true;
    return false;
  }

  #watch(from: string): Promise<void> {
    return followChanges({
      store: this.#options.store,
      kinds: ['Promotion', 'Project'],
      from,
      signal: this.#stop.signal,
      logger: this.#options.logger,
      what: 'promotion watch',
      onEvent: async (event) => {
        if (event.object.kind !== 'Project') {
          this.#remember(event.object, event.type === 'DELETED');
          if (this.#concernsNothingNew(event.object)) return;
          return this.#schedule(stageKeyOf(event.object));
        }
        // An unfreeze may release queued Promotions of any of the project's Stages.
        const { items } = await this.#options.store.list('Promotion', {
          namespace: event.object.metadata.name,
        });
        for (const key of new Set(items.map(stageKeyOf))) this.#schedule(key);
      },
      resync: async () => {
        const list = await this.#options.store.list('Promotion');
        this.#rememberAll(list.items);
        for (const key of new Set(list.items.map(stageKeyOf))) this.#schedule(key);
        return list.resourceVersion;
      },
    });
  }

  /**
   * Whether a change to `promotion` can be left alone: it is the one running here, and neither
   * asks it to abort nor to look again (`#reconcile` acts on nothing else of a running one).
   * Its own status saves are such changes; the run's end looks at the queue again anyway.
   */
  #concernsNothingNew(promotion: StoredResource): boolean {
    const running = this.#running.get(stageKeyOf(promotion));
    const annotations = promotion.metadata.annotations;
    return (
      running?.name === promotion.metadata.name &&
      !annotations?.[ABORT_ANNOTATION] &&
      annotations?.[REFRESH_ANNOTATION] === running.refresh
    );
  }

  /** Reconciles one Stage's queue, never twice at once for the same Stage. */
  #schedule(stageKey: string): void {
    if (this.#stop.signal.aborted) return;
    const previous = this.#queue.get(stageKey) ?? Promise.resolve();
    const next = previous
      .then(() => this.#reconcile(stageKey))
      .catch((err: unknown) => {
        if (isGantryError(err, 'LeaseLost')) this.#leases.markLost(leaseName(stageKey));
        this.#options.logger.error('promotion reconcile failed; trying again', {
          stage: stageKey,
          error: errorMessage(err),
        });
        this.#retryAfterFailure(stageKey);
      });
    this.#queue.set(stageKey, next);
    void next.finally(() => {
      if (this.#queue.get(stageKey) === next) this.#queue.delete(stageKey);
    });
  }

  async #reconcile(stageKey: string): Promise<void> {
    let queue = await this.#stageQueue(stageKey);
    const running = this.#running.get(stageKey);
    let held = this.#leases.get(leaseName(stageKey));
    if (!running) {
      if (!queue.some(unfinished)) {
        this.#failures.delete(stageKey);
        await this.#leases.release(leaseName(stageKey));
        return;
      }
      const had = held;
      held = await this.#leases.take(leaseName(stageKey));
      if (!held) {
        // Another replica has it: ask again every quarter of a lease, so that a replica that
        // died is taken over at most a lease and a quarter after its last renewal.
        this.#retryLater(stageKey, this.#leaseTtlMs / 4);
        return;
      }
      if (!had && !held.undisturbed) {
        // Taken now after another replica held it (or after this one lost it, or restarted):
        // what runs is decided on the store's own state, not on the change feed's (that
        // replica may have finished a Promotion whose event is still on its way). Undisturbed
        // since this replica gave it back, everything written under it is known here at once;
        // reading the project's every Promotion on every take cost a hop O(Promotions)
        // (issue 17).
        queue = await this.#stageQueue(stageKey, true);
        if (!queue.some(unfinished)) {
          this.#failures.delete(stageKey);
          await this.#leases.release(leaseName(stageKey));
          return;
        }
      }
    }
    if (!held) return; // lost while running: the run stops and looks again
    const store = fencedStore(this.#options.store, held.lease);
    if (running) {
      const current = queue.find((p) => p.metadata.name === running.name);
      if (current?.metadata.annotations?.[ABORT_ANNOTATION]) running.controller.abort();
      const refresh = current?.metadata.annotations?.[REFRESH_ANNOTATION];
      if (refresh !== running.refresh) {
        running.refresh = refresh;
        running.nudges.fire();
      }
    }
    let startedOne = !!running;
    for (const promotion of queue) {
      const status = (promotion.status ?? {}) as PromotionStatus;
      if (status.phase && TERMINAL_PROMOTION_PHASES.has(status.phase)) continue;
      if (running && promotion.metadata.name === running.name) continue;
      // Seen for the first time: every path below gives it a phase (Kargo's "created").
      if (!status.phase)
        this.#metrics.promotionCreated(...(stageKey.split('/') as [string, string]));
      if (promotion.metadata.annotations?.[ABORT_ANNOTATION]) {
        await this.#writePromotionStatus(store, promotion, {
          ...status,
          phase: 'Aborted',
          message: 'aborted before it started',
          finishedAt: formatTimestamp(new Date()),
        });
        continue;
      }
      if (startedOne) {
        if (!status.phase)
          await this.#writePromotionStatus(store, promotion, {
            ...status,
            phase: 'Pending',
            message: 'waiting for the Promotion before it to finish',
          });
        continue;
      }
      const gate = await this.#gate(promotion);
      if (!gate.open) {
        // Queued until the freeze ends or the window opens; Running ones are never stopped.
        const message = `waiting: ${gate.reason}`;
        if (status.phase !== 'Running' && status.message !== message)
          await this.#writePromotionStatus(store, promotion, {
            ...status,
            phase: 'Pending',
            message,
          });
        if (status.phase !== 'Running') {
          this.#retryLater(stageKey);
          startedOne = true;
          continue;
        }
      }
      startedOne = true;
      this.#begin(stageKey, promotion, held);
    }
  }

  #begin(stageKey: string, promotion: StoredResource, held: HeldLease): void {
    const controller = new AbortController();
    const entry: Running = {
      name: promotion.metadata.name,
      controller,
      done: Promise.resolve(),
      nudges: new Nudges(),
      refresh: promotion.metadata.annotations?.[REFRESH_ANNOTATION],
    };
    // The Promotion's secret set: what its steps read from Secrets is masked in its status,
    // its log, and the server's log.
    const secrets = new SecretSet(this.#options.runner.knownSecrets ?? []);
    let failed = false;
    entry.done = this.#execute(promotion, controller, held, secrets, entry.nudges)
      .then(() => void this.#failures.delete(stageKey))
      .catch((err: unknown) => {
        if (isGantryError(err, 'LeaseLost') || held.lost.aborted) {
          this.#leases.markLost(leaseName(stageKey));
          // Another replica holds the Stage now and carries the Promotion on.
          this.#options.logger.warn('stopped a promotion: its Stage is held by another replica', {
            promotion: promotion.metadata.name,
          });
          return;
        }
        failed = true;
        this.#options.logger.error('promotion failed to run; trying again', {
          promotion: promotion.metadata.name,
          error: secrets.maskText(errorMessage(err)),
        });
      })
      .finally(() => {
        this.#running.delete(stageKey);
        this.#options.logs.release(promotion.metadata.namespace ?? '', promotion.metadata.name);
        // A run that threw (the store unavailable, say) is tried again later, never at once:
        // an error that repeats must not spin.
        if (failed) this.#retryAfterFailure(stageKey);
        else this.#schedule(stageKey);
      });
    this.#running.set(stageKey, entry);
  }

  async #execute(
    promotion: StoredResource,
    controller: AbortController,
    held: HeldLease,
    secrets: SecretSet,
    nudges: Nudges,
  ): Promise<void> {
    const { runner, logs, logger } = this.#options;
    // Every write of this run is fenced by the Stage's lease.
    const store = fencedStore(this.#options.store, held.lease);
    const project = promotion.metadata.namespace ?? '';
    const spec = promotion.spec as {
      stage: string;
      freight: string;
      vars?: [];
      steps?: PromotionStep[];
    };
    let previous = (promotion.status ?? {}) as PromotionStatus;
    const log = (step: string, line: string) =>
      logs.append(project, promotion.metadata.name, step, line);
    const freight = await store.get({ kind: 'Freight', namespace: project, name: spec.freight });
    const stage = await store.get({ kind: 'Stage', namespace: project, name: spec.stage });
    if (!freight || !stage) {
      await this.#finishWithoutRunning(
        store,
        promotion,
        `${!freight ? `Freight "${spec.freight}"` : `Stage "${spec.stage}"`} no longer exists`,
      );
      return;
    }
    if (!Array.isArray(spec.steps) || spec.steps.length === 0) {
      // Admission copies the Stage's steps; a Promotion without them was written around it.
      await this.#finishWithoutRunning(store, promotion, 'the Promotion has no steps to run');
      return;
    }
    const workPath = join(runner.workRoot, project, promotion.metadata.name);
    const marker = new ResumeMarker(workPath);
    if (previous.phase === 'Running') {
      const plan = planResume({
        status: previous,
        steps: spec.steps,
        registry: runner.steps,
        workDirCurrent: marker.current(promotion.metadata.resourceVersion),
      });
      if (plan.kind === 'refuse') {
        await this.#finishWithoutRunning(store, promotion, plan.message);
        return;
      }
      if (plan.kind === 'restart') {
        // Whatever is here is out of date: start over in a fresh working directory.
        runner.repositories.release(workPath, { reuse: false });
        rmSync(workPath, { recursive: true, force: true });
        marker.restart();
        previous = restartedStatus(previous);
        log(
          '',
          'carrying on after the replica running it stopped: running again from the first step in a fresh working directory',
        );
      } else log('', `resuming at step ${firstUnfinishedStep(previous) + 1} after a restart`);
    } else if (existsSync(workPath)) {
      // Not started as far as the store knows, yet a run began here: its first step is saved
      // only once it has run for a moment (runPromotion), and this process stopped before.
      // Started afresh, as a Running one is after such a stop.
      runner.repositories.release(workPath, { reuse: false });
      rmSync(workPath, { recursive: true, force: true });
      log('', 'starting again in a fresh working directory: a run that began here stopped');
    }
    logger.info('promotion started', { project, promotion: promotion.metadata.name });
    const reference = freightReference(freight);
    // The Stage shows the Promotion as its current one from the first save of this run on,
    // written in the same transaction as that save.
    let stageMarked = false;
    let latest = promotion;
    const began = Date.now();
    // Linked, not AbortSignal.any over the controller's lifetime signal (abort-signals.ts).
    const interrupt = linkSignals([this.#stop.signal, held.lost]);
    const result = await runPromotion(
      { ...promotionWork(promotion, freight, stage), uiBaseUrl: this.#options.uiBaseUrl?.() },
      {
        ...runner,
        metrics: this.#metrics,
        log: (_name, step, line) => log(step, line),
        lookups: (inProject) => projectLookups(store, inProject),
        setMetadata: async (inProject, kind, name, values) => {
          if (!(await store.get({ kind, namespace: inProject, name }))) {
            throw terminalError(`${kind} "${name}" does not exist in project "${inProject}"`);
          }
          await updateStatus<{ metadata?: Record<string, unknown> }>(
            store,
            { kind, namespace: inProject, name },
            (status) => ({
              ...status,
              metadata: { ...status?.metadata, ...values },
            }),
          );
        },
        setFreightAlias: (inProject, name, alias) => setFreightAlias(store, inProject, name, alias),
      },
      {
        status: { ...previous, freight: reference },
        secrets,
        signal: controller.signal,
        interrupt: interrupt.signal,
        nudges,
        saveRunningAfterMs: this.#options.saveRunningAfterMs,
        save: async (status, how) => {
          if (status.phase && TERMINAL_PROMOTION_PHASES.has(status.phase)) {
            // The Stage and the Freight get the outcome in the same transaction as the
            // Promotion's terminal phase: whoever sees the Promotion finished (`promote
            // --wait`) finds the Stage up to date, and a crash before it leaves all three as
            // they were (the run resumes and records it then).
            // Unless another of the Stage's Promotions waits, the Stage's lease is given back in
            // that transaction too, where giving it back after the run took one of its own.
            // No longer renewed from here on: a renewal finding it given back would take it
            // for lost. Should the write fail, the run is tried again, and the lease taken again.
            const stageKey = stageKeyOf(promotion);
            const release = !this.#othersWaiting(stageKey, promotion.metadata.name);
            if (release) this.#leases.released(leaseName(stageKey));
            await this.#recordTerminal(store, promotion, reference, status, release);
            // Nothing resumes a finished Promotion: its marker is removed, not rewritten.
            return;
          }
          // A save the runner needs to survive a power loss waits for the disk (deferred-flush.ts).
          const saveTo = how?.durable ? flushingWrites(store) : store;
          latest = stageMarked
            ? await this.#writePromotionStatus(saveTo, latest, status)
            : await this.#savePromotionStatus(saveTo, latest, status, (stage) => ({
                ...(stage as StageStatus | undefined),
                currentPromotion: { name: promotion.metadata.name, freight: reference },
              }));
          stageMarked = true;
          // This working directory is now exactly as the stored status says (see planResume).
          // Until a step has finished or kept an output, resuming in place and starting over in
          // a fresh directory run the same steps from the same status, so the marker waits for
          // the first save that makes a difference (a one-step Promotion writes none: issue 17).
          if (worthResuming(status)) marker.write(latest.metadata.resourceVersion);
        },
      },
    ).finally(() => interrupt.dispose());
    logger.info('promotion finished', {
      project,
      promotion: promotion.metadata.name,
      phase: result.phase,
    });
    // Interrupted by shutdown (or the lease was lost): it stays Running, and resumes at the
    // next start or on the replica that holds the Stage now.
    if (result.phase === 'Running') return;
    marker.remove();
    const seconds = elapsedSeconds(result.startedAt, began, Date.now());
    this.#metrics.promotionFinished(project, spec.stage, result.phase ?? '', seconds);
  }

  /**
   * Writes a finished Promotion's terminal status together with its outcome in its Stage and
   * Freight (see `save` above), in one transaction; a Stage that needs no verification step
   * of its own is verified in it as well (verifiesOnPromotion).
   */
  async #recordTerminal(
    store: Store,
    promotion: StoredResource,
    reference: ReturnType<typeof freightReference>,
    result: PromotionStatus,
    releaseLease: boolean,
  ): Promise<void> {
    const project = promotion.metadata.namespace ?? '';
    const stage = (promotion.spec as { stage: string }).stage;
    // The hold is decided first and written with the outcome, in one status write: auto-
    // promotion must never see the new Freight without the hold that protects it.
    const hold =
      result.phase === 'Succeeded'
        ? await this.#holdDecision(project, stage, promotion, reference).catch((err: unknown) => {
            this.#options.logger.warn('could not decide the auto-promotion hold', {
              error: errorMessage(err),
            });
            return undefined;
          })
        : undefined;
    const at = formatTimestamp(new Date());
    const written = await readModifyWrite(
      store,
      async (read) => {
        const ops: WriteOp[] = [];
        const current = await read({ kind: 'Stage', namespace: project, name: stage });
        // Per Freight, its status changes in order: leaving, entering, verified.
        const changes = new Map<string, Array<(s: FreightStatus | undefined) => FreightStatus>>();
        const change = (
          name: string | undefined,
          f: (s: FreightStatus | undefined) => FreightStatus,
        ) => {
          if (name) changes.set(name, [...(changes.get(name) ?? []), f]);
        };
        if (current) {
          const status = current.status as StageStatus | undefined;
          const previousFreight = Object.values(status?.freightHistory?.[0]?.items ?? {}).find(
            (item) => item.origin?.name === reference.origin?.name,
          )?.name;
          let next = withHold(
            stageStatusAfterPromotion(status, {
              name: promotion.metadata.name,
              freight: reference,
              status: result,
            }),
            hold,
          );
          if (result.phase === 'Succeeded' && previousFreight && previousFreight !== reference.name)
            change(previousFreight, (s) => freightStatusInStage(s, stage, false, at));
          if (result.phase === 'Succeeded')
            change(reference.name, (s) => freightStatusInStage(s, stage, true, at));
          if (verifiesOnPromotion(current, result)) {
            next = verifiedOnPromotion(next, promotion.metadata.name, at);
            for (const item of Object.values(next.freightHistory?.[0]?.items ?? {}))
              change(item.name, (s) => verifiedFreightStatus(s, stage, at));
          }
          ops.push(statusUpdate(current, next));
        } else if (result.phase === 'Succeeded')
          change(reference.name, (s) => freightStatusInStage(s, stage, true, at));
        for (const [name, steps] of changes) {
          const freight = await read({ kind: 'Freight', namespace: project, name });
          if (freight)
            ops.push(
              statusUpdate(
                freight,
                steps.reduce<FreightStatus | undefined>(
                  (s, f) => f(s),
                  freight.status as FreightStatus | undefined,
                ),
              ),
            );
        }
        ops.push(promotionStatusOp(promotion, result));
        return ops;
      },
      { releaseFence: releaseLease },
    );
    const finished = written.at(-1)?.object;
    if (finished) this.#remember(finished);
  }

  /**
   * Kargo's holds (v1.11): a person's successful promotion of Freight other than the
   * auto-promotion candidate pins that request slot, so auto-promotion does not undo it;
   * promoting the candidate releases the pin. Auto-promotions never touch holds.
   */
  async #holdDecision(
    project: string,
    stageName: string,
    promotion: StoredResource,
    reference: ReturnType<typeof freightReference>,
  ): Promise<HoldDecision | undefined> {
    const { store } = this.#options;
    const actor = promotion.metadata.annotations?.[CREATE_ACTOR_ANNOTATION];
    const rollback = promotion.metadata.annotations?.['kargo.akuity.io/rollback'] === 'true';
    // Rollbacks place their own hold (StageActions.rollback).
    if (actor === AUTO_PROMOTION_ACTOR || rollback || !reference.origin) return;
    const config = (await store.get({
      kind: 'ProjectConfig',
      namespace: project,
      name: project,
    })) as (StoredResource & ProjectConfig) | undefined;
    const stage = await store.get({ kind: 'Stage', namespace: project, name: stageName });
    if (!stage || !autoPromotionEnabled(config, stage)) return;
    const origin = originKey(reference.origin);
    const request = (stage.spec as StageSpec).requestedFreight.find(
      (r) => originKey(r.origin) === origin,
    );
    if (!request) return;
    const stages = new Map(
      (await store.list('Stage', { namespace: project })).items.map((s) => [s.metadata.name, s]),
    );
    const freight = (await store.list('Freight', { namespace: project })).items;
    const candidate = candidateFor(stage, request, freight, stages, new Date());
    const pinned = candidate.freight?.metadata.name !== reference.name;
    return {
      origin,
      hold: pinned
        ? {
            freightName: reference.name ?? '',
            origin: reference.origin,
            promotionName: promotion.metadata.name,
            ...(actor ? { actor } : {}),
            createdAt: formatTimestamp(new Date()),
          }
        : undefined,
    };
  }

  async #finishWithoutRunning(
    store: Store,
    promotion: StoredResource,
    message: string,
  ): Promise<void> {
    const status = {
      ...((promotion.status ?? {}) as PromotionStatus),
      phase: 'Errored' as const,
      message,
      finishedAt: formatTimestamp(new Date()),
    };
    await this.#writePromotionStatus(store, promotion, status);
    const [project, stage] = stageKeyOf(promotion).split('/') as [string, string];
    this.#metrics.promotionFinished(project, stage, 'Errored', undefined);
    this.#options.logs.append(
      promotion.metadata.namespace ?? '',
      promotion.metadata.name,
      '',
      message,
    );
  }

  async #writePromotionStatus(
    store: Store,
    promotion: StoredResource,
    status: PromotionStatus,
  ): Promise<StoredResource> {
    const [result] = await store.write([promotionStatusOp(promotion, status)]);
    this.#remember(result!.object!);
    return result!.object!;
  }

  /**
   * Saves a running Promotion's status; when `stageChange` answers a new status for its
   * Stage, that is written in the same transaction.
   */
  async #savePromotionStatus(
    store: Store,
    promotion: StoredResource,
    status: PromotionStatus,
    stageChange: (stage: unknown) => StageStatus | undefined,
  ): Promise<StoredResource> {
    const results = await readModifyWrite(store, async (read) => {
      const stage = await read({
        kind: 'Stage',
        namespace: promotion.metadata.namespace ?? '',
        name: (promotion.spec as { stage: string }).stage,
      });
      const next = stage && stageChange(stage.status);
      return [
        ...(stage && next ? [statusUpdate(stage, next)] : []),
        promotionStatusOp(promotion, status),
      ];
    });
    this.#remember(results.at(-1)!.object!);
    return results.at(-1)!.object!;
  }
}

function promotionStatusOp(promotion: StoredResource, status: PromotionStatus): WriteOp {
  return {
    op: 'updateStatus',
    key: {
      kind: 'Promotion',
      namespace: promotion.metadata.namespace ?? '',
      name: promotion.metadata.name,
    },
    status,
  };
}

/** The Stage's status with a manual promotion's hold placed or lifted (HoldDecision). */
function withHold(next: StageStatus, hold: HoldDecision | undefined): StageStatus {
  if (!hold) return next;
  const holds = { ...next.autoPromotionHolds };
  if (hold.hold) holds[hold.origin] = hold.hold;
  else delete holds[hold.origin];
  next.autoPromotionHolds = holds;
  if (Object.keys(holds).length === 0) delete next.autoPromotionHolds;
  return next;
}

/** What a successful manual promotion does to its slot's hold: place one, or lift it. */
interface HoldDecision {
  origin: string;
  hold: NonNullable<StageStatus['autoPromotionHolds']>[string] | undefined;
}

function leaseName(stageKey: string): string {
  return `promotions/${stageKey}`;
}

/** A status that runs the Promotion again from its first step (engine/resume-plan.ts). */
function restartedStatus(status: PromotionStatus): PromotionStatus {
  const {
    currentStep: _step,
    stepExecutionMetadata: _steps,
    state: _state,
    healthChecks: _checks,
    ...kept
  } = status;
  return kept;
}

/**
 * Beside a Promotion's working directory, the resourceVersion of the status last saved while
 * the directory was in use: when it still matches the stored Promotion, nobody else ran it
 * since, and the run can resume in place. Kept outside the directory, where steps never look.
 * The runner makes the directory only when a step first uses it, so the marker also says
 * whether there was one: a run that never needed it resumes in place without it, while one
 * whose directory is gone (cleaned up, another machine) does not.
 */
class ResumeMarker {
  readonly #workPath: string;
  readonly #path: string;
  /** A directory was made for this run (or the run it resumes): it must be there to resume. */
  #made = false;
  /** A marker may be on disk: this run wrote one, or looked for one of an earlier run. */
  #mayExist = false;

  constructor(workPath: string) {
    this.#workPath = workPath;
    this.#path = `${workPath}.resume`;
  }

  /** Whether the working directory here is as the status saved as `resourceVersion` left it. */
  current(resourceVersion: string | undefined): boolean {
    this.#mayExist = true;
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      return false;
    }
    // Written by earlier versions: the resourceVersion alone, the directory always made.
    const [version, directory = 'directory'] = text.split(' ');
    if (version !== resourceVersion) return false;
    this.#made = directory !== NO_DIRECTORY;
    return !this.#made || existsSync(this.#workPath);
  }

  /** The run starts over in a fresh working directory, made when first used. */
  restart(): void {
    this.#made = false;
  }

  write(resourceVersion: string | undefined): void {
    if (resourceVersion === undefined) return;
    this.#made ||= existsSync(this.#workPath);
    const text = this.#made ? resourceVersion : `${resourceVersion} ${NO_DIRECTORY}`;
    this.#mayExist = true;
    try {
      writeFileSync(this.#path, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(this.#path), { recursive: true });
      writeFileSync(this.#path, text);
    }
  }

  remove(): void {
    if (this.#mayExist) rmSync(this.#path, { force: true });
  }
}

/**
 * Whether resuming the saved status in place differs from starting over (restartedStatus): a
 * step has finished (or was skipped), or one kept an output (a running step's, such as the
 * pull request git-wait-for-pr waits on).
 */
function worthResuming(status: PromotionStatus): boolean {
  return (
    Object.keys(status.state ?? {}).length > 0 ||
    (status.stepExecutionMetadata ?? []).some(
      (meta) => meta.status !== undefined && meta.status !== 'Running' && meta.status !== 'Pending',
    )
  );
}

const NO_DIRECTORY = 'no-directory';

/** Whether a Promotion waits or runs (has no terminal phase). */
function unfinished(promotion: StoredResource): boolean {
  return !TERMINAL_PROMOTION_PHASES.has(
    (promotion.status as PromotionStatus | undefined)?.phase ?? '',
  );
}

function stageKeyOf(promotion: StoredResource): string {
  return `${promotion.metadata.namespace ?? ''}/${(promotion.spec as { stage: string }).stage}`;
}
