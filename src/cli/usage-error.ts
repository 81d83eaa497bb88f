import { GantryError } from '../errors.js';

/**
 * A mistake in how the command was called (unknown kind, missing flag). The CLI exits with 2
 * for these, 1 for everything else.
 */
export function usageError(message: string): GantryError {
  const err = new GantryError('Invalid', message);
  (err as { usage?: boolean }).usage = true;
  return err;
}

export function isUsageError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { usage?: unknown }).usage === true;
}
