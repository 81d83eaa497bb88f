/** Whether a Stage is ready, as Kargo's Stage `Ready` condition says it, with why. */
export interface Readiness {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

type Loose = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

const FAILED_PROMOTION = new Set(['Failed', 'Errored', 'Aborted']);
const HEALTH_OK = new Set(['', 'Healthy', 'NotApplicable']);

/**
 * A Stage's readiness: its `Ready` condition when it has one; otherwise derived the way
 * Kargo's Stage reconciler sets that condition (pkg/controller/stages/regular_stages.go): not
 * ready while promoting, after a Promotion that did not succeed, before any Freight, while not
 * healthy, or until its current Freight is verified; ready otherwise. A Stage without
 * verification is ready once its Freight is promoted and healthy (nothing to wait for), and
 * one without health checks (`NotApplicable`) is not held back by health.
 */
export function stageReadiness(stage: { spec?: unknown; status?: unknown }): Readiness {
  const status = (stage.status ?? {}) as Loose;
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Loose[]) : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready && ['True', 'False', 'Unknown'].includes(text(ready.status)))
    return {
      status: text(ready.status) as Readiness['status'],
      reason: text(ready.reason),
      message: text(ready.message),
    };
  const current = status.currentPromotion as Loose | undefined;
  if (current?.name)
    return {
      status: 'False',
      reason: 'Promoting',
      message: `Promotion ${text(current.name)} is running`,
    };
  const last = status.lastPromotion as Loose | undefined;
  const lastPhase = text((last?.status as Loose | undefined)?.phase);
  if (FAILED_PROMOTION.has(lastPhase))
    return {
      status: 'False',
      reason: `LastPromotion${lastPhase}`,
      message:
        text((last?.status as Loose).message) ||
        `the last Promotion, ${text(last?.name)}, ${lastPhase.toLowerCase()}`,
    };
  const history = Array.isArray(status.freightHistory) ? (status.freightHistory as Loose[]) : [];
  const collection = history[0];
  if (!collection || Object.keys((collection.items as Loose | undefined) ?? {}).length === 0)
    return { status: 'False', reason: 'NoFreight', message: 'no Freight promoted here yet' };
  const health = (status.health ?? {}) as Loose;
  const healthStatus = text(health.status);
  if (!HEALTH_OK.has(healthStatus)) {
    const issues = Array.isArray(health.issues) ? health.issues.map(text).filter(Boolean) : [];
    return {
      status: 'False',
      reason: healthStatus === 'Progressing' ? 'Progressing' : 'Unhealthy',
      message: issues.length > 0 ? issues.join('; ') : `health is ${healthStatus}`,
    };
  }
  const verifies = (stage.spec as Loose | undefined)?.verification !== undefined;
  if (!verifies)
    return { status: 'True', reason: 'Promoted', message: 'promoted; no verification configured' };
  const verification = (collection.verificationHistory as Loose[] | undefined)?.[0];
  const phase = text(verification?.phase);
  if (phase === 'Successful') return { status: 'True', reason: 'Verified', message: 'verified' };
  if (phase === '' || phase === 'Pending' || phase === 'Running')
    return {
      status: 'False',
      reason: 'PendingVerification',
      message: phase ? `verification ${phase}` : 'not verified yet',
    };
  return {
    status: 'False',
    reason: `Verification${phase}`,
    message: text(verification?.message) || `verification ${phase}`,
  };
}
