import { GoLocation } from './time-zone.js';
import { GoDuration, GoMonth, GoTime, GoWeekday, goTypeName } from './time-values.js';
import { floatValue, isFloat, isInt, numberOf } from './values.js';

/**
 * expr-lang's operators on times and durations, as its runtime (vm/runtime/helpers) applies
 * them to values whose types it learns only when running:
 *
 * - time - time = duration, time ± duration = time, duration + time = time,
 *   duration ± duration = duration;
 * - duration * duration and duration * int (either side) = duration (int64, wrapping);
 *   duration * float (either side) = float64;
 * - < > <= >= between two times (by instant) or two durations;
 * - == and != between two times (same instant, whatever the location), durations, months,
 *   weekdays or locations; a time or duration is never equal to anything else;
 * - / % ** ^ .. with a time or duration are errors, as is any other mix.
 *
 * Errors carry the runtime's message (`invalid operation: time.Time + int`). expr's type
 * checker refuses most of these mixes before running when it can see both types (with
 * `invalid operation: + (mismatched types time.Time and int)`), which it can whenever both
 * sides are calls like date() or duration().
 */
export function timeBinary(
  operator: string,
  left: unknown,
  right: unknown,
): { value: unknown } | undefined {
  if (!isTimeValue(left) && !isTimeValue(right)) return undefined;
  switch (operator) {
    case '==':
      return { value: timeValuesEqual(left, right) };
    case '!=':
      return { value: !timeValuesEqual(left, right) };
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const order = compare(left, right);
      if (order === undefined) throw mismatch(left, operator, right);
      return { value: holds(operator, order) };
    }
    case '+':
      if (left instanceof GoTime && right instanceof GoDuration) return { value: left.add(right) };
      if (left instanceof GoDuration && right instanceof GoTime) return { value: right.add(left) };
      if (left instanceof GoDuration && right instanceof GoDuration)
        return { value: new GoDuration(left.ns + right.ns) };
      throw mismatch(left, operator, right);
    case '-':
      if (left instanceof GoTime && right instanceof GoTime) return { value: left.sub(right) };
      if (left instanceof GoTime && right instanceof GoDuration)
        return { value: left.add(new GoDuration(-right.ns)) };
      if (left instanceof GoDuration && right instanceof GoDuration)
        return { value: new GoDuration(left.ns - right.ns) };
      throw mismatch(left, operator, right);
    case '*':
      return { value: multiply(left, right) };
    case '/':
    case '%':
      throw mismatch(left, operator, right);
    case '**':
    case '^':
      // The runtime converts both sides to float64 first.
      throw new Error(`invalid operation: float(${goTypeName(isTimeValue(left) ? left : right)})`);
    case '..':
      throw new Error(`invalid operation: int(${goTypeName(isTimeValue(left) ? left : right)})`);
  }
  return undefined;
}

/**
 * expr-lang's unary `-` and `+` on a time or duration: `-` is an error (the runtime negates
 * only numbers), `+` leaves the value as it is. Undefined for other values and operators.
 */
export function timeUnary(operator: string, value: unknown): { value: unknown } | undefined {
  if (!isTimeValue(value)) return undefined;
  if (operator === '-') throw new Error(`invalid operation: - ${goTypeName(value)}`);
  if (operator === '+') return { value };
  return undefined;
}

/** The Go time values: Time, Duration, Month, Weekday, *Location. */
export function isTimeValue(
  value: unknown,
): value is GoTime | GoDuration | GoMonth | GoWeekday | GoLocation {
  return (
    value instanceof GoTime ||
    value instanceof GoDuration ||
    value instanceof GoMonth ||
    value instanceof GoWeekday ||
    value instanceof GoLocation
  );
}

/** expr's runtime.Equal for time values: Time.Equal for times, same value for the rest. */
export function timeValuesEqual(left: unknown, right: unknown): boolean {
  if (left instanceof GoTime && right instanceof GoTime) return left.ns === right.ns;
  if (left instanceof GoDuration && right instanceof GoDuration) return left.ns === right.ns;
  if (left instanceof GoMonth && right instanceof GoMonth) return left.value === right.value;
  if (left instanceof GoWeekday && right instanceof GoWeekday) return left.value === right.value;
  if (left instanceof GoLocation && right instanceof GoLocation) return left.sameAs(right);
  return false;
}

function compare(left: unknown, right: unknown): number | undefined {
  if (left instanceof GoTime && right instanceof GoTime) return sign(left.ns - right.ns);
  if (left instanceof GoDuration && right instanceof GoDuration) return sign(left.ns - right.ns);
  return undefined;
}

function sign(n: bigint): number {
  return n < 0n ? -1 : n > 0n ? 1 : 0;
}

function holds(operator: string, order: number): boolean {
  switch (operator) {
    case '<':
      return order < 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    default:
      return order >= 0;
  }
}

function multiply(left: unknown, right: unknown): unknown {
  const duration = left instanceof GoDuration ? left : right instanceof GoDuration ? right : null;
  if (duration) {
    const other = duration === left ? right : left;
    if (other instanceof GoDuration) return new GoDuration(duration.ns * other.ns);
    if (isInt(other)) return new GoDuration(duration.ns * BigInt(other));
    // A float on either side makes the product a float64 of nanoseconds.
    if (isFloat(other)) return floatValue(Number(duration.ns) * numberOf(other));
  }
  throw mismatch(left, '*', right);
}

function mismatch(left: unknown, operator: string, right: unknown): Error {
  return new Error(`invalid operation: ${goTypeName(left)} ${operator} ${goTypeName(right)}`);
}
