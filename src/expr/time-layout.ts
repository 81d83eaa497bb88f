import {
  civilOf,
  dateInLocation,
  daysIn,
  isLeap,
  NANOS_PER_SECOND,
  splitSeconds,
  type Instant,
} from './time-calendar.js';
import { GoLocation } from './time-zone.js';

/**
 * Go's time layouts (the reference time `Mon Jan 2 15:04:05 MST 2006`): Time.Format,
 * time.Parse and time.ParseInLocation, element for element as Go's time/format.go reads
 * them, with its error messages. Parsing works on the UTF-8 bytes of the text, as Go does,
 * so offsets and quoted fragments in errors are the same.
 */

const enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

interface Chunk {
  prefix: string;
  std: Std;
  /** Digits of a fractional second. */
  digits: number;
  /** `.` or `,` before a fractional second. */
  separator: string;
  suffix: string;
}

const STD_0X = [
  Std.ZeroMonth,
  Std.ZeroDay,
  Std.ZeroHour12,
  Std.ZeroMinute,
  Std.ZeroSecond,
  Std.Year,
];

const LONG_DAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];
const SHORT_DAY_NAMES = LONG_DAY_NAMES.map((name) => name.slice(0, 3));
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
const SHORT_MONTH_NAMES = LONG_MONTH_NAMES.map((name) => name.slice(0, 3));
export { LONG_DAY_NAMES };

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function startsWithLowerCase(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 97 && c <= 122;
}

