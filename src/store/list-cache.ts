import type { StoredResource } from '../api/resource.js';

interface Entry {
  byName: Map<string, StoredResource>;
  /** The objects in name order; undefined after a name came or went, until the next read. */
  sorted: StoredResource[] | undefined;
  /** Each name's place in `sorted`, so that an update replaces its object in place. */
  places: Map<string, number>;
}

/**
 * The objects of one kind in one project, as the last full list read them, kept up to date by
 * this process's own committed writes. Controllers list a project's Stages or Promotions on
 * every event; with 1,000 of them, reading each list from the database again made one event
 * cost 1,000 rows (issue 17). A list now costs a copy of an array.
 *
 * Correct only while every write goes through the owner, which calls `changed` after each
 * commit; the owner calls `clear` when it sees the store's version moved without it (another
 * process wrote), and skips the cache for paged or label-selected lists.
 */
export class ListCache {
  readonly #entries = new Map<string, Entry>();

  /** The project's objects of `kind` in name order (a fresh array), if cached. */
  get(kind: string, namespace: string): StoredResource[] | undefined {
    const entry = this.#entries.get(entryKey(kind, namespace));
    if (!entry) return undefined;
    if (!entry.sorted) {
      const names = [...entry.byName.keys()].sort(byCodeUnits);
      entry.sorted = names.map((name) => entry.byName.get(name)!);
      entry.places = new Map(names.map((name, i) => [name, i]));
    }
    return entry.sorted.slice();
  }

  /** Keeps a complete list just read, in name order. */
  put(kind: string, namespace: string, items: StoredResource[]): void {
    this.#entries.set(entryKey(kind, namespace), {
      byName: new Map(items.map((item) => [item.metadata.name, item])),
      sorted: items.slice(),
      places: new Map(items.map((item, i) => [item.metadata.name, i])),
    });
  }

  /** A committed change: `object` is the stored object after it, undefined when it was deleted. */
  changed(kind: string, namespace: string, name: string, object: StoredResource | undefined): void {
    const entry = this.#entries.get(entryKey(kind, namespace));
    if (!entry) return;
    const place = entry.places.get(name);
    if (object && entry.byName.has(name)) {
      entry.byName.set(name, object);
      if (entry.sorted && place !== undefined) entry.sorted[place] = object;
      return;
    }
    if (object) entry.byName.set(name, object);
    else if (!entry.byName.delete(name)) return;
    entry.sorted = undefined;
  }

  clear(): void {
    this.#entries.clear();
  }
}

function entryKey(kind: string, namespace: string): string {
  return `${kind}\u0000${namespace}`;
}

/** SQLite's default (BINARY) collation for ASCII and BMP text: what `ORDER BY name` gives. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
