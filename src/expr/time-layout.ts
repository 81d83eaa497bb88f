import {
  civilFromDays,
  civilOf,
  dateInLocation,
  daysFromCivil,
  daysIn,
  isLeap,
  NANOS_PER_SECOND,
  splitSeconds,
  type CivilTime,
  type Instant,
} from './time-calendar.js';
import { GoLocation } from './time-zone.js';

/**
 * Go's time layouts: Time.Format, time.Parse and time.ParseInLocation. A layout shows how Go's
 * reference time, `Mon Jan 2 15:04:05 MST 2006` (Unix time 1136239445), would be written; the
 * elements the `time` package documents stand for a field of the time (`2006` the year, `Jan`
 * the month's name, `_2` the space-padded day, `.000` milliseconds, `Z07:00` the offset or `Z`
 * …) and every other byte is itself.
 *
 * A layout is read once into a list of parts (literal bytes and elements), kept per layout
 * string. Formatting writes each part in turn; parsing reads the value against the parts from
 * left to right into the fields of a date, then checks and resolves them. Parsing works on the
 * UTF-8 bytes of the texts, as Go does, so the fragments quoted in errors are the same bytes.
 *
 * Where Go's versions differ, this follows the Go that Kargo is built with (1.2x), not the
 * oracle's 1.19: a parse error quotes the value from the start of the element that failed,
 * `Z` stands for UTC in every `Z07…` element, offset digits are plain digits with hours up to
 * 24 and minutes and seconds up to 60, and a second that fails to read is an error even when a
 * fraction follows.
 */

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** English month names, January first (Go's Month.String). */
export const LONG_MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** English day names, Sunday first (Go's Weekday.String). */
export const LONG_DAY_NAMES: readonly string[] = DAY_NAMES;

const abbreviated = (names: readonly string[]) => names.map((name) => name.slice(0, 3));
const NAME_TABLES = {
  month: { long: LONG_MONTH_NAMES, short: abbreviated(LONG_MONTH_NAMES) },
  weekday: { long: DAY_NAMES, short: abbreviated(DAY_NAMES) },
} as const;

// ---- Byte strings --------------------------------------------------------------------------

/** The UTF-8 encoding of `text`, one char (0–255) per byte: how Go indexes a string. */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The text whose UTF-8 encoding is the byte string `bytes` (the inverse of `toBytes`). */
export function fromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * A byte string between double quotes as the time package quotes it in errors: `"` and `\`
 * escaped with a backslash, control bytes and every byte of a non-ASCII character as `\xNN`.
 */
export function goQuote(bytes: string): string {
  const escaped = bytes.replace(/["\\]|[^\x20-\x7f]/g, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return `"${escaped}"`;
}

// ---- Layout elements -----------------------------------------------------------------------

/** A field written as a decimal number. */
type NumberField = 'month' | 'day' | 'yearDay' | 'hour' | 'hour12' | 'minute' | 'second';

/** One element of a layout and how it is written and read. */
type Element =
  | {
      kind: 'number';
      field: NumberField;
      /** Formatting: the least number of characters, and what pads up to it ('' = none). */
      width: number;
      pad: '' | '0' | ' ';
      /** Parsing: spaces that may come first, then between `minDigits` and `maxDigits` digits. */
      spaces: number;
      minDigits: number;
      maxDigits: number;
    }
  | { kind: 'year'; digits: 2 | 4 }
  | { kind: 'name'; field: 'month' | 'weekday'; long: boolean }
  | { kind: 'meridiem'; upper: boolean }
  | { kind: 'zoneName' }
  | {
      kind: 'offset';
      /** `Z07…`: UTC is written, and may be read, as `Z`. */
      zulu: boolean;
      /** 1 = hours, 2 = hours and minutes, 3 = hours, minutes and seconds. */
      units: 1 | 2 | 3;
      colons: boolean;
    }
  | { kind: 'fraction'; separator: string; digits: number; trimmed: boolean };

function numberElement(
  field: NumberField,
  width: number,
  pad: '' | '0' | ' ',
  read: { spaces?: number; min: number; max: number },
): Element {
  return {
    kind: 'number',
    field,
    width,
    pad,
    spaces: read.spaces ?? 0,
    minDigits: read.min,
    maxDigits: read.max,
  };
}

/** The elements named by a fixed text. `15` is written with two digits but read with one or two. */
const NAMED_ELEMENTS: ReadonlyMap<string, Element> = new Map<string, Element>([
  ['2006', { kind: 'year', digits: 4 }],
  ['06', { kind: 'year', digits: 2 }],
  ['January', { kind: 'name', field: 'month', long: true }],
  ['Jan', { kind: 'name', field: 'month', long: false }],
  ['Monday', { kind: 'name', field: 'weekday', long: true }],
  ['Mon', { kind: 'name', field: 'weekday', long: false }],
  ['1', numberElement('month', 0, '', { min: 1, max: 2 })],
  ['01', numberElement('month', 2, '0', { min: 2, max: 2 })],
  ['2', numberElement('day', 0, '', { min: 1, max: 2 })],
  ['02', numberElement('day', 2, '0', { min: 2, max: 2 })],
  ['_2', numberElement('day', 2, ' ', { spaces: 1, min: 1, max: 2 })],
  ['__2', numberElement('yearDay', 3, ' ', { spaces: 2, min: 1, max: 3 })],
  ['002', numberElement('yearDay', 3, '0', { min: 3, max: 3 })],
  ['15', numberElement('hour', 2, '0', { min: 1, max: 2 })],
  ['3', numberElement('hour12', 0, '', { min: 1, max: 2 })],
  ['03', numberElement('hour12', 2, '0', { min: 2, max: 2 })],
  ['4', numberElement('minute', 0, '', { min: 1, max: 2 })],
  ['04', numberElement('minute', 2, '0', { min: 2, max: 2 })],
  ['5', numberElement('second', 0, '', { min: 1, max: 2 })],
  ['05', numberElement('second', 2, '0', { min: 2, max: 2 })],
  ['PM', { kind: 'meridiem', upper: true }],
  ['pm', { kind: 'meridiem', upper: false }],
  ['MST', { kind: 'zoneName' }],
]);

/**
 * Where elements start in a layout. At one position the alternatives are tried in order, so a
 * longer element wins over its prefix; `Jan` and `Mon` followed by a lower-case letter are
 * text (`Janet`, `Month`), and `_2006` is a `_` before the year.
 */
const ELEMENT_START =
  /January|Jan(?![a-z])|Monday|Mon(?![a-z])|MST|0[1-6]|002|15|1|2006|2|_2(?!006)|__2|[345]|PM|pm|[-Z]07(?::00:00|0000|:00|00)?|[.,](?:0+|9+)(?![0-9])/g;

function elementFor(text: string): Element {
  const named = NAMED_ELEMENTS.get(text);
  if (named) return named;
  const first = text[0]!;
  if (first === '.' || first === ',') {
    return {
      kind: 'fraction',
      separator: first,
      digits: text.length - 1,
      trimmed: text[1] === '9',
    };
  }
  // An offset: -07, -0700, -07:00, -070000, -07:00:00 and the same with Z.
  const digits = text.replace(/\D/g, '').length;
  return {
    kind: 'offset',
    zulu: first === 'Z',
    units: digits === 2 ? 1 : digits === 4 ? 2 : 3,
    colons: text.includes(':'),
  };
}

type Part =
  | { kind: 'text'; text: string; bytes: string }
  | {
      kind: 'element';
      element: Element;
      text: string;
      /** Whether the next element (past any text) is a fraction of a second. */
      fractionNext: boolean;
    };

function splitLayout(layout: string): Part[] {
  const parts: Part[] = [];
  const addText = (text: string) => {
    if (text !== '') parts.push({ kind: 'text', text, bytes: toBytes(text) });
  };
  let end = 0;
  for (const match of layout.matchAll(ELEMENT_START)) {
    addText(layout.slice(end, match.index));
    parts.push({
      kind: 'element',
      element: elementFor(match[0]),
      text: match[0],
      fractionNext: false,
    });
    end = match.index + match[0].length;
  }
  addText(layout.slice(end));
  let fractionAhead = false;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (part.kind !== 'element') continue;
    part.fractionNext = fractionAhead;
    fractionAhead = part.element.kind === 'fraction';
  }
  return parts;
}

/** Layouts already split, by layout string: programs use a handful of layouts many times. */
class LayoutCache {
  readonly #parts = new Map<string, readonly Part[]>();

  constructor(private readonly capacity: number) {}

  get(layout: string): readonly Part[] {
    let parts = this.#parts.get(layout);
    if (!parts) {
      if (this.#parts.size >= this.capacity) this.#parts.clear();
      parts = splitLayout(layout);
      this.#parts.set(layout, parts);
    }
    return parts;
  }
}

// A pure memo: what it holds follows from its keys alone.
const layouts = new LayoutCache(512);

// ---- Formatting ----------------------------------------------------------------------------

/** `n` in decimal with at least `width` digits (zeros in front), its sign before them. */
function zeroPadded(n: number, width: number): string {
  const digits = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${digits}` : digits;
}

function numberValue(field: NumberField, t: CivilTime): number {
  switch (field) {
    case 'month':
      return t.month;
    case 'day':
      return t.day;
    case 'yearDay':
      return t.yearDay;
    case 'hour':
      return t.hour;
    case 'hour12':
      return t.hour % 12 === 0 ? 12 : t.hour % 12;
    case 'minute':
      return t.minute;
    case 'second':
      return t.second;
  }
}

/**
 * An offset east of UTC as `±hh[:mm[:ss]]`. As in Go, the sign is that of the whole minutes,
 * so an offset of less than a minute west prints as `+00` followed by negative seconds.
 */
function writeOffset(offset: number, units: 1 | 2 | 3, colons: boolean): string {
  const minutes = Math.trunc(offset / 60);
  const west = minutes < 0;
  const separator = colons ? ':' : '';
  let out = (west ? '-' : '+') + zeroPadded(Math.trunc(Math.abs(minutes) / 60), 2);
  if (units >= 2) out += separator + zeroPadded(Math.abs(minutes) % 60, 2);
  if (units === 3) out += separator + zeroPadded((west ? -offset : offset) % 60, 2);
  return out;
}

function writeElement(element: Element, t: CivilTime): string {
  switch (element.kind) {
    case 'number': {
      const text = String(numberValue(element.field, t));
      return element.pad === '' ? text : text.padStart(element.width, element.pad);
    }
    case 'year':
      return element.digits === 4 ? zeroPadded(t.year, 4) : zeroPadded(Math.abs(t.year) % 100, 2);
    case 'name': {
      const table = NAME_TABLES[element.field];
      const index = element.field === 'month' ? t.month - 1 : t.weekday;
      return (element.long ? table.long : table.short)[index]!;
    }
    case 'meridiem': {
      const text = t.hour >= 12 ? 'PM' : 'AM';
      return element.upper ? text : text.toLowerCase();
    }
    case 'zoneName':
      // A zone without a name (a parsed offset) is written as its offset.
      return t.zoneName !== '' ? t.zoneName : writeOffset(t.offset, 2, false);
    case 'offset':
      if (element.zulu && t.offset === 0) return 'Z';
      return writeOffset(t.offset, element.units, element.colons);
    case 'fraction': {
      const digits = String(t.nanosecond).padStart(9, '0').slice(0, element.digits);
      if (!element.trimmed) return element.separator + digits;
      const significant = digits.replace(/0+$/, '');
      return significant === '' ? '' : element.separator + significant;
    }
  }
}

/** Go's Time.Format. */
export function formatLayout(instant: Instant, layout: string): string {
  const t = civilOf(instant);
  let out = '';
  for (const part of layouts.get(layout)) {
    out += part.kind === 'text' ? part.text : writeElement(part.element, t);
  }
  return out;
}

// ---- Parsing -------------------------------------------------------------------------------

/** The fields read from a value: -1 (or undefined) where the layout has no such element. */
interface ParsedFields {
  year: number;
  month: number;
  day: number;
  yearDay: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  am: boolean;
  pm: boolean;
  /** `Z` or `UTC` was read. */
  utc: boolean;
  /** A numeric offset, seconds east of UTC. */
  offset: number | undefined;
  /** A zone abbreviation (`CEST`, `GMT+3`, `+03`). */
  zoneName: string | undefined;
}

/**
 * Why an element could not be read: its text does not fit (Go's "cannot parse"), or the field
 * it gives is out of range (`outOfRange` names the field as Go's message does).
 */
class Unreadable extends Error {
  constructor(readonly outOfRange?: string) {
    super(outOfRange ? `${outOfRange} out of range` : 'does not fit the layout');
    this.name = 'Unreadable';
  }
}

/** The value being parsed (a byte string) and how far it has been read. */
class ValueReader {
  position = 0;

  constructor(readonly bytes: string) {}

  get rest(): string {
    return this.bytes.slice(this.position);
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  peek(offset = 0): string {
    return this.bytes[this.position + offset] ?? '';
  }

  isDigitAt(offset: number): boolean {
    const c = this.peek(offset);
    return c >= '0' && c <= '9';
  }

  /** Reads `length` bytes, or fails when fewer are left. */
  take(length: number): string {
    if (this.remaining < length) throw new Unreadable();
    const text = this.bytes.slice(this.position, this.position + length);
    this.position += length;
    return text;
  }

  /** The number of digits in a row from `offset` on, at most `limit`. */
  digitRun(offset: number, limit = Infinity): number {
    let n = 0;
    while (n < limit && this.isDigitAt(offset + n)) n++;
    return n;
  }

  startsWithIgnoringCase(word: string): boolean {
    return (
      asciiLower(this.bytes.slice(this.position, this.position + word.length)) === asciiLower(word)
    );
  }
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** A whole decimal with an optional sign, as the time package reads short fields. */
function signedDecimal(text: string): number {
  const match = /^([+-]?)(\d*)$/.exec(text);
  if (!match) throw new Unreadable();
  const n = Number(match[2] || '0');
  return match[1] === '-' ? -n : n;
}

const UPPER = /[A-Z]/;

/**
 * `+h` or `-hh`: a signed number of hours from 0 to 23, as zone abbreviations without letters
 * are written (`+03`, `GMT-7`). Its length, or 0.
 */
function signedHoursLength(text: string): number {
  if (text[0] !== '+' && text[0] !== '-') return 0;
  const digits = /^\d+/.exec(text.slice(1))?.[0];
  if (digits === undefined || BigInt(digits) > 23n) return 0;
  return 1 + digits.length;
}

/**
 * The length of the zone abbreviation `text` starts with, or 0: three upper-case letters,
 * four ending in T (or WITA), five ending in T, ChST or MeST, GMT with an optional signed hour,
 * or a signed hour alone.
 */
function zoneAbbreviationLength(text: string): number {
  if (text.length < 3) return 0;
  if (text.startsWith('ChST') || text.startsWith('MeST')) return 4;
  if (text.startsWith('GMT')) return 3 + signedHoursLength(text.slice(3));
  if (text[0] === '+' || text[0] === '-') return signedHoursLength(text);
  let letters = 0;
  while (letters < 6 && UPPER.test(text[letters] ?? '')) letters++;
  switch (letters) {
    case 3:
      return 3;
    case 4:
      return text[3] === 'T' || text.startsWith('WITA') ? 4 : 0;
    case 5:
      return text[4] === 'T' ? 5 : 0;
    default:
      return 0;
  }
}

/**
 * The nanoseconds of a fraction of a second: a `.` or `,` and the digits after it (or a sign
 * and digits, which Go reads too), the first nine of them counting.
 */
function readFraction(text: string): number {
  if (text[0] !== '.' && text[0] !== ',') throw new Unreadable();
  const digits = text.slice(1, 10);
  const n = signedDecimal(digits);
  if (n < 0) throw new Unreadable('fractional second');
  return n * 10 ** (9 - digits.length);
}

function checkRange(value: number, low: number, high: number, name: string): void {
  if (value < low || value > high) throw new Unreadable(name);
}

function readNumber(
  element: Extract<Element, { kind: 'number' }>,
  reader: ValueReader,
  fields: ParsedFields,
): void {
  for (let i = 0; i < element.spaces && reader.peek() === ' '; i++) reader.position++;
  const count = reader.digitRun(0, element.maxDigits);
  if (count < element.minDigits) throw new Unreadable();
  const n = Number(reader.take(count));
  switch (element.field) {
    case 'month':
      checkRange(n, 1, 12, 'month');
      fields.month = n;
      break;
    case 'day':
      // Any one or two digits: the date as a whole is checked at the end.
      fields.day = n;
      break;
    case 'yearDay':
      fields.yearDay = n;
      break;
    case 'hour':
      checkRange(n, 0, 23, 'hour');
      fields.hour = n;
      break;
    case 'hour12':
      checkRange(n, 0, 12, 'hour');
      fields.hour = n;
      break;
    case 'minute':
      checkRange(n, 0, 59, 'minute');
      fields.minute = n;
      break;
    case 'second':
      checkRange(n, 0, 59, 'second');
      fields.second = n;
      break;
  }
}

/** The offset of `±hh`, `±hhmm`, `±hh:mm`, `±hhmmss` or `±hh:mm:ss`, in seconds east. */
function readOffset(element: Extract<Element, { kind: 'offset' }>, reader: ValueReader): number {
  const { units, colons } = element;
  const step = colons ? 3 : 2;
  const length = 1 + units * step - (colons ? 1 : 0);
  if (reader.remaining < length) throw new Unreadable();
  if (colons && (reader.peek(3) !== ':' || (units === 3 && reader.peek(6) !== ':'))) {
    throw new Unreadable();
  }
  const text = reader.take(length);
  // Hours, minutes, seconds: two digits each, read until one is not.
  const amounts = [0, 0, 0];
  let digitsOk = true;
  for (let unit = 0; unit < units && digitsOk; unit++) {
    const pair = text.slice(1 + unit * step, 3 + unit * step);
    digitsOk = /^\d\d$/.test(pair);
    if (digitsOk) amounts[unit] = Number(pair);
  }
  const [hours = 0, minutes = 0, seconds = 0] = amounts;
  // Up to 24 hours and 60 minutes or seconds: some write those.
  let outOfRange: string | undefined;
  if (hours > 24) outOfRange = 'time zone offset hour';
  if (minutes > 60) outOfRange = 'time zone offset minute';
  if (seconds > 60) outOfRange = 'time zone offset second';
  if (outOfRange) throw new Unreadable(outOfRange);
  const sign = text[0];
  if (!digitsOk || (sign !== '+' && sign !== '-')) throw new Unreadable();
  const offset = (hours * 60 + minutes) * 60 + seconds;
  return sign === '-' ? -offset : offset;
}

function readElement(
  part: Extract<Part, { kind: 'element' }>,
  reader: ValueReader,
  fields: ParsedFields,
): void {
  const { element } = part;
  switch (element.kind) {
    case 'number':
      readNumber(element, reader, fields);
      if (
        element.field === 'second' &&
        !part.fractionNext &&
        (reader.peek() === '.' || reader.peek() === ',') &&
        reader.isDigitAt(1)
      ) {
        // A fraction the layout does not show is read with the seconds.
        fields.nanosecond = readFraction(reader.take(1 + reader.digitRun(1)));
      }
      return;
    case 'year': {
      if (element.digits === 4) {
        if (!reader.isDigitAt(0)) throw new Unreadable();
        const text = reader.take(4);
        if (!/^\d{4}$/.test(text)) throw new Unreadable();
        fields.year = Number(text);
      } else {
        const n = signedDecimal(reader.take(2));
        fields.year = n >= 69 ? 1900 + n : 2000 + n;
      }
      return;
    }
    case 'name': {
      const table = NAME_TABLES[element.field];
      const names = element.long ? table.long : table.short;
      const index = names.findIndex((name) => reader.startsWithIgnoringCase(name));
      if (index < 0) throw new Unreadable();
      reader.position += names[index]!.length;
      // A weekday is read and otherwise ignored.
      if (element.field === 'month') fields.month = index + 1;
      return;
    }
    case 'meridiem': {
      const text = reader.take(2);
      const [am, pm] = element.upper ? ['AM', 'PM'] : ['am', 'pm'];
      if (text === am) fields.am = true;
      else if (text === pm) fields.pm = true;
      else throw new Unreadable();
      return;
    }
    case 'zoneName': {
      if (reader.rest.startsWith('UTC')) {
        reader.position += 3;
        fields.utc = true;
        return;
      }
      const length = zoneAbbreviationLength(reader.rest);
      if (length === 0) throw new Unreadable();
      fields.zoneName = reader.take(length);
      return;
    }
    case 'offset':
      if (element.zulu && reader.peek() === 'Z') {
        reader.position++;
        fields.utc = true;
        return;
      }
      fields.offset = readOffset(element, reader);
      return;
    case 'fraction': {
      let text: string;
      if (element.trimmed) {
        // Optional, and as many digits as there are.
        const isFraction = (reader.peek() === '.' || reader.peek() === ',') && reader.isDigitAt(1);
        if (!isFraction) return;
        text = reader.take(1 + reader.digitRun(1));
      } else {
        text = reader.take(1 + element.digits);
      }
      fields.nanosecond = readFraction(text);
      return;
    }
  }
}

/**
 * Matches literal layout text: bytes match themselves, and a run of spaces matches any
 * non-empty run of spaces (or the end of the value). The reader is left where matching stopped.
 */
function matchText(bytes: string, reader: ValueReader): boolean {
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === ' ') {
      if (reader.remaining > 0 && reader.peek() !== ' ') return false;
      while (bytes[i] === ' ') i++;
      while (reader.peek() === ' ') reader.position++;
      continue;
    }
    if (reader.peek() !== bytes[i]) return false;
    reader.position++;
    i++;
  }
  return true;
}

/** Builds Go's ParseError messages for one call. */
class ParseErrors {
  constructor(
    private readonly layout: string,
    private readonly value: string,
  ) {}

  cannotParse(valueElement: string, layoutElement: string): Error {
    return new Error(
      `parsing time ${goQuote(this.value)} as ${goQuote(this.layout)}: cannot parse ${goQuote(valueElement)} as ${goQuote(layoutElement)}`,
    );
  }

  because(message: string): Error {
    return new Error(`parsing time ${goQuote(this.value)}${message}`);
  }
}

/** The month and day of a day of the year, or undefined when the year has no such day. */
function dateOfYearDay(year: number, yearDay: number): { month: number; day: number } | undefined {
  if (yearDay < 1 || yearDay > (isLeap(year) ? 366 : 365)) return undefined;
  const { month, day } = civilFromDays(daysFromCivil(year, 1, 1) + yearDay - 1);
  return { month, day };
}

/**
 * Go's time.parse. `defaultLocation` is where a time without a zone is read (UTC for
 * time.Parse, the given location for ParseInLocation); `local` is the location whose zones
 * a parsed offset or abbreviation is matched against (Local, or the given location).
 */
export function parseLayout(
  layoutText: string,
  valueText: string,
  defaultLocation: GoLocation,
  local: GoLocation,
): Instant {
  const errors = new ParseErrors(toBytes(layoutText), toBytes(valueText));
  const reader = new ValueReader(toBytes(valueText));
  const fields: ParsedFields = {
    year: 0,
    month: -1,
    day: -1,
    yearDay: -1,
    hour: 0,
    minute: 0,
    second: 0,
    nanosecond: 0,
    am: false,
    pm: false,
    utc: false,
    offset: undefined,
    zoneName: undefined,
  };

  for (const part of layouts.get(layoutText)) {
    if (part.kind === 'text') {
      if (!matchText(part.bytes, reader)) throw errors.cannotParse(reader.rest, part.bytes);
      continue;
    }
    const start = reader.position;
    try {
      readElement(part, reader, fields);
    } catch (err) {
      if (!(err instanceof Unreadable)) throw err;
      if (err.outOfRange) throw errors.because(`: ${err.outOfRange} out of range`);
      throw errors.cannotParse(reader.bytes.slice(start), part.text);
    }
  }
  if (reader.remaining > 0) throw errors.because(`: extra text: ${goQuote(reader.rest)}`);

  if (fields.pm && fields.hour < 12) fields.hour += 12;
  else if (fields.am && fields.hour === 12) fields.hour = 0;

  if (fields.yearDay >= 0) {
    const date = dateOfYearDay(fields.year, fields.yearDay);
    if (!date) throw errors.because(': day-of-year out of range');
    if (fields.month >= 0 && fields.month !== date.month) {
      throw errors.because(': day-of-year does not match month');
    }
    if (fields.day >= 0 && fields.day !== date.day) {
      throw errors.because(': day-of-year does not match day');
    }
    fields.month = date.month;
    fields.day = date.day;
  } else {
    if (fields.month < 0) fields.month = 1;
    if (fields.day < 0) fields.day = 1;
  }
  if (fields.day < 1 || fields.day > daysIn(fields.month, fields.year)) {
    throw errors.because(': day out of range');
  }
  return resolveZone(fields, defaultLocation, local);
}

/** The instant the fields stand for, and the location it is shown in. */
function resolveZone(
  fields: ParsedFields,
  defaultLocation: GoLocation,
  local: GoLocation,
): Instant {
  const at = (location: GoLocation) =>
    dateInLocation(
      fields.year,
      fields.month,
      fields.day,
      fields.hour,
      fields.minute,
      fields.second,
      fields.nanosecond,
      location,
    );
  const unixSeconds = (ns: bigint) => Number(splitSeconds(ns).seconds);

  if (fields.utc) return { ns: at(GoLocation.UTC), location: GoLocation.UTC };

  // Go marks "no offset read" with -1, so an offset of one second west counts as none.
  if (fields.offset !== undefined && fields.offset !== -1) {
    const ns = at(GoLocation.UTC) - BigInt(fields.offset) * NANOS_PER_SECOND;
    const zone = local.lookup(unixSeconds(ns));
    if (
      zone.offset === fields.offset &&
      (fields.zoneName === undefined || zone.name === fields.zoneName)
    ) {
      return { ns, location: local };
    }
    return { ns, location: GoLocation.fixed(fields.zoneName ?? '', fields.offset) };
  }

  if (fields.zoneName !== undefined) {
    const name = fields.zoneName;
    const wall = at(GoLocation.UTC);
    const offset = local.lookupName(name, unixSeconds(wall));
    if (offset !== undefined)
      return { ns: wall - BigInt(offset) * NANOS_PER_SECOND, location: local };
    // An unknown abbreviation makes a zone of that name: at offset 0, or GMT's hours, with
    // the wall clock read as UTC (Go does not move the instant to the offset it gives).
    const hours = name.length > 3 && name.startsWith('GMT') ? signedDecimal(name.slice(3)) : 0;
    return { ns: wall, location: GoLocation.fixed(name, hours * 3600) };
  }

  return { ns: at(defaultLocation), location: defaultLocation };
}
