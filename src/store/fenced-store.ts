import { adjustingWrites } from './adjusted-writes.js';
import type { Lease, Store } from './store.js';

/**
 * The store as seen by work done under a lease: every write carries the lease as its fence,
 * so it commits only while the lease is still this take (Store.write, WriteOptions.fence).
 */
export function fencedStore(store: Store, lease: Lease): Store {
  return adjustingWrites(store, (options) => ({ ...options, fence: lease }));
}
