import type { Stage, VerificationInfo } from '../../api/types.js';

/**
 * The verification to show on a Stage: its latest, only when the Stage has verification
 * configured. Without analysis templates Gantry (as Kargo) records the Freight as verified at
 * once; "verification Successful" would then claim a check that never ran.
 */
export function shownVerification(stage: Stage): VerificationInfo | undefined {
  if (!hasVerification(stage)) return undefined;
  return stage.status?.freightHistory?.[0]?.verificationHistory?.[0];
}

/** Whether the Stage verifies its Freight (`spec.verification.analysisTemplates`). */
export function hasVerification(stage: Stage): boolean {
  const verification = stage.spec?.verification as { analysisTemplates?: unknown[] } | undefined;
  return (verification?.analysisTemplates?.length ?? 0) > 0;
}

/**
 * How a Stage promotes on its own, in one word for its card: `frozen` (the project is frozen:
 * nothing promotes, whatever the policy), `auto`, or nothing. Frozen wins: auto-promotion does
 * not run while frozen, and the card must not say it does.
 */
export function promotionMode(stage: Stage, frozen: boolean): 'frozen' | 'auto' | undefined {
  if (frozen) return 'frozen';
  return stage.status?.autoPromotionEnabled ? 'auto' : undefined;
}
