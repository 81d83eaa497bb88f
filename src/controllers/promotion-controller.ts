import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
import { errorMessage } from '../errors.js';
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
import type { Store } from '../store/store.js';
import {
  freightReference,
  freightStatusInStage,
  promotionWork,
  stageStatusAfterPromotion,
} from './stage-promotion-status.js';
import { linkSignals } from '../abort-signals.js';

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
  /** How long a Stage's lease lasts without renewal (default 30 s). */
  leaseTtlMs?: number | undefined;
  /** The UI's base URL, which steps' expressions read as `ctx.uiBaseUrl` (Kargo's UIBaseURL). */
  uiBaseUrl?: (() => string) | undefined;
}

interface Running {
  name: string;
  controller: AbortController;
  /** Fires when this replica lost the Stage's lease: stop, leave the Promotion Running. */
  lost: AbortController;
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
 * or running and giving it up when the queue is empty. A replica that dies loses its Stages
 * when their leases run out, and another replica picks them up.
 */
export class PromotionController {
  readonly #options: PromotionControllerOptions;
  readonly #running = new Map<string, Running>();
  readonly #stop = new AbortController();
  readonly #queue = new Map<string, Promise<void>>();
  /** Stages whose lease this replica holds. */
  readonly #held = new Set<string>();
  /** Stages to look at again when another replica's lease may have run out. */
  readonly #retries = new Map<string, NodeJS.Timeout>();
  readonly #leaseTtlMs: number;
  #renewTimer: NodeJS.Timeout | undefined;
  #watching: Promise<void> | undefined;

  constructor(options: PromotionControllerOptions) {
    this.#options = options;
    this.#leaseTtlMs = options.leaseTtlMs ?? 30_000;
  }

  async start(): Promise<void> {
    const { store } = this.#options;
    const list = await store.list('Promotion');
    const stages = new Set(list.items.map(stageKeyOf));
    this.#watching = this.#watch(list.resourceVersion);
    this.#renewTimer = setInterval(() => void this.#renewLeases(), this.#leaseTtlMs / 3);
    this.#renewTimer.unref();
    for (const key of stages) this.#schedule(key);
  }

