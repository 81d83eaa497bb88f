import {
  isCompletedPhase,
  type AnalysisRunStatus,
  type MetricResult,
} from './analysis-run-status.js';
import { assessRun } from './assess-run.js';
import { boundHead } from '../api/bounded-text.js';
import { noOutboundHttp, type OutboundHttp } from '../outbound/outbound-http.js';
import type { CommandRunner } from './command-runner.js';
import type { NamedTemplate } from './merge-templates.js';
import { planAnalysis } from './plan-analysis.js';
import type { SecretValue } from './resolve-args.js';
import type { ResolvedMetric } from './resolve-metric.js';
import { MAX_MESSAGE_BYTES, runMetric } from './run-metric.js';

export interface AnalysisInput {
  /** The Stage's AnalysisTemplates (and ClusterAnalysisTemplates), merged into one run. */
  templates: NamedTemplate[];
  /** The Stage's verification args, already evaluated; they override template defaults. */
  args: Array<{ name: string; value: string }>;
  /** Reads a key of a Secret of the Stage's project, for args with valueFrom.secretKeyRef. */
  secretValue?: SecretValue;
  /** Aborting ends the run with phase Aborted; measurements in flight are cancelled. */
  signal: AbortSignal;
  now: () => Date;
  /** Waits `ms`; may resolve or reject early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called (and awaited, one call at a time) after every measurement with a snapshot. */
  onUpdate?: (status: AnalysisRunStatus) => Promise<void> | void;
  /**
   * Runs job metrics' processes (localCommandRunner). Only given when the operator allows
   * local programs (`--allow-local-programs`): without it, every job metric ends at once with
   * an Error measurement saying so, and nothing is run.
   */
  runCommand?: CommandRunner | undefined;
  /**
   * Outbound HTTP for web and prometheus metrics, under the operator's outbound policy
   * (createGuardedHttp); without it every such request is refused.
   */
  http?: OutboundHttp | undefined;
  /** The status saved before a restart: finished measurements and counts carry on. */
  previous?: AnalysisRunStatus;
}

const DECISIVE = new Set(['Failed', 'Error', 'Inconclusive']);

/**
 * Runs AnalysisTemplates the way Argo Rollouts runs an AnalysisRun, which is how Kargo
 * verifies a Stage (kargo-compat §1.9, §4), without Kubernetes:
 * 1. the templates are merged and checked (planAnalysis); any problem ends the run in Error
 *    with a message naming the template, metric or argument;
 * 2. metrics run concurrently (runMetric), each until its phase is decided;
 * 3. once a metric that is not a dry run ends Failed, Error or Inconclusive, the others stop
 *    (Rollouts' "terminating" run) and are recorded as Aborted;
 * 4. the run's phase is the worst of its metrics' (assessRun), Aborted if `signal` aborted
 *    first.
 * With `previous`, a finished run is returned as it was, and an unfinished one continues:
 * finished measurements and counters are kept, a measurement that was in flight is retaken.
 * Rejects only when `onUpdate` throws (the run stops; resume it with the last saved status).
 */
