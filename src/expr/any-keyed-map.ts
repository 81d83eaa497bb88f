import { GoFloat, isPlainObject, MethodHost } from './values.js';

/**
 * Maps whose keys are not only strings: what `groupBy` makes in expr-lang (`map[any][]any`),
 * where `groupBy(1..9, # % 2)[0]` reads the key 0 and `[true]` the key true. They are plain
 * objects keyed by the key's text, remembered here so that indexing them converts the key the
 * same way (a JSON map is `map[string]any`: indexing it with a number is an error).
 */
const ANY_KEYED = new WeakMap<object, Map<string, unknown>>();

export function anyKeyedMap<T>(): Record<string, T> {
  const map: Record<string, T> = {};
  ANY_KEYED.set(map, new Map());
  return map;
}

export function isAnyKeyed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ANY_KEYED.has(value);
}

/** The entry of `key` in an any-keyed map, created with `create` when missing. */
export function entryOf<T>(map: Record<string, T>, key: unknown, create: () => T): T {
  const text = goKey(key);
  if (!Object.hasOwn(map, text)) {
    map[text] = create();
    ANY_KEYED.get(map)?.set(text, key);
  }
  return map[text]!;
}

/** A map's keys as values: in an any-keyed map the keys it was given (ints, bools, nil). */
export function keysOf(map: Record<string, unknown>): unknown[] {
  const original = ANY_KEYED.get(map);
  const keys = Object.keys(map);
  return original ? keys.map((k) => (original.has(k) ? original.get(k) : k)) : keys;
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

/**
 * Maps of strings (Go's `map[string]string`: a Secret's or ConfigMap's data, annotations): a key
 * they lack reads as "" (Go's zero value), not nil, as Kargo's `secret('s').missing` does.
 */
const STRING_MAPS = new WeakSet<object>();

export function stringMap<T extends Record<string, string>>(map: T): T {
  STRING_MAPS.add(map);
  return map;
}

export function isStringMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && STRING_MAPS.has(value);
}
