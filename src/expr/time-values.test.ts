import { describe, expect, it } from 'vitest';
import {
  formatGoDuration,
  formatGoTime,
  GoDuration,
  GoTime,
  loadLocation,
  parseGoDuration,
  parseGoTime,
} from './time-values.js';

/*
 * Expected values are what expr-lang v1.17.8 (Go's time package) returns, checked with the
 * oracle (tools/expr-oracle): a FORMAT row is `date(time).In(timezone(zone)).Format(layout)`,
 * a PARSE row `date(text, layout[, zone])`, a DURATION row `duration(text)`.
 */

const RFC3339 = '2006-01-02T15:04:05Z07:00';

/** [time (RFC 3339), zone ('' = as parsed), layout, formatted] */
const FORMAT: Array<[string, string, string, string]> = [
  ['2023-08-14T15:04:05.123456789Z', '', 'Mon Jan 2', 'Mon Aug 14'],
  ['2023-08-14T15:04:05.123456789Z', '', 'Monday, January 2, 2006', 'Monday, August 14, 2023'],
  ['2023-08-04T15:04:05.123456789Z', '', '01/02/06 03:04:05PM', '08/04/23 03:04:05PM'],
  ['2023-08-04T00:04:05Z', '', '1/2 3:4:5 pm', '8/4 12:4:5 am'],
  ['2023-08-04T12:00:00Z', '', '3PM', '12PM'],
  ['2023-08-04T15:04:05Z', '', '_2|__2|002|2', ' 4|216|216|4'],
  ['2023-01-09T15:04:05Z', '', '__2|002', '  9|009'],
  [
    '2023-08-14T15:04:05.123456789Z',
    '',
    '05.000|05.999|05,000000|05.9|.000000000',
    '05.123|05.123|05,123456|05.1|.123456789',
  ],
  ['2023-08-14T15:04:05.120000000Z', '', '05.999999999|05.000000000', '05.12|05.120000000'],
  ['2023-08-14T15:04:05Z', '', '05.999|05.000', '05|05.000'],
  // .0 followed by a digit is no fraction: 01 is the month, 2 the day, 3 the hour.
  ['2023-08-14T15:04:05.5Z', '', '.0123', '.08143'],
  ['2023-08-14T15:04:05Z', '', RFC3339, '2023-08-14T15:04:05Z'],
  ['2023-08-14T15:04:05Z', 'Europe/Zurich', RFC3339, '2023-08-14T17:04:05+02:00'],
  [
    '2023-08-14T15:04:05Z',
    'Europe/Zurich',
    'MST -0700 -07:00 -07 -070000 -07:00:00',
    'CEST +0200 +02:00 +02 +020000 +02:00:00',
  ],
  ['2023-08-14T15:04:05Z', '', 'Z0700 Z07:00 Z07 Z070000 Z07:00:00', 'Z Z Z Z Z'],
  ['2023-08-14T15:04:05Z', 'America/New_York', 'Z0700 Z07:00 Z07 MST', '-0400 -04:00 -04 EDT'],
  ['2023-08-14T15:04:05+05:30', '', 'Z07:00 MST', '+05:30 +0530'],
  ['2023-12-14T15:04:05Z', 'Asia/Kolkata', '15:04 MST', '20:34 IST'],
  ['2023-12-14T15:04:05Z', 'Australia/Sydney', '15:04 MST', '02:04 AEDT'],
  ['2023-12-14T15:04:05Z', 'Asia/Singapore', '15:04 MST', '23:04 +08'],
  ['2023-12-14T15:04:05Z', 'Europe/London', '15:04 MST', '15:04 GMT'],
  ['2023-06-14T15:04:05Z', 'Europe/London', '15:04 MST', '16:04 BST'],
  [
    '2023-08-14T15:04:05Z',
    '',
    'Jan January Janet Mon Monday Month MST',
    'Aug August Janet Mon Monday Month UTC',
  ],
  ['2023-08-14T15:04:05Z', '', '_2006 2006_2', '_2023 202314'],
  ['2023-08-14T15:04:05Z', '', 'hello world', 'hello world'],
  ['0001-01-01T00:00:00Z', '', '2006-01-02 06', '0001-01-01 01'],
  [
    '2023-08-14T15:04:05.1Z',
    '',
    '2006-01-02 15:04:05.999999999 -0700 MST',
    '2023-08-14 15:04:05.1 +0000 UTC',
  ],
  ['2023-08-14T15:04:05Z', '', 'Mon Jan _2 15:04:05 MST 2006', 'Mon Aug 14 15:04:05 UTC 2023'],
];

