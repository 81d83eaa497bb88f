import { describe, expect, it } from 'vitest';
import type { CallContext } from './evaluator.js';
import { timeFunctions } from './functions/time-functions.js';
import { isTimeValue, timeBinary, timeUnary } from './time-arithmetic.js';
import { goTypeName } from './time-values.js';
import { floatValue, GoFloat, MethodHost } from './values.js';

/*
 * expr-lang's runtime operators on times and durations. Each row is checked with the oracle
 * (tools/expr-oracle) as `let l = {"v": LEFT, "n": 1}.v; let r = {"v": RIGHT, "n": 1}.v;
 * l OP r`: read from a map, the operands' types are unknown to expr's type checker, so the
 * runtime decides, as timeBinary does.
 */

const CONTEXT: CallContext = { column: 1, tick: () => undefined, grow: () => undefined };
const call = (name: string, ...args: unknown[]) => timeFunctions[name]!(args, CONTEXT);
const method = (value: unknown, name: string) => (value as MethodHost).methods[name]!([]);

/** The operands: [expression, value]. */
const OPERANDS: Record<string, [string, () => unknown]> = {
  t: ['date("2023-08-14")', () => call('date', '2023-08-14')],
  u: ['date("2023-08-15T01:30:00+02:00")', () => call('date', '2023-08-15T01:30:00+02:00')],
  tZurich: [
    'date("2023-08-14 02:00:00", "2006-01-02 15:04:05", "Europe/Zurich")',
    () => call('date', '2023-08-14 02:00:00', '2006-01-02 15:04:05', 'Europe/Zurich'),
  ],
  d: ['duration("1h30m")', () => call('duration', '1h30m')],
  e: ['duration("-45m")', () => call('duration', '-45m')],
  big: ['duration("2000000h")', () => call('duration', '2000000h')],
  month: ['date("2023-08-14").Month()', () => method(call('date', '2023-08-14'), 'Month')],
  weekday: ['date("2023-08-14").Weekday()', () => method(call('date', '2023-08-14'), 'Weekday')],
  paris: ['timezone("Europe/Paris")', () => call('timezone', 'Europe/Paris')],
  utc: ['timezone("UTC")', () => call('timezone', 'UTC')],
  two: ['2', () => 2],
  eight: ['8', () => 8],
  half: ['1.5', () => 1.5],
  twoFloat: ['2.0', () => floatValue(2)],
  text: ['"x"', () => 'x'],
  nil: ['nil', () => null],
};

