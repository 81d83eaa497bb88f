import type { FreightStatus } from '../api/freight.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { StoredResource } from '../api/resource.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import { withEntry } from './with-entry.js';

type Collection = NonNullable<StageStatus['freightHistory']>[number];
export type VerificationInfo = NonNullable<Collection['verificationHistory']>[number];

export const REVERIFY_ANNOTATION = 'kargo.akuity.io/reverify';
/** On a Stage: the id of the verification to abort. */
export const ABORT_VERIFICATION_ANNOTATION = 'kargo.akuity.io/abort';

/**
 * The id of the verification the Stage's current Freight needs started now, if any: after a successful
 * promotion that has not been verified yet, or when someone asked to verify again (the
 * `kargo.akuity.io/reverify` annotation carries a token no verification has used yet).
 */
export function verificationToStart(
  status: StageStatus | undefined,
  reverifyToken: string | undefined,
): string | undefined {
  const current = status?.freightHistory?.[0];
  if (!current) return undefined;
  const last = status?.lastPromotion;
  if (status?.currentPromotion) return undefined; // a promotion is running: wait for it
  if (last?.status?.phase !== 'Succeeded') return undefined;
  const history = current.verificationHistory ?? [];
  if (reverifyToken && !history.some((v) => v.id === `reverify-${reverifyToken}`))
    return `reverify-${reverifyToken}`;
  // A verification that was running when the server stopped starts again (same id).
  const latest = history[0];
  if ((latest?.phase === 'Running' || latest?.phase === 'Pending') && latest.id) return latest.id;
  const promotionId = `promotion-${last.name}`;
  if (!last.name || history.some((v) => v.id === promotionId)) return undefined;
  return promotionId;
}

/** The Stage status with `info` as the newest verification of its current Freight. */
export function withVerification(status: StageStatus, info: VerificationInfo): StageStatus {
  const [current, ...older] = status.freightHistory ?? [];
  if (!current) return status;
  const history = (current.verificationHistory ?? []).filter((v) => v.id !== info.id);
  return {
    ...status,
    freightHistory: [
      { ...current, verificationHistory: [info, ...history].slice(0, 10) },
      ...older,
    ],
  };
}

/** A Freight's status once verified in a Stage. */
export function verifiedFreightStatus(
  status: FreightStatus | undefined,
  stage: string,
  at: string,
): FreightStatus {
  return {
    ...status,
    verifiedIn: withEntry(status?.verifiedIn, stage, {
      ...status?.verifiedIn?.[stage],
      verifiedAt: at,
    }),
  };
}

/** What a verification of a Stage without AnalysisTemplates records. */
export const NO_VERIFICATION_MESSAGE = 'no verification configured';

/**
 * Whether a successful Promotion verifies its Stage the moment it finishes: the Stage has no
 * AnalysisTemplates and the Promotion registered no health checks, so the verification the
 * VerificationController would start next could only record itself Successful with the health
 * `NotApplicable`; no re-verification is asked, which would run first. The promotion
 * controller then writes that verification with the outcome (`verifiedOnPromotion`), one
 * write instead of a lease and a write more, and the same statuses.
 */
export function verifiesOnPromotion(stage: StoredResource, result: PromotionStatus): boolean {
  return (
    result.phase === 'Succeeded' &&
    ((stage.spec as StageSpec | undefined)?.verification?.analysisTemplates ?? []).length === 0 &&
    (result.healthChecks ?? []).length === 0 &&
    stage.metadata.annotations?.[REVERIFY_ANNOTATION] === undefined
  );
}

/**
 * The Stage status just after `promotion` succeeded, verified as the VerificationController
 * verifies a Stage without AnalysisTemplates (see verifiesOnPromotion).
 */
export function verifiedOnPromotion(
  status: StageStatus,
  promotion: string,
  at: string,
): StageStatus {
  return withVerification(
    { ...status, health: { status: 'NotApplicable' } },
    {
      id: `promotion-${promotion}`,
      startTime: at,
      finishTime: at,
      phase: 'Successful',
      message: NO_VERIFICATION_MESSAGE,
    },
  );
}
