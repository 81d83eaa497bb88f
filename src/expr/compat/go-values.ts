import { GoFloat, floatValue, isPlainObject, MethodHost } from '../values.js';

/**
 * How the upstream test tables' Go values are written here. Ints are plain whole numbers and
 * strings, bools, nil (`null`), slices and maps are plain data; the rest use these markers:
 *
 * - `float(2)`: a float64 (plain `1.5` is a float64 too, being not whole);
 * - `goTime('2006-01-02 15:04:05 -0700 MST')`: a time.Time, compared by Go's String();
 * - `goDuration('1h0m0s')`: a time.Duration, compared by its String();
 * - `goBytes('abc')`: a []byte.
 */
export const float = (n: number): number | GoFloat => floatValue(n);

export interface GoMarker {
  goMarker: 'time' | 'duration' | 'bytes';
  text: string;
}

export const goTime = (text: string): GoMarker => ({ goMarker: 'time', text });
export const goDuration = (text: string): GoMarker => ({ goMarker: 'duration', text });
export const goBytes = (text: string): GoMarker => ({ goMarker: 'bytes', text });

function isMarker(value: unknown): value is GoMarker {
  return isPlainObject(value) && typeof value.goMarker === 'string' && 'text' in value;
}

/** The Go type name a value has (`%T`), as far as the tables tell types apart. */
export function goTypeOf(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof GoFloat) return 'float64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  if (value instanceof Uint8Array) return '[]uint8';
  if (isMarker(value))
    return { time: 'time.Time', duration: 'time.Duration', bytes: '[]uint8' }[value.goMarker];
  if (value instanceof MethodHost) return value.goType;
  if (isPlainObject(value)) return 'map[string]interface {}';
  return typeof value;
}

/**
 * Whether an evaluated value is the expected Go value: same type (int and float apart), same
 * value (NaN equal to NaN); maps and slices element by element.
 */
export function sameGoValue(actual: unknown, expected: unknown): boolean {
  if (isMarker(expected)) {
    if (expected.goMarker === 'bytes')
      return (
        actual instanceof Uint8Array && Buffer.from(actual).toString('latin1') === expected.text
      );
    return goTypeOf(actual) === goTypeOf(expected) && String(actual) === expected.text;
  }
  if (goTypeOf(actual) !== goTypeOf(expected)) return false;
  if (expected instanceof GoFloat || typeof expected === 'number') {
    const a = actual instanceof GoFloat ? actual.value : (actual as number);
    const e = expected instanceof GoFloat ? expected.value : expected;
    return Object.is(a, e) || a === e;
  }
  if (Array.isArray(expected)) {
    const list = actual as unknown[];
    return list.length === expected.length && expected.every((e, i) => sameGoValue(list[i], e));
  }
  if (isPlainObject(expected)) {
    const map = actual as Record<string, unknown>;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(map).length &&
      keys.every((k) => Object.hasOwn(map, k) && sameGoValue(map[k], expected[k]))
    );
  }
  if (expected === null) return actual === null || actual === undefined;
  return actual === expected;
}

/** A Go value in the oracle's input form: floats as `{"$float": n}`. */
export function toOracleJson(value: unknown): unknown {
  if (value instanceof GoFloat) return { $float: value.value };
  if (Array.isArray(value)) return value.map(toOracleJson);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOracleJson(v)]));
  return value;
}

/** A readable form of a Go value for failure messages: `float(2)`, `int(2)`, … */
export function showGoValue(value: unknown): string {
  if (value instanceof GoFloat) return `float(${value.value})`;
  if (typeof value === 'number') return Number.isInteger(value) ? `${value}` : `float(${value})`;
  if (isMarker(value)) return `${value.goMarker}(${value.text})`;
  if (value instanceof MethodHost) return `${value.goType}(${value.toString()})`;
  if (Array.isArray(value)) return `[${value.map(showGoValue).join(', ')}]`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${showGoValue(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value) ?? String(value);
}
