import { describe, expect, it } from 'vitest';
import { parseCron } from './cron-schedule.js';

const iso = (date: Date | undefined) => date?.toISOString().replace('.000Z', 'Z');
const HOUR = 3_600_000;

describe('parseCron', () => {
  it.each([
    ['61 * * * *', 'minute field "61" is out of range 0-59'],
    ['0 24 * * *', 'hour field "24" is out of range 0-23'],
    ['0 0 0 * *', 'day-of-month field "0" is out of range 1-31'],
    ['0 0 * 13 *', 'month field "13" is out of range 1-12'],
    ['0 0 * * 8', 'day-of-week field "8" is out of range 0-7'],
    ['0 0 * * FUN', 'day-of-week field "FUN" is not a number or a name (SUN-SAT)'],
    ['0 0 * JANUARY *', 'month field "JANUARY" is not a number or a name (JAN-DEC)'],
    ['x * * * *', 'minute field "x" is not a number'],
    ['*/0 * * * *', 'minute field "*/0": the step must be a positive whole number'],
    ['*/x * * * *', 'minute field "*/x": the step must be a positive whole number'],
    ['5-1 * * * *', 'minute field "5-1": the range ends before it starts'],
    ['1-2-3 * * * *', 'minute field "1-2-3" has more than one -'],
    ['1/2/3 * * * *', 'minute field "1/2/3" has more than one /'],
    ['1,,2 * * * *', 'minute field "1,,2" has an empty list entry'],
    ['? * * * *', 'minute field "?" is not a number'],
    ['0 0 30 2 *', 'day-of-month field "30" never occurs in month field "2"'],
    ['0 0 31 APR,JUN *', 'day-of-month field "31" never occurs in month field "APR,JUN"'],
    ['* * * *', 'expected 5 fields (minute hour day-of-month month day-of-week)'],
    ['* * * * * *', 'got 6'],
    ['', 'empty schedule'],
    ['@often', 'unknown shortcut "@often"'],
  ])('rejects %j', (text, message) => {
    expect(() => parseCron(text)).toThrow(message);
  });

  it.each([
    '* * * * *',
    '0 9 * * MON-FRI',
    '0 9 * * mon-fri',
    '*/15 8-18 * JAN,dec 1-5',
    '0 0 29 2 *',
    '0 0 31 * *',
    '0 0 30 2 FRI',
    '5/10 * ? * ?',
    '0 0 * * 7',
    '@daily',
    '@WEEKLY',
    '  0   9 * * 1  ',
  ])('accepts %j', (text) => {
    expect(parseCron(text).source).toBe(text.trim());
  });
});

