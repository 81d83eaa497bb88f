import type { ObjectKey, StoredResource } from '../api/resource.js';
import { isGantryError } from '../errors.js';
import type { Store, WriteOp, WriteOptions, WriteResult } from '../store/store.js';

/**
 * Reads objects, plans one atomic write from what it read, and writes it; when another writer
 * got there first (Conflict), reads and plans again (at most ten times), as updateStatus does
 * for one object. `plan` reads through `read` and returns the operations; each
 * `statusUpdate(object, status)` it makes carries the resourceVersion read, so the write
 * commits only while every object is as read. Several objects' statuses change in one
 * transaction, one write instead of one per object.
 */
export async function readModifyWrite(
  store: Store,
  plan: (read: (key: ObjectKey) => Promise<StoredResource | undefined>) => Promise<WriteOp[]>,
  options?: WriteOptions,
): Promise<WriteResult[]> {
  for (let attempt = 0; ; attempt++) {
    const ops = await plan((key) => store.get(key));
    if (ops.length === 0) return [];
    try {
      return await store.write(ops, options);
    } catch (err) {
      if (!isGantryError(err, 'Conflict') || attempt >= 9) throw err;
    }
  }
}

/** A status update of `object` that commits only while it is still the version read. */
export function statusUpdate(object: StoredResource, status: unknown): WriteOp {
  return {
    op: 'updateStatus',
    key: {
      kind: object.kind,
      namespace: object.metadata.namespace ?? '',
      name: object.metadata.name,
    },
    status,
    resourceVersion: object.metadata.resourceVersion,
  };
}
