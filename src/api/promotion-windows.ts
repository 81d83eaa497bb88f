import { parseCron, type CronSchedule } from './cron-schedule.js';
import { parseDuration } from './duration.js';
import type { PromotionWindow } from './project-config.js';
import { matchesStageSelector, type SelectableStage } from './stage-selector.js';
import { createTimeZone, type TimeZone } from './time-zone.js';
import { formatTimestamp } from './timestamp.js';

/**
 * Promotion windows (ProjectConfig `spec.promotionWindows`): when Promotions to a Stage may
 * run. Each window is a cron `schedule`, a `duration` and a `timeZone`, as in Argo CD's sync
 * windows. (Kargo Enterprise has a field of the same name whose windows are iCal
 * `rrule`/`dtstart`/`dtend`; its Allow/Deny rules are the ones below.)
 *
 * - A window is open at time t when some occurrence o of its schedule, read on the wall
 *   clock of its time zone (DST rules in cron-schedule.ts), satisfies o ≤ t < o + duration.
 *   The duration is elapsed time: a window spanning a clock change lasts as long as written.
 *   Occurrences may overlap (a duration longer than the schedule's interval); the window is
 *   then open throughout.
 * - A window applies to the Stages its `stageSelector` matches (every Stage without one).
 * - For a Stage: if an applicable Deny window is open, the Stage is closed ("deny window "X"
 *   is open until T", naming the open Deny window that stays open longest); otherwise, if
 *   there are applicable Allow windows and none is open, it is closed ("outside allow
 *   windows; next opens at T (window "X")", naming the Allow window opening first, which a
 *   Deny window may still keep shut); otherwise it is open. A Stage no window applies to is
 *   always open.
 * - `nextOpen`/`nextClose` are when the Stage's state next changes, every applicable window
 *   considered. A closed Stage gets both (nextClose ends the open period that starts at
 *   nextOpen); an open one gets nextClose. The search looks 366 days ahead with a bounded
 *   amount of work; a time not found within it is omitted. Times are RFC 3339 in UTC.
 */

const DAY = 86_400_000;
const HORIZON = 366 * DAY;
/** Schedule look-ups one question may make (most scan a few days of wall time at most). */
const MAX_LOOKUPS = 10_000;

export interface WindowStatus {
  /** Whether a Promotion to the Stage may run now. */
  open: boolean;
  /** Why the Stage is closed, naming the window; absent when open. */
  reason?: string;
  /** When the Stage next opens; only when closed and found within the search. */
  nextOpen?: string;
  /** When the Stage next closes (when closed: the end of the period starting at nextOpen). */
  nextClose?: string;
  /**
   * The window deciding the state: the open Deny window named in `reason`, the Allow window
   * opening next, or, when open, the open Allow window staying open longest.
   */
  window?: string;
}

interface CompiledWindow {
  name: string;
  kind: 'Allow' | 'Deny';
  schedule: CronSchedule;
  duration: number;
  zone: TimeZone;
}

/**
 * Whether Promotions to `stage` may run at `now` under `windows` (the ProjectConfig's
 * `spec.promotionWindows`, already validated by its schema), and when that changes.
 */
export function windowStatus(
  windows: readonly PromotionWindow[],
  stage: SelectableStage,
  now: Date,
): WindowStatus {
  const applicable = windows
    .filter((w) => !w.disabled)
    .filter((w) => w.stageSelector === undefined || matchesStageSelector(w.stageSelector, stage))
    .map(compile);
  if (applicable.length === 0) return { open: true };
  const start = now.getTime();
  // Each question gets its own timeline, hence its own budget of look-ups.
  const timeline = () => new Timeline(applicable, start);
  const state = timeline().stateAt(start);

  if (state.open) {
    const nextClose = timeline().changeAfter(start, true);
    const current = timeline().longestCovering(state.allows, start);
    return {
      open: true,
      ...(nextClose !== undefined && { nextClose: formatTimestamp(new Date(nextClose)) }),
      ...(current && { window: current.window.name }),
    };
  }

  const nextOpen = timeline().changeAfter(start, false);
  const nextClose = nextOpen === undefined ? undefined : timeline().changeAfter(nextOpen, true);
  const times = {
    ...(nextOpen !== undefined && { nextOpen: formatTimestamp(new Date(nextOpen)) }),
    ...(nextClose !== undefined && { nextClose: formatTimestamp(new Date(nextClose)) }),
  };

  if (state.denies.length > 0) {
    const blocking = timeline().longestCovering(state.denies, start) ?? {
      window: state.denies[0]!,
      end: undefined,
    };
    const until =
      blocking.end === undefined
        ? `; no end found within ${HORIZON / DAY} days`
        : ` until ${formatTimestamp(new Date(blocking.end))}`;
    return {
      open: false,
      reason: `deny window "${blocking.window.name}" is open${until}`,
      ...times,
      window: blocking.window.name,
    };
  }

  const search = timeline();
  let first: { window: CompiledWindow; at: number } | undefined;
  for (const window of applicable.filter((w) => w.kind === 'Allow')) {
    const at = search.nextStart(window, start);
    if (at !== undefined && (first === undefined || at < first.at)) first = { window, at };
  }
  if (first === undefined) {
    return {
      open: false,
      reason: `outside allow windows; none opens within ${HORIZON / DAY} days`,
      ...times,
    };
  }
  return {
    open: false,
    reason: `outside allow windows; next opens at ${formatTimestamp(new Date(first.at))} (window "${first.window.name}")`,
    ...times,
    window: first.window.name,
  };
}

