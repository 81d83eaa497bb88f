/**
 * Retries of a controller's per-key work after failures (the store away, say): the key's work
 * runs again after 1 s, doubling to 30 s while it keeps failing, so a controller never gives up
 * on a key and an error that repeats never spins. One pending retry per key.
 */
export class RetryBackoff {
  readonly #run: (key: string) => void;
  readonly #signal: AbortSignal;
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(run: (key: string) => void, signal: AbortSignal) {
    this.#run = run;
    this.#signal = signal;
    signal.addEventListener('abort', () => {
      for (const timer of this.#timers.values()) clearTimeout(timer);
      this.#timers.clear();
    });
  }

  /** The key's work failed: run it again after the backoff. */
  failed(key: string): void {
    if (this.#signal.aborted || this.#timers.has(key)) return;
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        if (!this.#signal.aborted) this.#run(key);
      },
      Math.min(1_000 * 2 ** (failures - 1), 30_000),
    );
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** The key's work succeeded: the next failure starts the backoff over. */
  succeeded(key: string): void {
    this.#failures.delete(key);
  }
}