  /** Stops watching and interrupts running Promotions; they resume when the server starts again. */
  async stop(): Promise<void> {
    this.#stop.abort();
    clearInterval(this.#renewTimer);
    for (const timer of this.#retries.values()) clearTimeout(timer);
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
    await this.#watching?.catch(() => undefined);
    await Promise.allSettled([...this.#queue.values()]);
    // Stages with Promotions still queued stay leased, so that this replica, restarted,
    // carries on with them; the rest are free for other replicas at once.
    for (const key of this.#held) {
      if (!(await this.#hasWork(key)))
        await this.#options.store.releaseLease(leaseName(key), this.#options.replicaId);
    }
  }

  async #renewLeases(): Promise<void> {
    for (const key of this.#held) {
      const renewed = await this.#options.store
        .acquireLease(leaseName(key), this.#options.replicaId, this.#leaseTtlMs)
        .catch((err: unknown) => {
          this.#options.logger.warn('could not renew a Stage lease', {
            stage: key,
            error: errorMessage(err),
          });
          return true; // keep going; if the store stays away the lease runs out anyway
        });
      if (renewed) continue;
      this.#held.delete(key);
      this.#options.logger.error('lost the lease of a Stage to another replica', { stage: key });
      this.#running.get(key)?.lost.abort();
    }
  }

  /** Takes the Stage's lease (or renews it); false while another replica holds it. */
  async #lease(stageKey: string): Promise<boolean> {
    const got = await this.#options.store.acquireLease(
      leaseName(stageKey),
      this.#options.replicaId,
      this.#leaseTtlMs,
    );
    if (got) this.#held.add(stageKey);
    else this.#held.delete(stageKey);
    return got;
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
  #retryLater(stageKey: string): void {
    if (this.#retries.has(stageKey) || this.#stop.signal.aborted) return;
    const timer = setTimeout(() => {
      this.#retries.delete(stageKey);
      this.#schedule(stageKey);
    }, this.#leaseTtlMs);
    timer.unref();
    this.#retries.set(stageKey, timer);
  }

  async #hasWork(stageKey: string): Promise<boolean> {
    return (await this.#stageQueue(stageKey)).some(
      (p) => !TERMINAL_PROMOTION_PHASES.has((p.status as PromotionStatus | undefined)?.phase ?? ''),
    );
  }

  async #stageQueue(stageKey: string): Promise<StoredResource[]> {
    const [project, stage] = stageKey.split('/') as [string, string];
    const { items } = await this.#options.store.list('Promotion', { namespace: project });
    return items
      .filter((p) => (p.spec as { stage: string }).stage === stage)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  async #watch(from: string): Promise<void> {
    try {
      for await (const event of this.#options.store.watch({
        kinds: ['Promotion', 'Project'],
        fromResourceVersion: from,
        signal: this.#stop.signal,
      })) {
        if (event.object.kind === 'Project') {
          // An unfreeze may release queued Promotions of any of the project's Stages.
          const { items } = await this.#options.store.list('Promotion', {
            namespace: event.object.metadata.name,
          });
          for (const key of new Set(items.map(stageKeyOf))) this.#schedule(key);
        } else this.#schedule(stageKeyOf(event.object));
      }
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      this.#options.logger.error('promotion watch ended; restarting', { error: errorMessage(err) });
      const list = await this.#options.store.list('Promotion');
      for (const key of new Set(list.items.map(stageKeyOf))) this.#schedule(key);
      this.#watching = this.#watch(list.resourceVersion);
    }
  }

  /** Reconciles one Stage's queue, never twice at once for the same Stage. */
  #schedule(stageKey: string): void {
    if (this.#stop.signal.aborted) return;
    const previous = this.#queue.get(stageKey) ?? Promise.resolve();
    const next = previous
      .then(() => this.#reconcile(stageKey))
      .catch((err: unknown) =>
        this.#options.logger.error('promotion reconcile failed', {
          stage: stageKey,
          error: errorMessage(err),
        }),
      );
    this.#queue.set(stageKey, next);
  }

  async #reconcile(stageKey: string): Promise<void> {
    const queue = await this.#stageQueue(stageKey);
    const running = this.#running.get(stageKey);
    const waiting = queue.some(
      (p) => !TERMINAL_PROMOTION_PHASES.has((p.status as PromotionStatus | undefined)?.phase ?? ''),
    );
    if (!running) {
      if (!waiting) {
        if (this.#held.delete(stageKey))
          await this.#options.store.releaseLease(leaseName(stageKey), this.#options.replicaId);
        return;
      }
      if (!(await this.#lease(stageKey))) {
        this.#retryLater(stageKey);
        return;
      }
    }
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
      if (promotion.metadata.annotations?.[ABORT_ANNOTATION]) {
        await this.#writePromotionStatus(promotion, {
          ...status,
          phase: 'Aborted',
          message: 'aborted before it started',
          finishedAt: formatTimestamp(new Date()),
        });
        continue;
      }
      if (startedOne) {
        if (!status.phase)
          await this.#writePromotionStatus(promotion, {
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
          await this.#writePromotionStatus(promotion, { ...status, phase: 'Pending', message });
        if (status.phase !== 'Running') {
          this.#retryLater(stageKey);
          startedOne = true;
          continue;
        }
      }
      startedOne = true;
      this.#begin(stageKey, promotion);
    }
  }

  #begin(stageKey: string, promotion: StoredResource): void {
    const controller = new AbortController();
    const lost = new AbortController();
    const entry: Running = {
      name: promotion.metadata.name,
      controller,
      lost,
      done: Promise.resolve(),
      nudges: new Nudges(),
      refresh: promotion.metadata.annotations?.[REFRESH_ANNOTATION],
    };
    // The Promotion's secret set: what its steps read from Secrets is masked in its status,
    // its log, and the server's log.
    const secrets = new SecretSet(this.#options.runner.knownSecrets ?? []);
    let failed = false;
    entry.done = this.#execute(promotion, controller, lost.signal, secrets, entry.nudges)
      .catch((err: unknown) => {
        failed = true;
        this.#options.logger.error('promotion failed to run', {
          promotion: promotion.metadata.name,
          error: secrets.maskText(errorMessage(err)),
        });
      })
      .finally(() => {
        this.#running.delete(stageKey);
        // A run that threw (the store unavailable, say) is tried again later, never at once:
        // an error that repeats must not spin.
        if (failed) this.#retryLater(stageKey);
        else this.#schedule(stageKey);
      });
    this.#running.set(stageKey, entry);
  }

  async #execute(
    promotion: StoredResource,
    controller: AbortController,
    lost: AbortSignal,
    secrets: SecretSet,
    nudges: Nudges,
  ): Promise<void> {
    const { store, runner, logs, logger } = this.#options;
    const project = promotion.metadata.namespace ?? '';
    const spec = promotion.spec as {
      stage: string;
      freight: string;
      vars?: [];
      steps?: PromotionStep[];
    };
    const previous = (promotion.status ?? {}) as PromotionStatus;
    const log = (step: string, line: string) =>
      logs.append(project, promotion.metadata.name, step, line);
    const freight = await store.get({ kind: 'Freight', namespace: project, name: spec.freight });
    const stage = await store.get({ kind: 'Stage', namespace: project, name: spec.stage });
    if (!freight || !stage) {
      await this.#finishWithoutRunning(
        promotion,
        `${!freight ? `Freight "${spec.freight}"` : `Stage "${spec.stage}"`} no longer exists`,
      );
      return;
    }
    if (!Array.isArray(spec.steps) || spec.steps.length === 0) {
      // Admission copies the Stage's steps; a Promotion without them was written around it.
      await this.#finishWithoutRunning(promotion, 'the Promotion has no steps to run');
      return;
    }
    if (
      previous.phase === 'Running' &&
      (previous.currentStep ?? 0) > 0 &&
      !existsSync(join(runner.workRoot, project, promotion.metadata.name))
    ) {
      await this.#finishWithoutRunning(
        promotion,
        `could not resume after a restart: the working directory of step ${(previous.currentStep ?? 0) + 1} is gone (it ran on another machine, or the data directory was cleaned); promote again`,
      );
      return;
    }
    if (previous.phase === 'Running')
      log('', `resuming at step ${(previous.currentStep ?? 0) + 1} after a restart`);
    logger.info('promotion started', { project, promotion: promotion.metadata.name });
    const reference = freightReference(freight);
    await this.#updateStage(project, spec.stage, (status) => ({
      ...status,
      currentPromotion: { name: promotion.metadata.name, freight: reference },
    }));
    let latest = promotion;
    // Linked, not AbortSignal.any over the controller's lifetime signal (abort-signals.ts).
    const interrupt = linkSignals([this.#stop.signal, lost]);
    const result = await runPromotion(
      { ...promotionWork(promotion, freight, stage), uiBaseUrl: this.#options.uiBaseUrl?.() },
      {
        ...runner,
        log: (_name, step, line) => log(step, line),
        lookups: (inProject) => projectLookups(store, inProject),
        setMetadata: async (inProject, kind, name, values) => {
          if (!(await store.get({ kind, namespace: inProject, name }))) {
            throw terminalError(`${kind} "${name}" does not exist in project "${inProject}"`);
          }
          await this.#updateStatus<{ metadata?: Record<string, unknown> }>(
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
        save: async (status) => {
          latest = await this.#writePromotionStatus(latest, status);
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
    // The hold is decided first and written with the outcome, in one status write: auto-
    // promotion must never see the new Freight without the hold that protects it.
    const hold =
      result.phase === 'Succeeded'
        ? await this.#holdDecision(project, spec.stage, promotion, reference).catch(
            (err: unknown) => {
              logger.warn('could not decide the auto-promotion hold', { error: errorMessage(err) });
              return undefined;
            },
          )
        : undefined;
    await this.#recordOutcome(
      project,
      spec.stage,
      promotion.metadata.name,
      reference,
      result,
      hold,
    );
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

  async #recordOutcome(
    project: string,
    stage: string,
    name: string,
    reference: ReturnType<typeof freightReference>,
    result: PromotionStatus,
    hold?: HoldDecision,
  ): Promise<void> {
    let previousFreight: string | undefined;
    await this.#updateStage(project, stage, (status) => {
      previousFreight = Object.values(status?.freightHistory?.[0]?.items ?? {}).find(
        (item) => item.origin?.name === reference.origin?.name,
      )?.name;
      const next = stageStatusAfterPromotion(status, { name, freight: reference, status: result });
      if (!hold) return next;
      const holds = { ...next.autoPromotionHolds };
      if (hold.hold) holds[hold.origin] = hold.hold;
      else delete holds[hold.origin];
      next.autoPromotionHolds = holds;
      if (Object.keys(holds).length === 0) delete next.autoPromotionHolds;
      return next;
    });
    if (result.phase !== 'Succeeded') return;
    const at = formatTimestamp(new Date());
    if (previousFreight && previousFreight !== reference.name) {
      await this.#updateFreight(project, previousFreight, (status) =>
        freightStatusInStage(status, stage, false, at),
      );
    }
    await this.#updateFreight(project, reference.name ?? '', (status) =>
      freightStatusInStage(status, stage, true, at),
    );
  }

  async #finishWithoutRunning(promotion: StoredResource, message: string): Promise<void> {
    const status = {
      ...((promotion.status ?? {}) as PromotionStatus),
      phase: 'Errored' as const,
      message,
      finishedAt: formatTimestamp(new Date()),
    };
    await this.#writePromotionStatus(promotion, status);
    this.#options.logs.append(
      promotion.metadata.namespace ?? '',
      promotion.metadata.name,
      '',
      message,
    );
  }

  async #writePromotionStatus(
    promotion: StoredResource,
    status: PromotionStatus,
  ): Promise<StoredResource> {
    const [result] = await this.#options.store.write([
      {
        op: 'updateStatus',
        key: {
          kind: 'Promotion',
          namespace: promotion.metadata.namespace ?? '',
          name: promotion.metadata.name,
        },
        status,
      },
    ]);
    return result!.object!;
  }

  async #updateStatus<T>(
    key: { kind: string; namespace: string; name: string },
    change: (status: T | undefined) => T,
  ): Promise<void> {
    await updateStatus(this.#options.store, key, change);
  }

  #updateStage(
    project: string,
    stage: string,
    change: (status: StageStatus | undefined) => StageStatus,
  ): Promise<void> {
    return this.#updateStatus({ kind: 'Stage', namespace: project, name: stage }, change);
  }

  #updateFreight(
    project: string,
    name: string,
    change: (status: FreightStatus | undefined) => FreightStatus,
  ): Promise<void> {
    return this.#updateStatus({ kind: 'Freight', namespace: project, name }, change);
  }
}

/** What a successful manual promotion does to its slot's hold: place one, or lift it. */
interface HoldDecision {
  origin: string;
  hold: NonNullable<StageStatus['autoPromotionHolds']>[string] | undefined;
}

function leaseName(stageKey: string): string {
  return `promotions/${stageKey}`;
}

function stageKeyOf(promotion: StoredResource): string {
  return `${promotion.metadata.namespace ?? ''}/${(promotion.spec as { stage: string }).stage}`;
}