function compile(window: PromotionWindow): CompiledWindow {
  return {
    name: window.name,
    kind: window.kind,
    schedule: parseCron(window.schedule),
    duration: parseDuration(window.duration) ?? 0,
    zone: createTimeZone(window.timeZone),
  };
}

interface State {
  open: boolean;
  denies: CompiledWindow[];
  allows: CompiledWindow[];
}

/** The applicable windows over [now, now + 366 days], with a shared budget of look-ups. */
class Timeline {
  readonly #windows: CompiledWindow[];
  readonly #horizon: number;
  #lookups = MAX_LOOKUPS;

  constructor(windows: CompiledWindow[], now: number) {
    this.#windows = windows;
    this.#horizon = now + HORIZON;
  }

  /** The latest occurrence of `window` covering t (o ≤ t < o + duration). */
  covering(window: CompiledWindow, t: number): number | undefined {
    if (!this.#spend()) return undefined;
    return window.schedule
      .previous(new Date(t), window.zone, new Date(t - window.duration + 1))
      ?.getTime();
  }

  /**
   * Whether `window` is open at t and, if so, when its unbroken stretch of open intervals
   * ends (undefined: not within the horizon).
   */
  stretch(window: CompiledWindow, t: number): { end: number | undefined } | undefined {
    if (!this.#spend()) return undefined;
    const cover = window.schedule.cover(
      new Date(t),
      window.duration,
      window.zone,
      new Date(this.#horizon),
    );
    return cover && { end: cover.end?.getTime() };
  }

  /** The first occurrence of `window` after t, within the horizon. */
  nextStart(window: CompiledWindow, t: number): number | undefined {
    if (!this.#spend()) return undefined;
    return window.schedule.next(new Date(t), window.zone, new Date(this.#horizon))?.getTime();
  }

  stateAt(t: number): State {
    const open = this.#windows.filter((w) => this.covering(w, t) !== undefined);
    const denies = open.filter((w) => w.kind === 'Deny');
    const allows = open.filter((w) => w.kind === 'Allow');
    const anyAllow = this.#windows.some((w) => w.kind === 'Allow');
    return { open: denies.length === 0 && (!anyAllow || allows.length > 0), denies, allows };
  }

  /**
   * The first time after t at which the Stage, `open` at t, is no longer so. Steps from event
   * to event, skipping those that cannot flip the state: while closed only a Deny window
   * closing or an Allow window opening can open the Stage; while open only a Deny window
   * opening or an Allow window closing can close it.
   */
  changeAfter(t: number, open: boolean): number | undefined {
    let at = t;
    for (;;) {
      let event: number | undefined;
      for (const window of this.#windows) {
        const deny = window.kind === 'Deny';
        const covered = this.covering(window, at) !== undefined;
        let candidate: number | undefined;
        if (!covered && deny === open) candidate = this.nextStart(window, at);
        else if (covered && deny !== open) candidate = this.stretch(window, at)?.end;
        if (candidate !== undefined && (event === undefined || candidate < event))
          event = candidate;
      }
      if (event === undefined || event > this.#horizon || this.exhausted) return undefined;
      const changed = this.stateAt(event).open !== open;
      if (this.exhausted) return undefined;
      if (changed) return event;
      at = event;
    }
  }

  /**
   * Of `windows` (each open at t), the one staying open longest without a break, with the
   * end of that stretch (undefined when it is not found within the search).
   */
  longestCovering(
    windows: CompiledWindow[],
    t: number,
  ): { window: CompiledWindow; end: number | undefined } | undefined {
    let best: { window: CompiledWindow; end: number | undefined } | undefined;
    for (const window of windows) {
      const end = this.stretch(window, t)?.end;
      if (best === undefined || end === undefined || (best.end !== undefined && end > best.end))
        best = { window, end };
      if (end === undefined) break;
    }
    return this.exhausted ? undefined : best;
  }

  /** Whether the look-up budget ran out: answers since then are not to be trusted. */
  get exhausted(): boolean {
    return this.#lookups < 0;
  }

  #spend(): boolean {
    if (this.#lookups <= 0) {
      this.#lookups = -1;
      return false;
    }
    this.#lookups--;
    return true;
  }
}
