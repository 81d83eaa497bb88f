import { isGantryError } from '../errors.js';
import { terminalError, transientError } from '../engine/step-error.js';
import { GitError } from '../git/git-error.js';

/**
 * Git failures as step errors: transient ones are retried, the rest end the step. `what`
 * (e.g. `could not push repo`) prefixes the message when git's own does not say it.
 */
export function asStepError(err: unknown, what?: string): unknown {
  const message = (text: string) => (what ? `${what}: ${text}` : text);
  if (err instanceof GitError) {
    return err.transient
      ? transientError(message(err.message), err)
      : terminalError(message(err.message), err);
  }
  if (isGantryError(err)) return err;
  return transientError(message(err instanceof Error ? err.message : String(err)), err);
}