/** [text, layout, zone ('' = time.Parse), String() of the time, or the error] */
const PARSE: Array<[string, string, string, string]> = [
  ['2023-08-14', '2006-01-02', '', '2023-08-14 00:00:00 +0000 UTC'],
  ['2006.01.02', '2006.01.02', '', '2006-01-02 00:00:00 +0000 UTC'],
  ['14/8/23 3:04PM', '2/1/06 3:04PM', '', '2023-08-14 15:04:00 +0000 UTC'],
  ['14/8/69 12:00AM', '2/1/06 3:04PM', '', '1969-08-14 00:00:00 +0000 UTC'],
  ['14/8/68 12:00pm', '2/1/06 3:04pm', '', '2068-08-14 12:00:00 +0000 UTC'],
  ['aug 14 2023', 'Jan 2 2006', '', '2023-08-14 00:00:00 +0000 UTC'],
  ['MONDAY AUGUST 14 2023', 'Monday January 2 2006', '', '2023-08-14 00:00:00 +0000 UTC'],
  ['Tue Aug 14 2023', 'Mon Jan 2 2006', '', '2023-08-14 00:00:00 +0000 UTC'],
  ['Aug  4 15:04:05', 'Jan _2 15:04:05', '', '0000-08-04 15:04:05 +0000 UTC'],
  ['2023 226', '2006 002', '', '2023-08-14 00:00:00 +0000 UTC'],
  ['2024 060', '2006 __2', '', '2024-02-29 00:00:00 +0000 UTC'],
  ['15:04:05.123', '15:04:05', '', '0000-01-01 15:04:05.123 +0000 UTC'],
  ['15:04:05,123456789123', '15:04:05', '', '0000-01-01 15:04:05.123456789 +0000 UTC'],
  [
    '15:04:05.12',
    '15:04:05.000',
    '',
    'parsing time "15:04:05.12" as "15:04:05.000": cannot parse ".12" as ".000"',
  ],
  ['15:04:05', '15:04:05.999', '', '0000-01-01 15:04:05 +0000 UTC'],
  ['2023-08-14T00:00:00Z', RFC3339, '', '2023-08-14 00:00:00 +0000 UTC'],
  ['2023-08-14T00:00:00+02:00', RFC3339, '', '2023-08-14 00:00:00 +0200 +0200'],
  ['2023-08-14T00:00:00+00:00', RFC3339, '', '2023-08-14 00:00:00 +0000 UTC'],
  ['2023-08-14T00:00:00+02:00', RFC3339, 'Europe/Zurich', '2023-08-14 00:00:00 +0200 CEST'],
  ['2023-08-14T00:00:00+03:00', RFC3339, 'Europe/Zurich', '2023-08-14 00:00:00 +0300 +0300'],
  ['2023-08-14 00:00:00', '2006-01-02 15:04:05', 'Europe/Zurich', '2023-08-14 00:00:00 +0200 CEST'],
  ['24.11.1987 20:30', '02.01.2006 15:04', 'Europe/Zurich', '1987-11-24 20:30:00 +0100 CET'],
  [
    '24.11.1987 20:30 MSK',
    '02.01.2006 15:04 MST',
    'Europe/Zurich',
    '1987-11-24 20:30:00 +0000 MSK',
  ],
  [
    'Mon, 14 Aug 2023 10:00:00 CEST',
    'Mon, 02 Jan 2006 15:04:05 MST',
    'Europe/Paris',
    '2023-08-14 10:00:00 +0200 CEST',
  ],
  [
    'Mon, 14 Aug 2023 10:00:00 CET',
    'Mon, 02 Jan 2006 15:04:05 MST',
    'Europe/Paris',
    '2023-08-14 11:00:00 +0200 CEST',
  ],
  [
    'Mon, 14 Aug 2023 10:00:00 GMT',
    'Mon, 02 Jan 2006 15:04:05 MST',
    'Europe/London',
    '2023-08-14 11:00:00 +0100 BST',
  ],
  [
    'Mon, 14 Aug 2023 10:00:00 GMT+3',
    'Mon, 02 Jan 2006 15:04:05 MST',
    '',
    '2023-08-14 13:00:00 +0300 GMT+3',
  ],
  [
    'Mon, 14 Aug 2023 10:00:00 +03',
    'Mon, 02 Jan 2006 15:04:05 MST',
    '',
    '2023-08-14 10:00:00 +0000 +03',
  ],
  [
    'Mon, 14 Aug 2023 10:00:00 UTC',
    'Mon, 02 Jan 2006 15:04:05 MST',
    'Europe/Paris',
    '2023-08-14 10:00:00 +0000 UTC',
  ],
  ['10:00 ChST', '15:04 MST', '', '0000-01-01 10:00:00 +0000 ChST'],
  ['10:00 +0530', '15:04 -0700', '', '0000-01-01 10:00:00 +0530 +0530'],
  ['10:00 -05', '15:04 Z07', '', '0000-01-01 10:00:00 -0500 -0500'],
  ['10:00 +05:30:15', '15:04 -07:00:00', '', '0000-01-01 10:00:00 +0530 +0530'],
  ['2023-03-26 02:30:00', '2006-01-02 15:04:05', 'Europe/Paris', '2023-03-26 03:30:00 +0200 CEST'],
  ['2023-10-29 02:30:00', '2006-01-02 15:04:05', 'Europe/Paris', '2023-10-29 02:30:00 +0100 CET'],
  ['x', '2006', '', 'parsing time "x" as "2006": cannot parse "x" as "2006"'],
  ['2023-02-30', '2006-01-02', '', 'parsing time "2023-02-30": day out of range'],
  ['2023-13-01', '2006-01-02', '', 'parsing time "2023-13-01": month out of range'],
  [
    '2023-08-14 24:00',
    '2006-01-02 15:04',
    '',
    'parsing time "2023-08-14 24:00": hour out of range',
  ],
  ['2023-08-14 x', '2006-01-02', '', 'parsing time "2023-08-14 x": extra text: " x"'],
  [
    '2023-08-14',
    '2006-01-02 15:04',
    '',
    'parsing time "2023-08-14" as "2006-01-02 15:04": cannot parse "" as "15"',
  ],
  [
    '2023-8-14',
    '2006-01-02',
    '',
    'parsing time "2023-8-14" as "2006-01-02": cannot parse "8-14" as "01"',
  ],
  ['2023 367', '2006 002', '', 'parsing time "2023 367": day-of-year out of range'],
  [
    '2023 226 07',
    '2006 002 01',
    '',
    'parsing time "2023 226 07": day-of-year does not match month',
  ],
  // Go 1.20 added this range check; the oracle, built with Go 1.19, still reads +2500.
  [
    '10:00 +25:00',
    '15:04 -07:00',
    '',
    'parsing time "10:00 +25:00": time zone offset hour out of range',
  ],
  [
    '10:00 Mars',
    '15:04 MST',
    '',
    'parsing time "10:00 Mars" as "15:04 MST": cannot parse "Mars" as "MST"',
  ],
  [
    '€2023',
    '2006',
    '',
    'parsing time "\\xe2\\x82\\xac2023" as "2006": cannot parse "\\xe2\\x82\\xac2023" as "2006"',
  ],
  ['Aug 14', 'Jan 2', 'Nope/Zone', 'unknown time zone Nope/Zone'],
  ['Aug 14', 'Jan 2', 'europe/paris', 'unknown time zone europe/paris'],
  ['Aug 14', 'Jan 2', '../etc/passwd', 'time: invalid location name'],
  ['Aug 14', 'Jan 2', 'Local', '0000-08-14 00:00:00 +0000 UTC'],
];

