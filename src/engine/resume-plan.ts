import type { PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { StepDefinition } from './step.js';

/**
 * How a Promotion found Running (its replica stopped or lost it) carries on:
 * - `in-place`: the working directory here is exactly as the last saved status left it, so
 *   the run resumes at the step that was running;
 * - `restart`: it runs again from its first step in a fresh working directory (another
 *   replica ran it, or its directory is gone or out of date), which is safe because steps are
 *   idempotent against the outside: the remote already holds what was pushed, the pull
 *   request opened is found again;
 * - `refuse`: a step that may not be run twice (StepDefinition.unsafeToRepeat) had started,
 *   so running again could repeat its effect; the Promotion ends with `message`.
 */
export type ResumePlan =
  { kind: 'in-place' } | { kind: 'restart' } | { kind: 'refuse'; message: string };

export function planResume(input: {
  status: PromotionStatus;
  steps: readonly PromotionStep[];
  registry: ReadonlyMap<string, StepDefinition>;
  /** The local working directory is as of the last saved status (nobody wrote since). */
  workDirCurrent: boolean;
}): ResumePlan {
  const { status, steps, registry } = input;
  const metas = status.stepExecutionMetadata ?? [];
  const current = status.currentStep ?? 0;
  // In place, only the step that was running runs again; from the start, every step that had
  // done anything (Skipped ones did nothing) does.
  const repeated = input.workDirCurrent
    ? metas[current]?.status === 'Running'
      ? [current]
      : []
    : metas.flatMap((meta, index) =>
        index <= current && meta.status && meta.status !== 'Skipped' ? [index] : [],
      );
  for (const index of repeated) {
    const step = steps[index];
    const why = step && registry.get(step.uses ?? '')?.unsafeToRepeat?.(step.config ?? {});
    if (why) {
      const alias = metas[index]?.alias ?? step.as ?? `step-${index + 1}`;
      return {
        kind: 'refuse',
        message: `could not resume after the replica running it stopped: step "${alias}" had started and ${why}, so it was not run again; check what it did, then promote again`,
      };
    }
  }
  return input.workDirCurrent ? { kind: 'in-place' } : { kind: 'restart' };
}

/** A step's statuses once it has ended: a run never runs such a step again. */
export const FINISHED_STEP = new Set(['Succeeded', 'Failed', 'Errored', 'Aborted', 'Skipped']);

/**
 * The index of the step a resumed run starts with: the current one, or the next one not
 * finished when the current one's end was saved and the next one's start was not (a step's
 * start is saved only once it has run for a moment).
 */
export function firstUnfinishedStep(status: PromotionStatus): number {
  const metas = status.stepExecutionMetadata ?? [];
  let index = status.currentStep ?? 0;
  while (FINISHED_STEP.has(metas[index]?.status ?? '')) index++;
  return index;
}