/** [left, operator, right, Go type or 'error', %v or the message] */
const CASES: Array<[string, string, string, string, string]> = [
  ['u', '-', 't', 'time.Duration', '23h30m0s'],
  ['t', '-', 'u', 'time.Duration', '-23h30m0s'],
  ['t', '+', 'd', 'time.Time', '2023-08-14 01:30:00 +0000 UTC'],
  ['d', '+', 't', 'time.Time', '2023-08-14 01:30:00 +0000 UTC'],
  ['tZurich', '+', 'd', 'time.Time', '2023-08-14 03:30:00 +0200 CEST'],
  ['t', '-', 'd', 'time.Time', '2023-08-13 22:30:00 +0000 UTC'],
  ['d', '+', 'e', 'time.Duration', '45m0s'],
  ['d', '-', 'e', 'time.Duration', '2h15m0s'],
  ['d', '*', 'two', 'time.Duration', '3h0m0s'],
  ['two', '*', 'd', 'time.Duration', '3h0m0s'],
  ['d', '*', 'e', 'time.Duration', '-1966330h20m23.465091072s'],
  ['big', '*', 'big', 'time.Duration', '-269949h20m45.860978688s'],
  ['d', '*', 'half', 'float64', '8.1e+12'],
  ['half', '*', 'd', 'float64', '8.1e+12'],
  ['d', '*', 'twoFloat', 'float64', '1.08e+13'],
  ['t', '<', 'u', 'bool', 'true'],
  ['t', '>', 'u', 'bool', 'false'],
  ['t', '<=', 'tZurich', 'bool', 'true'],
  ['t', '>=', 'tZurich', 'bool', 'true'],
  ['d', '<', 'e', 'bool', 'false'],
  ['d', '>', 'e', 'bool', 'true'],
  ['e', '<=', 'e', 'bool', 'true'],
  ['t', '==', 'tZurich', 'bool', 'true'],
  ['t', '!=', 'u', 'bool', 'true'],
  ['d', '==', 'd', 'bool', 'true'],
  ['d', '==', 'two', 'bool', 'false'],
  ['t', '==', 'nil', 'bool', 'false'],
  ['t', '!=', 'nil', 'bool', 'true'],
  ['nil', '==', 'd', 'bool', 'false'],
  ['t', '==', 'two', 'bool', 'false'],
  ['t', '==', 'd', 'bool', 'false'],
  ['month', '==', 'month', 'bool', 'true'],
  ['month', '==', 'eight', 'bool', 'false'],
  ['weekday', '==', 'weekday', 'bool', 'true'],
  ['paris', '==', 'paris', 'bool', 'true'],
  ['paris', '==', 'utc', 'bool', 'false'],
  ['t', '+', 'two', 'error', 'invalid operation: time.Time + int'],
  ['t', '+', 't', 'error', 'invalid operation: time.Time + time.Time'],
  ['text', '+', 't', 'error', 'invalid operation: string + time.Time'],
  ['d', '+', 'two', 'error', 'invalid operation: time.Duration + int'],
  ['d', '-', 'two', 'error', 'invalid operation: time.Duration - int'],
  ['two', '-', 't', 'error', 'invalid operation: int - time.Time'],
  ['d', '-', 't', 'error', 'invalid operation: time.Duration - time.Time'],
  ['t', '*', 'two', 'error', 'invalid operation: time.Time * int'],
  ['d', '*', 'text', 'error', 'invalid operation: time.Duration * string'],
  ['d', '/', 'two', 'error', 'invalid operation: time.Duration / int'],
  ['d', '/', 'd', 'error', 'invalid operation: time.Duration / time.Duration'],
  ['t', '/', 'two', 'error', 'invalid operation: time.Time / int'],
  ['d', '%', 'two', 'error', 'invalid operation: time.Duration % int'],
  ['d', '>', 'two', 'error', 'invalid operation: time.Duration > int'],
  ['two', '<', 'd', 'error', 'invalid operation: int < time.Duration'],
  ['t', '<', 'text', 'error', 'invalid operation: time.Time < string'],
  ['t', '<', 'd', 'error', 'invalid operation: time.Time < time.Duration'],
  ['month', '<', 'month', 'error', 'invalid operation: time.Month < time.Month'],
  ['month', '+', 'two', 'error', 'invalid operation: time.Month + int'],
  ['d', '**', 'two', 'error', 'invalid operation: float(time.Duration)'],
  ['two', '^', 'd', 'error', 'invalid operation: float(time.Duration)'],
  ['d', '..', 'two', 'error', 'invalid operation: int(time.Duration)'],
];

function outcome(run: () => unknown): [string, string] {
  try {
    const value = run();
    const float = value instanceof GoFloat ? value.value : value;
    return [
      goTypeName(value),
      typeof float === 'number' && goTypeName(value) === 'float64'
        ? goFloatV(float)
        : String(value),
    ];
  } catch (err) {
    return ['error', (err as Error).message];
  }
}

/** Go's %v of a float64: the shortest digits, with an exponent below 1e-4 and from 1e6 up. */
function goFloatV(n: number): string {
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  const e = Number(exponent);
  if (n === 0 || (e >= -4 && e < 6)) return String(n);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

describe('timeBinary (expr-lang runtime operators on times and durations)', () => {
  it.each(CASES)('%s %s %s', (left, operator, right, type, text) => {
    const l = OPERANDS[left]![1]();
    const r = OPERANDS[right]![1]();
    expect(outcome(() => timeBinary(operator, l, r)!.value)).toEqual([type, text]);
  });

  it('leaves other values and operators to the evaluator', () => {
    expect(timeBinary('+', 1, 2)).toBeUndefined();
    expect(timeBinary('==', 'a', null)).toBeUndefined();
    const t = OPERANDS.t![1]();
    expect(timeBinary('in', t, [t])).toBeUndefined();
    expect(timeBinary('??', null, t)).toBeUndefined();
  });
});

describe('timeUnary', () => {
  it('refuses to negate a duration and lets + through', () => {
    const d = OPERANDS.d![1]();
    expect(() => timeUnary('-', d)).toThrow('invalid operation: - time.Duration');
    expect(timeUnary('+', d)).toEqual({ value: d });
    expect(timeUnary('-', 1)).toBeUndefined();
  });
});

describe('isTimeValue', () => {
  it('knows the Go time values', () => {
    for (const name of ['t', 'd', 'month', 'weekday', 'paris'])
      expect(isTimeValue(OPERANDS[name]![1]())).toBe(true);
    for (const name of ['two', 'half', 'text', 'nil'])
      expect(isTimeValue(OPERANDS[name]![1]())).toBe(false);
  });
});
