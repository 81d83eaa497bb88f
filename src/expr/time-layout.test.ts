import { describe, expect, it } from 'vitest';
import { dateInLocation } from './time-calendar.js';
import { formatLayout, goQuote, parseLayout, toBytes } from './time-layout.js';
import { GoLocation, loadLocation } from './time-zone.js';

/*
 * Differential cases for Go's layouts. Unless marked otherwise, each expected value is what
 * the oracle (tools/expr-oracle, Go's time package under expr-lang) returns: a PARSE row is
 * `date(text, layout[, zone])` shown as `String() (Location())`, a FORMAT row
 * `date(time, RFC3339Nano)[.In(timezone(zone))].Format(layout)`.
 */

const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';
const STRING_LAYOUT = '2006-01-02 15:04:05.999999999 -0700 MST';

function parse(text: string, layout: string, zone: string): string {
  try {
    const location = zone ? loadLocation(zone) : undefined;
    const instant = parseLayout(
      layout,
      text,
      location ?? GoLocation.UTC,
      location ?? GoLocation.Local,
    );
    return `${formatLayout(instant, STRING_LAYOUT)} (${instant.location.name})`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** [text, layout, zone ('' = time.Parse), result or error] */
const PARSE: Array<[string, string, string, string]> = [
  // Literal text: a run of spaces matches any run, the error quotes the value where it stopped.
  ['GM T', 'GMT', '', 'parsing time "GM T" as "GMT": cannot parse " T" as "GMT"'],
  ['Mon, 14 Aug', 'Mon, 02 Jan', '', '0000-08-14 00:00:00 +0000 UTC (UTC)'],
  ['2023   08', '2006 01', '', '2023-08-01 00:00:00 +0000 UTC (UTC)'],
  ['2023', '2006 ', '', '2023-01-01 00:00:00 +0000 UTC (UTC)'],
  ['2023x', '2006 ', '', 'parsing time "2023x" as "2006 ": cannot parse "x" as " "'],
  ['Hi Janet, Aug 14', 'Hi Janet, Jan 2', '', '0000-08-14 00:00:00 +0000 UTC (UTC)'],
  ['_2023', '_2006', '', '2023-01-01 00:00:00 +0000 UTC (UTC)'],
  ['€ 2023', '€ 2006', '', '2023-01-01 00:00:00 +0000 UTC (UTC)'],
  [
    'é2023',
    'e2006',
    '',
    'parsing time "\\xc3\\xa92023" as "e2006": cannot parse "\\xc3\\xa92023" as "e"',
  ],
  // Padded days and days of the year.
  [' 5', ' _2', '', '0000-01-05 00:00:00 +0000 UTC (UTC)'],
  ['15', '_2', '', '0000-01-15 00:00:00 +0000 UTC (UTC)'],
  ['  7', '__2', '', '0000-01-07 00:00:00 +0000 UTC (UTC)'],
  ['2023 7', '2006 __2', '', '2023-01-07 00:00:00 +0000 UTC (UTC)'],
  ['2023 07', '2006 002', '', 'parsing time "2023 07" as "2006 002": cannot parse "07" as "002"'],
  ['2024 366', '2006 002', '', '2024-12-31 00:00:00 +0000 UTC (UTC)'],
  ['2023 366', '2006 002', '', 'parsing time "2023 366": day-of-year out of range'],
  ['2024 060', '2006 002', '', '2024-02-29 00:00:00 +0000 UTC (UTC)'],
  ['2024 Feb 060', '2006 Jan 002', '', '2024-02-29 00:00:00 +0000 UTC (UTC)'],
  [
    '2024 Mar 060',
    '2006 Jan 002',
    '',
    'parsing time "2024 Mar 060": day-of-year does not match month',
  ],
  // Ranges: any one or two digits for a day, checked against the month at the end.
  ['2023-02-29', '2006-01-02', '', 'parsing time "2023-02-29": day out of range'],
  ['2023-01-00', '2006-01-02', '', 'parsing time "2023-01-00": day out of range'],
  ['2023-01-99', '2006-01-02', '', 'parsing time "2023-01-99": day out of range'],
  ['24:00', '15:04', '', 'parsing time "24:00": hour out of range'],
  ['12:60', '15:04', '', 'parsing time "12:60": minute out of range'],
  // Names: any case, weekdays read and ignored.
  ['Fri Aug 14 2023', 'Mon Jan 2 2006', '', '2023-08-14 00:00:00 +0000 UTC (UTC)'],
  ['aUg 14', 'Jan 2', '', '0000-08-14 00:00:00 +0000 UTC (UTC)'],
  ['AUGUST 14', 'January 2', '', '0000-08-14 00:00:00 +0000 UTC (UTC)'],
  [
    'Augu 14',
    'January 2',
    '',
    'parsing time "Augu 14" as "January 2": cannot parse "Augu 14" as "January"',
  ],
  // Two-digit years take a sign, as Go's atoi does.
  ['-5', '06', '', '1995-01-01 00:00:00 +0000 UTC (UTC)'],
  ['+5', '06', '', '2005-01-01 00:00:00 +0000 UTC (UTC)'],
  // AM and PM.
  ['12AM', '3PM', '', '0000-01-01 00:00:00 +0000 UTC (UTC)'],
  ['0PM', '3PM', '', '0000-01-01 12:00:00 +0000 UTC (UTC)'],
  ['12PM', '3PM', '', '0000-01-01 12:00:00 +0000 UTC (UTC)'],
  ['11pm', '3pm', '', '0000-01-01 23:00:00 +0000 UTC (UTC)'],
  // Fractions of a second.
  ['12:00:05,5', '15:04:05', '', '0000-01-01 12:00:05.5 +0000 UTC (UTC)'],
  [
    '12:00:07.5',
    '15:04:05 .999',
    '',
    'parsing time "12:00:07.5" as "15:04:05 .999": cannot parse ".5" as " "',
  ],
  ['12:00:07.123', '15:04:05.0', '', 'parsing time "12:00:07.123": extra text: "23"'],
  ['.1234567891', '.0000000000', '', '0000-01-01 00:00:00.123456789 +0000 UTC (UTC)'],
  [
    '.12345678',
    '.0000000000',
    '',
    'parsing time ".12345678" as ".0000000000": cannot parse ".12345678" as ".0000000000"',
  ],
  ['.+12', '.000', '', '0000-01-01 00:00:00.012 +0000 UTC (UTC)'],
  ['.-12', '.000', '', 'parsing time ".-12": fractional second out of range'],
  [',5', '.999', '', '0000-01-01 00:00:00.5 +0000 UTC (UTC)'],
  ['x', '.999', '', 'parsing time "x": extra text: "x"'],
  // Zone abbreviations: GMT±h gives its offset without moving the wall clock's instant.
  ['10:00 GMT+3', '15:04 MST', '', '0000-01-01 13:00:00 +0300 GMT+3 (GMT+3)'],
  ['10:00 GMT-11', '15:04 MST', '', '-0001-12-31 23:00:00 -1100 GMT-11 (GMT-11)'],
  ['10:00 GMT+24', '15:04 MST', '', 'parsing time "10:00 GMT+24": extra text: "+24"'],
  ['10:00 -23', '15:04 MST', '', '0000-01-01 10:00:00 +0000 -23 (-23)'],
  [
    '10:00 +0',
    '15:04 MST',
    '',
    'parsing time "10:00 +0" as "15:04 MST": cannot parse "+0" as "MST"',
  ],
  ['10:00 ChST', '15:04 MST', '', '0000-01-01 10:00:00 +0000 ChST (ChST)'],
  ['10:00 WITA', '15:04 MST', '', '0000-01-01 10:00:00 +0000 WITA (WITA)'],
  ['10:00 ABCDT', '15:04 MST', '', '0000-01-01 10:00:00 +0000 ABCDT (ABCDT)'],
  [
    '10:00 ABCD',
    '15:04 MST',
    '',
    'parsing time "10:00 ABCD" as "15:04 MST": cannot parse "ABCD" as "MST"',
  ],
  ['10:00 UTC+3', '15:04 MST', '', 'parsing time "10:00 UTC+3": extra text: "+3"'],
  [
    '2023-08-14 10:00 CEST',
    '2006-01-02 15:04 MST',
    'Europe/Zurich',
    '2023-08-14 10:00:00 +0200 CEST (Europe/Zurich)',
  ],
  [
    '2023-08-14 10:00 CET',
    '2006-01-02 15:04 MST',
    'Europe/Zurich',
    '2023-08-14 11:00:00 +0200 CEST (Europe/Zurich)',
  ],
  [
    '2023-01-14 10:00 CEST',
    '2006-01-02 15:04 MST',
    'Europe/Zurich',
    '2023-01-14 09:00:00 +0100 CET (Europe/Zurich)',
  ],
  [
    '2023-08-14 10:00 EST',
    '2006-01-02 15:04 MST',
    'America/New_York',
    '2023-08-14 11:00:00 -0400 EDT (America/New_York)',
  ],
  [
    '2023-08-14 10:00 UTC',
    '2006-01-02 15:04 MST',
    'Europe/Zurich',
    '2023-08-14 10:00:00 +0000 UTC (UTC)',
  ],
  [
    '2023-08-14 10:00 GMT',
    '2006-01-02 15:04 MST',
    'Europe/London',
    '2023-08-14 11:00:00 +0100 BST (Europe/London)',
  ],
  ['2023-08-14 10:00 GMT', '2006-01-02 15:04 MST', '', '2023-08-14 10:00:00 +0000 GMT (GMT)'],
  [
    '2023-08-14 10:00 IST',
    '2006-01-02 15:04 MST',
    'Asia/Kolkata',
    '2023-08-14 10:00:00 +0530 IST (Asia/Kolkata)',
  ],
  // Offsets: the location's own zone when it has that offset (and name), else a fixed zone.
  [
    '2023-08-14 10:00 +02:00 CEST',
    '2006-01-02 15:04 -07:00 MST',
    'Europe/Zurich',
    '2023-08-14 10:00:00 +0200 CEST (Europe/Zurich)',
  ],
  [
    '2023-08-14 10:00 +03:00 CEST',
    '2006-01-02 15:04 -07:00 MST',
    'Europe/Zurich',
    '2023-08-14 10:00:00 +0300 CEST (CEST)',
  ],
  [
    '2023-08-14 10:00 +02:00 CET',
    '2006-01-02 15:04 -07:00 MST',
    'Europe/Zurich',
    '2023-08-14 10:00:00 +0200 CET (CET)',
  ],
  [
    '2023-08-14 10:00 +00:00',
    '2006-01-02 15:04 Z07:00',
    '',
    '2023-08-14 10:00:00 +0000 UTC (Local)',
  ],
  [
    '2023-08-14 10:00 Z',
    '2006-01-02 15:04 Z07:00',
    'Europe/Zurich',
    '2023-08-14 10:00:00 +0000 UTC (UTC)',
  ],
  [
    '2023-08-14 10:00 +0545',
    '2006-01-02 15:04 -0700',
    'Asia/Kathmandu',
    '2023-08-14 10:00:00 +0545 +0545 (Asia/Kathmandu)',
  ],
  ['2023-08-14 10:00 +05', '2006-01-02 15:04 -07', '', '2023-08-14 10:00:00 +0500 +0500 ()'],
  [
    '2023-08-14 10:00 -03:30:15',
    '2006-01-02 15:04 Z07:00:00',
    '',
    '2023-08-14 10:00:00 -0330 -0330 ()',
  ],
  [
    '2023-08-14 10:00 +033015',
    '2006-01-02 15:04 -070000',
    '',
    '2023-08-14 10:00:00 +0330 +0330 ()',
  ],
  // Go marks "no offset" with -1: an offset of one second west is taken for none.
  ['10:00 -00:00:01', '15:04 -07:00:00', '', '0000-01-01 10:00:00 +0000 UTC (UTC)'],
  ['10:00 -00:00:02', '15:04 -07:00:00', '', '0000-01-01 10:00:00 +0000 +0000 ()'],
  // Wall times a transition skips or repeats.
  [
    '2023-03-26 02:30',
    '2006-01-02 15:04',
    'Europe/Zurich',
    '2023-03-26 03:30:00 +0200 CEST (Europe/Zurich)',
  ],
  [
    '2023-10-29 02:30',
    '2006-01-02 15:04',
    'Europe/Zurich',
    '2023-10-29 02:30:00 +0100 CET (Europe/Zurich)',
  ],
  [
    '2023-11-05 01:30',
    '2006-01-02 15:04',
    'America/New_York',
    '2023-11-05 01:30:00 -0400 EDT (America/New_York)',
  ],
  [
    '2023-04-02 02:15',
    '2006-01-02 15:04',
    'Australia/Lord_Howe',
    '2023-04-02 02:15:00 +1030 +1030 (Australia/Lord_Howe)',
  ],
  ['2023', '2006', 'Nowhere/Zone', 'unknown time zone Nowhere/Zone'],
];

/**
 * Rows where Go changed after 1.19 (the oracle's version) and this follows the Go Kargo is
 * built with; the expected errors are those of Go's own parseErrorTests (time/format_test.go)
 * or follow from the changes they test.
 */
const PARSE_SINCE_GO_1_20: Array<[string, string, string, string]> = [
  // An element that fails is quoted from its start, not from where reading it stopped.
  [
    '22-10-25',
    '2006-01-02',
    '',
    'parsing time "22-10-25" as "2006-01-02": cannot parse "22-10-25" as "2006"',
  ],
  ['12:03pM', '03:04PM', '', 'parsing time "12:03pM" as "03:04PM": cannot parse "pM" as "PM"'],
  // (Go 1.19: `cannot parse "" as "pm"` and `cannot parse " 5" as "_2"`.)
  ['11PM', '3pm', '', 'parsing time "11PM" as "3pm": cannot parse "PM" as "pm"'],
  ['  5', '_2', '', 'parsing time "  5" as "_2": cannot parse "  5" as "_2"'],
  [
    '0000-01-01T00:00:00+00:+0',
    RFC3339_NANO,
    '',
    'parsing time "0000-01-01T00:00:00+00:+0" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "+00:+0" as "Z07:00"',
  ],
  // A second that does not read is an error, even when a fraction follows.
  [
    '0000-01-01T00:00:.0+00:00',
    '2006-01-02T15:04:05Z07:00',
    '',
    'parsing time "0000-01-01T00:00:.0+00:00" as "2006-01-02T15:04:05Z07:00": cannot parse ".0+00:00" as "05"',
  ],
  // Z stands for UTC in every Z07… element; offsets are range-checked.
  ['10:00 Z', '15:04 Z07:00:00', 'Europe/Zurich', '0000-01-01 10:00:00 +0000 UTC (UTC)'],
  ['10:00 Z', '15:04 Z070000', '', '0000-01-01 10:00:00 +0000 UTC (UTC)'],
  [
    '10:00 +25:00',
    '15:04 -07:00',
    '',
    'parsing time "10:00 +25:00": time zone offset hour out of range',
  ],
  [
    '10:00 +24:61',
    '15:04 -07:00',
    '',
    'parsing time "10:00 +24:61": time zone offset minute out of range',
  ],
  // (Go 1.19 reads this one the same.)
  ['10:00 +24:60', '15:04 -07:00', '', '0000-01-01 10:00:00 +2500 +2500 ()'],
];

/** [time (RFC 3339), zone ('' = as parsed), layout, formatted] */
const FORMAT: Array<[string, string, string, string]> = [
  [
    '2023-08-14T15:04:05.123456789Z',
    '',
    '.0000000000 .9999999999 ,000 ,999',
    '.123456789 .123456789 ,123 ,123',
  ],
  ['2023-08-14T15:04:05.000000001Z', '', '.9 .99 .000000000 .999999999', '  .000000001 .000000001'],
  ['2023-08-14T15:04:05Z', '', '.9 .000 ,99', ' .000 '],
  ['2023-08-14T15:04:05Z', '', '002 __2 _2 2 02', '226 226 14 14 14'],
  ['2023-01-05T15:04:05Z', '', '002 __2 _2 2 02', '005   5  5 5 05'],
  ['2023-08-14T00:04:05Z', '', '3 03 15 PM pm', '12 12 00 AM am'],
  ['2023-08-14T12:04:05Z', '', '3 03 15 PM pm', '12 12 12 PM pm'],
  [
    '2023-08-14T15:04:05Z',
    '',
    'Jan January Janet Mon Monday Month MST',
    'Aug August Janet Mon Monday Month UTC',
  ],
  ['2023-08-14T15:04:05Z', '', '_2006 __2006 2006_2 06_2', '_2023 226023 202314 2314'],
  [
    '2023-08-14T15:04:05Z',
    '',
    '-07 -0700 -07:00 -070000 -07:00:00',
    '+00 +0000 +00:00 +000000 +00:00:00',
  ],
  ['2023-08-14T15:04:05Z', '', 'Z07 Z0700 Z07:00 Z070000 Z07:00:00', 'Z Z Z Z Z'],
  [
    '2023-08-14T15:04:05+05:30',
    '',
    'Z07 Z0700 Z07:00 Z070000 Z07:00:00 MST',
    '+05 +0530 +05:30 +053000 +05:30:00 +0530',
  ],
  [
    '2023-08-14T15:04:05-03:30',
    '',
    '-07 -0700 -07:00 -070000 -07:00:00 MST',
    '-03 -0330 -03:30 -033000 -03:30:00 -0330',
  ],
  ['2023-08-14T15:04:05Z', 'Asia/Kathmandu', 'Z07 Z07:00:00 MST', '+05 +05:45:00 +0545'],
  ['2023-08-14T15:04:05Z', 'America/St_Johns', 'Z07:00 MST', '-02:30 NDT'],
  ['2023-08-14T15:04:05Z', 'Local', 'Z07:00 MST', 'Z UTC'],
  [
    '2023-08-14T15:04:05Z',
    'Australia/Lord_Howe',
    'Monday 2 January 2006, 3:04pm MST',
    'Tuesday 15 August 2023, 1:34am +1030',
  ],
  ['2023-08-14T15:04:05Z', '', '.0123 1.2.3 05.0Z', '.08143 8.14.3 05.0Z'],
  ['2023-08-14T15:04:05Z', '', 'hello wörld ☃', 'hello wörld ☃'],
];

/** [time, its layout, layout to format with, formatted]: offsets to the second, far years. */
const FORMAT_PARSED: Array<[string, string, string, string]> = [
  // The sign is that of the whole minutes: less than a minute west shows negative seconds.
  [
    '2023-01-01 12:00:00 -00:00:30',
    '2006-01-02 15:04:05 -07:00:00',
    'Z07:00:00 -070000 -07 MST',
    '+00:00:-30 +0000-30 +00 +0000',
  ],
  [
    '2023-01-01 12:00:00 +00:00:30',
    '2006-01-02 15:04:05 -07:00:00',
    'Z07:00:00 -070000 -07 MST',
    '+00:00:30 +000030 +00 +0000',
  ],
  [
    '2023-01-01 12:00:00 -05:00:59',
    '2006-01-02 15:04:05 -07:00:00',
    'Z07:00:00 -070000 -07 MST',
    '-05:00:59 -050059 -05 -0500',
  ],
];

describe('parseLayout (time.Parse, time.ParseInLocation)', () => {
  it.each(PARSE)('%j as %j in %j', (text, layout, zone, want) => {
    expect(parse(text, layout, zone)).toBe(want);
  });

  it.each(PARSE_SINCE_GO_1_20)('%j as %j in %j (Go 1.20 on)', (text, layout, zone, want) => {
    expect(parse(text, layout, zone)).toBe(want);
  });
});

describe('formatLayout (Time.Format)', () => {
  it.each(FORMAT)('%s in %j as %j', (text, zone, layout, want) => {
    const instant = parseLayout(RFC3339_NANO, text, GoLocation.UTC, GoLocation.Local);
    const shown = zone ? { ns: instant.ns, location: loadLocation(zone) } : instant;
    expect(formatLayout(shown, layout)).toBe(want);
  });

  it.each(FORMAT_PARSED)('%j (%j) as %j', (text, textLayout, layout, want) => {
    const instant = parseLayout(textLayout, text, GoLocation.UTC, GoLocation.Local);
    expect(formatLayout(instant, layout)).toBe(want);
  });

  it('writes years before 1 and after 9999 with a sign or all their digits', () => {
    const year = (y: number) => ({
      ns: dateInLocation(y, 7, 1, 0, 0, 0, 0, GoLocation.UTC),
      location: GoLocation.UTC,
    });
    expect(formatLayout(year(-1), '2006 06')).toBe('-0001 01');
    expect(formatLayout(year(-1234), '2006 06')).toBe('-1234 34');
    expect(formatLayout(year(12345), '2006 06')).toBe('12345 45');
  });
});

describe('goQuote (time.quote)', () => {
  it('escapes quotes, backslashes, control bytes and every byte of non-ASCII text', () => {
    expect(goQuote(toBytes('a"b\\c\td\x7fé'))).toBe('"a\\"b\\\\c\\x09d\x7f\\xc3\\xa9"');
  });
});
