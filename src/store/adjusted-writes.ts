import type { Store, WriteOptions } from './store.js';

/**
 * `store` with every write's options passed through `adjust` first, everything else as it is:
 * the shape of the views that write on someone's behalf (fenced-store.ts, deferred-flush.ts).
 */
export function adjustingWrites(
  store: Store,
  adjust: (options: WriteOptions | undefined) => WriteOptions,
): Store {
  return {
    get: (key) => store.get(key),
    list: (kind, options) => store.list(kind, options),
    listJson: (kind, options) => store.listJson(kind, options),
    write: (ops, options) => store.write(ops, adjust(options)),
    watch: (options) => store.watch(options),
    currentResourceVersion: () => store.currentResourceVersion(),
    acquireLease: (name, holder, ttlMs) => store.acquireLease(name, holder, ttlMs),
    renewLease: (held, ttlMs) => store.renewLease(held, ttlMs),
    releaseLease: (held) => store.releaseLease(held),
    close: () => store.close(),
  };
}
