import { randomBytes } from 'node:crypto';
import { derivation, type OneChange } from './plain-copy.js';

/** A record's members in order, each as its JSON text (`"name":value`). */
interface Layout {
  names: readonly string[];
  members: readonly string[];
}

/**
 * The layout of records a write took over (`handOverOneChange`), kept while the record lives:
 * the next record made from one by setting or removing a member gets its layout by changing
 * that one member, not by serialising a thousand members again.
 */
const LAYOUT = new WeakMap<object, Layout>();

/** Stands for a record's text in the rest of the object's, until spliced in. */
const MARK = `\u0000gantry-record-${randomBytes(12).toString('base64url')}-`;

/**
 * `JSON.stringify(object)` for an object as stored, where records two levels down (a
 * Freight's `status.currentlyIn` and `status.verifiedIn`) that a write took over from the
 * stored object are serialised from their predecessor's members: a Freight in a pipeline of
 * 1,000 Stages names every Stage it has been in, and serialising those records again on every
 * hop (the new Freight's, and the previous Freight's, which the Stage leaves) was the largest
 * part of a hop's cost that grows with the pipeline (issue 17).
 *
 * The text is exactly `JSON.stringify(object)`: members keep their order (a new member comes
 * last, as the record has it, unless its name is an integer, which JavaScript orders first; such
 * a record is laid out from its members again).
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
      if (!derived || !large(member, derived)) continue;
      inner ??= { ...value };
      const { members } = layoutOf(member, derived);
      inner[name] = `${MARK}${records.push(`{${members.join(',')}}`) - 1}`;
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

function layoutOf(record: object, { from, key }: Readonly<OneChange>): Layout {
  const known = LAYOUT.get(record);
  if (known) return known;
  const before = LAYOUT.get(from);
  const has = Object.hasOwn(record, key) && (record as Record<string, unknown>)[key] !== undefined;
  let layout: Layout | undefined;
  if (before) {
    const at = before.names.indexOf(key);
    if (at >= 0 && has) {
      layout = { names: before.names, members: before.members.with(at, member(record, key)) };
    } else if (at >= 0) {
      layout = { names: before.names.toSpliced(at, 1), members: before.members.toSpliced(at, 1) };
    } else if (has && !INTEGER.test(key)) {
      layout = { names: [...before.names, key], members: [...before.members, member(record, key)] };
    }
  }
  if (!layout) {
    // As JSON.stringify lays it out: undefined members left out (a stored record has none).
    const names = Object.keys(record).filter(
      (name) => (record as Record<string, unknown>)[name] !== undefined,
    );
    layout = { names, members: names.map((name) => member(record, name)) };
  }
  LAYOUT.set(record, layout);
  return layout;
}

/**
 * Records of fewer members are serialised with their object, as JSON.stringify does it: a
 * layout costs about as much memory again as the record's text, worth it only where
 * serialising costs (a Freight in a long pipeline).
 */
const MIN_LAID_OUT = 64;

/** Whether the record is large enough to keep its layout (its predecessor's length tells). */
function large(record: object, { from }: Readonly<OneChange>): boolean {
  const before = LAYOUT.get(from);
  if (before) return before.names.length >= MIN_LAID_OUT - 1;
  if (LAYOUT.has(record)) return true;
  let count = 0;
  for (const name in from)
    if (Object.hasOwn(from, name) && ++count >= MIN_LAID_OUT - 1) return true;
  return false;
}

function member(record: object, name: string): string {
  return `${JSON.stringify(name)}:${JSON.stringify((record as Record<string, unknown>)[name])}`;
}

/** Names JavaScript orders before all others in an object (array indices). */
const INTEGER = /^(?:0|[1-9]\d*)$/;

function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
