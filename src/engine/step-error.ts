import { GantryError } from '../errors.js';

/**
 * A step that could not do its work. `terminal` errors (a bad config, a missing file, a 4xx)
 * end the step at once; the others (network trouble, a 5xx, a push that lost a race) are
 * retried with backoff up to the step's error threshold. Retryability is data on the error.
 */
export class StepError extends GantryError {
  constructor(
    message: string,
    readonly terminal: boolean,
    options?: { cause?: unknown },
  ) {
    super(terminal ? 'Invalid' : 'Unavailable', message, options);
  }
}

export const terminalError = (message: string, cause?: unknown) =>
  new StepError(message, true, { cause });
export const transientError = (message: string, cause?: unknown) =>
  new StepError(message, false, { cause });

export function isStepError(err: unknown): err is StepError {
  return err instanceof StepError;
}
