import { goKey, isAnyKeyed, isStringMap } from './any-keyed-map.js';
import { GoStruct } from './functions/go-struct.js';
import { GoFloat, floatValue, isPlainObject, MethodHost, formatGoFloat } from './values.js';

/**
 * expr-lang's runtime operations (vm/runtime) on Gantry's values: Go's int/float distinction,
 * `==` across numbers, `+ - * / % **`, ordering, `in`, indexing and slicing, with expr-lang's
 * error messages. Errors are thrown as RuntimeError; the evaluator adds the column.
 */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Go's `%T` of a value. */
export function goType(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof GoFloat) return 'float64';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float64';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
  if (Array.isArray(value)) return '[]interface {}';
  if (value instanceof Uint8Array) return '[]uint8';
  if (value instanceof MethodHost) return value.goType;
  if (isPlainObject(value)) return 'map[string]interface {}';
  return typeof value;
}

/** Go's `%v` of a value (as `string(x)` and `fmt.Sprint` print it). */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof GoFloat) return formatGoFloat(value.value);
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : formatGoFloat(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (value instanceof Uint8Array) return `[${Array.from(value).join(' ')}]`;
  if (value instanceof GoStruct) {
    // Go's %v of a struct: its fields' values in order (`{Warehouse a}`), `&` before a pointer's.
    const text = `{${Object.values(value.fields).map(goFormat).join(' ')}}`;
    return value.goType.startsWith('*') ? `&${text}` : text;
  }
  if (value instanceof MethodHost) return value.toString();
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`;
  }
  return Object.prototype.toString.call(value);
}

export function isNil(value: unknown): boolean {
  return value === null || value === undefined;
}

function isNum(value: unknown): value is number | GoFloat {
  return typeof value === 'number' || value instanceof GoFloat;
}
function num(value: number | GoFloat): number {
  return typeof value === 'number' ? value : value.value;
}
function isIntValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** An int result, wrapped to 64 bits as Go does when it leaves the exact range. */
export function intResult(n: number): number {
  if (Number.isSafeInteger(n)) return n;
  if (!Number.isFinite(n)) return 0;
  return Number(BigInt.asIntN(64, BigInt(Math.trunc(n))));
}

/** runtime.Equal: numbers by value across int and float, arrays element by element. */
export function equal(a: unknown, b: unknown): boolean {
  if (isNum(a) && isNum(b)) return num(a) === num(b);
  if (typeof a === 'string' || typeof a === 'boolean') return a === b;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  if (a instanceof MethodHost && b instanceof MethodHost && a.goType === b.goType) {
    const compare = (a as { equals?: (other: unknown) => boolean }).equals;
    if (compare) return compare.call(a, b);
  }
  if (isNil(a) && isNil(b)) return true;
  return deepEqual(a, b);
}

/** reflect.DeepEqual: the same types all the way down (1 and 1.0 differ). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (goType(a) !== goType(b)) return false;
  if (isNum(a)) return num(a) === num(b as number);
  if (Array.isArray(a)) {
    const list = b as unknown[];
    return a.length === list.length && a.every((item, i) => deepEqual(item, list[i]));
  }
  if (a instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b as Uint8Array));
  if (isPlainObject(a)) {
    const map = b as Record<string, unknown>;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(map).length &&
      keys.every((k) => Object.hasOwn(map, k) && deepEqual(a[k], map[k]))
    );
  }
  if (a instanceof MethodHost) return equal(a, b);
  return a === b;
}

function invalid(op: string, a: unknown, b: unknown): RuntimeError {
  return new RuntimeError(`invalid operation: ${goType(a)} ${op} ${goType(b)}`);
}

export function less(op: '<' | '>' | '<=' | '>=', a: unknown, b: unknown): boolean {
  let x: number | string;
  let y: number | string;
  if (isNum(a) && isNum(b)) {
    x = num(a);
    y = num(b);
  } else if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else {
    const ordered = orderOf(a, b);
    if (!ordered) throw invalid(op, a, b);
    [x, y] = ordered;
  }
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    default:
      return x >= y;
  }
}

/** Times and durations order by their instant or length (`compareKey`), when both are alike. */
function orderOf(a: unknown, b: unknown): [number | string, number | string] | undefined {
  if (a instanceof MethodHost && b instanceof MethodHost && a.goType === b.goType) {
    const key = (a as { compareKey?: () => bigint }).compareKey;
    const other = (b as { compareKey?: () => bigint }).compareKey;
    if (key && other) {
      const x = key.call(a);
      const y = other.call(b);
      return x < y ? [0, 1] : x > y ? [1, 0] : [0, 0];
    }
  }
  return undefined;
}

export function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (isNum(a) && isNum(b)) {
    const x = num(a);
    const y = num(b);
    const ints = isIntValue(a) && isIntValue(b);
    switch (op) {
      case '+':
        return ints ? intResult(x + y) : floatValue(x + y);
      case '-':
        return ints ? intResult(x - y) : floatValue(x - y);
      case '*':
        return ints ? intMultiply(x, y) : floatValue(x * y);
      case '/':
        return floatValue(x / y);
      case '%':
        if (!ints) throw invalid('%', a, b);
        if (y === 0) throw new RuntimeError('integer divide by zero');
        return intResult(x % y);
      case '**':
      case '^':
        return floatValue(Math.pow(x, y));
    }
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  throw invalid(op === '^' ? '**' : op, a, b);
}

function intMultiply(x: number, y: number): number {
  const product = x * y;
  if (Number.isSafeInteger(product)) return product;
  return Number(BigInt.asIntN(64, BigInt(x) * BigInt(y)));
}

export function negate(value: unknown): unknown {
  if (value instanceof GoFloat) return new GoFloat(-value.value);
  if (typeof value === 'number') return Number.isInteger(value) ? intResult(-value) || 0 : -value;
  const negated = (value as { negate?: () => unknown } | null)?.negate;
  if (value instanceof MethodHost && negated) return negated.call(value);
  throw new RuntimeError(`invalid operation: - ${goType(value)}`);
}

/** runtime.ToInt: numbers truncated; anything else is an error. */
export function toInt(value: unknown): number {
  if (isNum(value)) {
    const n = Math.trunc(num(value));
    return Number.isFinite(n) ? n : Number.MIN_SAFE_INTEGER;
  }
  throw new RuntimeError(`invalid operation: int(${goType(value)})`);
}

/** A Go type assertion `.(bool)`, as the VM makes for `not`, `and`, `or` and `?:`. */
export function assertBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new RuntimeError(
    value === null || value === undefined
      ? 'interface conversion: interface {} is nil, not bool'
      : `interface conversion: interface {} is ${goType(value)}, not bool`,
  );
}

export function assertString(value: unknown): string {
  if (typeof value === 'string') return value;
  throw new RuntimeError(
    value === null || value === undefined
      ? 'interface conversion: interface {} is nil, not string'
      : `interface conversion: interface {} is ${goType(value)}, not string`,
  );
}

/** runtime.In. */
export function contains(needle: unknown, haystack: unknown): boolean {
  if (isNil(haystack)) return false;
  if (Array.isArray(haystack)) return haystack.some((item) => equal(item, needle));
  if (isPlainObject(haystack))
    return Object.hasOwn(
      haystack,
      isAnyKeyed(haystack) ? goKey(needle) : mapKey(needle, 'MapIndex'),
    );
  if (haystack instanceof MethodHost) {
    if (typeof needle !== 'string')
      throw new RuntimeError(`cannot use ${goType(needle)} as field name of ${haystack.goType}`);
    return Object.hasOwn(haystack.fields, needle);
  }
  throw new RuntimeError(`operator "in" not defined on ${goType(haystack)}`);
}

function mapKey(key: unknown, where: string): string {
  if (isNil(key)) return '';
  if (typeof key === 'string') return key;
  throw new RuntimeError(
    `reflect.Value.${where}: value of type ${goType(key)} is not assignable to type string`,
  );
}

/** runtime.Fetch: `from[i]`, `from.i`. */
export function fetch(from: unknown, key: unknown): unknown {
  if (isNil(from)) throw new RuntimeError(`cannot fetch ${goFormat(key)} from <nil>`);
  if (from instanceof MethodHost) {
    if (typeof key === 'string') {
      if (Object.hasOwn(from.fields, key)) return from.fields[key];
      if (Object.hasOwn(from.methods, key)) return new BoundMethod(from, key);
      if (from.mapLike) return null;
    }
    throw new RuntimeError(`cannot fetch ${goFormat(key)} from ${from.goType}`);
  }
  if (Array.isArray(from)) return from[index(key, from.length)];
  if (typeof from === 'string') {
    const bytes = Buffer.from(from, 'utf8');
    return bytes[index(key, bytes.length)];
  }
  if (from instanceof Uint8Array) return from[index(key, from.length)];
  if (isPlainObject(from)) {
    const name = isAnyKeyed(from) ? goKey(key) : mapKey(key, 'MapIndex');
    if (Object.hasOwn(from, name)) return from[name];
    return isStringMap(from) ? '' : null;
  }
  throw new RuntimeError(`cannot fetch ${goFormat(key)} from ${goType(from)}`);
}

function index(key: unknown, length: number): number {
  let i = toInt(key);
  if (i < 0) i = length + i;
  if (i < 0 || i >= length)
    throw new RuntimeError(`index out of range: ${i} (array length is ${length})`);
  return i;
}

/** A method read as a value (`t.Year`), called later. */
export class BoundMethod {
  constructor(
    readonly host: MethodHost,
    readonly name: string,
  ) {}
}

/** runtime.Slice: bounds clamped; strings sliced by their UTF-8 bytes, as Go does. */
export function slice(value: unknown, from: unknown, to: unknown): unknown {
  const sliceable =
    typeof value === 'string' || Array.isArray(value) || value instanceof Uint8Array;
  if (!sliceable) throw new RuntimeError(`cannot slice ${goFormat(from)}`);
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : undefined;
  const length = bytes ? bytes.length : (value as unknown[] | Uint8Array).length;
  let a = from === undefined ? 0 : toInt(from);
  let b = to === undefined ? length : toInt(to);
  if (a < 0) a = length + a;
  if (a < 0) a = 0;
  if (b < 0) b = length + b;
  if (b < 0) b = 0;
  if (b > length) b = length;
  if (a > b) a = b;
  if (bytes) return bytes.subarray(a, b).toString('utf8');
  if (value instanceof Uint8Array) return value.slice(a, b);
  return (value as unknown[]).slice(a, b);
}

export function makeRange(from: unknown, to: unknown, grow: (n: number) => void): number[] {
  const min = toInt(from);
  const max = toInt(to);
  const size = max - min + 1;
  if (size <= 0) return [];
  if (size > MAX_SAFE) throw new RuntimeError('memory budget exceeded');
  grow(size);
  return Array.from({ length: size }, (_, i) => min + i);
}