/** Go's nextStdChunk: the text before the first layout element, the element, the rest. */
function nextStdChunk(layout: string): Chunk {
  const chunk = (i: number, std: Std, length: number, prefixEnd = i): Chunk => ({
    prefix: layout.slice(0, prefixEnd),
    std,
    digits: 0,
    separator: '.',
    suffix: layout.slice(i + length),
  });
  const at = (i: number, text: string) => layout.startsWith(text, i);
  for (let i = 0; i < layout.length; i++) {
    switch (layout[i]) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return chunk(i, Std.LongMonth, 7);
          if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.Month, 3);
        }
        break;
      case 'M':
        if (layout.length >= i + 3) {
          if (at(i, 'Mon')) {
            if (at(i, 'Monday')) return chunk(i, Std.LongWeekDay, 6);
            if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.WeekDay, 3);
          }
          if (at(i, 'MST')) return chunk(i, Std.TZ, 3);
        }
        break;
      case '0': {
        const next = layout.charCodeAt(i + 1);
        if (next >= 49 && next <= 54) return chunk(i, STD_0X[next - 49]!, 2);
        if (at(i, '002')) return chunk(i, Std.ZeroYearDay, 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return chunk(i, Std.Hour, 2);
        return chunk(i, Std.NumMonth, 1);
      case '2':
        if (at(i, '2006')) return chunk(i, Std.LongYear, 4);
        return chunk(i, Std.Day, 1);
      case '_':
        if (layout[i + 1] === '2') {
          // _2006 is a literal _ followed by the long year.
          if (at(i + 1, '2006')) return chunk(i + 1, Std.LongYear, 4, i + 1);
          return chunk(i, Std.UnderDay, 2);
        }
        if (at(i, '__2')) return chunk(i, Std.UnderYearDay, 3);
        break;
      case '3':
        return chunk(i, Std.Hour12, 1);
      case '4':
        return chunk(i, Std.Minute, 1);
      case '5':
        return chunk(i, Std.Second, 1);
      case 'P':
        if (layout[i + 1] === 'M') return chunk(i, Std.PM, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return chunk(i, Std.pm, 2);
        break;
      case '-':
        if (at(i, '-070000')) return chunk(i, Std.NumSecondsTz, 7);
        if (at(i, '-07:00:00')) return chunk(i, Std.NumColonSecondsTZ, 9);
        if (at(i, '-0700')) return chunk(i, Std.NumTZ, 5);
        if (at(i, '-07:00')) return chunk(i, Std.NumColonTZ, 6);
        if (at(i, '-07')) return chunk(i, Std.NumShortTZ, 3);
        break;
      case 'Z':
        if (at(i, 'Z070000')) return chunk(i, Std.ISO8601SecondsTZ, 7);
        if (at(i, 'Z07:00:00')) return chunk(i, Std.ISO8601ColonSecondsTZ, 9);
        if (at(i, 'Z0700')) return chunk(i, Std.ISO8601TZ, 5);
        if (at(i, 'Z07:00')) return chunk(i, Std.ISO8601ColonTZ, 6);
        if (at(i, 'Z07')) return chunk(i, Std.ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',': {
        // ,000 .000 ,999 .999: a fractional second, unless more digits follow.
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return {
              prefix: layout.slice(0, i),
              std: ch === '0' ? Std.FracSecond0 : Std.FracSecond9,
              digits: j - (i + 1),
              separator: layout[i]!,
              suffix: layout.slice(j),
            };
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, separator: '.', suffix: '' };
}

/** Go's appendInt: decimal, zero-padded to `width` digits (the sign not counted). */
function pad(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? `-${digits}` : digits;
}

function formatNano(nanosecond: number, digits: number, separator: string, trim: boolean): string {
  if (trim && (digits === 0 || nanosecond === 0)) return '';
  let fraction = pad(nanosecond, 9);
  if (digits < 9) fraction = fraction.slice(0, digits);
  if (trim) fraction = fraction.replace(/0+$/, '');
  return fraction === '' ? '' : separator + fraction;
}

function formatOffset(std: Std, offset: number): string {
  const iso =
    std === Std.ISO8601TZ ||
    std === Std.ISO8601ColonTZ ||
    std === Std.ISO8601SecondsTZ ||
    std === Std.ISO8601ShortTZ ||
    std === Std.ISO8601ColonSecondsTZ;
  if (offset === 0 && iso) return 'Z';
  const colon =
    std === Std.ISO8601ColonTZ ||
    std === Std.NumColonTZ ||
    std === Std.ISO8601ColonSecondsTZ ||
    std === Std.NumColonSecondsTZ;
  const short = std === Std.NumShortTZ || std === Std.ISO8601ShortTZ;
  const withSeconds =
    std === Std.ISO8601SecondsTZ ||
    std === Std.NumSecondsTz ||
    std === Std.NumColonSecondsTZ ||
    std === Std.ISO8601ColonSecondsTZ;
  const zone = Math.trunc(offset / 60);
  const absZone = Math.abs(zone);
  // As Go: the seconds keep their sign when the offset is under a minute west.
  const absOffset = zone < 0 ? -offset : offset;
  let out = (zone < 0 ? '-' : '+') + pad(Math.floor(absZone / 60), 2);
  if (colon) out += ':';
  if (!short) out += pad(absZone % 60, 2);
  if (withSeconds) {
    if (colon) out += ':';
    out += pad(absOffset % 60, 2);
  }
  return out;
}

/** Go's Time.Format. */
export function formatLayout(instant: Instant, layout: string): string {
  const t = civilOf(instant);
  let out = '';
  for (;;) {
    const { prefix, std, digits, separator, suffix } = nextStdChunk(layout);
    out += prefix;
    if (std === Std.None) break;
    layout = suffix;
    switch (std) {
      case Std.Year:
        out += pad(Math.abs(t.year) % 100, 2);
        break;
      case Std.LongYear:
        out += pad(t.year, 4);
        break;
      case Std.Month:
        out += SHORT_MONTH_NAMES[t.month - 1]!;
        break;
      case Std.LongMonth:
        out += LONG_MONTH_NAMES[t.month - 1]!;
        break;
      case Std.NumMonth:
        out += String(t.month);
        break;
      case Std.ZeroMonth:
        out += pad(t.month, 2);
        break;
      case Std.WeekDay:
        out += SHORT_DAY_NAMES[t.weekday]!;
        break;
      case Std.LongWeekDay:
        out += LONG_DAY_NAMES[t.weekday]!;
        break;
      case Std.Day:
        out += String(t.day);
        break;
      case Std.UnderDay:
        out += (t.day < 10 ? ' ' : '') + String(t.day);
        break;
      case Std.ZeroDay:
        out += pad(t.day, 2);
        break;
      case Std.UnderYearDay:
        out += String(t.yearDay).padStart(3, ' ');
        break;
      case Std.ZeroYearDay:
        out += pad(t.yearDay, 3);
        break;
      case Std.Hour:
        out += pad(t.hour, 2);
        break;
      case Std.Hour12:
        out += String(t.hour % 12 || 12);
        break;
      case Std.ZeroHour12:
        out += pad(t.hour % 12 || 12, 2);
        break;
      case Std.Minute:
        out += String(t.minute);
        break;
      case Std.ZeroMinute:
        out += pad(t.minute, 2);
        break;
      case Std.Second:
        out += String(t.second);
        break;
      case Std.ZeroSecond:
        out += pad(t.second, 2);
        break;
      case Std.PM:
        out += t.hour >= 12 ? 'PM' : 'AM';
        break;
      case Std.pm:
        out += t.hour >= 12 ? 'pm' : 'am';
        break;
      case Std.TZ:
        if (t.zoneName !== '') {
          out += t.zoneName;
        } else {
          // No zone name known: the -0700 form.
          const zone = Math.trunc(t.offset / 60);
          const abs = Math.abs(zone);
          out += (zone < 0 ? '-' : '+') + pad(Math.floor(abs / 60), 2) + pad(abs % 60, 2);
        }
        break;
      case Std.FracSecond0:
      case Std.FracSecond9:
        out += formatNano(t.nanosecond, digits, separator, std === Std.FracSecond9);
        break;
      default:
        out += formatOffset(std, t.offset);
    }
  }
  return out;
}

// ---- Parsing -------------------------------------------------------------------------------

/** A string of the UTF-8 bytes of `text`, one char per byte (how Go indexes strings). */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function fromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Go's time.quote, on a byte string: `"…"` with bytes outside printable ASCII as \xNN. */
export function goQuote(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += (c === 0x22 || c === 0x5c ? '\\' : '') + bytes[i]!;
  }
  return `${out}"`;
}

class ParseError extends Error {
  constructor(layout: string, value: string, layoutElem: string, valueElem: string, message = '') {
    super(
      message === ''
        ? `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`
        : `parsing time ${goQuote(value)}${message}`,
    );
  }
}

/** A sentinel for "bad value for field", turned into a ParseError by the caller. */
const BAD = Symbol('bad');

function getnum(s: string, fixed: boolean): [number, string] | typeof BAD {
  if (!isDigitAt(s, 0)) return BAD;
  if (!isDigitAt(s, 1)) {
    if (fixed) return BAD;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | typeof BAD {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + s.charCodeAt(i) - 48;
  if (i === 0 || (fixed && i !== 3)) return BAD;
  return [n, s.slice(i)];
}

/** Go's leadingInt: the leading digits as an integer (BAD on overflow of int64). */
function leadingInt(s: string): [bigint, string] | typeof BAD {
  let i = 0;
  let x = 0n;
  for (; i < s.length && isDigitAt(s, i); i++) {
    if (x > (1n << 63n) / 10n) return BAD;
    x = x * 10n + BigInt(s.charCodeAt(i) - 48);
    if (x > 1n << 63n) return BAD;
  }
  return [x, s.slice(i)];
}

/** Go's atoi: an optionally signed decimal integer, all of `s`. */
function atoi(s: string): number | typeof BAD {
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  const result = leadingInt(s);
  if (result === BAD || result[1] !== '') return BAD;
  const x = Number(result[0]);
  return negative ? -x : x;
}

function skip(value: string, prefix: string): string | typeof BAD {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return BAD;
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return BAD;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

/** Case-insensitive match of the start of `value` against a table of names. */
function lookupName(table: string[], value: string): [number, string] | typeof BAD {
  for (let i = 0; i < table.length; i++) {
    const name = table[i]!;
    if (value.length >= name.length && matchFold(value.slice(0, name.length), name))
      return [i, value.slice(name.length)];
  }
  return BAD;
}

function matchFold(a: string, b: string): boolean {
  for (let i = 0; i < a.length; i++) {
    let c1 = a.charCodeAt(i);
    let c2 = b.charCodeAt(i);
    if (c1 !== c2) {
      c1 |= 0x20;
      c2 |= 0x20;
      if (c1 !== c2 || c1 < 97 || c1 > 122) return false;
    }
  }
  return true;
}

function commaOrPeriod(c: string | undefined): boolean {
  return c === '.' || c === ',';
}

/** Go's parseNanoseconds: `.123` (the separator included in `length`) as nanoseconds. */
function parseNanoseconds(
  value: string,
  length: number,
): { ns: number; rangeError: string } | typeof BAD {
  if (!commaOrPeriod(value[0])) return BAD;
  if (length > 10) {
    value = value.slice(0, 10);
    length = 10;
  }
  const n = atoi(value.slice(1, length));
  if (n === BAD) return BAD;
  if (n < 0) return { ns: 0, rangeError: 'fractional second' };
  return { ns: n * 10 ** (10 - length), rangeError: '' };
}

/** Go's parseSignedOffset: the length of `+03`/`-4` (hours up to 23), 0 when there is none. */
function parseSignedOffset(value: string): number {
  if (value[0] !== '-' && value[0] !== '+') return 0;
  const result = leadingInt(value.slice(1));
  if (result === BAD || result[1] === value.slice(1)) return 0;
  if (result[0] > 23n) return 0;
  return value.length - result[1].length;
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of `value`. */
function parseTimeZone(value: string): number | undefined {
  if (value.length < 3) return undefined;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT'))
    return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') {
    const length = parseSignedOffset(value);
    return length > 0 ? length : undefined;
  }
  let upper = 0;
  for (; upper < 6 && upper < value.length; upper++) {
    const c = value.charCodeAt(upper);
    if (c < 65 || c > 90) break;
  }
  switch (upper) {
    case 5:
      return value[4] === 'T' ? 5 : undefined;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : undefined;
    case 3:
      return 3;
    default:
      return undefined;
  }
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

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
  const alayout = toBytes(layoutText);
  const avalue = toBytes(valueText);
  let layout = alayout;
  let value = avalue;
  let rangeError = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: GoLocation | undefined;
  let zoneOffset = -1;
  let zoneName = '';

  for (;;) {
    const { prefix, std, digits, suffix } = nextStdChunk(layout);
    const stdstr = layout.slice(prefix.length, layout.length - suffix.length);
    const skipped = skip(value, prefix);
    if (skipped === BAD) throw new ParseError(alayout, avalue, prefix, value);
    value = skipped;
    if (std === Std.None) {
      if (value.length !== 0)
        throw new ParseError(alayout, avalue, '', value, `: extra text: ${goQuote(value)}`);
      break;
    }
    layout = suffix;
    const hold = value;
    let bad = false;
    const num = (result: [number, string] | typeof BAD): number => {
      if (result === BAD) {
        bad = true;
        return 0;
      }
      value = result[1];
      return result[0];
    };
    switch (std) {
      case Std.Year: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const n = atoi(value.slice(0, 2));
        value = value.slice(2);
        if (n === BAD) {
          bad = true;
          break;
        }
        year = n >= 69 ? n + 1900 : n + 2000;
        break;
      }
      case Std.LongYear: {
        if (value.length < 4 || !isDigitAt(value, 0)) {
          bad = true;
          break;
        }
        const n = atoi(value.slice(0, 4));
        value = value.slice(4);
        if (n === BAD) bad = true;
        else year = n;
        break;
      }
      case Std.Month:
      case Std.LongMonth: {
        const found = lookupName(std === Std.Month ? SHORT_MONTH_NAMES : LONG_MONTH_NAMES, value);
        month = num(found) + 1;
        break;
      }
      case Std.NumMonth:
      case Std.ZeroMonth:
        month = num(getnum(value, std === Std.ZeroMonth));
        if (!bad && (month <= 0 || month > 12)) rangeError = 'month';
        break;
      case Std.WeekDay:
      case Std.LongWeekDay:
        // The day of the week is checked for syntax only.
        num(lookupName(std === Std.WeekDay ? SHORT_DAY_NAMES : LONG_DAY_NAMES, value));
        break;
      case Std.Day:
      case Std.UnderDay:
      case Std.ZeroDay:
        if (std === Std.UnderDay && value[0] === ' ') value = value.slice(1);
        day = num(getnum(value, std === Std.ZeroDay));
        break;
      case Std.UnderYearDay:
      case Std.ZeroYearDay:
        for (let i = 0; i < 2; i++) {
          if (std === Std.UnderYearDay && value[0] === ' ') value = value.slice(1);
        }
        yday = num(getnum3(value, std === Std.ZeroYearDay));
        break;
      case Std.Hour:
        hour = num(getnum(value, false));
        if (hour < 0 || hour >= 24) rangeError = 'hour';
        break;
      case Std.Hour12:
      case Std.ZeroHour12:
        hour = num(getnum(value, std === Std.ZeroHour12));
        if (hour < 0 || hour > 12) rangeError = 'hour';
        break;
      case Std.Minute:
      case Std.ZeroMinute:
        min = num(getnum(value, std === Std.ZeroMinute));
        if (min < 0 || min >= 60) rangeError = 'minute';
        break;
      case Std.Second:
      case Std.ZeroSecond: {
        sec = num(getnum(value, std === Std.ZeroSecond));
        if (bad) break;
        if (sec < 0 || sec >= 60) {
          rangeError = 'second';
          break;
        }
        // A fractional second in the text that the layout does not have.
        if (value.length >= 2 && commaOrPeriod(value[0]) && isDigitAt(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === Std.FracSecond0 || next === Std.FracSecond9) break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          const fraction = parseNanoseconds(value, n);
          if (fraction === BAD) bad = true;
          else ({ ns: nsec, rangeError } = fraction);
          value = value.slice(n);
        }
        break;
      }
      case Std.PM:
      case Std.pm: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        const [upper, lower] = std === Std.PM ? ['PM', 'AM'] : ['pm', 'am'];
        if (p === upper) pmSet = true;
        else if (p === lower) amSet = true;
        else bad = true;
        break;
      }
      case Std.ISO8601TZ:
      case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonTZ:
      case Std.ISO8601SecondsTZ:
      case Std.ISO8601ColonSecondsTZ:
      case Std.NumTZ:
      case Std.NumShortTZ:
      case Std.NumColonTZ:
      case Std.NumSecondsTz:
      case Std.NumColonSecondsTZ: {
        const iso =
          std === Std.ISO8601TZ ||
          std === Std.ISO8601ShortTZ ||
          std === Std.ISO8601ColonTZ ||
          std === Std.ISO8601SecondsTZ ||
          std === Std.ISO8601ColonSecondsTZ;
        if (iso && value[0] === 'Z') {
          value = value.slice(1);
          z = GoLocation.UTC;
          break;
        }
        let sign: string;
        let hh: string;
        let mm: string;
        let ss: string;
        if (std === Std.ISO8601ColonTZ || std === Std.NumColonTZ) {
          if (value.length < 6 || value[3] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(4, 6), '00'];
          value = value.slice(6);
        } else if (std === Std.NumShortTZ || std === Std.ISO8601ShortTZ) {
          if (value.length < 3) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), '00', '00'];
          value = value.slice(3);
        } else if (std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ) {
          if (value.length < 9 || value[3] !== ':' || value[6] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
          value = value.slice(9);
        } else if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz) {
          if (value.length < 7) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
          value = value.slice(7);
        } else {
          if (value.length < 5) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(3, 5), '00'];
          value = value.slice(5);
        }
        // Each part read only if the one before was (Go leaves the rest 0).
        const field = (text: string): number => {
          const result = bad ? BAD : getnum(text, true);
          if (result === BAD) {
            bad = true;
            return 0;
          }
          return result[0];
        };
        const hr = field(hh);
        const mi = field(mm);
        const se = field(ss);
        // Offsets of 24 hours, 60 minutes or 60 seconds are written by some.
        if (hr > 24) rangeError = 'time zone offset hour';
        if (mi > 60) rangeError = 'time zone offset minute';
        if (se > 60) rangeError = 'time zone offset second';
        zoneOffset = (hr * 60 + mi) * 60 + se;
        if (sign === '-') zoneOffset = -zoneOffset;
        else if (sign !== '+') bad = true;
        break;
      }
      case Std.TZ: {
        if (value.startsWith('UTC')) {
          z = GoLocation.UTC;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === undefined) {
          bad = true;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case Std.FracSecond0: {
        // Exactly as many digits as the layout has.
        const length = 1 + digits;
        if (value.length < length) {
          bad = true;
          break;
        }
        const fraction = parseNanoseconds(value, length);
        if (fraction === BAD) bad = true;
        else ({ ns: nsec, rangeError } = fraction);
        value = value.slice(length);
        break;
      }
      case Std.FracSecond9: {
        if (value.length < 2 || !commaOrPeriod(value[0]) || !isDigitAt(value, 1)) break; // omitted
        // Any number of digits, even more than the layout has.
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        const fraction = parseNanoseconds(value, 1 + i);
        if (fraction === BAD) bad = true;
        else ({ ns: nsec, rangeError } = fraction);
        value = value.slice(1 + i);
        break;
      }
    }
    if (rangeError !== '')
      throw new ParseError(alayout, avalue, stdstr, value, `: ${rangeError} out of range`);
    if (bad) throw new ParseError(alayout, avalue, stdstr, hold);
  }

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        yday--;
      }
    }
    if (yday < 1 || yday > 365)
      throw new ParseError(alayout, avalue, '', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (DAYS_BEFORE[m]! < yday) m++;
      d = yday - DAYS_BEFORE[m - 1]!;
    }
    if (month >= 0 && month !== m)
      throw new ParseError(alayout, avalue, '', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d)
      throw new ParseError(alayout, avalue, '', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }

  if (day < 1 || day > daysIn(month, year))
    throw new ParseError(alayout, avalue, '', value, ': day out of range');

  if (z) {
    return { ns: dateInLocation(year, month, day, hour, min, sec, nsec, z), location: z };
  }

  if (zoneOffset !== -1) {
    const ns =
      dateInLocation(year, month, day, hour, min, sec, nsec, GoLocation.UTC) -
      BigInt(zoneOffset) * NANOS_PER_SECOND;
    // The local zone if it has this offset (and name) then, else a zone made up for it.
    const zone = local.lookup(Number(splitSeconds(ns).seconds));
    if (zone.offset === zoneOffset && (zoneName === '' || zone.name === zoneName))
      return { ns, location: local };
    return { ns, location: GoLocation.fixed(fromBytes(zoneName), zoneOffset) };
  }

  if (zoneName !== '') {
    const ns = dateInLocation(year, month, day, hour, min, sec, nsec, GoLocation.UTC);
    const offset = local.lookupName(zoneName, Number(splitSeconds(ns).seconds));
    if (offset !== undefined)
      return { ns: ns - BigInt(offset) * NANOS_PER_SECOND, location: local };
    // An unknown abbreviation: a zone of that name, at offset 0 (GMT+3 at its hours).
    let fixedOffset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) {
      const hours = atoi(zoneName.slice(3));
      fixedOffset = hours === BAD ? 0 : hours * 3600;
    }
    return { ns, location: GoLocation.fixed(zoneName, fixedOffset) };
  }

  return {
    ns: dateInLocation(year, month, day, hour, min, sec, nsec, defaultLocation),
    location: defaultLocation,
  };
}
