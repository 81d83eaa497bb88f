import { createTimeZone, type TimeZone } from './time-zone.js';

/**
 * Five-field cron schedules (`minute hour day-of-month month day-of-week`), evaluated on a
 * time zone's wall clock.
 *
 * Syntax, as in Vixie cron and Go's robfig/cron (which Kubernetes CronJobs use):
 * - each field is a comma-separated list of `*`, `N`, `N-M`, each optionally `/step`;
 *   `N/step` means `N-max/step`; `?` is `*` in the two day fields;
 * - months may be written JAN–DEC and weekdays SUN–SAT (any case); weekday 7 is Sunday;
 * - `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and `@hourly`.
 * When both day fields are restricted (neither is `*` or `?`), a day matches if either
 * matches; otherwise both must (a `*` field matches every day anyway).
 *
 * Daylight saving time: a wall time the clocks skip fires at the moment of the jump (so
 * `30 2 * * *` still runs once on the spring-forward day). When the clocks fall back and show
 * an hour twice, a schedule whose minute or hour field starts with `*` fires in both (it
 * recurs through the day, so `0 * * * *` keeps its hourly rhythm through the night and
 * `* 0-22 * * *` leaves no hole), while one naming its minutes and hours (`30 2 * * *`) fires
 * once, the first time: Vixie cron's rule for wildcard and fixed-time jobs.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How far next/previous search when not told: a year, leap day included. */
const DEFAULT_SEARCH = 366 * DAY;
/** Wall days near offset changes whose firings a schedule keeps listed (a few per change). */
const UNSTEADY_DAYS_KEPT = 16;

export interface CronSchedule {
  /** The text it was parsed from. */
  readonly source: string;
  /**
   * The first occurrence strictly after `after`, or undefined when there is none up to
   * `until` (default: 366 days after `after`).
   */
  next(after: Date, timeZone: string | TimeZone, until?: Date): Date | undefined;
  /**
   * The last occurrence at or before `atOrBefore`, or undefined when there is none back to
   * `notBefore` (default: 366 days before `atOrBefore`).
   */
  previous(atOrBefore: Date, timeZone: string | TimeZone, notBefore?: Date): Date | undefined;
  /**
   * When each occurrence o opens an interval [o, o + duration): undefined when no interval
   * holds `at`; otherwise the latest occurrence holding it (`start`) and the end of the
   * unbroken stretch of intervals around it (`end`), undefined when the stretch lasts past
   * `until` (default: 366 days after `at`).
   */
  cover(
    at: Date,
    duration: number,
    timeZone: string | TimeZone,
    until?: Date,
  ): { start: Date; end: Date | undefined } | undefined;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Whether `?` is accepted as `*`. */
  question?: boolean;
  /** Where `*` and `N/step` end when not at max (weekdays: 6, as 7 repeats Sunday). */
  top?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MINUTE_FIELD: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR_FIELD: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DOM_FIELD: FieldSpec = { name: 'day-of-month', min: 1, max: 31, question: true };
const MONTH_FIELD: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS };
const DOW_FIELD: FieldSpec = {
  name: 'day-of-week',
  min: 0,
  max: 7,
  names: WEEKDAYS,
  question: true,
  top: 6,
};

const SHORTCUTS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Days in each month of a leap year: a day-of-month no selected month has never occurs. */
const LONGEST_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface Field {
  /** Whether value v is selected, indexed by v. */
  has: boolean[];
  /** The selected values, ascending. */
  values: number[];
  /** Written as `*` or `?`. */
  wildcard: boolean;
}

/**
 * Parses a schedule. Throws an Error whose message names the field and the bad part, e.g.
 * `minute field "61" is out of range 0-59`; callers report it against their own field.
 */
export function parseCron(text: string): CronSchedule {
  const trimmed = text.trim();
  if (trimmed === '')
    throw new Error('empty schedule: use five fields or a shortcut such as @daily');
  let expanded = trimmed;
  if (trimmed.startsWith('@')) {
    const shortcut = SHORTCUTS[trimmed.toLowerCase()];
    if (shortcut === undefined) {
      throw new Error(
        `unknown shortcut "${trimmed}": use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly`,
      );
    }
    expanded = shortcut;
  }
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(
      `expected 5 fields (minute hour day-of-month month day-of-week) or a shortcut such as @daily, got ${parts.length}`,
    );
  }
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  const minutes = parseField(minute, MINUTE_FIELD);
  const hours = parseField(hour, HOUR_FIELD);
  const days = parseField(dom, DOM_FIELD);
  const months = parseField(month, MONTH_FIELD);
  const weekdays = parseField(dow, DOW_FIELD);
  if (weekdays.has[7]) weekdays.has[0] = true;
  if (weekdays.wildcard && !days.wildcard) {
    // Only the day of the month decides, so it must fit in some selected month.
    const longest = Math.max(...months.values.map((m) => LONGEST_MONTH[m - 1] ?? 31));
    if ((days.values[0] ?? 1) > longest) {
      throw new Error(`day-of-month field "${dom}" never occurs in month field "${month}"`);
    }
  }
  // Vixie cron's wildcard jobs: they also fire in an hour the clocks repeat.
  const recurring = minute.startsWith('*') || hour.startsWith('*');
  return new Schedule(trimmed, { minutes, hours, days, months, weekdays }, recurring);
}

