import type { ObjectKey } from '../api/resource.js';
import { isGantryError } from '../errors.js';
import type { Store } from './store.js';

/**
 * Read-modify-write of an object's status, retried when another writer got there first.
 * `change` returns the new status, or undefined to leave it as it is. Returns false when the
 * object does not exist (any more).
 */
export async function updateStatus<T>(
  store: Store,
  key: ObjectKey,
  change: (status: T | undefined) => T | undefined,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const current = await store.get(key);
    if (!current) return false;
    const next = change(current.status as T | undefined);
    if (next === undefined) return true;
    try {
      await store.write([
        {
          op: 'updateStatus',
          key,
          status: next,
          resourceVersion: current.metadata.resourceVersion,
        },
      ]);
      return true;
    } catch (err) {
      if (!isGantryError(err, 'Conflict') || attempt >= 9) throw err;
    }
  }
}
