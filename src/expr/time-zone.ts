import { MethodHost } from './values.js';

/** The zone in effect at an instant: its abbreviation, its offset east of UTC in seconds. */
export interface ZoneInfo {
  name: string;
  offset: number;
  isDST: boolean;
}

/**
 * A Go `*time.Location`: UTC, Local, a fixed offset (what parsing `+02:00` makes) or an IANA
 * zone. IANA zones read their offsets from the JavaScript runtime's time zone data (Intl), so
 * they follow the same rules as Go's tzdata; the abbreviations Go prints (`CEST`, `BST`, `+08`)
 * are not in Intl and are derived from its zone names (see `abbreviation`).
 *
 * Checked against Go (the expr oracle) for every zone Intl lists, in 2023 and 2040: the same
 * offsets and abbreviations. Before about 1970 they may differ: CLDR and the tz database name
 * old periods differently (Go prints `PMT` for Paris' mean time, here `LMT`), and tz builds
 * differ in how much pre-1970 history they keep.
 *
 * Local is treated as UTC, as it is where Kargo runs (containers without a TZ): it keeps its
 * own name, `Local`, as in Go (`now().Location()` prints `Local`), but every offset is 0.
 */
export class GoLocation extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>> = {
    String: (args) => {
      if (args.length > 0) throw new Error('too many arguments to call String');
      return this.name;
    },
  };

  private constructor(
    /** The name Go's Location.String() returns: `UTC`, `Local`, `Europe/Zurich`, or a fixed zone's name. */
    readonly name: string,
    /** What tells two locations apart: `utc`, `local`, `fixed:<name>:<offset>`, `iana:<name>`. */
    readonly identity: string,
    private readonly rule: (unixSeconds: number) => ZoneInfo,
    /** The zones this location may be in, around an instant (for parsing abbreviations). */
    private readonly candidates: (unixSeconds: number) => ZoneInfo[],
  ) {
    super();
  }

  static readonly UTC: GoLocation = GoLocation.fixedRule('UTC', 'utc', 'UTC', 0);
  static readonly Local: GoLocation = GoLocation.fixedRule('Local', 'local', 'UTC', 0);

  /** Go's time.FixedZone(name, offset). */
  static fixed(name: string, offset: number): GoLocation {
    return GoLocation.fixedRule(name, `fixed:${name}:${offset}`, name, offset);
  }

  private static fixedRule(
    name: string,
    identity: string,
    zoneName: string,
    offset: number,
  ): GoLocation {
    const zone: ZoneInfo = { name: zoneName, offset, isDST: false };
    return new GoLocation(
      name,
      identity,
      () => zone,
      () => [zone],
    );
  }

  /** An IANA zone known to Intl; `undefined` when Intl does not know the name. */
  static iana(name: string): GoLocation | undefined {
    if (!ianaZoneExists(name)) return undefined;
    const zones = new IanaZones(name);
    return new GoLocation(
      name,
      `iana:${name}`,
      (unixSeconds) => zones.lookup(unixSeconds),
      (unixSeconds) => zones.around(unixSeconds),
    );
  }

  override get goType(): string {
    return '*time.Location';
  }

  /** The zone in effect at `unixSeconds` (Go's Location.lookup). */
  lookup(unixSeconds: number): ZoneInfo {
    return this.rule(unixSeconds);
  }

  /**
   * The offset of the zone abbreviated `name` near `unixSeconds` (Go's Location.lookupName):
   * first a zone of that name actually in effect there, then any zone of that name. Go scans
   * every zone of the tz file; here the zones in effect within a year of the instant stand in.
   */
  lookupName(name: string, unixSeconds: number): number | undefined {
    const zones = this.candidates(unixSeconds).filter((zone) => zone.name === name);
    for (const zone of zones) {
      if (this.lookup(unixSeconds - zone.offset).name === name) return zone.offset;
    }
    return zones[0]?.offset;
  }

  /** Whether two locations are the same (expr's `==` compares them deeply). */
  sameAs(other: GoLocation): boolean {
    return this.identity === other.identity;
  }

  /** expr's runtime.Equal (the evaluator's hook for MethodHosts of the same Go type). */
  equals(other: unknown): boolean {
    return other instanceof GoLocation && this.sameAs(other);
  }

  /** Go's JSON of a *time.Location: a struct without exported fields. */
  toJSON(): unknown {
    return {};
  }

  override toString(): string {
    return this.name;
  }
}

/**
 * Go's time.LoadLocation: `""` and `UTC` are UTC, `Local` is Local, names with `..` or a
 * leading slash are refused, anything else must be a tz database name (case-sensitive, as
 * Go reads it from a file of that name).
 */
export function loadLocation(name: string): GoLocation {
  const builtIn = BUILT_IN_LOCATIONS.get(name);
  if (builtIn) return builtIn;
  // A name that could reach outside the zone database is refused before any lookup.
  if (/\.\.|^[/\\]/.test(name)) throw new Error('time: invalid location name');
  const location = GoLocation.iana(name);
  if (!location) throw new Error(`unknown time zone ${name}`);
  return location;
}

