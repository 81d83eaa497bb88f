/**
 * At most `limit` tasks at once per key (a registry host), queued in arrival order. Shared by
 * every Warehouse, so many Warehouses on one registry cannot flood it.
 */
export class KeyedLimiter {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, Array<() => void>>();

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if ((this.#active.get(key) ?? 0) >= this.#limit) {
      await new Promise<void>((resolve) => {
        const queue = this.#waiting.get(key) ?? [];
        queue.push(resolve);
        this.#waiting.set(key, queue);
      });
    } else {
      this.#active.set(key, (this.#active.get(key) ?? 0) + 1);
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.get(key)?.shift();
      if (next)
        next(); // the slot passes straight to the next task
      else {
        const active = (this.#active.get(key) ?? 1) - 1;
        if (active === 0) this.#active.delete(key);
        else this.#active.set(key, active);
        this.#waiting.delete(key);
      }
    }
  }
}