/** [text, String() of the duration, or the error] */
const DURATION: Array<[string, string]> = [
  ['1h', '1h0m0s'],
  ['1h30m', '1h30m0s'],
  ['1.5h', '1h30m0s'],
  ['300ms', '300ms'],
  ['-2h45m', '-2h45m0s'],
  ['+5s', '5s'],
  ['.5s', '500ms'],
  ['5.s', '5s'],
  ['0', '0s'],
  ['-0', '0s'],
  ['0s', '0s'],
  ['1ns', '1ns'],
  ['1us', '1µs'],
  ['1µs', '1µs'],
  ['1μs', '1µs'],
  ['1.5µs', '1.5µs'],
  ['1us2ns', '1.002µs'],
  ['1h1h', '2h0m0s'],
  ['100h', '100h0m0s'],
  ['1.0000000001s', '1s'],
  ['0.3333333333333333333h', '20m0s'],
  ['9223372036854775807ns', '2562047h47m16.854775807s'],
  ['-9223372036854775808ns', '-2562047h47m16.854775808s'],
  ['2562047h', '2562047h0m0s'],
  ['2562048h', 'time: invalid duration "2562048h"'],
  ['', 'time: invalid duration ""'],
  ['x', 'time: invalid duration "x"'],
  ['-', 'time: invalid duration "-"'],
  ['.s', 'time: invalid duration ".s"'],
  ['1', 'time: missing unit in duration "1"'],
  ['1x', 'time: unknown unit "x" in duration "1x"'],
  ['1e3s', 'time: unknown unit "e" in duration "1e3s"'],
  ['1 s', 'time: unknown unit " s" in duration "1 s"'],
  ['1µx', 'time: unknown unit "\\xc2\\xb5x" in duration "1\\xc2\\xb5x"'],
  ['1.00000000000000000000000001h', '1h0m0s'],
  ['0.1234567890123456789012345s', '123.456789ms'],
  ['.000000000000000000000000009h', '0s'],
  ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
  ['-9223372036854775809ns', 'time: invalid duration "-9223372036854775809ns"'],
  ['18446744073709551616ns', 'time: invalid duration "18446744073709551616ns"'],
  ['2562047h47m16.854775808s', 'time: invalid duration "2562047h47m16.854775808s"'],
  ['-2562047h47m16.854775808s', '-2562047h47m16.854775808s'],
  ['1.5.5s', 'time: missing unit in duration "1.5.5s"'],
  ['3m.', 'time: invalid duration "3m."'],
  ['+.5h', '30m0s'],
  ['1h-2m', 'time: unknown unit "h-" in duration "1h-2m"'],
  ['µs', 'time: invalid duration "\\xc2\\xb5s"'],
  ['1μs2ns', '1.002µs'],
  ['01:02', 'time: unknown unit ":" in duration "01:02"'],
];

