import { describe, expect, it } from 'vitest';
import type { CallContext, ExprFunction } from '../evaluator.js';
import { timeBinary } from '../time-arithmetic.js';
import { goTypeName } from '../time-values.js';
import { floatValue, GoFloat, MethodHost } from '../values.js';
import { createTimeFunctions, timeFunctions } from './time-functions.js';

/*
 * Each row is an expression and what expr-lang v1.17.8 returns for it, its Go type (%T) and
 * text (%v), or its error (without the position), as the oracle (tools/expr-oracle) prints
 * them. Until the evaluator calls these functions, a small reader below evaluates the rows:
 * calls, method calls, string and number literals, nil, `[a, b][i]`, parentheses and one
 * binary operator at a time through timeBinary.
 */

/** [expression, Go type or 'error', %v or the error message] */
const CASES: Array<[string, string, string]> = [
  // date() without a layout tries expr's layouts in order.
  ['date("2023-08-14")', 'time.Time', '2023-08-14 00:00:00 +0000 UTC'],
  ['date("15:04:05")', 'time.Time', '0000-01-01 15:04:05 +0000 UTC'],
  ['date("2023-08-14 15:04:05")', 'time.Time', '2023-08-14 15:04:05 +0000 UTC'],
  ['date("2023-08-14T15:04:05Z")', 'time.Time', '2023-08-14 15:04:05 +0000 UTC'],
  ['date("2023-08-14T15:04:05.25+02:00")', 'time.Time', '2023-08-14 15:04:05.25 +0200 +0200'],
  ['date("2023-08-14T15:04:05+00:00").Location()', '*time.Location', 'Local'],
  ['date("2023-08-14T15:04:05Z").Location()', '*time.Location', 'UTC'],
  ['date("14 Aug 23 10:00 PST")', 'time.Time', '2023-08-14 10:00:00 +0000 PST'],
  ['date("Monday, 14-Aug-23 10:00:00 UTC")', 'time.Time', '2023-08-14 10:00:00 +0000 UTC'],
  ['date("Mon, 14 Aug 2023 10:00:00 CEST")', 'time.Time', '2023-08-14 10:00:00 +0000 CEST'],
  ['date("2006-01-02T15:04:05Z")', 'time.Time', '2006-01-02 15:04:05 +0000 UTC'],
  ['date("2023-08-14 25:00:00")', 'error', 'invalid date 2023-08-14 25:00:00'],
  ['date("2023-02-30")', 'error', 'invalid date 2023-02-30'],
  ['date("error")', 'error', 'invalid date error'],
  // With a layout: time.Parse; with a zone too: ParseInLocation.
  ['date("2006.01.02", "2006.01.02")', 'time.Time', '2006-01-02 00:00:00 +0000 UTC'],
  ['date("x", "2006")', 'error', 'parsing time "x" as "2006": cannot parse "x" as "2006"'],
  [
    'date("2023-04-23T00:30:00.000+0100", "2006-01-02T15:04:05-0700", "America/Chicago").Format("2006-01-02")',
    'string',
    '2023-04-23',
  ],
  [
    'date("2023-04-23T00:30:00", "2006-01-02T15:04:05", "America/Chicago").Format("2006-01-02")',
    'string',
    '2023-04-23',
  ],
  [
    'date("2023-04-23", "2006-01-02", "America/Chicago").Format("2006-01-02")',
    'string',
    '2023-04-23',
  ],
  [
    'date("2023-04-23", "2006-01-02", "America/Chicago")',
    'time.Time',
    '2023-04-23 00:00:00 -0500 CDT',
  ],
  [
    'date("24.11.1987 20:30", "02.01.2006 15:04", "Europe/Zurich")',
    'time.Time',
    '1987-11-24 20:30:00 +0100 CET',
  ],
  ['date("2023-08-14", "2006-01-02", "Nope/Zone")', 'error', 'unknown time zone Nope/Zone'],
  ['date("2023-08-14", "2006-01-02", "")', 'time.Time', '2023-08-14 00:00:00 +0000 UTC'],
  // A location as first argument.
  ['date(timezone("Europe/Paris"), "2023-08-14")', 'time.Time', '2023-08-14 00:00:00 +0200 CEST'],
  [
    'date(timezone("Europe/Paris"), "14.08.2023", "02.01.2006")',
    'time.Time',
    '2023-08-14 00:00:00 +0200 CEST',
  ],
  [
    'date(timezone("Europe/Paris"), "2023-08-14", "2006-01-02", "Asia/Tokyo")',
    'time.Time',
    '2023-08-14 00:00:00 +0900 JST',
  ],
  ['date(timezone("UTC"))', 'error', 'runtime error: index out of range [0] with length 0'],
  // Arguments of the wrong type, seen only when running.
  ['date([1, "a"][0])', 'error', 'interface conversion: interface {} is int, not string'],
  ['date(nil)', 'error', 'interface conversion: interface {} is nil, not string'],
  ['date("2023-08-14", 1)', 'error', 'interface conversion: interface {} is int, not string'],
  [
    'date("2023-08-14", "2006-01-02", 1.5)',
    'error',
    'interface conversion: interface {} is float64, not string',
  ],
  ['date()', 'error', 'invalid number of arguments (expected at least 1, got 0)'],
  ['date("a", "b", "c", "d")', 'error', 'invalid number of arguments (expected at most 3, got 4)'],
  ['duration([1, "a"][0])', 'error', 'interface conversion: interface {} is int, not string'],
  ['timezone([1, "a"][0])', 'error', 'interface conversion: interface {} is int, not string'],
  ['duration()', 'error', 'not enough arguments to call duration'],
  ['timezone("UTC", "UTC")', 'error', 'too many arguments to call timezone'],
  ['now(1)', 'error', 'invalid number of arguments (expected 0, got 1)'],
  // duration() and timezone().
  ['duration("1h")', 'time.Duration', '1h0m0s'],
  ['duration("error")', 'error', 'time: invalid duration "error"'],
  ['timezone("UTC").String()', 'string', 'UTC'],
  ['timezone("Europe/Moscow").String()', 'string', 'Europe/Moscow'],
  ['timezone("")', '*time.Location', 'UTC'],
  ['timezone("Local")', '*time.Location', 'Local'],
  ['timezone("Etc/UTC")', '*time.Location', 'Etc/UTC'],
  ['timezone("Asia/Kolkata")', '*time.Location', 'Asia/Kolkata'],
  ['timezone("Europe/Nowhere")', 'error', 'unknown time zone Europe/Nowhere'],
  // Methods of a time.
  ['date("2023-08-14T15:04:05.123456789Z").Year()', 'int', '2023'],
  ['date("2023-08-14").Month()', 'time.Month', 'August'],
  ['date("2023-08-14").Month().String()', 'string', 'August'],
  ['date("2023-08-14").Day()', 'int', '14'],
  ['date("2023-08-14T15:04:05.123456789Z").Hour()', 'int', '15'],
  ['date("2023-08-14T15:04:05.123456789Z").Minute()', 'int', '4'],
  ['date("2023-08-14T15:04:05.123456789Z").Second()', 'int', '5'],
  ['date("2023-08-14T15:04:05.123456789Z").Nanosecond()', 'int', '123456789'],
  ['date("2023-08-14").Weekday()', 'time.Weekday', 'Monday'],
  ['date("2023-08-13").Weekday().String()', 'string', 'Sunday'],
  ['date("2023-08-14").YearDay()', 'int', '226'],
  ['date("2024-12-31").YearDay()', 'int', '366'],
  ['date("2023-08-14T15:04:05.123456789Z").Unix()', 'int64', '1692025445'],
  ['date("2023-08-14T15:04:05.123456789Z").UnixMilli()', 'int64', '1692025445123'],
  ['date("2023-08-14T15:04:05.123456789Z").UnixMicro()', 'int64', '1692025445123456'],
  ['date("2023-08-14T15:04:05Z").UnixNano()', 'int64', '1692025445000000000'],
  ['date("1969-12-31T23:59:59.5Z").Unix()', 'int64', '-1'],
  ['date("1969-12-31T23:59:59.5Z").UnixMilli()', 'int64', '-500'],
  ['date("2023-08-14").Format("Mon Jan 2")', 'string', 'Mon Aug 14'],
  ['date("2023-08-14").Add(duration("36h"))', 'time.Time', '2023-08-15 12:00:00 +0000 UTC'],
  ['date("2023-08-14").Sub(date("2023-08-13"))', 'time.Duration', '24h0m0s'],
  ['date("0001-01-01").Sub(date("9999-01-01"))', 'time.Duration', '-2562047h47m16.854775808s'],
  ['date("2023-08-14").AddDate(0, 1, 1)', 'time.Time', '2023-09-15 00:00:00 +0000 UTC'],
  ['date("2023-10-31").AddDate(0, 1, 0)', 'time.Time', '2023-12-01 00:00:00 +0000 UTC'],
  ['date("2023-01-31").AddDate(-1, -2, 30)', 'time.Time', '2021-12-31 00:00:00 +0000 UTC'],
  [
    'date("2023-03-25 02:30:00", "2006-01-02 15:04:05", "Europe/Paris").AddDate(0, 0, 1)',
    'time.Time',
    '2023-03-26 03:30:00 +0200 CEST',
  ],
  ['date("2023-08-14").Before(date("2023-08-15"))', 'bool', 'true'],
  ['date("2023-08-14").After(date("2023-08-15"))', 'bool', 'false'],
  ['date("2023-08-14").Equal(date("2023-08-14T02:00:00+02:00"))', 'bool', 'true'],
  ['date("2023-08-14").In(timezone("Asia/Tokyo"))', 'time.Time', '2023-08-14 09:00:00 +0900 JST'],
  [
    'date("2023-08-14 00:00:00").In(timezone("Europe/Zurich"))',
    'time.Time',
    '2023-08-14 02:00:00 +0200 CEST',
  ],
  ['date("2023-08-14").In(nil)', 'error', 'time: missing Location in call to Time.In'],
  ['date("2023-08-14T02:00:00+02:00").UTC()', 'time.Time', '2023-08-14 00:00:00 +0000 UTC'],
  ['date("2023-08-14T02:00:00+02:00").Local()', 'time.Time', '2023-08-14 00:00:00 +0000 UTC'],
  ['date("2023-08-14T02:00:00+02:00").Local().Location()', '*time.Location', 'Local'],
  [
    'date("2023-08-14T15:34:56.7Z").Truncate(duration("1h"))',
    'time.Time',
    '2023-08-14 15:00:00 +0000 UTC',
  ],
  [
    'date("2023-08-14T15:34:56.7Z").Truncate(duration("7m"))',
    'time.Time',
    '2023-08-14 15:31:00 +0000 UTC',
  ], // multiples of 7m since January 1, year 1
  [
    'date("2023-08-14T15:34:56.7Z").Round(duration("1s"))',
    'time.Time',
    '2023-08-14 15:34:57 +0000 UTC',
  ],
  [
    'date("2023-08-14T15:30:00Z").Round(duration("1h"))',
    'time.Time',
    '2023-08-14 16:00:00 +0000 UTC',
  ],
  [
    'date("2023-08-14T15:30:00Z").Round(duration("-1h"))',
    'time.Time',
    '2023-08-14 15:30:00 +0000 UTC',
  ],
  [
    'date("2023-08-14T15:34:56+05:30").Truncate(duration("24h"))',
    'time.Time',
    '2023-08-14 05:30:00 +0530 +0530',
  ],
  ['date("0001-01-01").IsZero()', 'bool', 'true'],
  ['date("2023-08-14").IsZero()', 'bool', 'false'],
  ['date("2023-08-14").Location()', '*time.Location', 'UTC'],
  ['date("2023-08-14").Location().String()', 'string', 'UTC'],
  ['date("2023-08-14").String()', 'string', '2023-08-14 00:00:00 +0000 UTC'],
  [
    'date("2023-08-14").GoString()',
    'string',
    'time.Date(2023, time.August, 14, 0, 0, 0, 0, time.UTC)',
  ],
  [
    'date("2023-08-14", "2006-01-02", "Europe/Paris").GoString()',
    'string',
    'time.Date(2023, time.August, 14, 0, 0, 0, 0, time.Location("Europe/Paris"))',
  ],
  ['date("2021-01-03").ISOWeek()', 'int', '2020'],
  ['date("2024-12-30").ISOWeek()', 'int', '2025'],
  ['date("2023-08-14", "2006-01-02", "Europe/Paris").Zone()', 'string', 'CEST'],
  ['date("2023-08-14", "2006-01-02", "Europe/Paris").IsDST()', 'bool', 'true'],
  ['date("2023-01-14", "2006-01-02", "Europe/Paris").IsDST()', 'bool', 'false'],
  ['date("2023-08-14").Date()', 'error', 'func Date returns more then two values'],
  ['date("2023-08-14").Format()', 'error', 'not enough arguments to call Format'],
  ['date("2023-08-14").Year(1)', 'error', 'too many arguments to call Year'],
  [
    'date("2023-08-14").Format(1)',
    'error',
    'cannot use int as argument (type string) to call Format ',
  ],
  [
    'date("2023-08-14").Add(1)',
    'error',
    'cannot use int as argument (type time.Duration) to call Add ',
  ],
  [
    'date("2023-08-14").Add(1.5)',
    'error',
    'cannot use float64 as argument (type time.Duration) to call Add ',
  ],
  [
    'date("2023-08-14").AddDate(0, 1.5, 1)',
    'error',
    'cannot use float64 as argument (type int) to call AddDate ',
  ],
  [
    'date("2023-08-14").Equal(nil)',
    'error',
    'cannot use nil as argument (type time.Time) to call Equal',
  ],
  // Methods of a duration.
  ['duration("1h30m").Hours()', 'float64', '1.5'],
  ['duration("1h").Hours()', 'float64', '1'],
  ['duration("90s").Minutes()', 'float64', '1.5'],
  ['duration("1500ms").Seconds()', 'float64', '1.5'],
  ['duration("1h").Seconds()', 'float64', '3600'],
  ['duration("1.5s").Milliseconds()', 'int64', '1500'],
  ['duration("-1.5ms").Microseconds()', 'int64', '-1500'],
  ['duration("1.5µs").Nanoseconds()', 'int64', '1500'],
  ['duration("90m").String()', 'string', '1h30m0s'],
  ['duration("1h15m30.918273645s").Round(duration("1m"))', 'time.Duration', '1h16m0s'],
  ['duration("-1h15m30s").Round(duration("1m"))', 'time.Duration', '-1h16m0s'],
  ['duration("1h15m30.918273645s").Truncate(duration("1m"))', 'time.Duration', '1h15m0s'],
  ['duration("1h15m").Truncate(duration("0s"))', 'time.Duration', '1h15m0s'],
  ['duration("-1h30m").Abs()', 'time.Duration', '1h30m0s'],
  [
    'duration("1h").Round(7)',
    'error',
    'cannot use int as argument (type time.Duration) to call Round ',
  ],
  // Operators (the evaluator calls timeBinary).
  ['date("2023-08-15") - date("2023-08-14")', 'time.Duration', '24h0m0s'],
  ['(date("2023-08-15") - date("2023-08-14")).Hours()', 'float64', '24'],
  ['date("2023-08-14") + duration("1h")', 'time.Time', '2023-08-14 01:00:00 +0000 UTC'],
  ['duration("1h") + date("2023-08-14")', 'time.Time', '2023-08-14 01:00:00 +0000 UTC'],
  ['date("2023-08-14") - duration("1h")', 'time.Time', '2023-08-13 23:00:00 +0000 UTC'],
  ['duration("1h") * 2', 'time.Duration', '2h0m0s'],
  ['2 * duration("1h")', 'time.Duration', '2h0m0s'],
  ['duration("1h") * 1.5', 'float64', '5.4e+12'],
  ['duration("1s") * .5', 'float64', '5e+08'],
  ['duration("1h") > duration("1m")', 'bool', 'true'],
  ['date("2023-08-14") == date("2023-08-14T02:00:00+02:00")', 'bool', 'true'],
  ['date("2023-08-14").Month() == date("2023-08-15").Month()', 'bool', 'true'],
  ['timezone("Europe/Paris") == timezone("Europe/Paris")', 'bool', 'true'],
  ['timezone("UTC") == timezone("")', 'bool', 'true'],
  ['timezone("UTC") == timezone("Europe/Paris")', 'bool', 'false'],
];

