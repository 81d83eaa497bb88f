import type { AnalysisPhase, MetricResult } from './analysis-run-status.js';

/** The numbers that decide a metric's phase, defaults applied. */
export interface MetricLimits {
  /** Measurements to take (errors do not count); Infinity until another limit decides. */
  count: number;
  /** Failed measurements tolerated; -1 disables the check (Rollouts ≥ 1.8). */
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  /** Successes in a row that end the metric Successful; 0 disables it. */
  consecutiveSuccessLimit: number;
}

export interface MetricAssessment {
  phase: Extract<AnalysisPhase, 'Successful' | 'Failed' | 'Error' | 'Inconclusive'>;
  reason: string;
}

type Counters = Pick<
  MetricResult,
  'count' | 'failed' | 'inconclusive' | 'consecutiveError' | 'consecutiveSuccess'
>;

/**
 * Rollouts' assessMetricStatus after a measurement: the metric's phase once it is decided, or
 * undefined while more measurements are needed.
 * - failed > failureLimit → Failed; inconclusive > inconclusiveLimit → Inconclusive;
 *   consecutive errors > consecutiveErrorLimit → Error (checked in that order, the last
 *   that applies wins, as in Rollouts);
 * - consecutiveSuccessLimit reached → Successful, whatever count remains;
 * - count reached → Successful; but when consecutiveSuccessLimit is set and was not reached,
 *   Inconclusive if failureLimit is in force, Failed if it is disabled (-1).
 */
export function assessMetric(limits: MetricLimits, result: Counters): MetricAssessment | undefined {
  let decided: MetricAssessment | undefined;
  if (limits.failureLimit >= 0 && result.failed > limits.failureLimit)
    decided = {
      phase: 'Failed',
      reason: `failed (${result.failed}) > failureLimit (${limits.failureLimit})`,
    };
  if (result.inconclusive > limits.inconclusiveLimit)
    decided = {
      phase: 'Inconclusive',
      reason: `inconclusive (${result.inconclusive}) > inconclusiveLimit (${limits.inconclusiveLimit})`,
    };
  if (result.consecutiveError > limits.consecutiveErrorLimit)
    decided = {
      phase: 'Error',
      reason: `consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${limits.consecutiveErrorLimit})`,
    };
  if (decided) return decided;

  const successes = result.consecutiveSuccess ?? 0;
  if (limits.consecutiveSuccessLimit > 0 && successes >= limits.consecutiveSuccessLimit)
    return {
      phase: 'Successful',
      reason: `consecutiveSuccess (${successes}) reached consecutiveSuccessLimit (${limits.consecutiveSuccessLimit})`,
    };
  if (result.count >= limits.count) {
    if (limits.consecutiveSuccessLimit > 0)
      return {
        phase: limits.failureLimit >= 0 ? 'Inconclusive' : 'Failed',
        reason: `count (${limits.count}) reached without ${limits.consecutiveSuccessLimit} consecutive successes`,
      };
    return { phase: 'Successful', reason: `count (${limits.count}) reached` };
  }
  return undefined;
}