function parseField(text: string, spec: FieldSpec): Field {
  const has = new Array<boolean>(spec.max + 1).fill(false);
  const wildcard = text === '*' || (spec.question === true && text === '?');
  for (const item of text.split(',')) {
    if (item === '') throw new Error(`${spec.name} field "${text}" has an empty list entry`);
    const [range = '', step, ...extra] = item.split('/');
    if (extra.length > 0) throw new Error(`${spec.name} field "${item}" has more than one /`);
    let every = 1;
    if (step !== undefined) {
      if (!/^\d+$/.test(step) || Number(step) === 0) {
        throw new Error(`${spec.name} field "${item}": the step must be a positive whole number`);
      }
      every = Number(step);
    }
    let low: number;
    let high: number;
    if (range === '*' || (spec.question === true && range === '?')) {
      low = spec.min;
      high = spec.top ?? spec.max;
    } else {
      const [first = '', last, ...more] = range.split('-');
      if (more.length > 0) throw new Error(`${spec.name} field "${item}" has more than one -`);
      low = parseValue(first, spec);
      high =
        last === undefined
          ? step === undefined
            ? low
            : (spec.top ?? spec.max)
          : parseValue(last, spec);
      if (high < low) {
        throw new Error(`${spec.name} field "${item}": the range ends before it starts`);
      }
    }
    for (let v = low; v <= high; v += every) has[v] = true;
  }
  const values: number[] = [];
  has.forEach((selected, value) => {
    if (selected) values.push(value);
  });
  return { has, values, wildcard };
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  if (!/^\d+$/.test(text)) {
    const names = spec.names ? ` or a name (${spec.names[0]}-${spec.names.at(-1)})` : '';
    throw new Error(`${spec.name} field "${text}" is not a number${names}`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new Error(`${spec.name} field "${text}" is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}

class Schedule implements CronSchedule {
  readonly #days: Field;
  readonly #months: Field;
  readonly #weekdays: Field;
  readonly #hours: number[];
  readonly #hoursDown: number[];
  readonly #minutes: number[];
  readonly #minutesDown: number[];
  /** Whether the minute or hour field starts with `*`, so it fires in a repeated hour too. */
  readonly #recurring: boolean;
  /** The times of day (ms after midnight) it fires at on a day it fires at all, ascending. */
  readonly #times: number[];
  /** The longest wait between two firings of one day. */
  readonly #longestWait: number;
  /** Firings on wall days near an offset change, which take many Intl look-ups to list. */
  readonly #unsteadyDays = new Map<string, number[]>();

  constructor(
    readonly source: string,
    fields: { minutes: Field; hours: Field; days: Field; months: Field; weekdays: Field },
    recurring: boolean,
  ) {
    this.#days = fields.days;
    this.#months = fields.months;
    this.#weekdays = fields.weekdays;
    this.#hours = fields.hours.values;
    this.#hoursDown = fields.hours.values.toReversed();
    this.#minutes = fields.minutes.values;
    this.#minutesDown = fields.minutes.values.toReversed();
    this.#recurring = recurring;
    this.#times = this.#hours.flatMap((h) => this.#minutes.map((m) => h * HOUR + m * MINUTE));
    let longest = 0;
    for (let i = 1; i < this.#times.length; i++) {
      longest = Math.max(longest, this.#times[i]! - this.#times[i - 1]!);
    }
    this.#longestWait = longest;
  }

  next(after: Date, timeZone: string | TimeZone, until?: Date): Date | undefined {
    const zone = typeof timeZone === 'string' ? createTimeZone(timeZone) : timeZone;
    const from = after.getTime();
    const limit = until?.getTime() ?? from + DEFAULT_SEARCH;
    // Wall times before after's own map to instants at or before it (TimeZone.toInstant
    // never decreases), so the scan starts at after's wall minute.
    const start = Math.floor(zone.toWall(from) / MINUTE) * MINUTE;
    const lastDay = startOfDay(zone.toWall(limit)) + DAY;
    for (let day = startOfDay(start); day <= lastDay; day += DAY) {
      if (!this.#matchesDay(day)) continue;
      if (!zone.steadyAround(day, day + DAY)) {
        const found = this.#unsteadyFirings(day, zone).find((instant) => instant > from);
        if (found === undefined) continue;
        return found > limit ? undefined : new Date(found);
      }
      for (const hour of this.#hours) {
        if (day + (hour + 1) * HOUR <= start) continue;
        for (const minute of this.#minutes) {
          const wall = day + hour * HOUR + minute * MINUTE;
          if (wall < start) continue;
          const instant = zone.toInstant(wall);
          if (instant > limit) return undefined;
          if (instant > from) return new Date(instant);
        }
      }
    }
    return undefined;
  }

  previous(atOrBefore: Date, timeZone: string | TimeZone, notBefore?: Date): Date | undefined {
    const zone = typeof timeZone === 'string' ? createTimeZone(timeZone) : timeZone;
    const to = atOrBefore.getTime();
    const limit = notBefore?.getTime() ?? to - DEFAULT_SEARCH;
    const start = Math.floor(zone.toWall(to) / MINUTE) * MINUTE;
    const firstDay = startOfDay(zone.toWall(limit)) - DAY;
    for (let day = startOfDay(start); day >= firstDay; day -= DAY) {
      if (!this.#matchesDay(day)) continue;
      if (!zone.steadyAround(day, day + DAY)) {
        const found = this.#unsteadyFirings(day, zone).findLast((instant) => instant <= to);
        if (found === undefined) continue;
        return found < limit ? undefined : new Date(found);
      }
      for (const hour of this.#hoursDown) {
        if (day + hour * HOUR > start) continue;
        for (const minute of this.#minutesDown) {
          const wall = day + hour * HOUR + minute * MINUTE;
          if (wall > start) continue;
          const instant = zone.toInstant(wall);
          return instant < limit ? undefined : new Date(instant);
        }
      }
    }
    return undefined;
  }

  cover(
    at: Date,
    duration: number,
    timeZone: string | TimeZone,
    until?: Date,
  ): { start: Date; end: Date | undefined } | undefined {
    const zone = typeof timeZone === 'string' ? createTimeZone(timeZone) : timeZone;
    const from = at.getTime();
    const limit = until?.getTime() ?? from + DEFAULT_SEARCH;
    const start = this.previous(at, zone, new Date(from - duration + 1));
    if (start === undefined) return undefined;
    // Merge the intervals of later firings, day by day, until one starts after the end.
    let end = start.getTime() + duration;
    for (let day = startOfDay(zone.toWall(start.getTime())); end <= limit; day += DAY) {
      // Firings on later wall days all come after the end: the stretch is over.
      if (day > zone.toWall(end) + DAY) return { start, end: new Date(end) };
      if (!this.#matchesDay(day)) continue;
      if (zone.steadyAround(day, day + DAY)) {
        const offset = zone.offsetAt(day);
        const first = day + this.#times[0]! - offset;
        if (first > end) return { start, end: new Date(end) };
        if (this.#longestWait <= duration) {
          // No wait within the day is longer than an interval: the day is one stretch.
          end = Math.max(end, day + this.#times.at(-1)! - offset + duration);
          continue;
        }
        for (const time of this.#times) {
          const instant = day + time - offset;
          if (instant > end) return { start, end: new Date(end) };
          end = Math.max(end, instant + duration);
        }
      } else {
        for (const instant of this.#unsteadyFirings(day, zone)) {
          if (instant > end) return { start, end: new Date(end) };
          end = Math.max(end, instant + duration);
        }
      }
    }
    return { start, end: undefined };
  }

  /**
   * Every firing on a wall day near an offset change, ascending. A wall time shown twice
   * yields both instants when the schedule is recurring (see the module comment), else only the
   * first.
   */
  #unsteadyFirings(day: number, zone: TimeZone): number[] {
    const key = `${zone.name} ${day}`;
    const known = this.#unsteadyDays.get(key);
    if (known) return known;
    const instants: number[] = [];
    for (const time of this.#times) {
      const all = zone.instantsOf(day + time);
      instants.push(...(this.#recurring ? all : all.slice(0, 1)));
    }
    instants.sort((a, b) => a - b);
    if (this.#unsteadyDays.size >= UNSTEADY_DAYS_KEPT) this.#unsteadyDays.clear();
    this.#unsteadyDays.set(key, instants);
    return instants;
  }

  #matchesDay(day: number): boolean {
    const date = new Date(day);
    if (!this.#months.has[date.getUTCMonth() + 1]) return false;
    const dom = this.#days.has[date.getUTCDate()] === true;
    const dow = this.#weekdays.has[date.getUTCDay()] === true;
    if (this.#days.wildcard || this.#weekdays.wildcard) return dom && dow;
    return dom || dow;
  }
}

function startOfDay(wall: number): number {
  return Math.floor(wall / DAY) * DAY;
}
