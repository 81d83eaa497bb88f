import { boundMessage } from '../api/bounded-text.js';

/** The keys whose string values are messages wherever they appear in a status (as `boundStatusMessages`). */
const MESSAGE_KEYS = new Set(['message', 'Message', 'error', 'reason']);
/** How deep in a status messages are bounded (as `boundStatusMessages`). */
const MAX_BOUND_DEPTH = 64;

/**
 * Records made for a write from a stored record by setting or removing one member
 * (`controllers/with-entry.ts`), handed over to the write: its copy takes such a record over
 * (the one member copied, the record frozen) instead of walking every member. A Freight's
 * `currentlyIn` and `verifiedIn` name every Stage it has been in (1,000 in a long pipeline) and
 * change by one entry a hop; walking them was most of the planner's work (issue 17).
 */
const HANDED_OVER = new WeakMap<object, OneChange>();
/**
 * Stored records known to differ from another stored record in one member only, by that
 * record's number (`IDS`), not by a reference to it: a reference, even a WeakRef (which V8's
 * scavenges treat as strong), made each version of a record keep every version before it
 * alive, so that a Freight through 1,000 Stages held 1,000 versions of two 1,000-member
 * records (50 MB) and every scavenge promoted all those made since the last one (issue 17).
 * Whoever asks about a pair holds both.
 */
const DERIVED = new WeakMap<object, { from: number; key: string }>();
/** Numbers for the stored records others were made from. */
const IDS = new WeakMap<object, number>();
let lastId = 0;

function idOf(record: object): number {
  let id = IDS.get(record);
  if (id === undefined) IDS.set(record, (id = ++lastId));
  return id;
}

export interface OneChange {
  from: object;
  key: string;
}

/**
 * Hands `record` over to the next write that copies it in place of `from`: `record` must be a
 * fresh plain object holding `from`'s own members (the same values, in the same order) except
 * `key`, which comes last when `from` has no such member, and nobody may change it after this
 * call. The write takes it over (freezes it) or copies it as usual.
 */
export function handOverOneChange(record: object, from: object, key: string): void {
  HANDED_OVER.set(record, { from, key });
}

/** The one member in which the stored record `after` differs from `before`, when a write knows it. */
export function changedMember(before: unknown, after: unknown): string | undefined {
  if (typeof after !== 'object' || after === null) return undefined;
  if (typeof before !== 'object' || before === null) return undefined;
  const derived = DERIVED.get(after);
  return derived !== undefined && IDS.get(before) === derived.from ? derived.key : undefined;
}

/**
 * `value` as the plain JSON data storing it gives back (`JSON.parse(JSON.stringify(value))`:
 * undefined members dropped, undefined array items and non-finite numbers null, `toJSON`
 * applied), in one walk that also reuses `old` wherever the two are equal: the result is `old`
 * itself when nothing differs, and otherwise shares every unchanged part with it. So a writer
 * learns whether anything changed, and gets a copy that costs only its changed parts, from one
 * pass over the value (issue 17: a Freight's status names 1,000 Stages and is rewritten on
 * every hop; bounding, comparing and cloning it were three passes over all of it).
 *
 * `old` must be plain JSON data itself (a stored object, as parsed). Equality is JSON's:
 * members in any order, numbers by their JSON text.
 *
 * With `boundMessages`, `value` is a status: messages in it are bounded as
 * `boundStatusMessages` bounds them (its `state` is left alone).
 *
 * The objects and arrays the copy makes are frozen as it makes them: stored objects are
 * frozen (the caches and the change feed share them), and freezing the copy afterwards
 * walked all of it again, a Freight's 1,000-entry records included (issue 17). Shared
 * parts of `old` must be frozen already (a stored object is).
 */
export function plainCopy(value: unknown, old: unknown, boundMessages = false): unknown {
  const bounding = boundMessages && isPlainObject(value);
  return copy(value, old, undefined, 0, bounding, bounding);
}

function copy(
  value: unknown,
  old: unknown,
  key: string | undefined,
  depth: number,
  bounding: boolean,
  top: boolean,
): unknown {
  switch (typeof value) {
    case 'string': {
      const text =
        bounding && key !== undefined && MESSAGE_KEYS.has(key) ? boundMessage(value) : value;
      return text === old ? old : text;
    }
    case 'number': {
      // JSON has no NaN, Infinity or -0.
      const number = Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
      return number === old ? old : number;
    }
    case 'boolean':
      return value === old ? old : value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      // What storing it would say (JSON cannot hold a BigInt).
      return JSON.stringify(value);
  }
  if (value === null) return old === null ? old : null;
  if (value === old) return old;
  if (Array.isArray(value)) return copyArray(value as unknown[], old, depth, bounding);
  if (!isPlainObject(value)) {
    // A Date, a class with toJSON: what JSON makes of it.
    const converted: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
    return copy(converted, old, key, depth, bounding, top);
  }
  const source = value as Record<string, unknown>;
  const before = isPlainObject(old) ? (old as Record<string, unknown>) : undefined;
  const boundHere = bounding && depth <= MAX_BOUND_DEPTH;
  if (before !== undefined) {
    const handed = HANDED_OVER.get(source);
    if (handed?.from === before && handed.key !== '__proto__' && Object.isExtensible(source)) {
      HANDED_OVER.delete(source);
      return takeOver(source, before, handed.key, depth, boundHere, top);
    }
  }
  const result: Record<string, unknown> = {};
  let same = before !== undefined;
  let count = 0;
  for (const field of Object.keys(source)) {
    const previous = before && Object.hasOwn(before, field) ? before[field] : undefined;
    // A Promotion's `state` (step outputs) is bounded as a whole by the engine, not here.
    const child = copy(
      source[field],
      previous,
      field,
      depth + 1,
      boundHere && !(top && field === 'state'),
      false,
    );
    if (child === undefined) continue;
    if (field === '__proto__') {
      Object.defineProperty(result, field, {
        value: child,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      result[field] = child;
    }
    count++;
    if (same && (child !== previous || previous === undefined)) same = false;
  }
  if (same && count === Object.keys(before!).length) return old;
  return Object.freeze(result);
}

/**
 * A handed-over record (`handOverOneChange`) as its copy: `before` itself when its one changed
 * member is equal after all, else the record, with that member copied, frozen.
 */
function takeOver(
  source: Record<string, unknown>,
  before: Record<string, unknown>,
  key: string,
  depth: number,
  bounding: boolean,
  top: boolean,
): unknown {
  const previous = Object.hasOwn(before, key) ? before[key] : undefined;
  const child = Object.hasOwn(source, key)
    ? copy(source[key], previous, key, depth + 1, bounding && !(top && key === 'state'), false)
    : undefined;
  if (child === previous) return before;
  if (child === undefined) delete source[key];
  else source[key] = child;
  DERIVED.set(source, { from: idOf(before), key });
  return Object.freeze(source);
}

function copyArray(items: unknown[], old: unknown, depth: number, bounding: boolean): unknown {
  const before = Array.isArray(old) ? (old as unknown[]) : undefined;
  let same = before !== undefined && before.length === items.length;
  const result = new Array<unknown>(items.length);
  for (let index = 0; index < items.length; index++) {
    const previous = before?.[index];
    // Messages are bounded only as members of objects (as `boundStatusMessages`).
    const child = copy(items[index], previous, undefined, depth + 1, bounding, false) ?? null;
    result[index] = child;
    if (same && child !== previous) same = false;
  }
  return same ? old : Object.freeze(result);
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}
