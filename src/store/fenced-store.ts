import type { Lease, Store } from './store.js';

/**
 * The store as seen by work done under a lease: every write carries the lease as its fence,
 * so it commits only while the lease is still this take (Store.write, WriteOptions.fence).
 */
export function fencedStore(store: Store, lease: Lease): Store {
  return {
    get: (key) => store.get(key),
    list: (kind, options) => store.list(kind, options),
    listJson: (kind, options) => store.listJson(kind, options),
    write: (ops, options) => store.write(ops, { ...options, fence: lease }),
    watch: (options) => store.watch(options),
    currentResourceVersion: () => store.currentResourceVersion(),
    acquireLease: (name, holder, ttlMs) => store.acquireLease(name, holder, ttlMs),
    renewLease: (held, ttlMs) => store.renewLease(held, ttlMs),
    releaseLease: (held) => store.releaseLease(held),
    close: () => store.close(),
  };
}
