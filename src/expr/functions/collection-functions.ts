import type { ExprFunction } from '../evaluator.js';
import { goKey, keysOf } from '../any-keyed-map.js';
import { deepEqual, fetch, goType, isNil, less, RuntimeError, toInt } from '../runtime.js';
import { isPlainObject, MethodHost } from '../values.js';

const MAX_DEPTH = 10_000;

function one(name: string, args: unknown[]): unknown {
  if (args.length !== 1)
    throw new RuntimeError(`invalid number of arguments (expected 1, got ${args.length})`);
  void name;
  return args[0];
}

function map(name: string, value: unknown, message: string): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  if (value instanceof MethodHost && name !== 'toPairs') return { ...value.fields };
  throw new RuntimeError(`${message} ${kindOf(value)}`);
}

/** reflect.Kind's name, as the errors of these builtins print it. */
function kindOf(value: unknown): string {
  if (isNil(value)) return 'invalid';
  if (Array.isArray(value)) return 'slice';
  if (isPlainObject(value)) return 'map';
  const type = goType(value);
  return type === 'float64' ? 'float64' : type.startsWith('time.') ? 'struct' : type;
}

function list(value: unknown, message: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new RuntimeError(`${message} ${kindOf(value)}`);
}

function flatten(items: unknown[], depth: number, out: unknown[]): unknown[] {
  if (depth > MAX_DEPTH) throw new RuntimeError('recursion depth exceeded');
  for (const item of items) {
    if (Array.isArray(item)) flatten(item, depth + 1, out);
    else out.push(item);
  }
  return out;
}

/** Go's sort of []any by runtime.Less, stable as sort.SliceStable. */
function sortValues(items: unknown[], desc: boolean): unknown[] {
  const indexed = items.map((item, index) => ({ item, index }));
  indexed.sort((a, b) => {
    const order = less('<', a.item, b.item) ? -1 : less('<', b.item, a.item) ? 1 : 0;
    return (desc ? -order : order) || a.index - b.index;
  });
  return indexed.map((entry) => entry.item);
}

/** expr-lang's builtins over arrays and maps (the predicate ones are the evaluator's). */
export const collectionFunctions: Record<string, ExprFunction> = {
  len: (args) => {
    const value = one('len', args);
    if (typeof value === 'string') return Array.from(value).length;
    if (Array.isArray(value) || value instanceof Uint8Array) return value.length;
    if (isPlainObject(value)) return Object.keys(value).length;
    throw new RuntimeError(`invalid argument for len (type ${goType(value)})`);
  },
  first: (args) => {
    const value = one('first', args);
    if (isNil(value)) return null;
    if (typeof value === 'string') return value === '' ? null : Buffer.from(value, 'utf8')[0];
    // As expr-lang at run time: anything else has no first element (the check refuses literals).
    if (!Array.isArray(value)) return null;
    return value.length > 0 ? (value[0] as unknown) : null;
  },
  last: (args) => {
    const value = one('last', args);
    if (isNil(value)) return null;
    if (typeof value === 'string') {
      const bytes = Buffer.from(value, 'utf8');
      return bytes.length === 0 ? null : bytes[bytes.length - 1];
    }
    if (!Array.isArray(value)) return null;
    return value.length > 0 ? (value[value.length - 1] as unknown) : null;
  },
  get: (args) => {
    if (args.length < 2)
      throw new RuntimeError(`invalid number of arguments (expected 2, got ${args.length})`);
    const [from, key] = args;
    if (isNil(from)) return null;
    if (Array.isArray(from) || typeof from === 'string') {
      const length = typeof from === 'string' ? Buffer.byteLength(from) : from.length;
      let i = toInt(key);
      if (i < 0) i = length + i;
      if (i < 0 || i >= length) return null;
      return fetch(from, i);
    }
    if (isPlainObject(from)) {
      if (!isNil(key) && typeof key !== 'string')
        throw new RuntimeError(
          `reflect.Value.MapIndex: value of type ${goType(key)} is not assignable to type string`,
        );
      const name = (key as string | null) ?? '';
      return Object.hasOwn(from, name) ? from[name] : null;
    }
    if (from instanceof MethodHost && typeof key === 'string') {
      if (Object.hasOwn(from.fields, key)) return from.fields[key];
      if (Object.hasOwn(from.methods, key)) return fetch(from, key);
    }
    return null;
  },
  take: (args) => {
    if (args.length !== 2)
      throw new RuntimeError(`invalid number of arguments (expected 2, got ${args.length})`);
    const items = list(args[0], 'cannot take from');
    const n = args[1];
    if (typeof n !== 'number' || !Number.isInteger(n))
      throw new RuntimeError(`cannot take ${goType(n)} elements`);
    return n < 0 ? [] : items.slice(0, n);
  },
  keys: (args) => keysOf(map('keys', one('keys', args), 'cannot get keys from')),
  values: (args) => Object.values(map('values', one('values', args), 'cannot get values from')),
  toPairs: (args) => {
    const entries = map('toPairs', one('toPairs', args), 'cannot transform');
    const keys = keysOf(entries);
    return Object.values(entries).map((v, i) => [keys[i], v]);
  },
  fromPairs: (args) => {
    const pairs = one('fromPairs', args);
    if (!Array.isArray(pairs))
      throw new RuntimeError(`cannot transform ${kindOf(pairs)} from pairs`);
    const out: Record<string, unknown> = {};
    for (const pair of pairs) {
      if (!Array.isArray(pair)) throw new RuntimeError(`invalid pair ${String(pair)}`);
      if (pair.length !== 2) throw new RuntimeError(`invalid pair length ${pair.length}`);
      const [key, value] = pair as [unknown, unknown];
      out[goKey(key)] = value;
    }
    return out;
  },
  reverse: (args) => [...list(one('reverse', args), 'cannot reverse')].reverse(),
  uniq: (args) => {
    const items = list(one('uniq', args), 'cannot uniq');
    const out: unknown[] = [];
    for (const item of items) if (!out.some((seen) => deepEqual(seen, item))) out.push(item);
    return out;
  },
  concat: (args, call) => {
    if (args.length === 0)
      throw new RuntimeError('invalid number of arguments (expected at least 1, got 0)');
    const out: unknown[] = [];
    for (const arg of args) out.push(...list(arg, 'cannot concat'));
    call.grow(out.length);
    call.tick(out.length);
    return out;
  },
  flatten: (args, call) => {
    const out = flatten(list(one('flatten', args), 'cannot flatten'), 0, []);
    call.grow(out.length);
    call.tick(out.length);
    return out;
  },
  sort: (args, call) => {
    if (args.length < 1 || args.length > 2)
      throw new RuntimeError(`invalid number of arguments (expected 1 or 2, got ${args.length})`);
    let desc = false;
    if (args.length === 2) {
      if (typeof args[1] !== 'string')
        throw new RuntimeError(`sort order argument must be a string (got ${goType(args[1])})`);
      if (args[1] !== 'asc' && args[1] !== 'desc')
        throw new RuntimeError(`invalid order ${args[1]}, expected asc or desc`);
      desc = args[1] === 'desc';
    }
    // As expr-lang: what is not an array sorts to an empty one.
    if (!Array.isArray(args[0])) return [];
    const items = args[0] as unknown[];
    call.grow(items.length);
    call.tick(items.length);
    return sortValues(items, desc);
  },
};