/** [duration, Round or Truncate, by, result]: expr's `duration(a).Round(duration(b))`. */
const DURATION_ROUNDING: Array<[string, 'Round' | 'Truncate', string, string]> = [
  ['1h29m59.999999999s', 'Round', '1h', '1h0m0s'],
  ['1h30m', 'Round', '1h', '2h0m0s'],
  ['-1h30m', 'Round', '1h', '-2h0m0s'],
  ['-1h29m', 'Round', '1h', '-1h0m0s'],
  ['2562047h47m16.854775807s', 'Round', '1h', '2562047h47m16.854775807s'],
  ['-2562047h47m16.854775808s', 'Round', '7s', '-2562047h47m16.854775808s'],
  ['1h', 'Round', '-1s', '1h0m0s'],
  ['-7ns', 'Truncate', '2ns', '-6ns'],
  ['7ns', 'Truncate', '0s', '7ns'],
];

function outcome(run: () => unknown): string {
  try {
    return String(run());
  } catch (err) {
    return (err as Error).message;
  }
}

describe('formatGoTime (Go Time.Format)', () => {
  it.each(FORMAT)('%s in %s as %j', (text, zone, layout, want) => {
    const t = parseGoTime(text, RFC3339);
    const shown = zone ? new GoTime(t.ns, loadLocation(zone)) : t;
    expect(formatGoTime(shown, layout)).toBe(want);
  });
});

