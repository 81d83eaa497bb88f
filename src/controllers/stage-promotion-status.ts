import { parseDuration } from '../api/duration.js';
import { soakDuration } from '../api/freight-availability.js';
import { createHash } from 'node:crypto';
import type { ExpressionVariable, FreightReference, PromotionStep } from '../api/common.js';
import type { PromotionWork } from '../engine/promotion-runner.js';
import { originKey } from '../api/common.js';
import type { Freight, FreightStatus } from '../api/freight.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { StoredResource } from '../api/resource.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import { entryCount, withEntry } from './with-entry.js';

const MAX_HISTORY = 10;

/** The reference to a Freight that Stage and Promotion statuses carry. */
export function freightReference(freight: StoredResource): FreightReference {
  const f = freight as unknown as Freight;
  return {
    name: freight.metadata.name,
    origin: f.origin,
    ...(f.commits ? { commits: f.commits } : {}),
    ...(f.images ? { images: f.images } : {}),
    ...(f.charts ? { charts: f.charts } : {}),
    ...(f.artifacts ? { artifacts: f.artifacts } : {}),
  };
}

/** The Stage's Freight after promoting `freight`: it replaces the one of its origin. */
export function nextFreightCollection(
  status: StageStatus | undefined,
  freight: FreightReference,
): NonNullable<StageStatus['freightHistory']>[number] {
  const current = status?.freightHistory?.[0]?.items ?? {};
  const items = { ...current, [originKey(freight.origin!)]: freight };
  const names = Object.values(items)
    .map((item) => item.name ?? '')
    .sort();
  return { id: createHash('sha1').update(names.join(',')).digest('hex'), items };
}

/**
 * The Stage's status after a Promotion finished (Kargo): `lastPromotion` always; on success the
 * new Freight collection at the head of `freightHistory` (newest first, at most 10).
 */
export function stageStatusAfterPromotion(
  status: StageStatus | undefined,
  promotion: { name: string; freight: FreightReference; status: PromotionStatus },
): StageStatus {
  const next: StageStatus = { ...status };
  delete next.currentPromotion;
  next.lastPromotion = {
    name: promotion.name,
    freight: promotion.freight,
    status: promotion.status,
    ...(promotion.status.finishedAt ? { finishedAt: promotion.status.finishedAt } : {}),
  };
  if (promotion.status.phase === 'Succeeded') {
    const collection = nextFreightCollection(status, promotion.freight);
    next.freightHistory = [
      collection,
      ...(status?.freightHistory ?? []).filter((entry) => entry.id !== collection.id),
    ].slice(0, MAX_HISTORY);
    next.freightSummary = summary(next);
  }
  return next;
}

/** Kargo's freightSummary: the Freight's name for one origin, else "n/m Fulfilled". */
export function summary(status: StageStatus): string {
  const items = Object.values(status.freightHistory?.[0]?.items ?? {});
  if (items.length === 1) return items[0]!.name ?? '';
  return `${items.length}/${items.length} Fulfilled`;
}

/** A Freight's status after it entered (or left) a Stage. */
export function freightStatusInStage(
  status: FreightStatus | undefined,
  stage: string,
  entered: boolean,
  now: string,
): FreightStatus {
  const stay = status?.currentlyIn?.[stage];
  // Copied with withEntry: these records name every Stage the Freight has been in.
  const currentlyIn = withEntry(
    status?.currentlyIn,
    stage,
    entered ? (stay ?? { since: now }) : undefined,
  );
  const next: FreightStatus = { ...status };
  if (!entered) {
    // Leaving ends a stay: a verified Freight keeps its longest stay (Kargo's longestSoak),
    // which downstream soak requirements may count later.
    const since = stay?.since;
    const verified = status?.verifiedIn?.[stage];
    if (since && verified) {
      const longest = parseDuration(verified.longestSoak ?? '') ?? 0;
      next.verifiedIn = withEntry(status?.verifiedIn, stage, {
        ...verified,
        longestSoak: soakDuration(Math.max(Date.parse(now) - Date.parse(since), longest)),
      });
    }
  }
  next.currentlyIn = currentlyIn;
  // Entering leaves it non-empty; counting a thousand keys is not free (V8 sorts them).
  if (!entered && entryCount(currentlyIn) === 0) delete next.currentlyIn;
  return next;
}

/**
 * What the runner needs to run `promotion`: its steps and vars, the Freight it promotes, the
 * Stage's current Freight from its other origins and the origins it requests (for imageFrom
 * & co.).
 */
export function promotionWork(
  promotion: StoredResource,
  freight: StoredResource,
  stage: StoredResource,
): PromotionWork {
  const spec = promotion.spec as {
    stage: string;
    vars?: ExpressionVariable[];
    steps: PromotionStep[];
  };
  const reference = freightReference(freight);
  const others = Object.values(
    (stage.status as StageStatus | undefined)?.freightHistory?.[0]?.items ?? {},
  ).filter((item) => item.origin?.name !== reference.origin?.name);
  return {
    name: promotion.metadata.name,
    project: promotion.metadata.namespace ?? '',
    stage: spec.stage,
    actor: promotion.metadata.annotations?.['kargo.akuity.io/create-actor'],
    rollback: promotion.metadata.annotations?.['kargo.akuity.io/rollback'] === 'true',
    vars: spec.vars ?? [],
    steps: spec.steps,
    freight: {
      name: freight.metadata.name,
      alias: freight.alias as string | undefined,
      origin: (freight as unknown as Freight).origin,
    },
    freightCollection: [reference, ...others],
    freightRequests: requestedOrigins(stage),
  };
}

/** The origins a Stage requests (`spec.requestedFreight[].origin`), Kargo's FreightRequests. */
export function requestedOrigins(
  stage: StoredResource,
): Array<{ origin: { kind: string; name: string } }> {
  return ((stage.spec as StageSpec | undefined)?.requestedFreight ?? []).map((request) => ({
    origin: { kind: request.origin.kind, name: request.origin.name },
  }));
}
