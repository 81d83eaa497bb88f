import { GoFloat, isPlainObject, MethodHost } from './values.js';

/**
 * Maps whose keys are not only strings: what `groupBy` makes in expr-lang (`map[any][]any`),
 * where `groupBy(1..9, # % 2)[0]` reads the key 0 and `[true]` the key true. They are plain
 * objects keyed by the key's text, remembered here so that indexing them converts the key the
 * same way (a JSON map is `map[string]any`: indexing it with a number is an error).
 */
const ANY_KEYED = new WeakSet<object>();

export function anyKeyedMap<T>(): Record<string, T> {
  const map: Record<string, T> = {};
  ANY_KEYED.add(map);
  return map;
}

export function isAnyKeyed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ANY_KEYED.has(value);
}

/** A key's text: the value as Go's %v prints it. */
export function goKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key instanceof GoFloat) return String(key.value);
  if (key === null || key === undefined) return '<nil>';
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  if (key instanceof MethodHost) return key.toString();
  if (isPlainObject(key) || Array.isArray(key)) return JSON.stringify(key);
  return typeof key === 'symbol' ? key.toString() : Object.prototype.toString.call(key);
}
