import type { StoredResource } from '../api/resource.js';
import { byCodeUnits } from '../api/name-order.js';

interface Entry {
  byName: Map<string, StoredResource>;
  /** The objects in name order, kept in order as names come and go (binary search). */
  sorted: StoredResource[];
}

/**
 * The objects of one kind in one project, as the last full list read them, kept up to date by
 * this process's own committed writes. Controllers list a project's Stages or Promotions on
 * every event; with 1,000 of them, reading each list from the database again made one event
 * cost 1,000 rows (issue 17). A list now costs a copy of an array, and a name that comes or
 * goes an insertion into it (sorting the names again after each new Promotion cost more than
 * the list).
 *
 * Correct only while every write goes through the owner, which calls `changed` after each
 * commit; the owner calls `clear` when it sees the store's version moved without it (another
 * process wrote), and skips the cache for paged or label-selected lists.
 */
export class ListCache {
  readonly #entries = new Map<string, Entry>();

  /** The project's objects of `kind` in name order (a fresh array), if cached. */
  get(kind: string, namespace: string): StoredResource[] | undefined {
    return this.#entries.get(entryKey(kind, namespace))?.sorted.slice();
  }

  /** Keeps a complete list just read, in name order. */
  put(kind: string, namespace: string, items: StoredResource[]): void {
    this.#entries.set(entryKey(kind, namespace), {
      byName: new Map(items.map((item) => [item.metadata.name, item])),
      sorted: items.slice(),
    });
  }

  /** A committed change: `object` is the stored object after it, undefined when it was deleted. */
  changed(kind: string, namespace: string, name: string, object: StoredResource | undefined): void {
    const entry = this.#entries.get(entryKey(kind, namespace));
    if (!entry) return;
    const known = entry.byName.has(name);
    if (!object && !known) return;
    const place = placeOf(entry.sorted, name);
    if (!object) {
      entry.byName.delete(name);
      entry.sorted.splice(place, 1);
    } else if (known) {
      entry.byName.set(name, object);
      entry.sorted[place] = object;
    } else {
      entry.byName.set(name, object);
      entry.sorted.splice(place, 0, object);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** Where `name` is in `sorted`, or would be inserted (SQLite's BINARY order, as `ORDER BY name`). */
function placeOf(sorted: StoredResource[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    // SQLite's default (BINARY) collation for ASCII and BMP text: what `ORDER BY name` gives.
    if (byCodeUnits(sorted[middle]!.metadata.name, name) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function entryKey(kind: string, namespace: string): string {
  return `${kind}\u0000${namespace}`;
}