const BUILT_IN_LOCATIONS: ReadonlyMap<string, GoLocation> = new Map([
  ['', GoLocation.UTC],
  ['UTC', GoLocation.UTC],
  ['Local', GoLocation.Local],
]);

function ianaZoneExists(name: string): boolean {
  // Intl also takes offsets (`+01:00`), which are not tz database names.
  if (!/^[A-Za-z]/.test(name)) return false;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  if (resolved === name) return true;
  // Intl ignores case (`europe/paris`); Go's file lookup does not.
  if (resolved.toLowerCase() === name.toLowerCase()) return false;
  // An alias (`Asia/Kolkata`, `US/Eastern`, `GMT`): written as the tz database writes names.
  return name.split('/').every((segment) => /^[A-Z0-9]/.test(segment));
}

const SECONDS_PER_DAY = 86_400;
/** The instants Date (and so Intl) can represent: ±8.64e15 ms. */
const MAX_DATE_SECONDS = 8.64e12;
/** Mid-January and mid-July 2023: a zone's standard and daylight time of today. */
const REFERENCE_INSTANTS = [1_673_784_000, 1_689_422_400];

/** Zones that follow another one and that CLDR names only in part. */
const NAMED_AS: Readonly<Record<string, string>> = {
  'Europe/Guernsey': 'Europe/London',
  'Europe/Jersey': 'Europe/London',
  'Europe/Isle_of_Man': 'Europe/London',
};

/** Zones whose CLDR name has an abbreviation in other zones but not in theirs (`+0530`). */
const NUMERIC_ZONES = new Set([
  'Asia/Colombo',
  'Europe/Minsk',
  'Africa/Casablanca',
  'Africa/El_Aaiun',
  'Antarctica/Casey',
  'Antarctica/Troll',
  'Pacific/Apia',
]);

/** The zones of one IANA location, read through Intl. */
class IanaZones {
  #offsetFormat: Intl.DateTimeFormat | undefined;
  #longFormat: Intl.DateTimeFormat | undefined;
  #shortFormat: Intl.DateTimeFormat | undefined;

  constructor(private readonly zoneName: string) {}

  lookup(unixSeconds: number): ZoneInfo {
    const clamped = Math.max(-MAX_DATE_SECONDS, Math.min(MAX_DATE_SECONDS, unixSeconds));
    const date = new Date(Math.floor(clamped) * 1000);
    const offset = parseLongOffset(zoneNameOf(this.offsetFormat(), date));
    const long = zoneNameOf(this.longFormat(), date);
    let name = abbreviation(this.zoneName, long, zoneNameOf(this.shortFormat(), date), offset);
    if (name === numericAbbreviation(offset) && /^GMT[+-]/.test(long)) {
      // CLDR names few zones before the mid-20th century; the tz database mostly gives
      // them the abbreviation the zone has today for the same offset (CET in 1900 Berlin).
      name = this.todayAbbreviation(offset) ?? name;
    }
    return { name, offset, isDST: /Daylight|Summer/.test(long) };
  }

  private todayAbbreviation(offset: number): string | undefined {
    for (const unixSeconds of REFERENCE_INSTANTS) {
      const date = new Date(unixSeconds * 1000);
      if (parseLongOffset(zoneNameOf(this.offsetFormat(), date)) !== offset) continue;
      const long = zoneNameOf(this.longFormat(), date);
      const short = zoneNameOf(this.shortFormat(), date);
      if (!/^GMT[+-]/.test(long)) return abbreviation(this.zoneName, long, short, offset);
    }
    return undefined;
  }

  /** The zones in effect within a year around an instant (standard and daylight time). */
  around(unixSeconds: number): ZoneInfo[] {
    const quarter = (365 * SECONDS_PER_DAY) / 4;
    return [0, -1, 1, -2, 2, -3, 3, -4, 4].map((n) => this.lookup(unixSeconds + n * quarter));
  }

  private offsetFormat(): Intl.DateTimeFormat {
    this.#offsetFormat ??= this.format('longOffset');
    return this.#offsetFormat;
  }

  private longFormat(): Intl.DateTimeFormat {
    this.#longFormat ??= this.format('long');
    return this.#longFormat;
  }

  private shortFormat(): Intl.DateTimeFormat {
    this.#shortFormat ??= this.format('short');
    return this.#shortFormat;
  }

  private format(timeZoneName: 'longOffset' | 'long' | 'short'): Intl.DateTimeFormat {
    // Zones CLDR gives no names of their own are named as the zone they follow.
    const timeZone =
      timeZoneName === 'longOffset' ? this.zoneName : (NAMED_AS[this.zoneName] ?? this.zoneName);
    return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName });
  }
}