/** Rows the oracle cannot confirm: Time.Compare came with Go 1.20 (the oracle is built with 1.19; Kargo with 1.26). */
const NEWER_GO: Array<[string, string, string]> = [
  ['date("2023-08-14").Compare(date("2023-08-15"))', 'int', '-1'],
  ['date("2023-08-14").Compare(date("2023-08-14T02:00:00+02:00"))', 'int', '0'],
  ['date("2023-08-15").Compare(date("2023-08-14"))', 'int', '1'],
];

const CONTEXT: CallContext = { column: 1, tick: () => undefined, grow: () => undefined };

/** Evaluates a row's expression: the subset of expr the rows use. */
function evaluate(
  source: string,
  functions: Record<string, ExprFunction> = timeFunctions,
): unknown {
  const tokens = source.match(/"(?:[^"\\]|\\.)*"|\d*\.\d+|\d+|[A-Za-z_]\w*|==|!=|<=|>=|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++]!;
  const expect = (token: string) => {
    if (next() !== token) throw new Error(`test reader: expected ${token} in ${source}`);
  };
  const list = (close: string): unknown[] => {
    const values: unknown[] = [];
    while (peek() !== close) {
      values.push(expression());
      if (peek() === ',') next();
    }
    expect(close);
    return values;
  };
  const primary = (): unknown => {
    const token = next();
    if (token === '(') {
      const value = expression();
      expect(')');
      return value;
    }
    if (token === '[') return list(']');
    if (token.startsWith('"')) return JSON.parse(token) as string;
    if (/^\d/.test(token) || token.startsWith('.'))
      return token.includes('.') ? floatValue(Number(token)) : Number(token);
    if (token === '-' && /^\d/.test(peek() ?? '')) return -Number(next());
    if (token === 'nil') return null;
    expect('(');
    const fn = functions[token];
    if (!fn) throw new Error(`test reader: no function ${token}`);
    return fn(list(')'), CONTEXT);
  };
  const postfix = (): unknown => {
    let value = primary();
    for (;;) {
      if (peek() === '.') {
        next();
        const name = next();
        expect('(');
        if (!(value instanceof MethodHost) || !Object.hasOwn(value.methods, name))
          throw new Error(`test reader: ${goTypeName(value)} has no method ${name}`);
        value = value.methods[name]!(list(')'));
      } else if (peek() === '[') {
        next();
        const index = expression() as number;
        expect(']');
        value = (value as unknown[])[index];
      } else {
        return value;
      }
    }
  };
  /** Operators apply left to right (the rows need no precedence). */
  const expression = (): unknown => {
    let left = postfix();
    for (;;) {
      const operator = peek();
      if (operator === undefined || /^[,)\]]$/.test(operator)) return left;
      next();
      const result = timeBinary(operator, left, postfix());
      if (!result) throw new Error(`test reader: ${operator} needs a time value`);
      left = result.value;
    }
  };
  const value = expression();
  if (i !== tokens.length) throw new Error(`test reader: could not read all of ${source}`);
  return value;
}

