/**
 * IANA time zones through Intl, for evaluating schedules on a zone's wall clock.
 *
 * A "wall time" is a local date and time encoded as if it were UTC milliseconds
 * (`Date.UTC(year, month - 1, day, hour, minute)`), so calendar arithmetic on it is plain
 * arithmetic: every wall day is exactly 24 hours long, whatever the zone does.
 *
 * Offsets come from Intl (the ICU time zone data Node ships). The helpers assume that a
 * zone changes its offset at most once in any four days, as every zone in current use does.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SECOND = 1_000;
/** Offsets lie within -12h..+14h; sampling this far either side brackets any instant. */
const BRACKET = 26 * HOUR;
/** Memoised offsets kept per TimeZone before the memo is emptied (bounds memory). */
const MEMO_LIMIT = 50_000;

/** Whether `name` is a time zone Intl knows (`UTC`, `Europe/Berlin`, …). */
export function isTimeZone(name: string): boolean {
  if (name === '') return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export interface TimeZone {
  readonly name: string;
  /** The zone's offset from UTC at `instant` (epoch ms), in ms; +3_600_000 for UTC+1. */
  offsetAt(instant: number): number;
  /** The wall time (see the module comment) shown by the zone's clocks at `instant`. */
  toWall(instant: number): number;
  /**
   * The instants at which the zone's clocks show `wall`, ascending: one, or two when the
   * clocks fall back and show it twice. A wall time the clocks skip (spring forward) maps to
   * the moment of the jump.
   */
  instantsOf(wall: number): number[];
  /**
   * The first of instantsOf(wall). The mapping never decreases as `wall` grows, which lets
   * schedules scan wall times in order.
   */
  toInstant(wall: number): number;
  /** Whether the offset is the same throughout [from - 26h, to + 26h] (instants or walls). */
  steadyAround(from: number, to: number): boolean;
}

/**
 * A zone's clock. Throws a RangeError for an unknown zone (check with isTimeZone first).
 * Offsets are memoised per object, so create one per evaluation and reuse it for its loops.
 */
export function createTimeZone(name: string): TimeZone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const memo = new Map<number, number>();

  /** The offset at a whole second, straight from Intl. */
  const exact = (second: number): number => {
    const known = memo.get(second);
    if (known !== undefined) return known;
    const fields: Record<string, number> = {};
    for (const part of format.formatToParts(second)) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const shown = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(second, shown - second);
    return shown - second;
  };

  const offsetAt = (instant: number): number => {
    // Most calls fall in an hour without a transition: both ends agree and the hour's two
    // memoised samples answer. Only the hour of a transition asks Intl for the exact second.
    const hour = Math.floor(instant / HOUR) * HOUR;
    const start = exact(hour);
    if (start === exact(hour + HOUR)) return start;
    return exact(Math.floor(instant / SECOND) * SECOND);
  };

  const instantsOf = (wall: number): number[] => {
    const hour = Math.floor(wall / HOUR) * HOUR;
    const before = offsetAt(hour - BRACKET);
    const after = offsetAt(hour + BRACKET);
    if (before === after) return [wall - before];
    const valid = [wall - before, wall - after].filter(
      (instant) => offsetAt(instant) === wall - instant,
    );
    if (valid.length > 0) return valid.sort((a, b) => a - b);
    // Skipped by the clocks: find the first second showing the new offset.
    let lo = wall - after;
    let hi = wall - before;
    while (hi - lo > SECOND) {
      const mid = lo + Math.floor((hi - lo) / (2 * SECOND)) * SECOND;
      if (offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return [hi];
  };

  return {
    name,
    offsetAt,
    toWall: (instant) => instant + offsetAt(instant),
    instantsOf,
    toInstant: (wall) => {
      const hour = Math.floor(wall / HOUR) * HOUR;
      const before = offsetAt(hour - BRACKET);
      return before === offsetAt(hour + BRACKET) ? wall - before : instantsOf(wall)[0]!;
    },
    steadyAround: (from, to) =>
      offsetAt(Math.floor(from / HOUR) * HOUR - BRACKET) ===
      offsetAt(Math.floor(to / HOUR) * HOUR + HOUR + BRACKET),
  };
}
