import {
  civilFromDays,
  civilOf,
  dateInLocation,
  floorMod,
  NANOS_PER_SECOND,
  SECONDS_FROM_YEAR_ONE,
  splitSeconds,
  type CivilTime,
} from './time-calendar.js';
import {
  formatLayout,
  goQuote,
  LONG_DAY_NAMES,
  LONG_MONTH_NAMES,
  parseLayout,
  toBytes,
} from './time-layout.js';
import { GoLocation } from './time-zone.js';
import { floatValue, GoFloat, isInt, isPlainObject, MethodHost } from './values.js';

export { GoLocation, loadLocation } from './time-zone.js';

/**
 * Go's time.Time, time.Duration, time.Month and time.Weekday as expression values, with the
 * methods expr-lang lets expressions call on them (it calls any exported Go method; the ones
 * listed here are those that return a value expr can use).
 *
 * Numbers follow the value model of values.ts: Go ints (and int64s, which print the same)
 * are plain whole numbers, float64 results go through `floatValue`. int64 results beyond
 * 2^53 (UnixNano, Nanoseconds of long durations) lose precision as JavaScript numbers.
 */

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** Go's zero time, January 1, year 1, 00:00:00 UTC, in nanoseconds since the Unix epoch. */
const ZERO_TIME_NS = -SECONDS_FROM_YEAR_ONE * NANOS_PER_SECOND;

const NANOSECOND = 1n;
const MICROSECOND = 1000n * NANOSECOND;
const MILLISECOND = 1000n * MICROSECOND;
const SECOND = 1000n * MILLISECOND;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;

/**
 * The Go type of a value as `%T` prints it: `int`, `float64`, `string`, `bool`, `<nil>`,
 * `[]interface {}`, `map[string]interface {}`, `time.Time`, `time.Duration`, …
 */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof GoFloat) return 'float64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  if (value instanceof Uint8Array) return '[]uint8';
  if (value instanceof MethodHost) return value.goType;
  if (isPlainObject(value)) return 'map[string]interface {}';
  return 'func';
}

type Param = 'int' | 'string' | 'time.Time' | 'time.Duration' | '*time.Location';

function accepts(param: Param, value: unknown): boolean {
  switch (param) {
    case 'int':
      return isInt(value);
    case 'string':
      return typeof value === 'string';
    case 'time.Time':
      return value instanceof GoTime;
    case 'time.Duration':
      return value instanceof GoDuration;
    case '*time.Location':
      return value instanceof GoLocation || value === null || value === undefined;
  }
}

/**
 * A Go method as expr-lang calls it: the argument count and types checked with expr's
 * messages (those of its type checker, which sees the types of a time's methods).
 */
function method<T extends unknown[]>(
  name: string,
  params: { [K in keyof T]: Param },
  fn: (...args: T) => unknown,
): (args: unknown[]) => unknown {
  return (args) => {
    if (args.length < params.length) throw new Error(`not enough arguments to call ${name}`);
    if (args.length > params.length) throw new Error(`too many arguments to call ${name}`);
    params.forEach((param: Param, i) => {
      const arg = args[i];
      if (accepts(param, arg)) return;
      if (arg === null || arg === undefined)
        throw new Error(`cannot use nil as argument (type ${param}) to call ${name}`);
      // expr's message ends with a space.
      throw new Error(`cannot use ${goTypeName(arg)} as argument (type ${param}) to call ${name} `);
    });
    return fn(...(args as T));
  };
}

/** A method expr-lang refuses to call: Go methods with three results. */
function threeResults(name: string): (args: unknown[]) => unknown {
  return () => {
    throw new Error(`func ${name} returns more then two values`);
  };
}