function zoneNameOf(format: Intl.DateTimeFormat, date: Date): string {
  return format.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/** `GMT`, `GMT+02:00`, `GMT-04:56:02` → seconds east of UTC. */
function parseLongOffset(text: string): number {
  const match = /^GMT(?:([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!match?.[1]) return 0;
  const seconds =
    Number(match[2]) * 3600 + Number(match[3]) * 60 + (match[4] ? Number(match[4]) : 0);
  return match[1] === '-' ? -seconds : seconds;
}

/**
 * The abbreviations of the tz database for the zones CLDR names in English: the names Go
 * prints with `MST` in a layout. Zones the tz database gives no letters to print their offset
 * (`+08`, `+0530`), as does every zone not listed here.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  'Greenwich Mean Time': 'GMT',
  'British Summer Time': 'BST',
  'Irish Standard Time': 'IST',
  'Western European Standard Time': 'WET',
  'Western European Summer Time': 'WEST',
  'Central European Standard Time': 'CET',
  'Central European Summer Time': 'CEST',
  'Eastern European Standard Time': 'EET',
  'Eastern European Summer Time': 'EEST',
  'Moscow Standard Time': 'MSK',
  'Moscow Summer Time': 'MSD',
  'Israel Standard Time': 'IST',
  'Israel Daylight Time': 'IDT',
  'India Standard Time': 'IST',
  'Pakistan Standard Time': 'PKT',
  'Pakistan Summer Time': 'PKST',
  'China Standard Time': 'CST',
  'China Daylight Time': 'CDT',
  'Taiwan Standard Time': 'CST',
  'Taiwan Daylight Time': 'CDT',
  'Hong Kong Standard Time': 'HKT',
  'Hong Kong Summer Time': 'HKST',
  'Japan Standard Time': 'JST',
  'Japan Daylight Time': 'JDT',
  'Korean Standard Time': 'KST',
  'Korean Daylight Time': 'KDT',
  'Philippine Standard Time': 'PST',
  'Philippine Summer Time': 'PDT',
  'Western Indonesia Time': 'WIB',
  'Central Indonesia Time': 'WITA',
  'Eastern Indonesia Time': 'WIT',
  'Australian Western Standard Time': 'AWST',
  'Australian Western Daylight Time': 'AWDT',
  'Australian Central Standard Time': 'ACST',
  'Australian Central Daylight Time': 'ACDT',
  'Australian Eastern Standard Time': 'AEST',
  'Australian Eastern Daylight Time': 'AEDT',
  'New Zealand Standard Time': 'NZST',
  'New Zealand Daylight Time': 'NZDT',
  'Chamorro Standard Time': 'ChST',
  'American Samoa Standard Time': 'SST',
  'South Africa Standard Time': 'SAST',
  'Central Africa Time': 'CAT',
  'East Africa Time': 'EAT',
  'West Africa Time': 'WAT',
  'West Africa Standard Time': 'WAT',
  'West Africa Summer Time': 'WAST',
  'Atlantic Standard Time': 'AST',
  'Atlantic Daylight Time': 'ADT',
  'Newfoundland Standard Time': 'NST',
  'Newfoundland Daylight Time': 'NDT',
  'Eastern Standard Time': 'EST',
  'Eastern Daylight Time': 'EDT',
  'Central Standard Time': 'CST',
  'Central Daylight Time': 'CDT',
  'Mountain Standard Time': 'MST',
  'Mountain Daylight Time': 'MDT',
  'Yukon Time': 'MST',
  'Pacific Standard Time': 'PST',
  'Pacific Daylight Time': 'PDT',
  'Mexican Pacific Standard Time': 'MST',
  'Mexican Pacific Daylight Time': 'MDT',
  'Alaska Standard Time': 'AKST',
  'Alaska Daylight Time': 'AKDT',
  'Hawaii-Aleutian Standard Time': 'HST',
  'Hawaii-Aleutian Daylight Time': 'HDT',
  'Cuba Standard Time': 'CST',
  'Cuba Daylight Time': 'CDT',
};

function abbreviation(zoneName: string, long: string, short: string, offset: number): string {
  // Local mean time, before a zone adopted standard time, is never a whole minute.
  if (offset % 60 !== 0) return 'LMT';
  if (NUMERIC_ZONES.has(zoneName)) return numericAbbreviation(offset);
  if (long === 'Coordinated Universal Time')
    return /^(Etc\/)?(GMT|GMT0|GMT[+-]0|Greenwich)$/.test(zoneName) ? 'GMT' : 'UTC';
  const known = ABBREVIATIONS[long];
  if (known) return known;
  if (/^[A-Z]{3,5}$/.test(short) && short !== 'GMT') return short;
  return numericAbbreviation(offset);
}

/** The tz database's name for a zone without letters: `+08`, `-03`, `+0530`. */
function numericAbbreviation(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hours = String(Math.floor(abs / 3600)).padStart(2, '0');
  const minutes = Math.floor((abs % 3600) / 60);
  return `${sign}${hours}${minutes ? String(minutes).padStart(2, '0') : ''}`;
}
