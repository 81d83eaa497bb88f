import { describe, expect, it } from 'vitest';
import { reached, type FreightStatus } from './wait.js';

describe('gantry wait: when a Freight has reached a Stage', () => {
  it.each<[string, FreightStatus, 'promoted' | 'verified', boolean]>([
    ['never there', {}, 'verified', false],
    ['there, not verified yet', { currentlyIn: { prod: { since: 't1' } } }, 'verified', false],
    ['there', { currentlyIn: { prod: { since: 't1' } } }, 'promoted', true],
    [
      'there and verified during this stay',
      {
        currentlyIn: { prod: { since: '2026-12-06T10:00:00Z' } },
        verifiedIn: { prod: { verifiedAt: '2026-12-06T10:00:05Z' } },
      },
      'verified',
      true,
    ],
    [
      'back in the Stage (a rollback), verified only during an earlier stay',
      {
        currentlyIn: { prod: { since: '2026-12-06T10:00:05Z' } },
        verifiedIn: { prod: { verifiedAt: '2026-12-06T09:00:00Z' } },
      },
      'verified',
      false,
    ],
    [
      'verified there, then replaced by newer Freight',
      { verifiedIn: { prod: { verifiedAt: '2026-12-06T09:00:00Z' } } },
      'verified',
      true,
    ],
    [
      'verified there, then replaced: not in the Stage any more',
      { verifiedIn: { prod: { verifiedAt: '2026-12-06T09:00:00Z' } } },
      'promoted',
      false,
    ],
  ])('%s', (_name, status, condition, expected) => {
    expect(reached(status, 'prod', condition)).toBe(expected);
  });
});
