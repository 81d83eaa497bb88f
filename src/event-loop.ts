/**
 * Long work on the event loop (a 3,000-document apply, a big list) lets other requests,
 * `/healthz` and the store's other writers through now and then: no request or reconciliation
 * may hold the loop for more than 100 ms (issue 17). `await` alone never yields to I/O when the
 * awaited work is synchronous underneath (SQLite), so this takes a macrotask turn.
 */
export type Yielder = () => Promise<void>;

/**
 * A function to call in a loop: it returns at once until `sliceMs` has passed since the last
 * turn it gave away, then waits for one turn of the event loop (`setImmediate`, after pending
 * I/O callbacks).
 */
export function createYielder(sliceMs = 20, now: () => number = () => performance.now()): Yielder {
  let last = now();
  return async () => {
    if (now() - last < sliceMs) return;
    await yieldToEventLoop();
    last = now();
  };
}

/** One turn of the event loop: pending I/O (other requests) runs before this resolves. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
