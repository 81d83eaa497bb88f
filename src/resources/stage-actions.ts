import { originKey } from '../api/common.js';
import type { FreightStatus } from '../api/freight.js';
import { KARGO_API_VERSION } from '../api/meta.js';
import type { StoredResource } from '../api/resource.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import { formatTimestamp } from '../api/timestamp.js';
import { inputError, notFoundError } from '../errors.js';
import type { Store } from '../store/store.js';
import { updateStatus } from '../store/update-status.js';
import type { FreightService } from './freight-service.js';
import type { ResourceService } from './resource-service.js';

/** On a Promotion: it rolls a Stage back (steps see `ctx.meta.promotion.rollback`). */
export const ROLLBACK_ANNOTATION = 'kargo.akuity.io/rollback';
/** On a Freight: `rejected.gantry.io/<stage>: <why>`; auto-promotion never picks it for that Stage. */
export const REJECTED_ANNOTATION_PREFIX = 'rejected.gantry.io/';

export interface RollbackResult {
  promotion: StoredResource;
  from?: string | undefined;
  to: StoredResource;
}

/**
 * Rollback as a first-class operation (Kargo keeps it in its paid edition): promote the
 * Stage's previous verified Freight, or the one named, and hold auto-promotion of that slot
 * so the next candidate does not undo the rollback; `resume` lifts the hold. The Freight
 * rolled back from is marked rejected for the Stage, so auto-promotion skips it later.
 */
export class StageActions {
  readonly #store: Store;
  readonly #service: ResourceService;
  readonly #freight: FreightService;
  readonly #now: () => Date;

  constructor(options: {
    store: Store;
    service: ResourceService;
    freight: FreightService;
    now?: () => Date;
  }) {
    this.#store = options.store;
    this.#service = options.service;
    this.#freight = options.freight;
    this.#now = options.now ?? (() => new Date());
  }

  async rollback(
    project: string,
    stageName: string,
    options: {
      to?: string | undefined;
      actor?: string | undefined;
      reason?: string | undefined;
    } = {},
  ): Promise<RollbackResult> {
    const stage = await this.#stage(project, stageName);
    const status = (stage.status ?? {}) as StageStatus;
    const history = status.freightHistory ?? [];
    const origin = originKey((stage.spec as StageSpec).requestedFreight[0]!.origin);
    const current = history[0]?.items?.[origin]?.name;
    let target: StoredResource | undefined;
    if (options.to) {
      target = await this.#freight.find(project, options.to);
      if (!history.some((entry) => entry.items?.[origin]?.name === target!.metadata.name))
        throw inputError(
          `--to: Freight "${options.to}" never ran in Stage "${stageName}"; roll back only to Freight it ran before`,
        );
    } else {
      for (const entry of history.slice(1)) {
        const name = entry.items?.[origin]?.name;
        if (!name || name === current) continue;
        const candidate = await this.#store.get({ kind: 'Freight', namespace: project, name });
        if ((candidate?.status as FreightStatus | undefined)?.verifiedIn?.[stageName]) {
          target = candidate;
          break;
        }
      }
      if (!target)
        throw inputError(
          `Stage "${stageName}" has no earlier verified Freight to roll back to (name one with --to)`,
        );
    }
    if (target.metadata.name === current)
      throw inputError(`Stage "${stageName}" runs Freight "${options.to}" already`);
    const actor = options.actor ?? 'unknown';
    const [created] = await this.#service.apply({
      mode: 'create',
      actor,
      documents: [
        {
          apiVersion: KARGO_API_VERSION,
          kind: 'Promotion',
          metadata: { namespace: project, annotations: { [ROLLBACK_ANNOTATION]: 'true' } },
          spec: { stage: stageName, freight: target.metadata.name },
        },
      ],
    });
    const promotion = created!.object;
    const alias = (target as { alias?: string }).alias ?? target.metadata.name;
    await this.#holdStage(project, stage, origin, target, promotion, actor);
    if (current) {
      await this.#store.write([
        {
          op: 'patchMetadata',
          key: { kind: 'Freight', namespace: project, name: current },
          annotations: {
            [`${REJECTED_ANNOTATION_PREFIX}${stageName}`]:
              options.reason ?? `${stageName} was rolled back to ${alias}`,
          },
        },
      ]);
    }
    return { promotion, from: current, to: target };
  }

  /** Lifts the Stage's auto-promotion holds. */
  async resume(project: string, stageName: string): Promise<StoredResource> {
    await this.#stage(project, stageName);
    await updateStatus<StageStatus>(
      this.#store,
      { kind: 'Stage', namespace: project, name: stageName },
      (status) => {
        if (!status?.autoPromotionHolds) return undefined;
        const { autoPromotionHolds: _, ...rest } = status;
        return rest;
      },
    );
    return this.#stage(project, stageName);
  }

  async #holdStage(
    project: string,
    stage: StoredResource,
    origin: string,
    target: StoredResource,
    promotion: StoredResource,
    actor: string,
  ): Promise<void> {
    const hold = {
      freightName: target.metadata.name,
      origin: (stage.spec as StageSpec).requestedFreight[0]!.origin,
      promotionName: promotion.metadata.name,
      actor,
      createdAt: formatTimestamp(this.#now()),
    };
    await updateStatus<StageStatus>(
      this.#store,
      { kind: 'Stage', namespace: project, name: stage.metadata.name },
      (status) => ({
        ...status,
        autoPromotionHolds: { ...status?.autoPromotionHolds, [origin]: hold },
      }),
    );
  }

  async #stage(project: string, name: string): Promise<StoredResource> {
    const stage = await this.#store.get({ kind: 'Stage', namespace: project, name });
    if (!stage) throw notFoundError(`Stage "${name}" not found in project "${project}"`);
    return stage;
  }
}
