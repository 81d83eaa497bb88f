import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('durations', () => {
  it.each([
    ['5m0s', 300_000],
    ['1h30m', 5_400_000],
    ['0.5h', 1_800_000],
    ['45s', 45_000],
    ['2h0m0s', 7_200_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5 m', '1d', '100ms', '-5m', 'm5', '5m ', '1h30'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
