import { randomBytes } from 'node:crypto';
import { derivation, type OneChange } from './plain-copy.js';

/**
 * The JSON text of records a write took over (`handOverOneChange`), kept while the record
 * lives: the next record made from one by adding a member gets its text by appending that
 * member, not by serialising a thousand members again.
 */
const TEXT = new WeakMap<object, string>();

/** Stands for a record's text in the rest of the object's, until spliced in. */
const MARK = `\u0000gantry-record-${randomBytes(12).toString('base64url')}-`;

/**
 * `JSON.stringify(object)` for an object as stored, where records two levels down (a
 * Freight's `status.currentlyIn` and `status.verifiedIn`) that a write took over from the
 * stored object are serialised from their predecessor's text: a Freight in a pipeline of 1,000
 * Stages names every Stage it has been in, and serialising those records again on every hop
 * was the largest part of a hop's cost that grows with the pipeline (issue 17).
 *
 * The text is exactly `JSON.stringify(object)`: members keep their order (a new member comes
 * last, as the record has it, unless its name is an integer, which JavaScript orders first; such
 * a record is serialised whole).
 */
export function storedText(object: object): string {
  const records: string[] = [];
  let outer: Record<string, unknown> | undefined;
  for (const [field, value] of Object.entries(object)) {
    if (!isRecord(value)) continue;
    let inner: Record<string, unknown> | undefined;
    for (const [name, member] of Object.entries(value)) {
      if (!isRecord(member)) continue;
      const derived = derivation(member);
      if (!derived) continue;
      inner ??= { ...value };
      inner[name] = `${MARK}${records.push(recordText(member, derived)) - 1}`;
    }
    if (inner) (outer ??= { ...(object as Record<string, unknown>) })[field] = inner;
  }
  if (!outer) return JSON.stringify(object);
  let text = JSON.stringify(outer);
  records.forEach((record, index) => {
    const mark = JSON.stringify(`${MARK}${index}`);
    const at = text.indexOf(mark);
    text = text.slice(0, at) + record + text.slice(at + mark.length);
  });
  return text;
}

function recordText(record: object, { from, key }: Readonly<OneChange>): string {
  const known = TEXT.get(record);
  if (known !== undefined) return known;
  const before = TEXT.get(from);
  let text: string;
  if (
    before !== undefined &&
    !Object.hasOwn(from, key) &&
    Object.hasOwn(record, key) &&
    !INTEGER.test(key)
  ) {
    const member = `${JSON.stringify(key)}:${JSON.stringify((record as Record<string, unknown>)[key])}`;
    text = before === '{}' ? `{${member}}` : `${before.slice(0, -1)},${member}}`;
  } else {
    text = JSON.stringify(record);
  }
  TEXT.set(record, text);
  return text;
}

/** Names JavaScript orders before all others in an object (array indices). */
const INTEGER = /^(?:0|[1-9]\d*)$/;

function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
