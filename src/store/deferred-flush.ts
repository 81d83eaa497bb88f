import { adjustingWrites } from './adjusted-writes.js';
import type { Store } from './store.js';

/**
 * The store controllers write through: their writes commit without waiting for the disk
 * (WriteOptions.deferFlush) unless a write says otherwise. What a controller writes it
 * derives from what the store holds, so a power loss that undoes its last writes only sends
 * it back to make them again; a client's write, which it was answered about, still waits for
 * the disk, and flushes every deferred one before it (docs/architecture.md, Durability).
 */
export function deferringFlushes(store: Store): Store {
  return adjustingWrites(store, (options) => ({ deferFlush: true, ...options }));
}

/**
 * `store` whose every write waits for the disk, whatever the store underneath defers: for a
 * controller's write that must not be undone by a power loss, such as the start of a step
 * that may not run twice (a resume must find it started).
 */
export function flushingWrites(store: Store): Store {
  return adjustingWrites(store, (options) => ({ ...options, deferFlush: false }));
}
