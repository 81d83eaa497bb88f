import type { Measurement, MetricResult } from './analysis-run-status.js';
import { assessMetric, type MetricAssessment } from './assess-metric.js';
import { boundHead, boundTail } from '../api/bounded-text.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import type { CommandRunner } from './command-runner.js';
import { judgeResult, type Judgement } from './measurement-conditions.js';
import type { ProviderOutcome } from './metric-provider.js';
import type { Redactor } from './redactor.js';
import type { ResolvedMetric } from './resolve-metric.js';

/** Rollouts' DefaultErrorRetryInterval: the wait after an Error measurement. */
export const ERROR_RETRY_MS = 10_000;
export const MAX_MESSAGE_BYTES = 1_000;
const MAX_VALUE_BYTES = 4 * 1024;
const MAX_LOG_BYTES = 64 * 1024;

export interface MetricRunContext {
  /** Stops the metric: the run was aborted, or another metric decided its outcome. */
  signal: AbortSignal;
  now: () => Date;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  runCommand: CommandRunner;
  http: OutboundHttp;
  /** When the run started: initialDelay counts from there, also after a restart. */
  runStartedAt: Date;
  redact: Redactor;
  /** Called after each measurement is recorded, and awaited. */
  recorded: () => Promise<void>;
}

/**
 * Measures one metric until its phase is decided (see assessMetric) or `context.signal`
 * aborts, updating `result` in place. Waits `initialDelay` (from the run's start) before the
 * first measurement, `interval` between measurements, and 10s after an Error measurement, as
 * Rollouts does; waits are measured from the last measurement's end, so a resumed run does
 * not wait twice. A measurement cut short by the signal is not recorded.
 */
export async function runMetric(
  metric: ResolvedMetric,
  result: MetricResult,
  context: MetricRunContext,
): Promise<void> {
  for (;;) {
    const decided = assessMetric(metric, result);
    if (decided) return conclude(result, decided, context.redact);
    if (context.signal.aborted) return;
    const wait = delayBeforeNext(metric, result, context.runStartedAt, context.now());
    if (wait > 0) await context.sleep(wait, context.signal);
    if (context.signal.aborted) return;
    result.phase = 'Running';
    const measured = await measure(metric, context);
    if (!measured) return;
    record(result, measured.measurement, metric.retention);
    if (measured.terminal)
      conclude(result, { phase: 'Error', reason: 'stopped at once' }, context.redact);
    await context.recorded();
    if (measured.terminal) return;
  }
}

function delayBeforeNext(
  metric: ResolvedMetric,
  result: MetricResult,
  runStartedAt: Date,
  now: Date,
): number {
  const last = result.measurements.at(-1);
  if (!last) return runStartedAt.getTime() + metric.initialDelayMs - now.getTime();
  const interval = last.phase === 'Error' ? ERROR_RETRY_MS : (metric.intervalMs ?? 0);
  return Date.parse(last.finishedAt ?? last.startedAt) + interval - now.getTime();
}

async function measure(
  metric: ResolvedMetric,
  context: MetricRunContext,
): Promise<{ measurement: Measurement; terminal: boolean } | undefined> {
  const startedAt = context.now().toISOString();
  let outcome: ProviderOutcome;
  try {
    outcome = await metric.measure({
      signal: context.signal,
      now: context.now,
      sleep: context.sleep,
      runCommand: context.runCommand,
      http: context.http,
    });
  } catch (err) {
    // Providers report errors as data; a throw is a fault in one, still only this measurement's.
    outcome = { type: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (context.signal.aborted && outcome.type !== 'result') return undefined;

  let judgement: Judgement;
  if (outcome.type === 'result') judgement = judgeResult(outcome.result, metric.conditions);
  else
    judgement = { phase: outcome.type === 'failed' ? 'Failed' : 'Error', message: outcome.message };
  const { redact } = context;
  const measurement: Measurement = {
    phase: judgement.phase,
    ...(outcome.type === 'result' && {
      value: boundHead(redact(formatValue(outcome.result)), MAX_VALUE_BYTES),
    }),
    startedAt,
    finishedAt: context.now().toISOString(),
    ...(judgement.message && { message: boundHead(redact(judgement.message), MAX_MESSAGE_BYTES) }),
    ...(outcome.logs && { logs: boundTail(redact(outcome.logs), MAX_LOG_BYTES) }),
  };
  return { measurement, terminal: outcome.type === 'error' && !!outcome.terminal };
}

/**
 * Rollouts' bookkeeping: an Error measurement does not count toward `count`; anything but a
 * success ends a success streak, anything but an error ends an error streak.
 */
function record(result: MetricResult, measurement: Measurement, retention: number): void {
  switch (measurement.phase) {
    case 'Successful':
      result.successful++;
      result.count++;
      result.consecutiveError = 0;
      result.consecutiveSuccess = (result.consecutiveSuccess ?? 0) + 1;
      break;
    case 'Failed':
      result.failed++;
      result.count++;
      result.consecutiveError = 0;
      result.consecutiveSuccess = 0;
      break;
    case 'Inconclusive':
      result.inconclusive++;
      result.count++;
      result.consecutiveError = 0;
      result.consecutiveSuccess = 0;
      break;
    case 'Error':
      result.error++;
      result.consecutiveError++;
      result.consecutiveSuccess = 0;
      break;
  }
  result.measurements.push(measurement);
  if (result.measurements.length > retention)
    result.measurements.splice(0, result.measurements.length - retention);
}

function conclude(result: MetricResult, decided: MetricAssessment, redact: Redactor): void {
  result.phase = decided.phase;
  if (decided.phase === 'Successful') return;
  const last = result.measurements.at(-1)?.message;
  result.message = boundHead(
    redact(last ? `${decided.reason}: ${last}` : decided.reason),
    MAX_MESSAGE_BYTES,
  );
}

/** JSON of a result; NaN and ±Inf (common in Prometheus answers) are spelled out, not null. */
function formatValue(value: unknown): string {
  return (
    JSON.stringify(value, (_, item: unknown) =>
      typeof item === 'number' && !Number.isFinite(item)
        ? Number.isNaN(item)
          ? 'NaN'
          : item > 0
            ? '+Inf'
            : '-Inf'
        : item,
    ) ?? 'null'
  );
}
