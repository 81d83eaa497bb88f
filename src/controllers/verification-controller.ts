import type { FreightStatus } from '../api/freight.js';
import type { StoredResource } from '../api/resource.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import { formatTimestamp } from '../api/timestamp.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { followChanges } from './follow-changes.js';
import { RetryBackoff } from './retry-backoff.js';
import { LeaseKeeper } from './lease-keeper.js';
import { fencedStore } from '../store/fenced-store.js';
import type { Store } from '../store/store.js';
import {
  ABORT_VERIFICATION_ANNOTATION,
  NO_VERIFICATION_MESSAGE,
  REVERIFY_ANNOTATION,
  verificationToStart,
  verifiedFreightStatus,
  withVerification,
  type VerificationInfo,
} from './stage-verification.js';
import { assessStage, type HealthChecker, type StageHealth } from '../engine/stage-health.js';
import type { WriteOp } from '../store/store.js';
import { readModifyWrite, statusUpdate } from './read-modify-write.js';
import { linkSignals } from '../abort-signals.js';

/** Runs a Stage's verification (its AnalysisTemplates) for the Stage's current Freight. */
export type RunVerification = (request: {
  project: string;
  stage: StoredResource;
  id: string;
  signal: AbortSignal;
  /** Persists progress (a Running phase with a message) while the verification runs. */
  progress: (info: Partial<VerificationInfo>) => Promise<void>;
}) => Promise<Pick<VerificationInfo, 'phase' | 'message' | 'analysisRun'>>;

export interface VerificationControllerOptions {
  store: Store;
  logger: Logger;
  replicaId: string;
  /** Runs AnalysisTemplates; only called for Stages that have some. */
  runVerification: RunVerification;
  now?: () => Date;
  leaseTtlMs?: number;
  /** Health checks steps may register (argocd-update's, …); none by default. */
  healthCheckers?: readonly HealthChecker[];
  /** How often health is looked at again while it is not there yet (default 5 s). */
  healthPollMs?: number;
  /** Called when a verification ends otherwise than Successful (auto-rollback). */
  onFailed?: (project: string, stage: StoredResource, info: VerificationInfo) => Promise<void>;
}

/**
 * Verifies Stages after successful promotions, as Kargo does: a Stage whose newest Freight
 * arrived by a successful Promotion (or that was asked to verify again) runs its
 * `spec.verification.analysisTemplates`; without any, it is verified at once (usually by the
 * promotion controller already, with the Promotion's outcome: verifiesOnPromotion). Success marks
 * every Freight of the Stage's current collection `verifiedIn` the Stage, which makes it
 * available downstream; every outcome is recorded in the collection's verificationHistory
 * (newest first, at most 10). One verification per Stage at a time; a new promotion aborts
 * a running verification of older Freight.
 */
export class VerificationController {
  readonly #options: VerificationControllerOptions;
  readonly #now: () => Date;
  readonly #stop = new AbortController();
  /** Looks at a Stage whose verification failed to run (the store away) again, with backoff. */
  readonly #retries = new RetryBackoff((key) => this.#lookAgain(key), this.#stop.signal);
  readonly #queue = new Map<string, Promise<void>>();
  readonly #running = new Map<string, { id: string; controller: AbortController }>();
  /** Stages waiting for health: looked at again by a timer, not by every status change. */
  readonly #waiting = new Map<string, NodeJS.Timeout>();
  #watching: Promise<void> | undefined;
  /** One replica verifies a Stage at a time: it holds the Stage's verification lease. */
  readonly #leases: LeaseKeeper;

