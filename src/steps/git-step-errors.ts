import { isGantryError } from '../errors.js';
import { terminalError, transientError } from '../engine/step-error.js';
import { GitError } from '../git/git-error.js';

/** Git failures as step errors: transient ones are retried, the rest end the step. */
export function asStepError(err: unknown, what: string): unknown {
  if (err instanceof GitError)
    return err.transient
      ? transientError(`${what}: ${err.message}`, err)
      : terminalError(`${what}: ${err.message}`, err);
  if (isGantryError(err)) return err;
  return transientError(`${what}: ${err instanceof Error ? err.message : String(err)}`, err);
}
