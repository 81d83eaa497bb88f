import type { StepExecution } from '../../api/types.js';

/** Where a step sits in its promotion's time: for a bar, and in words. */
export interface StepTiming {
  /** Milliseconds from the promotion's start to the step's start; undefined when not started. */
  offsetMs?: number | undefined;
  /** How long it ran (until now while it runs); undefined when not started. */
  durationMs?: number | undefined;
  /** Left edge and width of its bar, in percent of the whole promotion (0–100). */
  left: number;
  width: number;
  /** Still running: its bar grows with the clock. */
  running: boolean;
}

/**
 * Each step's start (from the promotion's start) and duration, from the times the engine
 * records per step (`stepExecutionMetadata[].startedAt/finishedAt`, as Kargo does), laid on one
 * scale: the promotion's start to its end (or now while it runs). A step retried after an
 * error keeps its first start, so its bar covers the retries.
 */
export function stepTimings(
  steps: readonly StepExecution[],
  promotion: { startedAt?: string | undefined; finishedAt?: string | undefined },
  now: number,
): StepTiming[] {
  const time = (t: string | undefined) => (t ? Date.parse(t) : Number.NaN);
  const starts = steps.map((s) => time(s.startedAt)).filter((t) => !Number.isNaN(t));
  const origin = Number.isNaN(time(promotion.startedAt))
    ? Math.min(...starts)
    : time(promotion.startedAt);
  const ends = steps.map((s) => (Number.isNaN(time(s.finishedAt)) ? now : time(s.finishedAt)));
  const end = Number.isNaN(time(promotion.finishedAt))
    ? Math.max(now, ...ends.filter((_, i) => !Number.isNaN(time(steps[i]!.startedAt))))
    : time(promotion.finishedAt);
  const span = Math.max(end - origin, 1);
  return steps.map((step) => {
    const start = time(step.startedAt);
    if (Number.isNaN(start) || !Number.isFinite(origin))
      return { left: 0, width: 0, running: false };
    const finished = time(step.finishedAt);
    const running = Number.isNaN(finished);
    const stop = running ? Math.max(now, start) : finished;
    const offsetMs = Math.max(start - origin, 0);
    const durationMs = Math.max(stop - start, 0);
    const left = clamp((offsetMs / span) * 100);
    return {
      offsetMs,
      durationMs,
      left,
      // At least a sliver, so an instant step still shows where it ran.
      width: Math.max(clamp((durationMs / span) * 100, 100 - left), 0.5),
      running,
    };
  });
}

function clamp(value: number, max = 100): number {
  return Math.min(Math.max(value, 0), max);
}

/** `850ms`, `12.3s`, `3m04s`: a duration in milliseconds, for step timings. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
