import type { AnalysisPhase, MetricResult } from './analysis-run-status.js';

/** Rollouts' order of badness (analysisutil.IsWorse): Failed is worst. */
const WORSE: readonly AnalysisPhase[] = ['Successful', 'Inconclusive', 'Error', 'Failed'];

export interface RunAssessment {
  phase: AnalysisPhase;
  /** The metric that decided a phase other than Successful. */
  metric?: MetricResult;
}

/**
 * The run's phase from its metrics, as Rollouts' assessRunStatus: the worst phase among the
 * metrics that are not dry runs (Failed, then Error, then Inconclusive, else Successful).
 * Metrics stopped early (Aborted) and dry-run metrics do not count. Running while a counted
 * metric is still Pending or Running.
 */
export function assessRun(results: readonly MetricResult[]): RunAssessment {
  let worst: RunAssessment = { phase: 'Successful' };
  for (const result of results) {
    if (result.dryRun || result.phase === 'Aborted') continue;
    if (result.phase === 'Pending' || result.phase === 'Running') return { phase: 'Running' };
    if (WORSE.indexOf(result.phase) > WORSE.indexOf(worst.phase))
      worst = { phase: result.phase, metric: result };
  }
  return worst;
}
