import { describe, expect, it } from 'vitest';
import { formatMs, stepTimings } from './step-timings.js';

const at = (ms: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, 0) + ms).toISOString();
const now = Date.parse(at(10_000));

describe('stepTimings', () => {
  it('lays finished steps on the promotion’s own span', () => {
    const timings = stepTimings(
      [
        { alias: 'clone', startedAt: at(0), finishedAt: at(1_000) },
        { alias: 'push', startedAt: at(1_000), finishedAt: at(4_000) },
      ],
      { startedAt: at(0), finishedAt: at(4_000) },
      now,
    );
    expect(timings).toEqual([
      { offsetMs: 0, durationMs: 1_000, left: 0, width: 25, running: false },
      { offsetMs: 1_000, durationMs: 3_000, left: 25, width: 75, running: false },
    ]);
  });

  it('grows a running step with the clock and leaves steps not started empty', () => {
    const timings = stepTimings(
      [
        { alias: 'clone', startedAt: at(0), finishedAt: at(5_000) },
        { alias: 'wait', startedAt: at(5_000), status: 'Running' },
        { alias: 'push' },
      ],
      { startedAt: at(0) },
      now,
    );
    expect(timings[1]).toEqual({
      offsetMs: 5_000,
      durationMs: 5_000,
      left: 50,
      width: 50,
      running: true,
    });
    expect(timings[2]).toEqual({ left: 0, width: 0, running: false });
  });

  it('gives an instant step a sliver, and starts from the first step without a promotion start', () => {
    const timings = stepTimings(
      [
        { startedAt: at(2_000), finishedAt: at(2_000) },
        { startedAt: at(2_000), finishedAt: at(6_000) },
      ],
      { finishedAt: at(6_000) },
      now,
    );
    expect(timings.map((t) => [t.offsetMs, t.left, t.width])).toEqual([
      [0, 0, 0.5],
      [0, 0, 100],
    ]);
  });

  it('has nothing to lay out without steps', () => {
    expect(stepTimings([], {}, now)).toEqual([]);
  });
});

describe('formatMs', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [12_340, '12.3s'],
    [184_000, '3m04s'],
  ])('%d → %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});
