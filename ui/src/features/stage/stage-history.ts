import type {
  FreightReference,
  Promotion,
  RequestedFreight,
  Stage,
  VerificationInfo,
} from '../../api/types.js';

/** The annotation a Promotion carries naming who created it (Kargo's). */
export const CREATE_ACTOR_ANNOTATION = 'kargo.akuity.io/create-actor';

/** One Promotion of a Stage, as its page lists it. */
export interface PromotionRow {
  name: string;
  /** The Freight's name (what the Promotion names, resolved by the server). */
  freight: string;
  /** Who created it: `token:…`, `email:…`, `system:auto-promotion`; empty when not recorded. */
  actor: string;
  phase: string;
  message?: string | undefined;
  createdAt?: string | undefined;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
}

/**
 * A Stage's Promotions, newest first (by creation, then by name: names carry a ULID, which
 * sorts by time).
 */
export function promotionHistoryOf(stage: string, promotions: Promotion[]): PromotionRow[] {
  return promotions
    .filter((p) => p.spec?.stage === stage)
    .sort(
      (a, b) =>
        (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
        b.metadata.name.localeCompare(a.metadata.name),
    )
    .map((p) => ({
      name: p.metadata.name,
      freight: p.status?.freight?.name ?? p.spec?.freight ?? '',
      actor: p.metadata.annotations?.[CREATE_ACTOR_ANNOTATION] ?? '',
      phase: p.status?.phase ?? 'Pending',
      message: p.status?.message,
      createdAt: p.metadata.creationTimestamp,
      startedAt: p.status?.startedAt,
      finishedAt: p.status?.finishedAt,
    }));
}

/** One verification run of a Stage, with the Freight it verified. */
export interface VerificationRow extends VerificationInfo {
  /** The Freight the Stage ran then (one per origin). */
  freight: FreightReference[];
}

/**
 * Every verification a Stage still records (Kargo keeps the last ten Freight collections, each
 * with its last ten verifications), newest first by start time.
 */
export function verificationHistoryOf(stage: Stage): VerificationRow[] {
  const rows = (stage.status?.freightHistory ?? []).flatMap((collection) =>
    (collection.verificationHistory ?? []).map((run) => ({
      ...run,
      freight: Object.values(collection.items ?? {}),
    })),
  );
  // A stable sort: runs without a start time keep the order the Stage lists them in.
  return rows.sort((a, b) => (b.startTime ?? '').localeCompare(a.startTime ?? ''));
}

/**
 * Where a Stage takes Freight from, in words: `Warehouse frontend, directly`,
 * `Warehouse frontend, from staging after a 1h soak`.
 */
export function requestedFromOf(request: RequestedFreight): {
  origin: string;
  direct: boolean;
  stages: string[];
  soak?: string | undefined;
} {
  return {
    origin: `${request.origin.kind} ${request.origin.name}`,
    direct: request.sources?.direct === true,
    stages: request.sources?.stages ?? [],
    soak: request.sources?.requiredSoakTime,
  };
}
