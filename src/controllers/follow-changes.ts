import { errorMessage, isGantryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store, WatchEvent } from '../store/store.js';

export interface FollowChangesOptions {
  store: Store;
  kinds: string[];
  /** The version to follow from: that of the list the controller started with. */
  from: string;
  signal: AbortSignal;
  logger: Logger;
  /** What is followed, in log lines (`promotion watch`). */
  what: string;
  /** Handles one change; a change whose handling throws is delivered again. */
  onEvent(event: WatchEvent): void | Promise<void>;
  /**
   * Looks at everything again (lists and schedules it) and answers the version of that list:
   * called when the history needed to resume has been compacted away (Expired).
   */
  resync(): Promise<string>;
}

/** Backoff between attempts after a failure: 0.1 s doubling to 5 s. */
const MAX_BACKOFF_MS = 5_000;

/**
 * A controller's watch that outlives store outages: it follows the change feed until `signal`
 * aborts, and when the watch fails (the database away, a dropped connection) it resumes after
 * the last change it handled, with backoff, so no change is missed or handled twice; only when
 * that history is gone does it ask the controller to look at everything again. Never rejects,
 * so a controller's watch can never become an unhandled rejection.
 */
export async function followChanges(options: FollowChangesOptions): Promise<void> {
  let from: string | undefined = options.from;
  let failures = 0;
  while (!options.signal.aborted) {
    try {
      from ??= await options.resync();
      for await (const event of options.store.watch({
        kinds: options.kinds,
        fromResourceVersion: from,
        signal: options.signal,
      })) {
        await options.onEvent(event);
        from = event.resourceVersion;
        failures = 0;
      }
      return; // aborted, or the store closed
    } catch (err) {
      if (options.signal.aborted) return;
      failures += 1;
      if (isGantryError(err, 'Expired')) from = undefined;
      options.logger.warn(`${options.what} ended; resuming`, {
        error: errorMessage(err),
        attempt: failures,
      });
      await pause(Math.min(100 * 2 ** (failures - 1), MAX_BACKOFF_MS), options.signal);
    }
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
