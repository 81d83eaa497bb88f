import { describe, expect, it } from 'vitest';
import { createTimeZone, isTimeZone } from './time-zone.js';

const at = (iso: string) => Date.parse(iso);
/** A wall time: the local date and time written as if it were UTC. */
const wall = (local: string) => Date.parse(`${local}Z`);
const HOUR = 3_600_000;

describe('time zones', () => {
  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+25:00', false],
  ])('isTimeZone(%j) is %s', (name, expected) => {
    expect(isTimeZone(name)).toBe(expected);
  });

  it.each([
    ['Europe/Berlin', '2025-01-15T12:00:00Z', 1],
    ['Europe/Berlin', '2025-07-15T12:00:00Z', 2],
    ['Europe/Berlin', '2025-03-30T00:59:59Z', 1],
    ['Europe/Berlin', '2025-03-30T01:00:00Z', 2],
    ['Europe/Berlin', '2025-10-26T00:59:59Z', 2],
    ['Europe/Berlin', '2025-10-26T01:00:00Z', 1],
    ['America/New_York', '2025-03-09T06:59:59Z', -5],
    ['America/New_York', '2025-03-09T07:00:00Z', -4],
    ['America/New_York', '2025-11-02T06:00:00Z', -5],
    ['Asia/Kolkata', '2025-01-01T00:00:00Z', 5.5],
    ['UTC', '2025-07-01T00:00:00Z', 0],
  ])('%s is UTC%s at %s', (name, instant, hours) => {
    expect(createTimeZone(name).offsetAt(at(instant))).toBe(hours * HOUR);
  });

  it.each([
    // An ordinary wall time is shown once.
    ['Europe/Berlin', '2025-06-01T09:00:00', ['2025-06-01T07:00:00Z']],
    // Spring forward: 02:30 is skipped and maps to the jump (03:00 CEST).
    ['Europe/Berlin', '2025-03-30T02:30:00', ['2025-03-30T01:00:00Z']],
    // Fall back: 02:30 is shown twice, CEST then CET.
    ['Europe/Berlin', '2025-10-26T02:30:00', ['2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z']],
    ['America/New_York', '2025-03-09T02:15:00', ['2025-03-09T07:00:00Z']],
    ['America/New_York', '2025-11-02T01:30:00', ['2025-11-02T05:30:00Z', '2025-11-02T06:30:00Z']],
  ])('%s shows %s at %j', (name, local, instants) => {
    const zone = createTimeZone(name);
    expect(zone.instantsOf(wall(local)).map((i) => new Date(i).toISOString())).toEqual(
      instants.map((i) => new Date(i).toISOString()),
    );
    expect(new Date(zone.toInstant(wall(local))).toISOString()).toBe(
      new Date(instants[0]!).toISOString(),
    );
  });

  it('reads the wall clock', () => {
    const zone = createTimeZone('America/New_York');
    expect(zone.toWall(at('2025-11-02T05:30:00Z'))).toBe(wall('2025-11-02T01:30:00'));
    expect(zone.toWall(at('2025-11-02T06:30:00Z'))).toBe(wall('2025-11-02T01:30:00'));
  });

  it('knows where the offset stays the same', () => {
    const zone = createTimeZone('Europe/Berlin');
    expect(zone.steadyAround(wall('2025-06-01T00:00:00'), wall('2025-06-02T00:00:00'))).toBe(true);
    expect(zone.steadyAround(wall('2025-03-30T00:00:00'), wall('2025-03-31T00:00:00'))).toBe(false);
  });
});