/** Go's int64 arithmetic wraps around. */
function int64(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

/** A time.Duration: an int64 count of nanoseconds. */
export class GoDuration extends MethodHost {
  readonly ns: bigint;
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>>;

  constructor(ns: bigint) {
    super();
    this.ns = int64(ns);
    const d = this.ns;
    this.methods = {
      Hours: method('Hours', [], () => floatValue(Number(d / HOUR) + Number(d % HOUR) / 3.6e12)),
      Minutes: method('Minutes', [], () =>
        floatValue(Number(d / MINUTE) + Number(d % MINUTE) / 6e10),
      ),
      Seconds: method('Seconds', [], () =>
        floatValue(Number(d / SECOND) + Number(d % SECOND) / 1e9),
      ),
      Milliseconds: method('Milliseconds', [], () => Number(d / MILLISECOND)),
      Microseconds: method('Microseconds', [], () => Number(d / MICROSECOND)),
      Nanoseconds: method('Nanoseconds', [], () => Number(d)),
      String: method('String', [], () => this.toString()),
      Round: method<[GoDuration]>(
        'Round',
        ['time.Duration'],
        (m) => new GoDuration(roundDuration(d, m.ns)),
      ),
      Truncate: method<[GoDuration]>(
        'Truncate',
        ['time.Duration'],
        (m) => new GoDuration(m.ns <= 0n ? d : d - (d % m.ns)),
      ),
      Abs: method('Abs', [], () => new GoDuration(d >= 0n ? d : d === INT64_MIN ? INT64_MAX : -d)),
    };
  }

  override get goType(): string {
    return 'time.Duration';
  }

  /** Go's Duration.String(): `1h2m3.5s`, `1.5µs`, `0s`. */
  override toString(): string {
    return formatGoDuration(this.ns);
  }

  /** How Go's encoding/json writes it: the nanosecond count. */
  toJSON(): unknown {
    return Number(this.ns);
  }

  /** expr's runtime.Equal (the evaluator's hook for MethodHosts of the same Go type). */
  equals(other: unknown): boolean {
    return other instanceof GoDuration && other.ns === this.ns;
  }

  /** What `<` and `>` compare (the evaluator's hook): the length. */
  compareKey(): bigint {
    return this.ns;
  }
}

/** Go's Duration.Round: to the nearest multiple of `m`, halves away from zero, saturating. */
function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  const magnitude = d < 0n ? -d : d;
  const excess = magnitude % m;
  const rounded = magnitude - excess + (excess * 2n < m ? 0n : m);
  const result = d < 0n ? -rounded : rounded;
  return result < INT64_MIN ? INT64_MIN : result > INT64_MAX ? INT64_MAX : result;
}

/**
 * Go's Duration.String(): hours, minutes and seconds (`1h2m3.5s`, `4m0s`, hours being the
 * largest unit since days differ in length), or below a second the largest unit that keeps
 * the whole part non-zero (`1.5µs`, `300ms`); fractions without trailing zeros.
 */
export function formatGoDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const sign = d < 0n ? '-' : '';
  const length = d < 0n ? -d : d;
  if (length < SECOND) {
    const [unit, name] =
      length < MICROSECOND
        ? [NANOSECOND, 'ns']
        : length < MILLISECOND
          ? [MICROSECOND, 'µs']
          : [MILLISECOND, 'ms'];
    return `${sign}${inUnits(length, unit)}${name}`;
  }
  const hours = length / HOUR;
  const minutes = (length / MINUTE) % 60n;
  const seconds = `${inUnits(length % MINUTE, SECOND)}s`;
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return sign + seconds;
}