describe('parseGoTime (Go time.Parse / ParseInLocation)', () => {
  it.each(PARSE)('%j as %j in %j', (text, layout, zone, want) => {
    expect(outcome(() => parseGoTime(text, layout, zone ? loadLocation(zone) : undefined))).toBe(
      want,
    );
  });

  it('keeps nanoseconds and reads offsets to the second', () => {
    const t = parseGoTime('2023-08-14T15:04:05.123456789-01:00:30', '2006-01-02T15:04:05Z07:00:00');
    expect(t.ns).toBe(1_692_029_075_123_456_789n);
    expect(formatGoTime(t, '-07:00:00|Z070000')).toBe('-01:00:30|-010030');
  });
});

describe('parseGoDuration (Go time.ParseDuration) and Duration.String()', () => {
  it.each(DURATION)('%j', (text, want) => {
    expect(outcome(() => parseGoDuration(text))).toBe(want);
  });

  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [1_100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [3_300_000_000n, '3.3s'],
    [4n * 60n * 1_000_000_000n + 5_000_000_000n, '4m5s'],
    [5n * 3600n * 1_000_000_000n + 6_000_000_000n, '5h0m6s'],
    [-1n, '-1ns'],
  ])('formats %s ns as %s', (ns, want) => {
    expect(formatGoDuration(ns)).toBe(want);
    expect(new GoDuration(ns).toString()).toBe(want);
  });

  it.each(DURATION_ROUNDING)('%s.%s(%s)', (text, method, by, want) => {
    const rounded = parseGoDuration(text).methods[method]!([parseGoDuration(by)]);
    expect(String(rounded)).toBe(want);
  });

  it('wraps around as Go int64 arithmetic does', () => {
    expect(new GoDuration(1n << 63n).ns).toBe(-(1n << 63n));
  });
});

describe('time values', () => {
  it('print and type as Go does', () => {
    const t = parseGoTime('2023-08-14', '2006-01-02');
    expect(t.goType).toBe('time.Time');
    expect(t.toString()).toBe('2023-08-14 00:00:00 +0000 UTC');
    expect(t.toJSON()).toBe('2023-08-14T00:00:00Z');
    const d = parseGoDuration('1h');
    expect(d.goType).toBe('time.Duration');
    expect(d.toJSON()).toBe(3_600_000_000_000);
    const zone = loadLocation('Europe/Zurich');
    expect(zone.goType).toBe('*time.Location');
    expect(zone.toString()).toBe('Europe/Zurich');
    expect(zone.toJSON()).toEqual({});
  });

  it('offer the evaluator equals() and compareKey() as expr compares them', () => {
    const t = parseGoTime('2023-08-14T02:00:00+02:00', RFC3339);
    const u = parseGoTime('2023-08-14', '2006-01-02');
    expect(t.equals(u)).toBe(true); // Time.Equal: the same instant
    expect(t.toString()).not.toBe(u.toString());
    expect(t.compareKey()).toBe(u.compareKey());
    expect(parseGoDuration('60m').equals(parseGoDuration('1h'))).toBe(true);
    expect(parseGoDuration('1h').equals(u)).toBe(false);
    expect(parseGoDuration('1h').compareKey() > parseGoDuration('59m').compareKey()).toBe(true);
    expect(loadLocation('UTC').equals(loadLocation(''))).toBe(true);
    expect(loadLocation('Europe/Paris').equals(loadLocation('Europe/Paris'))).toBe(true);
    expect(loadLocation('Europe/Paris').equals(loadLocation('UTC'))).toBe(false);
  });

  it('treats Local as UTC under its own name', () => {
    const local = loadLocation('Local');
    expect(local.toString()).toBe('Local');
    expect(local.lookup(1_692_000_000)).toEqual({ name: 'UTC', offset: 0, isDST: false });
    expect(loadLocation('').toString()).toBe('UTC');
  });

  it('refuse a year MarshalJSON cannot write', () => {
    const t = parseGoTime('2023-08-14', '2006-01-02');
    const far = new GoTime(t.ns * 1000n); // in the year 55000
    expect(() => far.toJSON()).toThrow('Time.MarshalJSON: year outside of range [0,9999]');
  });
});
