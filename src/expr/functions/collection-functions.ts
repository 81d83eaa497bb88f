import type { ExprFunction } from '../evaluator.js';
import { equal, isPlainObject, MethodHost, stringify, typeName } from '../values.js';
import { arity, int, list, num, predicate, str } from './arguments.js';

const truthy = (value: unknown, name: string): boolean => {
  if (typeof value !== 'boolean')
    throw new Error(`the predicate of ${name} must return a bool, got ${typeName(value)}`);
  return value;
};

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`cannot order ${typeName(a)} and ${typeName(b)}`);
}

/** expr-lang's builtins over arrays and maps, including the predicate ones (`filter(xs, # > 1)`). */
export const collectionFunctions: Record<string, ExprFunction> = {
  len: (args) => {
    arity(args, 1);
    const value = args[0];
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (isPlainObject(value)) return Object.keys(value).length;
    throw new Error(`cannot take the length of ${typeName(value)}`);
  },
  first: (args) => (arity(args, 1), list(args[0], 1)[0] ?? null),
  last: (args) => {
    arity(args, 1);
    const items = list(args[0], 1);
    return items[items.length - 1] ?? null;
  },
  keys: (args) => {
    arity(args, 1);
    if (!isPlainObject(args[0]))
      throw new Error(`argument 1 must be a map, got ${typeName(args[0])}`);
    return Object.keys(args[0]);
  },
  values: (args) => {
    arity(args, 1);
    if (!isPlainObject(args[0]))
      throw new Error(`argument 1 must be a map, got ${typeName(args[0])}`);
    return Object.values(args[0]);
  },
  toPairs: (args) => {
    arity(args, 1);
    if (!isPlainObject(args[0]))
      throw new Error(`argument 1 must be a map, got ${typeName(args[0])}`);
    return Object.entries(args[0]).map(([k, v]) => [k, v]);
  },
  fromPairs: (args) => {
    arity(args, 1);
    const out: Record<string, unknown> = {};
    for (const pair of list(args[0], 1)) {
      if (!Array.isArray(pair) || pair.length !== 2)
        throw new Error('every element must be a [key, value] pair');
      out[stringify(pair[0])] = pair[1];
    }
    return out;
  },
  get: (args) => {
    arity(args, 2);
    const [from, key] = args;
    if (Array.isArray(from)) {
      const index = int(key, 2);
      const i = index < 0 ? from.length + index : index;
      return (from as unknown[])[i] ?? null;
    }
    if (isPlainObject(from))
      return Object.hasOwn(from, stringify(key)) ? from[stringify(key)] : null;
    if (from instanceof MethodHost)
      return Object.hasOwn(from.fields, stringify(key)) ? from.fields[stringify(key)] : null;
    return null;
  },
  join: (args) => {
    arity(args, 1, 2);
    return list(args[0], 1)
      .map((item) => stringify(item))
      .join(args.length === 2 ? str(args[1], 2) : '');
  },
  reverse: (args) => (arity(args, 1), [...list(args[0], 1)].reverse()),
  sort: (args, call) => {
    arity(args, 1, 2);
    const items = [...list(args[0], 1)];
    call.tick(items.length);
    const order = args.length === 2 ? str(args[1], 2) : 'asc';
    if (order !== 'asc' && order !== 'desc') throw new Error('the order must be "asc" or "desc"');
    items.sort(compareValues);
    return order === 'desc' ? items.reverse() : items;
  },
  uniq: (args, call) => {
    arity(args, 1);
    const out: unknown[] = [];
    for (const item of list(args[0], 1)) {
      call.tick(out.length + 1);
      if (!out.some((seen) => equal(seen, item))) out.push(item);
    }
    return out;
  },
  concat: (args) => args.flatMap((arg, i) => list(arg, i + 1)),
  flatten: (args, call) => {
    arity(args, 1);
    const flat = (items: unknown[]): unknown[] =>
      items.flatMap((item) => (call.tick(), Array.isArray(item) ? flat(item) : [item]));
    return flat(list(args[0], 1));
  },
  take: (args) => (arity(args, 2), list(args[0], 1).slice(0, Math.max(0, int(args[1], 2)))),

  all: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    return list(args[0], 1).every((item, i) => truthy(test.call(item, i), 'all'));
  },
  any: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    return list(args[0], 1).some((item, i) => truthy(test.call(item, i), 'any'));
  },
  none: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    return !list(args[0], 1).some((item, i) => truthy(test.call(item, i), 'none'));
  },
  one: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    return list(args[0], 1).filter((item, i) => truthy(test.call(item, i), 'one')).length === 1;
  },
  filter: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    return list(args[0], 1).filter((item, i) => truthy(test.call(item, i), 'filter'));
  },
  map: (args) => {
    arity(args, 2);
    const transform = predicate(args[1], 2);
    return list(args[0], 1).map((item, i) => transform.call(item, i));
  },
  count: (args) => {
    arity(args, 1, 2);
    const items = list(args[0], 1);
    if (args.length === 1) return items.filter((item) => item === true).length;
    const test = predicate(args[1], 2);
    return items.filter((item, i) => truthy(test.call(item, i), 'count')).length;
  },
  find: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    return list(args[0], 1).find((item, i) => truthy(test.call(item, i), 'find')) ?? null;
  },
  findIndex: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    return list(args[0], 1).findIndex((item, i) => truthy(test.call(item, i), 'findIndex'));
  },
  findLast: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    const items = list(args[0], 1);
    for (let i = items.length - 1; i >= 0; i--)
      if (truthy(test.call(items[i], i), 'findLast')) return items[i];
    return null;
  },
  findLastIndex: (args) => {
    arity(args, 2);
    const test = predicate(args[1], 2);
    const items = list(args[0], 1);
    for (let i = items.length - 1; i >= 0; i--)
      if (truthy(test.call(items[i], i), 'findLastIndex')) return i;
    return -1;
  },
  sum: (args) => {
    arity(args, 1, 2);
    const items = list(args[0], 1);
    const transform = args.length === 2 ? predicate(args[1], 2) : undefined;
    return items.reduce<number>(
      (total, item, i) => total + num(transform ? transform.call(item, i) : item, 1),
      0,
    );
  },
  groupBy: (args) => {
    arity(args, 2);
    const key = predicate(args[1], 2);
    const groups: Record<string, unknown[]> = {};
    list(args[0], 1).forEach((item, i) => {
      const group = stringify(key.call(item, i));
      (groups[group] ??= []).push(item);
    });
    return groups;
  },
  sortBy: (args, call) => {
    arity(args, 2, 3);
    const key = predicate(args[1], 2);
    const items = list(args[0], 1).map((item, i) => ({ item, key: key.call(item, i) }));
    call.tick(items.length);
    const order = args.length === 3 ? str(args[2], 3) : 'asc';
    items.sort((a, b) => compareValues(a.key, b.key));
    const sorted = items.map((entry) => entry.item);
    return order === 'desc' ? sorted.reverse() : sorted;
  },
  reduce: (args) => {
    arity(args, 2, 3);
    const step = predicate(args[1], 2);
    const items = list(args[0], 1);
    let accumulator = args.length === 3 ? args[2] : items[0];
    const start = args.length === 3 ? 0 : 1;
    for (let i = start; i < items.length; i++)
      accumulator = step.call(items[i], i, accumulator ?? null);
    return accumulator ?? null;
  },
};
