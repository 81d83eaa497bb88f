import type { ExprFunction } from '../evaluator.js';
import { GoLocation, loadLocation } from '../time-zone.js';
import { GoTime, goTypeName, parseGoDuration, parseGoTime } from '../time-values.js';

export interface TimeFunctionOptions {
  /**
   * The clock `now()` reads: nanoseconds (a bigint) or milliseconds (a number, fractions
   * kept) since the Unix epoch. Defaults to the system clock with sub-millisecond precision.
   */
  now?: () => bigint | number;
}

/**
 * The layouts `date(text)` tries, in order, when given no layout (expr-lang's builtin.go):
 * 2006-01-02, 15:04:05, 2006-01-02 15:04:05, RFC 3339, RFC 822, RFC 850, RFC 1123.
 */
export const DEFAULT_DATE_LAYOUTS: readonly string[] = [
  '2006-01-02',
  '15:04:05',
  '2006-01-02 15:04:05',
  '2006-01-02T15:04:05Z07:00',
  '02 Jan 06 15:04 MST',
  'Monday, 02-Jan-06 15:04:05 MST',
  'Mon, 02 Jan 2006 15:04:05 MST',
];

/** expr-lang's `args[i].(string)`: a string, or Go's panic for the type assertion. */
function stringArgument(value: unknown): string {
  if (typeof value === 'string') return value;
  const type =
    value === null || value === undefined
      ? 'nil'
      : value instanceof GoLocation
        ? 'time.Location' // expr dereferences the pointer before the assertion
        : goTypeName(value);
  throw new Error(`interface conversion: interface {} is ${type}, not string`);
}

/** A builtin typed `func(string) (T, error)`: one string argument, as expr's checker wants. */
function oneString(name: string, args: unknown[]): string {
  if (args.length < 1) throw new Error(`not enough arguments to call ${name}`);
  if (args.length > 1) throw new Error(`too many arguments to call ${name}`);
  return stringArgument(args[0]);
}

function nanosOf(reading: bigint | number): bigint {
  if (typeof reading === 'bigint') return reading;
  const millis = Math.floor(reading);
  return BigInt(millis) * 1_000_000n + BigInt(Math.round((reading - millis) * 1e6));
}

/**
 * expr-lang's time builtins (builtin/builtin.go of v1.17.8), with its messages:
 * - `now()`: the current time, in Local (read as UTC); `now(tz)` in a location;
 * - `duration(text)`: Go's time.ParseDuration;
 * - `date(text [, layout [, timezone]])`: Go's time.Parse with the layout, or the first of
 *   DEFAULT_DATE_LAYOUTS that fits; with a zone name, ParseInLocation in that zone; a
 *   location (`timezone(...)`) as first argument parses in it;
 * - `timezone(name)`: Go's time.LoadLocation.
 */
export function createTimeFunctions(
  options: TimeFunctionOptions = {},
): Record<string, ExprFunction> {
  // Nanoseconds since the epoch, to the microsecond the high-resolution clock gives (Go's
  // time.Now() is finer than Date.now()'s milliseconds).
  const clock =
    options.now ??
    (() => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n);
  return {
    now: (args) => {
      if (args.length === 0) return new GoTime(nanosOf(clock()), GoLocation.Local);
      if (args.length === 1 && args[0] instanceof GoLocation)
        return new GoTime(nanosOf(clock()), args[0]);
      throw new Error(`invalid number of arguments (expected 0, got ${args.length})`);
    },

    duration: (args) => parseGoDuration(oneString('duration', args)),

    timezone: (args) => loadLocation(oneString('timezone', args)),

    date: (args) => {
      if (args.length < 1)
        throw new Error(`invalid number of arguments (expected at least 1, got ${args.length})`);
      let location: GoLocation | undefined;
      if (args[0] instanceof GoLocation) {
        location = args[0];
        args = args.slice(1);
      }
      if (args.length > 3)
        throw new Error(`invalid number of arguments (expected at most 3, got ${args.length})`);
      if (args.length === 0) throw new Error('runtime error: index out of range [0] with length 0');
      const text = stringArgument(args[0]);
      if (args.length === 2) return parseGoTime(text, stringArgument(args[1]), location);
      if (args.length === 3) {
        const layout = stringArgument(args[1]);
        const zone = loadLocation(stringArgument(args[2]));
        return parseGoTime(text, layout, zone);
      }
      for (const layout of DEFAULT_DATE_LAYOUTS) {
        try {
          return parseGoTime(text, layout, location);
        } catch {
          // expr-lang tries the next layout; a text none of them reads is reported below.
        }
      }
      throw new Error(`invalid date ${text}`);
    },
  };
}

/** The time builtins reading the system clock. */
export const timeFunctions: Readonly<Record<string, ExprFunction>> = createTimeFunctions();