  constructor(options: VerificationControllerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#leases = new LeaseKeeper({
      store: options.store,
      holder: options.replicaId,
      ttlMs: options.leaseTtlMs ?? 60_000,
      logger: options.logger,
      what: 'verification',
    });
  }

  async start(): Promise<void> {
    const list = await this.#options.store.list('Stage');
    this.#watching = this.#watch(list.resourceVersion);
    this.#leases.start();
    for (const stage of list.items) this.#schedule(stage);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    for (const run of this.#running.values()) run.controller.abort();
    for (const timer of this.#waiting.values()) clearTimeout(timer);
    await this.#watching?.catch(() => undefined);
    await Promise.allSettled([...this.#queue.values()]);
    await this.#leases.stop();
    for (const name of this.#leases.names()) await this.#leases.release(name);
  }

  #watch(from: string): Promise<void> {
    return followChanges({
      store: this.#options.store,
      kinds: ['Stage'],
      from,
      signal: this.#stop.signal,
      logger: this.#options.logger,
      what: 'stage watch (verification)',
      onEvent: (event) => {
        if (event.type !== 'DELETED') this.#schedule(event.object);
      },
      resync: async () => {
        const list = await this.#options.store.list('Stage');
        for (const stage of list.items) this.#schedule(stage);
        return list.resourceVersion;
      },
    });
  }

  #schedule(stage: StoredResource): void {
    if (this.#stop.signal.aborted) return;
    const key = `${stage.metadata.namespace ?? ''}/${stage.metadata.name}`;
    const abort = stage.metadata.annotations?.[ABORT_VERIFICATION_ANNOTATION];
    const current = this.#running.get(key);
    if (abort && current?.id === abort) current.controller.abort();
    const wanted = verificationToStart(
      stage.status as StageStatus | undefined,
      stage.metadata.annotations?.[REVERIFY_ANNOTATION],
    );
    if (!wanted) return;
    if (this.#waiting.has(key)) return;
    const running = this.#running.get(key);
    if (running?.id === wanted) return;
    // Newer Freight (or a re-verify) supersedes a verification still running.
    running?.controller.abort();
    const previous = this.#queue.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#verify(key, wanted))
      .then(
        () => this.#retries.succeeded(key),
        (err: unknown) => {
          this.#options.logger.error('verification failed to run; trying again', {
            stage: key,
            error: errorMessage(err),
          });
          this.#retries.failed(key);
        },
      );
    this.#queue.set(key, next);
    void next.finally(() => {
      if (this.#queue.get(key) === next) this.#queue.delete(key);
    });
  }

  async #verify(key: string, id: string): Promise<void> {
    const [project, name] = key.split('/') as [string, string];
    const { store } = this.#options;
    const stage = await store.get({ kind: 'Stage', namespace: project, name });
    if (!stage || this.#stop.signal.aborted) return;
    const wanted = verificationToStart(
      stage.status as StageStatus | undefined,
      stage.metadata.annotations?.[REVERIFY_ANNOTATION],
    );
    if (wanted !== id) return; // handled meanwhile, or superseded
    const leaseName = `verification/${key}`;
    const held = await this.#leases.take(leaseName);
    if (!held) return; // another replica verifies this Stage
    // What this verification writes is fenced by the lease: once another replica took the
    // Stage's verification over, nothing of this one lands.
    const fenced = fencedStore(store, held.lease);
    const controller = new AbortController();
    this.#running.set(key, { id, controller });
    // Linked, not AbortSignal.any over the controller's lifetime signal (abort-signals.ts).
    const link = linkSignals([controller.signal, this.#stop.signal, held.lost]);
    const signal = link.signal;
    const latest = (stage.status as StageStatus | undefined)?.freightHistory?.[0]
      ?.verificationHistory?.[0];
    // Waiting for health keeps its start time, so writing the same wait again changes nothing.
    const startTime =
      latest?.id === id && latest.phase === 'Pending' && latest.startTime
        ? latest.startTime
        : formatTimestamp(this.#now());
    const stageKey = { kind: 'Stage', namespace: project, name };
    const assessed = (stage.status as StageStatus | undefined)?.lastPromotion?.name;
    // The Freight of the collection verified: the Stage's current one when this began.
    const collection = (stage.status as StageStatus | undefined)?.freightHistory?.[0]?.items ?? {};
    /**
     * One write: the Stage's health when it is new for the promotion assessed, `info` as its
     * newest verification, and, given `verifiedAt`, the collection's Freight verified in it.
     */
    const settle = (
      info: VerificationInfo,
      health: StageHealth | undefined,
      verifiedAt?: string,
    ): Promise<unknown> =>
      readModifyWrite(fenced, async (read) => {
        const ops: WriteOp[] = [];
        const current = await read(stageKey);
        const status = current?.status as StageStatus | undefined;
        if (current && status) {
          const healthy =
            health &&
            status.lastPromotion?.name === assessed &&
            JSON.stringify(status.health) !== JSON.stringify(health)
              ? { ...status, health }
              : status;
          ops.push(statusUpdate(current, withVerification(healthy, info)));
        }
        if (verifiedAt === undefined) return ops;
        for (const item of Object.values(collection)) {
          if (!item.name) continue;
          const freight = await read({ kind: 'Freight', namespace: project, name: item.name });
          if (freight)
            ops.push(
              statusUpdate(
                freight,
                verifiedFreightStatus(
                  freight.status as FreightStatus | undefined,
                  name,
                  verifiedAt,
                ),
              ),
            );
        }
        return ops;
      });
    const record = (info: VerificationInfo) => settle(info, undefined);
    try {
      // Health first (Kargo waits for it): the checks the promotion's steps registered. It is
      // written with the verification's next record.
      const health = await assessStage(
        stage.status as StageStatus | undefined,
        this.#options.healthCheckers ?? [],
        { project, stage: name, signal },
      );
      if (health.status !== 'Healthy' && health.status !== 'NotApplicable') {
        await settle(
          {
            id,
            startTime,
            phase: 'Pending',
            message: `waiting for the Stage to be healthy: ${health.status}${health.issues?.length ? ` (${health.issues.join('; ')})` : ''}`,
          },
          health,
        );
        this.#waitForHealth(key);
        return;
      }
      const templates = (stage.spec as StageSpec).verification?.analysisTemplates ?? [];
      let outcome: Pick<VerificationInfo, 'phase' | 'message' | 'analysisRun'>;
      let unwritten: StageHealth | undefined = health;
      if (templates.length === 0) {
        // Verified at once: health, outcome and the verified Freight in one write.
        outcome = { phase: 'Successful', message: NO_VERIFICATION_MESSAGE };
      } else {
        await settle({ id, startTime, phase: 'Running' }, health);
        unwritten = undefined;
        outcome = await this.#options.runVerification({
          project,
          stage,
          id,
          signal,
          progress: async (info) => {
            await record({ id, startTime, phase: 'Running', ...info });
          },
        });
      }
      // Shutting down, or another replica took over: verified again there.
      if (this.#stop.signal.aborted || held.lost.aborted) return;
      if (controller.signal.aborted) {
        const asked =
          (await store.get(stageKey))?.metadata.annotations?.[ABORT_VERIFICATION_ANNOTATION] === id;
        outcome = {
          ...outcome,
          phase: 'Aborted',
          message: asked ? 'aborted on request' : 'superseded by newer Freight or a re-verify',
        };
      }
      const finishTime = formatTimestamp(this.#now());
      await settle(
        { id, startTime, finishTime, ...outcome },
        unwritten,
        outcome.phase === 'Successful' ? finishTime : undefined,
      );
      if (outcome.phase !== 'Successful' && outcome.phase !== 'Aborted')
        await this.#options.onFailed?.(project, stage, { id, startTime, finishTime, ...outcome });
      this.#options.logger.info('stage verified', { stage: key, phase: outcome.phase });
    } finally {
      link.dispose();
      if (this.#running.get(key)?.id === id) this.#running.delete(key);
      await this.#leases.release(leaseName);
    }
  }

  /** Schedules the Stage as it is stored now; the store away, tries again with backoff. */
  #lookAgain(key: string): void {
    const [project, name] = key.split('/') as [string, string];
    this.#options.store.get({ kind: 'Stage', namespace: project, name }).then(
      (stage) => stage && this.#schedule(stage),
      () => this.#retries.failed(key),
    );
  }

  #waitForHealth(key: string): void {
    if (this.#stop.signal.aborted || this.#waiting.has(key)) return;
    const timer = setTimeout(() => {
      this.#waiting.delete(key);
      this.#lookAgain(key);
    }, this.#options.healthPollMs ?? 5_000);
    timer.unref();
    this.#waiting.set(key, timer);
  }
}
