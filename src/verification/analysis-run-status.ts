/**
 * The status of an AnalysisRun as Gantry records it: the shape of Argo Rollouts'
 * `AnalysisRun.status` (phase, message, startedAt, metricResults with counters and the last
 * measurements), so the UI and CLI can show what Kargo users know. It is also what
 * `runAnalysis` takes back as `previous` to resume a run after a restart.
 */

/** Rollouts' AnalysisPhase plus `Aborted` (Kargo's word for a verification stopped by a user). */
export type AnalysisPhase =
  'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive' | 'Aborted';

/** What one measurement concluded. */
export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export interface Measurement {
  phase: MeasurementPhase;
  /** JSON of the provider's `result`, bounded to 4 KiB, secrets replaced by `***`. */
  value?: string;
  /** RFC 3339. */
  startedAt: string;
  finishedAt?: string;
  message?: string;
  /** Output of a job measurement, bounded to 64 KiB (the end is kept). */
  logs?: string;
}

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  /** Measurements that concluded (Successful, Failed or Inconclusive); errors do not count. */
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  /** Successful measurements in a row, for `consecutiveSuccessLimit` (Rollouts ≥ 1.8). */
  consecutiveSuccess?: number;
  /** Set when the metric runs in dry-run mode: it never changes the run's phase. */
  dryRun?: boolean;
  message?: string;
  /** The last measurements (10 unless the template's measurementRetention says otherwise). */
  measurements: Measurement[];
}

export interface AnalysisRunStatus {
  phase: AnalysisPhase;
  message?: string;
  /** RFC 3339. */
  startedAt: string;
  finishedAt?: string;
  metricResults: MetricResult[];
}

const COMPLETED: ReadonlySet<AnalysisPhase> = new Set([
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
  'Aborted',
]);

/** True when nothing more will happen to a run or metric in this phase. */
export function isCompletedPhase(phase: AnalysisPhase): boolean {
  return COMPLETED.has(phase);
}
