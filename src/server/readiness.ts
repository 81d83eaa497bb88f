import { errorMessage } from '../errors.js';
import type { Store } from '../store/store.js';

/** What `/readyz` answers: ready, or not and why, with when to ask again. */
export type ReadinessReport =
  | { ready: true; checks: Record<string, 'ok'> }
  | { ready: false; reason: string; retryAfterSeconds: number };

export interface ReadinessOptions {
  store: Pick<Store, 'currentResourceVersion'>;
  /**
   * Whether the store's migrations have run. The composition root opens the store (which
   * migrates it) before serving, so it is true there; a root that serves while the store is
   * still being opened says false until it is.
   */
  migrated?: (() => boolean) | undefined;
  /** The store must answer within this (default 2 s), or the server is not ready. */
  timeoutMs?: number | undefined;
  /** What `Retry-After` says when not ready (default 5 s). */
  retryAfterSeconds?: number | undefined;
}

/**
 * The readiness check: the store answers a cheap query (its current resourceVersion, one row)
 * within a short timeout and its migrations are done. Probes that arrive while one check is in
 * flight share it, so a burst of probes (several load balancers) costs the store one query.
 */
export function readinessCheck(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  let inFlight: Promise<ReadinessReport> | undefined;
  const check = async (): Promise<ReadinessReport> => {
    if (options.migrated && !options.migrated())
      return { ready: false, reason: 'the store is being migrated', retryAfterSeconds };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`it did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([options.store.currentResourceVersion(), timeout]);
      return { ready: true, checks: { store: 'ok', migrations: 'ok' } };
    } catch (err) {
      return {
        ready: false,
        reason: `the store is unavailable: ${errorMessage(err)}`,
        retryAfterSeconds,
      };
    } finally {
      clearTimeout(timer);
    }
  };
  return () => {
    inFlight ??= check().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
