/**
 * JSON with object keys sorted, so two values that differ only in key order serialise the
 * same. Used to decide whether a write changes anything (apply's "unchanged").
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

/**
 * Whether two values serialise to the same canonical JSON, decided without serialising them:
 * every write compares the old and new status this way, and a Freight's status names every
 * Stage it has been in (1,000 entries in a long pipeline).
 */
export function deepEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // Numbers JSON cannot hold (NaN, Infinity) serialise as null; leave such cases to it.
    return typeof a === 'number' || typeof b === 'number'
      ? canonicalJson(a) === canonicalJson(b)
      : false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // In arrays, undefined serialises as null.
    return a.every((item, i) => deepEqualJson(item ?? null, b[i] ?? null));
  }
  if (!isPlainData(a) || !isPlainData(b)) return canonicalJson(a) === canonicalJson(b);
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(left)) {
    if (left[key] === undefined) continue;
    count++;
    if (!deepEqualJson(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) count--;
  return count === 0;
}

/** An object JSON serialises by its own keys (not a Date or anything with toJSON). */
function isPlainData(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
