import type { StoredResource } from '../api/resource.js';

/**
 * Parsed objects by key and version. Every change gives an object a new resourceVersion, so an
 * entry is valid exactly when its version matches the row just read: no invalidation is needed,
 * even with other replicas writing. Listing 10,000 unchanged objects then costs the SQL read and
 * no JSON parsing.
 *
 * Cached objects are deeply frozen, because every caller shares them: code that tries to
 * change a stored object in place fails loudly instead of corrupting the cache.
 */
export class ObjectCache {
  readonly #entries = new Map<string, { rv: string; object: StoredResource }>();
  readonly #capacity: number;

  constructor(capacity = 50_000) {
    this.#capacity = capacity;
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
    this.#entries.delete(key);
    this.#entries.set(key, { rv, object });
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return object;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
