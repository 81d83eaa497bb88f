import { changedMember } from './plain-copy.js';

/**
 * The JSON text length of records a write took over (`handOverOneChange`), kept while the
 * record lives: the length of one made from it by setting or removing a member follows from
 * that one member, without serialising a thousand members again.
 */
const LENGTH = new WeakMap<object, number>();

/**
 * `JSON.stringify(object).length` for an object as stored, without serialising the records
 * two levels down (a Freight's `status.currentlyIn` and `status.verifiedIn`) that a write took
 * over from `before`, the object as stored until now: a Freight in a pipeline of 1,000 Stages
 * names every Stage it has been in, and its size is checked on every hop (issue 17). The store
 * keeps those records apart from the object's text (SQLite's `freight_records`), so the text
 * itself is never made.
 */
export function storedLength(object: object, before?: object): number {
  let outer: Record<string, unknown> | undefined;
  let records = 0;
  for (const [field, value] of Object.entries(object)) {
    if (!isRecord(value)) continue;
    const old = before && (before as Record<string, unknown>)[field];
    if (!isRecord(old) || old === value) continue;
    let inner: Record<string, unknown> | undefined;
    for (const [name, member] of Object.entries(value)) {
      const from = (old as Record<string, unknown>)[name];
      if (!isRecord(member) || !isRecord(from)) continue;
      const key = changedMember(from, member);
      if (key === undefined) continue;
      inner ??= { ...value };
      // Stands in as `0`, one character of the text.
      inner[name] = 0;
      records += recordLength(member, from, key) - 1;
    }
    if (inner) (outer ??= { ...(object as Record<string, unknown>) })[field] = inner;
  }
  return JSON.stringify(outer ?? object).length + records;
}

/** A record's text length, from that of `from` (which it differs from in `key`) when known. */
function recordLength(record: object, from: object, key: string): number {
  const known = LENGTH.get(record);
  if (known !== undefined) return known;
  let length: number | undefined;
  const before = LENGTH.get(from);
  if (before !== undefined) {
    const had = memberLength(from, key);
    const has = memberLength(record, key);
    // `{}` is 2 characters; each member adds its text and, after the first, a comma (a
    // member's text is at least 4 characters, so the lengths tell how many there are).
    if (had !== undefined && has !== undefined) length = before - had + has;
    else if (had !== undefined) length = before === 2 + had ? 2 : before - had - 1;
    else if (has !== undefined) length = before === 2 ? 2 + has : before + has + 1;
    else length = before;
  }
  length ??= JSON.stringify(record).length;
  LENGTH.set(record, length);
  return length;
}

/** `"name":value`'s length, or undefined when the record has no such member. */
function memberLength(record: object, name: string): number | undefined {
  if (!Object.hasOwn(record, name)) return undefined;
  const value = (record as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  return JSON.stringify(name).length + 1 + JSON.stringify(value).length;
}

function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