export async function runAnalysis(input: AnalysisInput): Promise<AnalysisRunStatus> {
  const { previous, now } = input;
  if (previous && isCompletedPhase(previous.phase)) return previous;
  const startedAt = previous?.startedAt ?? now().toISOString();

  const planned = planAnalysis(input.templates, input.args, input.secretValue);
  if (!planned.ok)
    return {
      phase: 'Error',
      message: boundHead(planned.message, MAX_MESSAGE_BYTES),
      startedAt,
      finishedAt: now().toISOString(),
      metricResults: [],
    };
  const { metrics, redact } = planned.plan;
  const status: AnalysisRunStatus = {
    phase: 'Running',
    startedAt,
    metricResults: metrics.map((metric) => initialResult(metric, previous)),
  };

  const stop = new AbortController();
  const abort = () => stop.abort();
  if (input.signal.aborted) abort();
  else input.signal.addEventListener('abort', abort, { once: true });
  if (!input.runCommand) {
    metrics.forEach((metric, index) => {
      const result = status.metricResults[index]!;
      if (metric.provider === 'job' && !isCompletedPhase(result.phase))
        refuse(result, `metric "${metric.name}": ${LOCAL_PROGRAMS_OFF}`, now().toISOString());
    });
  }
  let decisive = status.metricResults.find((r) => !r.dryRun && DECISIVE.has(r.phase));
  if (decisive) abort();

  let updates = Promise.resolve();
  const recorded = () => {
    const { onUpdate } = input;
    if (!onUpdate) return updates;
    const snapshot = structuredClone(status);
    updates = updates.then(() => onUpdate(snapshot));
    return updates;
  };
  const context = {
    signal: stop.signal,
    now,
    // A sleep may reject when its signal aborts; that is the abort, not a failure.
    sleep: (ms: number, signal: AbortSignal) =>
      input.sleep(ms, signal).catch((err: unknown) => {
        if (!signal.aborted) throw err;
      }),
    runCommand: input.runCommand ?? refuseLocalPrograms,
    http: input.http ?? noOutboundHttp,
    runStartedAt: new Date(startedAt),
    redact,
    recorded,
  };

  const settled = await Promise.allSettled(
    metrics.map(async (metric, index) => {
      const result = status.metricResults[index]!;
      if (isCompletedPhase(result.phase)) return;
      try {
        await runMetric(metric, result, context);
      } catch (err) {
        abort();
        throw err;
      }
      if (!metric.dryRun && DECISIVE.has(result.phase)) {
        decisive ??= result;
        abort();
      }
    }),
  );
  input.signal.removeEventListener('abort', abort);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  await updates;

  const unfinished = status.metricResults.filter((r) => !isCompletedPhase(r.phase));
  // An abort after a metric already decided the outcome does not hide that outcome.
  const aborted = unfinished.length > 0 && input.signal.aborted && decisive === undefined;
  for (const result of unfinished) {
    result.phase = 'Aborted';
    result.message = aborted
      ? 'the analysis was aborted'
      : `stopped early: metric "${decisive?.name ?? ''}" assessed ${decisive?.phase ?? ''}`;
  }
  if (aborted) {
    status.phase = 'Aborted';
    status.message = 'the analysis was aborted';
  } else {
    const assessment = assessRun(status.metricResults);
    status.phase = assessment.phase;
    if (assessment.metric)
      status.message = boundHead(
        `metric "${assessment.metric.name}" assessed ${assessment.phase} due to ${assessment.metric.message ?? 'its measurements'}`,
        MAX_MESSAGE_BYTES,
      );
  }
  status.finishedAt = now().toISOString();
  return status;
}

const LOCAL_PROGRAMS_OFF =
  "job metrics run programs on the Gantry server's host, which the operator has not allowed; start the server with --allow-local-programs (GANTRY_ALLOW_LOCAL_PROGRAMS=true) to run them";

/** What runs job metrics when local programs are off: nothing (a second line of defence). */
const refuseLocalPrograms: CommandRunner = () => Promise.reject(new Error(LOCAL_PROGRAMS_OFF));

/** Ends a metric that may not run with one Error measurement saying why. */
function refuse(result: MetricResult, message: string, at: string): void {
  result.measurements.push({ phase: 'Error', message, startedAt: at, finishedAt: at });
  result.error++;
  result.consecutiveError++;
  result.phase = 'Error';
  result.message = message;
}

/** A metric's result at the start: fresh, or carried over from `previous`. */
function initialResult(
  metric: ResolvedMetric,
  previous: AnalysisRunStatus | undefined,
): MetricResult {
  const fresh: MetricResult = {
    name: metric.name,
    phase: 'Pending',
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
    ...(metric.dryRun && { dryRun: true }),
    measurements: [],
  };
  const old = previous?.metricResults.find((r) => r.name === metric.name);
  if (!old) return fresh;
  const measurements = old.measurements.filter((m) => m.finishedAt !== undefined);
  const done = isCompletedPhase(old.phase) && old.phase !== 'Aborted';
  return {
    ...fresh,
    ...pickCounters(old),
    phase: done ? old.phase : measurements.length > 0 ? 'Running' : 'Pending',
    ...(old.message !== undefined && done && { message: old.message }),
    measurements: structuredClone(measurements),
  };
}

function pickCounters(result: MetricResult) {
  const { count, successful, failed, inconclusive, error, consecutiveError } = result;
  return {
    count,
    successful,
    failed,
    inconclusive,
    error,
    consecutiveError,
    consecutiveSuccess: result.consecutiveSuccess ?? 0,
  };
}