/** A value as the oracle shows it: Go type (int64 reads as int here) and %v. */
function shown(value: unknown): [string, string] {
  const float = value instanceof GoFloat ? value.value : value;
  const text =
    typeof float === 'number' && goTypeName(value) === 'float64' ? goFloatV(float) : String(value);
  return [goTypeName(value), text];
}

/** Go's %v of a float64: the shortest digits, with an exponent below 1e-4 and from 1e6 up. */
function goFloatV(n: number): string {
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  const e = Number(exponent);
  if (n === 0 || (e >= -4 && e < 6)) return String(n);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function outcome(source: string, functions?: Record<string, ExprFunction>): [string, string] {
  try {
    return shown(evaluate(source, functions));
  } catch (err) {
    return ['error', (err as Error).message];
  }
}

describe('time functions, methods and operators (expr-lang v1.17.8)', () => {
  it.each([...CASES, ...NEWER_GO])('%s', (source, type, text) => {
    expect(outcome(source)).toEqual([type === 'int64' ? 'int' : type, text]);
  });
});

describe('now()', () => {
  const at = (now: () => bigint | number) => createTimeFunctions({ now });

  it('reads the injected clock, in nanoseconds or milliseconds, in Local', () => {
    const functions = at(() => 1_692_000_000_123_456_789n);
    expect(outcome('now()', functions)).toEqual([
      'time.Time',
      '2023-08-14 08:00:00.123456789 +0000 UTC',
    ]);
    expect(outcome('now().Location()', functions)).toEqual(['*time.Location', 'Local']);
    expect(
      outcome(
        'now().UnixNano()',
        at(() => 1_692_000_000_123.5),
      ),
    ).toEqual(['int', '1692000000123500000']);
  });

  it('takes a location', () => {
    const functions = at(() => 1_692_000_000_000);
    expect(outcome('now(timezone("Asia/Tokyo"))', functions)).toEqual([
      'time.Time',
      '2023-08-14 17:00:00 +0900 JST',
    ]);
    expect(outcome('now(timezone("Asia/Tokyo")).Location()', functions)).toEqual([
      '*time.Location',
      'Asia/Tokyo',
    ]);
  });

  it('works with the operators, as upstream TestTime_duration does', () => {
    const functions = at(() => 1_692_000_000_000);
    expect(outcome('now() - duration("1h") < now()', functions)).toEqual(['bool', 'true']);
    expect(outcome('date("2000-01-01") + duration("24h") < now()', functions)).toEqual([
      'bool',
      'true',
    ]);
  });

  it('reads the system clock by default', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const now = timeFunctions.now!([], CONTEXT) as { ns: bigint };
    expect(now.ns >= before).toBe(true);
  });
});
