/**
 * Runs of one operation per key, shared by every caller that asks before the run starts.
 *
 * A caller joins the run that has not started yet, or queues one to start when the running
 * one ends; it never joins a run already under way. So every caller gets an answer read
 * after it asked (a `git ls-remote` started before a push cannot answer for a webhook that
 * announced it), and a wave of callers (a webhook refreshing 57 Warehouses) costs one or two
 * runs instead of one each. A run is cancelled only when every caller that joined it gave up.
 */
export class CoalescedRuns<T> {
  /** Runs not started yet, which new callers join. */
  readonly #pending = new Map<string, Run<T>>();
  /** The run under way per key, which the next one waits for. */
  readonly #running = new Map<string, Promise<unknown>>();

  run(key: string, signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    signal.throwIfAborted();
    let run = this.#pending.get(key);
    // A run every earlier caller gave up on is cancelled already: it answers nobody new.
    if (!run || run.controller.signal.aborted) run = this.#schedule(key, work);
    // Callers sharing a signal (a controller's stop signal) share one abort listener.
    let answer = run.bySignal.get(signal);
    if (!answer) {
      const joined = run;
      answer = whileNotAborted(joined.result, signal, () => {
        joined.bySignal.delete(signal);
        if (joined.bySignal.size === 0) joined.controller.abort(signal.reason);
      });
      run.bySignal.set(signal, answer);
    }
    return answer;
  }

  #schedule(key: string, work: (signal: AbortSignal) => Promise<T>): Run<T> {
    const controller = new AbortController();
    const before = this.#running.get(key) ?? Promise.resolve();
    // One turn of the event loop lets the callers woken together (one watch batch) join.
    const result: Promise<T> = before
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        if (this.#pending.get(key) === run) this.#pending.delete(key);
        this.#running.set(key, result);
        controller.signal.throwIfAborted();
        return work(controller.signal);
      });
    const run: Run<T> = { result, controller, bySignal: new Map() };
    this.#pending.set(key, run);
    void result
      .catch(() => undefined)
      .finally(() => {
        if (this.#running.get(key) === result) this.#running.delete(key);
      });
    return run;
  }
}

interface Run<T> {
  result: Promise<T>;
  controller: AbortController;
  /** What the callers with each signal get; a signal leaves when it aborts. */
  bySignal: Map<AbortSignal, Promise<T>>;
}

/**
 * `promise`, or the signal's reason as soon as `signal` aborts (then `onAbort` runs). The
 * listener is removed once either settles, so long-lived signals collect none.
 */
function whileNotAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  onAbort: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.finally(() => signal.removeEventListener('abort', abort)).then(resolve, reject);
  });
}
