import type { FreightStatus } from '../api/freight.js';
import type { StageStatus } from '../api/stage.js';

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
    verifiedIn: {
      ...status?.verifiedIn,
      [stage]: { ...status?.verifiedIn?.[stage], verifiedAt: at },
    },
  };
}