describe('CronSchedule.next', () => {
  it.each([
    ['*/15 * * * *', 'UTC', '2025-01-01T00:07:00Z', '2025-01-01T00:15:00Z'],
    ['*/15 * * * *', 'UTC', '2025-01-01T00:15:00Z', '2025-01-01T00:30:00Z'],
    ['5/20 * * * *', 'UTC', '2025-01-01T00:46:00Z', '2025-01-01T01:05:00Z'],
    ['@hourly', 'UTC', '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z'],
    ['@daily', 'Europe/Berlin', '2025-01-01T12:00:00Z', '2025-01-01T23:00:00Z'],
    ['@weekly', 'UTC', '2025-01-01T00:00:00Z', '2025-01-05T00:00:00Z'],
    ['@monthly', 'UTC', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'],
    ['@yearly', 'UTC', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    // Friday 09:00 CET has passed: the next is Monday.
    ['0 9 * * MON-FRI', 'Europe/Berlin', '2025-01-03T08:00:00Z', '2025-01-06T08:00:00Z'],
    ['0 9 * * MON-FRI', 'Europe/Berlin', '2025-06-02T00:00:00Z', '2025-06-02T07:00:00Z'],
    // Weekday 7 is Sunday.
    ['0 0 * * 7', 'UTC', '2025-01-01T00:00:00Z', '2025-01-05T00:00:00Z'],
    // Both day fields restricted: either matches (Friday the 3rd comes before the 13th).
    ['0 12 13 * FRI', 'UTC', '2025-01-01T00:00:00Z', '2025-01-03T12:00:00Z'],
    // A stepped day-of-month is restricted too; with a `*` weekday both must match.
    ['0 12 */10 * *', 'UTC', '2025-01-02T00:00:00Z', '2025-01-11T12:00:00Z'],
    ['0 0 31 * *', 'UTC', '2025-02-01T00:00:00Z', '2025-03-31T00:00:00Z'],
    ['0 9 * * MON-FRI', 'America/New_York', '2025-07-04T14:00:00Z', '2025-07-07T13:00:00Z'],
    ['0 9 * * *', 'Asia/Kolkata', '2025-01-01T00:00:00Z', '2025-01-01T03:30:00Z'],
    // Spring forward in Berlin (02:00 CET → 03:00 CEST, 01:00Z): a skipped time fires at
    // the jump, and 03:00 CEST is the same instant.
    ['30 2 * * *', 'Europe/Berlin', '2025-03-29T12:00:00Z', '2025-03-30T01:00:00Z'],
    ['30 2 * * *', 'Europe/Berlin', '2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z'],
    ['0 * * * *', 'Europe/Berlin', '2025-03-30T00:30:00Z', '2025-03-30T01:00:00Z'],
    ['0 * * * *', 'Europe/Berlin', '2025-03-30T01:00:00Z', '2025-03-30T02:00:00Z'],
    // Fall back in Berlin (03:00 CEST → 02:00 CET, 01:00Z): a fixed time fires once, the
    // first time; a recurring schedule fires in both copies of the hour.
    ['30 2 * * *', 'Europe/Berlin', '2025-10-25T12:00:00Z', '2025-10-26T00:30:00Z'],
    ['30 2 * * *', 'Europe/Berlin', '2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'],
    ['30 * * * *', 'Europe/Berlin', '2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z'],
    ['30 * * * *', 'Europe/Berlin', '2025-10-26T01:30:00Z', '2025-10-26T02:30:00Z'],
    ['* 2 * * *', 'Europe/Berlin', '2025-10-26T00:59:00Z', '2025-10-26T01:00:00Z'],
    // New York: 02:00 EST → 03:00 EDT (07:00Z) and 02:00 EDT → 01:00 EST (06:00Z).
    ['30 2 * * *', 'America/New_York', '2025-03-08T12:00:00Z', '2025-03-09T07:00:00Z'],
    ['30 1 * * *', 'America/New_York', '2025-11-01T12:00:00Z', '2025-11-02T05:30:00Z'],
    ['30 1 * * *', 'America/New_York', '2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'],
    ['*/30 * * * *', 'America/New_York', '2025-11-02T05:30:00Z', '2025-11-02T06:00:00Z'],
    ['*/30 * * * *', 'America/New_York', '2025-11-02T06:00:00Z', '2025-11-02T06:30:00Z'],
  ])('%s in %s after %s is %s', (text, zone, after, expected) => {
    expect(iso(parseCron(text).next(new Date(after), zone))).toBe(expected);
  });

  it('searches 366 days unless told otherwise', () => {
    const leapDay = parseCron('0 0 29 2 *');
    expect(leapDay.next(new Date('2025-01-01T00:00:00Z'), 'UTC')).toBeUndefined();
    expect(
      iso(leapDay.next(new Date('2025-01-01T00:00:00Z'), 'UTC', new Date('2029-01-01T00:00:00Z'))),
    ).toBe('2028-02-29T00:00:00Z');
    expect(
      parseCron('0 12 * * *').next(
        new Date('2025-01-01T13:00:00Z'),
        'UTC',
        new Date('2025-01-02T11:59:59Z'),
      ),
    ).toBeUndefined();
  });
});

describe('CronSchedule.previous', () => {
  it.each([
    ['0 9 * * MON-FRI', 'Europe/Berlin', '2025-01-06T07:59:00Z', '2025-01-03T08:00:00Z'],
    // At or before: an occurrence at the instant itself counts.
    ['0 9 * * MON-FRI', 'Europe/Berlin', '2025-01-06T08:00:00Z', '2025-01-06T08:00:00Z'],
    ['*/15 * * * *', 'UTC', '2025-01-01T00:14:59Z', '2025-01-01T00:00:00Z'],
    ['0 22 * * *', 'UTC', '2025-01-02T01:00:00Z', '2025-01-01T22:00:00Z'],
    // During the repeated hour in Berlin (01:45Z is 02:45 CET, the second time).
    ['30 2 * * *', 'Europe/Berlin', '2025-10-26T01:45:00Z', '2025-10-26T00:30:00Z'],
    ['* * * * *', 'Europe/Berlin', '2025-10-26T01:45:00Z', '2025-10-26T01:45:00Z'],
    ['0 * * * *', 'Europe/Berlin', '2025-10-26T01:45:00Z', '2025-10-26T01:00:00Z'],
    ['0 * * * *', 'Europe/Berlin', '2025-03-30T01:30:00Z', '2025-03-30T01:00:00Z'],
    ['30 1 * * *', 'America/New_York', '2025-11-02T06:45:00Z', '2025-11-02T05:30:00Z'],
  ])('%s in %s at or before %s is %s', (text, zone, atOrBefore, expected) => {
    expect(iso(parseCron(text).previous(new Date(atOrBefore), zone))).toBe(expected);
  });

  it('stops at notBefore', () => {
    const schedule = parseCron('0 9 * * *');
    const at = new Date('2025-01-02T08:00:00Z');
    expect(schedule.previous(at, 'UTC', new Date('2025-01-01T09:00:01Z'))).toBeUndefined();
    expect(iso(schedule.previous(at, 'UTC', new Date('2025-01-01T09:00:00Z')))).toBe(
      '2025-01-01T09:00:00Z',
    );
  });
});

describe('CronSchedule.cover', () => {
  const until = new Date('2025-12-31T00:00:00Z');
  it.each([
    [
      '0 9 * * MON-FRI',
      8,
      'Europe/Berlin',
      '2025-01-06T10:00:00Z',
      ['2025-01-06T08:00:00Z', '2025-01-06T16:00:00Z'],
    ],
    ['0 9 * * MON-FRI', 8, 'Europe/Berlin', '2025-01-06T16:00:00Z', undefined],
    [
      '0 22 * * *',
      4,
      'UTC',
      '2025-01-02T01:00:00Z',
      ['2025-01-01T22:00:00Z', '2025-01-02T02:00:00Z'],
    ],
    [
      '0 0-5 * * *',
      1,
      'UTC',
      '2025-01-01T02:30:00Z',
      ['2025-01-01T02:00:00Z', '2025-01-01T06:00:00Z'],
    ],
    // Back-to-back or overlapping occurrences merge; these never break within the search.
    ['0 * * * *', 1, 'UTC', '2025-06-01T10:30:00Z', ['2025-06-01T10:00:00Z', undefined]],
    [
      '0 */2 * * *',
      3,
      'Europe/Berlin',
      '2025-06-01T10:30:00Z',
      ['2025-06-01T10:00:00Z', undefined],
    ],
    // Through the fall-back night, the repeated hour included.
    ['0 * * * *', 1, 'Europe/Berlin', '2025-10-25T23:30:00Z', ['2025-10-25T23:00:00Z', undefined]],
    [
      '* 0-22 * * *',
      1 / 60,
      'Europe/Berlin',
      '2025-10-25T23:30:00Z',
      ['2025-10-25T23:30:00Z', '2025-10-26T22:00:00Z'],
    ],
    // Weekdays every minute: the stretch ends at Saturday 00:00 in New York.
    [
      '* * * * 1-5',
      1 / 60,
      'America/New_York',
      '2025-01-01T12:00:00Z',
      ['2025-01-01T12:00:00Z', '2025-01-04T05:00:00Z'],
    ],
    // ... unless an occurrence lasts over the weekend.
    ['0 0 * * 1-5', 72, 'UTC', '2025-01-01T12:00:00Z', ['2025-01-01T00:00:00Z', undefined]],
  ] as const)('%s for %sh in %s at %s', (text, hours, zone, at, expected) => {
    const cover = parseCron(text).cover(new Date(at), hours * HOUR, zone, until);
    expect(cover && [iso(cover.start), iso(cover.end)]).toEqual(expected);
  });
});