/** `n` counted in `unit`s, as a decimal with the fraction's trailing zeros left out. */
function inUnits(n: bigint, unit: bigint): string {
  const whole = n / unit;
  const rest = n % unit;
  if (rest === 0n) return String(whole);
  const places = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(places, '0').replace(/0+$/, '')}`;
}

/** ParseDuration's units, by their UTF-8 bytes. */
const DURATION_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NANOSECOND],
  ['us', MICROSECOND],
  [toBytes('\u00b5s'), MICROSECOND], // micro sign
  [toBytes('\u03bcs'), MICROSECOND], // Greek small letter mu
  ['ms', MILLISECOND],
  ['s', SECOND],
  ['m', MINUTE],
  ['h', HOUR],
]);

/** The bound of the unsigned magnitudes ParseDuration adds up (2^63, the size of MinInt64). */
const MAGNITUDE_LIMIT = 1n << 63n;

/**
 * A decimal fraction's digits as ParseDuration keeps them: as many leading digits as stay
 * within 2^63, and the power of ten they are over (a float64, grown a factor of 10 at a time).
 */
function fractionDigits(digits: string): { numerator: bigint; scale: number } {
  let numerator = 0n;
  let scale = 1;
  for (const digit of digits) {
    const next = numerator * 10n + BigInt(digit);
    if (next > MAGNITUDE_LIMIT) break;
    numerator = next;
    scale *= 10;
  }
  return { numerator, scale };
}

/**
 * Go's time.ParseDuration: an optional sign, then terms of a decimal number with a unit
 * (`300ms`, `-1.5h`, `2h45m`; units ns, us or µs, ms, s, m, h), summed; a lone `0` needs no
 * unit. Errors carry Go's messages, with the text quoted as Go quotes it.
 */
export function parseGoDuration(text: string): GoDuration {
  const bytes = toBytes(text);
  const invalid = () => new Error(`time: invalid duration ${goQuote(bytes)}`);
  const negative = bytes.startsWith('-');
  const body = negative || bytes.startsWith('+') ? bytes.slice(1) : bytes;
  if (body === '0') return new GoDuration(0n);
  if (body === '') throw invalid();

  // One term: digits, a fraction, and the unit running up to the next number.
  const term = /([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/y;
  let total = 0n;
  while (term.lastIndex < body.length) {
    const [, whole = '', fraction, unitName = ''] = term.exec(body)!;
    // A term starts with a digit or a point, and has a digit on one side of the point.
    if (whole === '' && fraction === undefined) throw invalid();
    const count = BigInt(whole === '' ? '0' : whole);
    if (count > MAGNITUDE_LIMIT) throw invalid();
    if (whole === '' && fraction === '') throw invalid();
    if (unitName === '') throw new Error(`time: missing unit in duration ${goQuote(bytes)}`);
    const unit = DURATION_UNITS.get(unitName);
    if (unit === undefined) {
      throw new Error(`time: unknown unit ${goQuote(unitName)} in duration ${goQuote(bytes)}`);
    }
    if (count > MAGNITUDE_LIMIT / unit) throw invalid();
    let amount = count * unit;
    const { numerator, scale } = fractionDigits(fraction ?? '');
    if (numerator > 0n) {
      // Go scales the fraction in float64 arithmetic, truncating to whole nanoseconds.
      amount += BigInt(Math.trunc(Number(numerator) * (Number(unit) / scale)));
      if (amount > MAGNITUDE_LIMIT) throw invalid();
    }
    total += amount;
    if (total > MAGNITUDE_LIMIT) throw invalid();
  }
  if (negative) return new GoDuration(-total);
  if (total > INT64_MAX) throw invalid();
  return new GoDuration(total);
}

/** A time.Month: prints as its English name, compares only with months. */
export class GoMonth extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>> = {
    String: method('String', [], () => this.toString()),
  };

  constructor(readonly value: number) {
    super();
  }

  override get goType(): string {
    return 'time.Month';
  }

  override toString(): string {
    return LONG_MONTH_NAMES[this.value - 1] ?? `%!Month(${this.value})`;
  }

  toJSON(): unknown {
    return this.value;
  }

  equals(other: unknown): boolean {
    return other instanceof GoMonth && other.value === this.value;
  }
}

/** A time.Weekday (0 = Sunday): prints as its English name, compares only with weekdays. */
export class GoWeekday extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>> = {
    String: method('String', [], () => this.toString()),
  };

  constructor(readonly value: number) {
    super();
  }

  override get goType(): string {
    return 'time.Weekday';
  }

  override toString(): string {
    return LONG_DAY_NAMES[this.value] ?? `%!Weekday(${this.value})`;
  }

  toJSON(): unknown {
    return this.value;
  }

  equals(other: unknown): boolean {
    return other instanceof GoWeekday && other.value === this.value;
  }
}

/**
 * A time.Time: an instant with nanosecond precision (nanoseconds since the Unix epoch, any
 * range) and the location it is read in. Go's monotonic clock reading is not kept, so
 * `now()` prints without Go's trailing ` m=+0.000000001`.
 */
export class GoTime extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>>;

  constructor(
    readonly ns: bigint,
    readonly location: GoLocation = GoLocation.UTC,
  ) {
    super();
    const civil = () => civilOf(this);
    const seconds = () => splitSeconds(this.ns).seconds;
    this.methods = {
      Year: method('Year', [], () => civil().year),
      Month: method('Month', [], () => new GoMonth(civil().month)),
      Day: method('Day', [], () => civil().day),
      Hour: method('Hour', [], () => civil().hour),
      Minute: method('Minute', [], () => civil().minute),
      Second: method('Second', [], () => civil().second),
      Nanosecond: method('Nanosecond', [], () => civil().nanosecond),
      Weekday: method('Weekday', [], () => new GoWeekday(civil().weekday)),
      YearDay: method('YearDay', [], () => civil().yearDay),
      // Go returns (year, week); expr-lang keeps the first result.
      ISOWeek: method('ISOWeek', [], () => isoWeekYear(civil())),
      // Go returns (name, offset); expr-lang keeps the first result.
      Zone: method('Zone', [], () => civil().zoneName),
      Clock: threeResults('Clock'),
      Date: threeResults('Date'),
      Unix: method('Unix', [], () => Number(seconds())),
      UnixMilli: method('UnixMilli', [], () => Number(floorDivNs(this.ns, MILLISECOND))),
      UnixMicro: method('UnixMicro', [], () => Number(floorDivNs(this.ns, MICROSECOND))),
      UnixNano: method('UnixNano', [], () => Number(int64(this.ns))),
      Format: method<[string]>('Format', ['string'], (layout) => formatGoTime(this, layout)),
      Add: method<[GoDuration]>('Add', ['time.Duration'], (d) => this.add(d)),
      Sub: method<[GoTime]>('Sub', ['time.Time'], (u) => this.sub(u)),
      AddDate: method<[number, number, number]>(
        'AddDate',
        ['int', 'int', 'int'],
        (years, months, days) => {
          const t = civil();
          return new GoTime(
            dateInLocation(
              t.year + years,
              t.month + months,
              t.day + days,
              t.hour,
              t.minute,
              t.second,
              t.nanosecond,
              this.location,
            ),
            this.location,
          );
        },
      ),
      Before: method<[GoTime]>('Before', ['time.Time'], (u) => this.ns < u.ns),
      After: method<[GoTime]>('After', ['time.Time'], (u) => this.ns > u.ns),
      Equal: method<[GoTime]>('Equal', ['time.Time'], (u) => this.ns === u.ns),
      Compare: method<[GoTime]>('Compare', ['time.Time'], (u) =>
        this.ns < u.ns ? -1 : this.ns > u.ns ? 1 : 0,
      ),
      In: method<[GoLocation | null]>('In', ['*time.Location'], (loc) => {
        if (!loc) throw new Error('time: missing Location in call to Time.In');
        return new GoTime(this.ns, loc);
      }),
      UTC: method('UTC', [], () => new GoTime(this.ns, GoLocation.UTC)),
      Local: method('Local', [], () => new GoTime(this.ns, GoLocation.Local)),
      Truncate: method<[GoDuration]>('Truncate', ['time.Duration'], (d) => {
        if (d.ns <= 0n) return this;
        return new GoTime(this.ns - sinceZeroTimeMod(this.ns, d.ns), this.location);
      }),
      Round: method<[GoDuration]>('Round', ['time.Duration'], (d) => {
        if (d.ns <= 0n) return this;
        const r = sinceZeroTimeMod(this.ns, d.ns);
        // Halfway rounds up.
        return new GoTime(r + r < d.ns ? this.ns - r : this.ns + (d.ns - r), this.location);
      }),
      IsZero: method('IsZero', [], () => this.ns === ZERO_TIME_NS),
      IsDST: method('IsDST', [], () => this.location.lookup(Number(seconds())).isDST),
      Location: method('Location', [], () => this.location),
      String: method('String', [], () => this.toString()),
      GoString: method('GoString', [], () => goString(civil(), this.location)),
    };
  }

  override get goType(): string {
    return 'time.Time';
  }

  add(d: GoDuration): GoTime {
    return new GoTime(this.ns + d.ns, this.location);
  }

  /** Go's Time.Sub: saturates at the bounds of a Duration. */
  sub(u: GoTime): GoDuration {
    const d = this.ns - u.ns;
    return new GoDuration(d > INT64_MAX ? INT64_MAX : d < INT64_MIN ? INT64_MIN : d);
  }

  /** Go's Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST`. */
  override toString(): string {
    return formatGoTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }

  /** How Go's encoding/json writes it: RFC 3339 with nanoseconds. */
  toJSON(): unknown {
    const year = civilOf(this).year;
    if (year < 0 || year > 9999)
      throw new Error('Time.MarshalJSON: year outside of range [0,9999]');
    return formatGoTime(this, '2006-01-02T15:04:05.999999999Z07:00');
  }

  /** expr's runtime.Equal: Time.Equal, the same instant whatever the location. */
  equals(other: unknown): boolean {
    return other instanceof GoTime && other.ns === this.ns;
  }

  /** What `<` and `>` compare (the evaluator's hook): the instant. */
  compareKey(): bigint {
    return this.ns;
  }
}

