import { freightAvailability, type Availability } from '../api/freight-availability.js';
import type { Freight, FreightStatus } from '../api/freight.js';
import { newestFirst } from '../api/freight-order.js';
import { ALIAS_LABEL } from '../api/labels.js';
import type { StoredResource } from '../api/resource.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import { formatTimestamp } from '../api/timestamp.js';
import { inputError, notFoundError } from '../errors.js';
import type { Store } from '../store/store.js';
import { updateStatus } from '../store/update-status.js';

/** One Freight as a Stage sees it: may it be promoted there, and why (not). */
export interface FreightForStage {
  freight: StoredResource;
  availability: Availability;
  /**
   * What auto-promotion does about it, when that differs from what availability suggests:
   * `skipped: prod was rolled back to quiet-quokka` (rejected for the Stage; a person may still
   * promote it) or `held at quiet-quokka` (the Stage's auto-promotion is held elsewhere).
   */
  autoPromotion?: string;
}

/**
 * Freight operations that involve a Stage: manual approval (Kargo's `approve`, which makes a
 * Freight available to one Stage, skipping verification and soak there) and the availability
 * view (`gantry get freight --stage S`: every Freight the Stage requests, newest first, with
 * whether it is available and why).
 */
export class FreightService {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(options: { store: Store; now?: () => Date }) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
  }

  /** The Freight called `nameOrAlias` in the project (by name first, then alias). */
  async find(project: string, nameOrAlias: string): Promise<StoredResource> {
    const byName = await this.#store.get({
      kind: 'Freight',
      namespace: project,
      name: nameOrAlias,
    });
    if (byName) return byName;
    const { items } = await this.#store.list('Freight', {
      namespace: project,
      labelSelector: [{ key: ALIAS_LABEL, operator: 'In', values: [nameOrAlias] }],
    });
    if (!items[0])
      throw notFoundError(
        `Freight "${nameOrAlias}" not found in project "${project}" (by name or alias)`,
      );
    return items[0];
  }

  async approve(project: string, nameOrAlias: string, stageName: string): Promise<StoredResource> {
    const freight = await this.find(project, nameOrAlias);
    const stage = await this.#stage(project, stageName);
    const origin = (freight as unknown as Freight).origin;
    const requests = (stage.spec as StageSpec).requestedFreight;
    if (!requests.some((r) => r.origin.kind === origin.kind && r.origin.name === origin.name))
      throw inputError(
        `stage: Stage "${stageName}" does not request Freight from ${origin.kind} "${origin.name}"`,
        [{ path: 'stage', message: `does not request ${origin.kind} "${origin.name}"` }],
      );
    const at = formatTimestamp(this.#now());
    const key = { kind: 'Freight', namespace: project, name: freight.metadata.name };
    const exists = await updateStatus<FreightStatus>(this.#store, key, (status) =>
      status?.approvedFor?.[stageName]
        ? undefined
        : { ...status, approvedFor: { ...status?.approvedFor, [stageName]: { approvedAt: at } } },
    );
    const approved = exists ? await this.#store.get(key) : undefined;
    if (!approved) throw notFoundError(`Freight "${nameOrAlias}" was deleted`);
    return approved;
  }

  /** Every Freight from the origins the Stage requests, newest first, with its availability. */
  async forStage(project: string, stageName: string): Promise<FreightForStage[]> {
    const stage = await this.#stage(project, stageName);
    const spec = stage.spec as StageSpec;
    const { items } = await this.#store.list('Freight', { namespace: project });
    const now = this.#now();
    return items
      .filter((freight) => {
        const origin = (freight as unknown as Freight).origin;
        return spec.requestedFreight.some(
          (r) => r.origin.kind === origin.kind && r.origin.name === origin.name,
        );
      })
      .sort(newestFirst)
      .map((freight) => {
        const availability = freightAvailability(
          { name: stageName, spec },
          {
            origin: (freight as unknown as Freight).origin,
            status: freight.status as FreightStatus | undefined,
          },
          now,
        );
        const autoPromotion = autoPromotionNote(
          freight,
          stageName,
          (stage.status as StageStatus | undefined)?.autoPromotionHolds,
          availability,
          (name) => {
            const held = items.find((item) => item.metadata.name === name);
            return (held as { alias?: string } | undefined)?.alias ?? name.slice(0, 7);
          },
        );
        return { freight, availability, ...(autoPromotion ? { autoPromotion } : {}) };
      });
  }

  async #stage(project: string, name: string): Promise<StoredResource> {
    const stage = await this.#store.get({ kind: 'Stage', namespace: project, name });
    if (!stage) throw notFoundError(`Stage "${name}" not found in project "${project}"`);
    return stage;
  }
}

/**
 * What auto-promotion does about an available Freight, when that is not simply "promotes it":
 * it was rejected in this Stage (rolled back from), which auto-promotion never picks again
 * though a person may, or the Stage's auto-promotion is held at another Freight.
 */
function autoPromotionNote(
  freight: StoredResource,
  stage: string,
  holds: StageStatus['autoPromotionHolds'],
  availability: Availability,
  aliasOf: (name: string) => string,
): string | undefined {
  const rejected = freight.metadata.annotations?.[`rejected.gantry.io/${stage}`];
  if (rejected) return `skipped: ${rejected}`;
  const hold = Object.values(holds ?? {}).find(
    (h) => h.origin.name === (freight as unknown as Freight).origin.name,
  );
  if (hold && hold.freightName !== freight.metadata.name && availability.available)
    return `held at ${aliasOf(hold.freightName)}`;
  return undefined;
}
