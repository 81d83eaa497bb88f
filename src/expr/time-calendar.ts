import type { GoLocation } from './time-zone.js';

/**
 * The calendar arithmetic of Go's time package, on instants held as nanoseconds since the
 * Unix epoch (a bigint: Go's time.Time has nanosecond precision over a range far wider than
 * a double's). The proleptic Gregorian calendar, as Go uses, with year 0 before year 1.
 */
export interface Instant {
  readonly ns: bigint;
  readonly location: GoLocation;
}

/** An instant as read on a clock in its location. */
export interface CivilTime {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 1–366. */
  yearDay: number;
  /** Days since 1970-01-01 of the local date. */
  days: number;
  zoneName: string;
  /** Seconds east of UTC. */
  offset: number;
}

export const NANOS_PER_SECOND = 1_000_000_000n;
/** Seconds from Go's zero time, January 1, year 1, 00:00:00 UTC, to the Unix epoch. */
export const SECONDS_FROM_YEAR_ONE = 62_135_596_800n;

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && a < 0n) !== b < 0n ? q - 1n : q;
}

export function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

/** Whole seconds (floored) and the nanoseconds within them. */
export function splitSeconds(ns: bigint): { seconds: bigint; nanos: number } {
  const seconds = floorDiv(ns, NANOS_PER_SECOND);
  return { seconds, nanos: Number(ns - seconds * NANOS_PER_SECOND) };
}

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysIn(month: number, year: number): number {
  if (month === 2 && isLeap(year)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

/** Days from 1970-01-01 to the given date (month 1–12, day 1–31). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The date `days` after 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Reads an instant on the clock of its location. */
export function civilOf(instant: Instant): CivilTime {
  const { seconds, nanos } = splitSeconds(instant.ns);
  const unixSeconds = Number(seconds);
  const zone = instant.location.lookup(unixSeconds);
  const local = unixSeconds + zone.offset;
  const days = Math.floor(local / 86_400);
  const secondOfDay = local - days * 86_400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
    nanosecond: nanos,
    weekday: (((days + 4) % 7) + 7) % 7,
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
    days,
    zoneName: zone.name,
    offset: zone.offset,
  };
}

/**
 * Go's time.Date: the instant at a wall-clock time in a location. Fields out of their range
 * carry over (October 32 is November 1, minute -1 the last minute of the hour before): a
 * month beyond 1–12 moves the year, and the rest, all fixed multiples of a second or of a day
 * past the first of the month, simply add up. In a transition that skips or repeats wall
 * times, the offset is chosen as Go chooses it: the offset in effect at the wall time read as
 * UTC gives a first guess of the instant, and the offset in effect at that guess is used.
 */
export function dateInLocation(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanosecond: number,
  location: GoLocation,
): bigint {
  const yearsCarried = Math.floor((month - 1) / 12);
  const firstOfMonth = daysFromCivil(year + yearsCarried, month - yearsCarried * 12, 1);
  const wallSeconds =
    BigInt(firstOfMonth + day - 1) * 86_400n +
    BigInt(hour) * 3600n +
    BigInt(minute) * 60n +
    BigInt(second);
  const wall = wallSeconds * NANOS_PER_SECOND + BigInt(nanosecond);
  const wallUnix = Number(floorDiv(wall, NANOS_PER_SECOND));
  const guess = location.lookup(wallUnix).offset;
  const offset = guess === 0 ? 0 : location.lookup(wallUnix - guess).offset;
  return wall - BigInt(offset) * NANOS_PER_SECOND;
}