function floorDivNs(ns: bigint, unit: bigint): bigint {
  return (ns - floorMod(ns, unit)) / unit;
}

/** The remainder of the time since Go's zero time divided by `d` (what Truncate and Round drop). */
function sinceZeroTimeMod(ns: bigint, d: bigint): bigint {
  return floorMod(ns + SECONDS_FROM_YEAR_ONE * NANOS_PER_SECOND, d);
}

/** The year of the ISO 8601 week a date is in: the year of that week's Thursday (weeks start on Monday). */
function isoWeekYear(t: CivilTime): number {
  const daysSinceMonday = (t.weekday + 6) % 7;
  return civilFromDays(t.days - daysSinceMonday + 3).year;
}

function goString(t: CivilTime, location: GoLocation): string {
  const zone =
    location.identity === 'utc'
      ? 'time.UTC'
      : location.identity === 'local'
        ? 'time.Local'
        : `time.Location(${goQuote(toBytes(location.name))})`;
  return `time.Date(${t.year}, time.${LONG_MONTH_NAMES[t.month - 1]}, ${t.day}, ${t.hour}, ${t.minute}, ${t.second}, ${t.nanosecond}, ${zone})`;
}

/** Go's Time.Format with a Go layout (`2006-01-02T15:04:05Z07:00`, `Mon Jan _2`, …). */
export function formatGoTime(t: GoTime, layout: string): string {
  return formatLayout(t, layout);
}

/**
 * Go's time.Parse (no location: a time without a zone is UTC, offsets and abbreviations are
 * matched against Local) or time.ParseInLocation (with one: both use it). Throws Go's
 * ParseError message.
 */
export function parseGoTime(text: string, layout: string, location?: GoLocation): GoTime {
  const instant = parseLayout(
    layout,
    text,
    location ?? GoLocation.UTC,
    location ?? GoLocation.Local,
  );
  return new GoTime(instant.ns, instant.location);
}

/** Go's time.Unix / time.Now: a time from nanoseconds since the epoch, in Local. */
export function goTimeFromUnixNanos(ns: bigint, location: GoLocation = GoLocation.Local): GoTime {
  return new GoTime(ns, location);
}
