import type { StoredResource } from '../api/resource.js';

/** What a cache may hold (defaults: 50,000 objects, 128 MiB of their stored JSON). */
export interface ObjectCacheLimits {
  maxObjects: number;
  /** Bytes of stored JSON (UTF-16 units, a fair proxy for the parsed objects' size). */
  maxBytes: number;
}

/**
 * Parsed objects by key and version. Every change gives an object a new resourceVersion, so an
 * entry is valid exactly when its version matches the row just read: no invalidation is needed,
 * even with other replicas writing. Listing 10,000 unchanged objects then costs the SQL read and
 * no JSON parsing.
 *
 * Bounded by count and by size, least recently used first out: a few huge objects (statuses
 * near the 1.5 MiB limit) cannot make the cache hold gigabytes, and memory stays flat under
 * sustained load. Objects larger than a tenth of the byte budget are parsed but not kept.
 *
 * Cached objects are deeply frozen, because every caller shares them: code that tries to
 * change a stored object in place fails loudly instead of corrupting the cache.
 */
export class ObjectCache {
  readonly #entries = new Map<string, { rv: string; object: StoredResource; bytes: number }>();
  readonly #limits: ObjectCacheLimits;
  #bytes = 0;

  constructor(limits: Partial<ObjectCacheLimits> = {}) {
    this.#limits = { maxObjects: 50_000, maxBytes: 128 * 1024 * 1024, ...limits };
  }

  /** Objects and bytes held now. */
  get size(): { objects: number; bytes: number } {
    return { objects: this.#entries.size, bytes: this.#bytes };
  }

  /** The object at version `rv`, if it is cached (the caller then need not read its JSON). */
  peek(key: string, rv: string): StoredResource | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.rv === rv ? hit.object : undefined;
  }

  /** The object whose stored JSON is `body` at version `rv`, parsed at most once. */
  parse(key: string, rv: string, body: string): StoredResource {
    const hit = this.#entries.get(key);
    if (hit && hit.rv === rv) {
      // Refresh its place in the eviction order.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.object;
    }
    const object = deepFreeze(JSON.parse(body) as StoredResource);
    this.#remove(key);
    this.#keep(key, rv, object, body.length);
    return object;
  }

  /**
   * Keeps `object` as the object at version `rv` (a write's own result: the writer built it,
   * so nothing needs to parse the text it stored); `length` is its JSON text's length. `object`
   * is deeply frozen here and returned; it must be plain JSON data, equal to parsing its text.
   */
  put(key: string, rv: string, object: StoredResource, length: number): StoredResource {
    deepFreeze(object);
    this.#remove(key);
    this.#keep(key, rv, object, length);
    return object;
  }

  #keep(key: string, rv: string, object: StoredResource, bytes: number): void {
    if (bytes <= this.#limits.maxBytes / 10) {
      this.#entries.set(key, { rv, object, bytes });
      this.#bytes += bytes;
    }
    while (this.#entries.size > this.#limits.maxObjects || this.#bytes > this.#limits.maxBytes) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#remove(oldest);
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}

/**
 * Freezes `value` and everything in it. An object already frozen is taken as frozen all the
 * way down (every frozen object here came from this function), so freezing a new object that
 * shares unchanged parts with a cached one walks only its new parts.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
