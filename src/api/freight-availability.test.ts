import { describe, expect, it } from 'vitest';
import type { FreightStatus } from './freight.js';
import { freightRequestSchema } from './stage.js';
import { formatDuration, freightAvailability, soakDuration } from './freight-availability.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const stage = (sources: Record<string, unknown>) => ({
  name: 'prod',
  spec: {
    requestedFreight: [
      freightRequestSchema.parse({ origin: { kind: 'Warehouse', name: 'app' }, sources }),
    ],
  },
});
const freight = (status: FreightStatus, origin = 'app') => ({
  origin: { kind: 'Warehouse' as const, name: origin },
  status,
});

describe('freightAvailability', () => {
  it.each<[string, Record<string, unknown>, FreightStatus, boolean, string]>([
    ['direct', { direct: true }, {}, true, 'direct from Warehouse app'],
    ['not verified upstream', { stages: ['staging'] }, {}, false, 'not verified in staging'],
    [
      'verified upstream',
      { stages: ['staging'] },
      { verifiedIn: { staging: {} } },
      true,
      'verified in staging',
    ],
    [
      'OneOf: one of two upstreams suffices',
      { stages: ['eu', 'us'] },
      { verifiedIn: { us: {} } },
      true,
      'verified in us',
    ],
    [
      'All: every upstream must verify',
      { stages: ['eu', 'us'], availabilityStrategy: 'All' },
      { verifiedIn: { us: {} } },
      false,
      'not verified in eu',
    ],
    [
      'soaking, still in the upstream Stage',
      { stages: ['staging'], requiredSoakTime: '24h' },
      { verifiedIn: { staging: {} }, currentlyIn: { staging: { since: hoursAgo(3.2) } } },
      false,
      'soaking in staging: 3h12m of 24h',
    ],
    [
      'soaked long enough',
      { stages: ['staging'], requiredSoakTime: '24h' },
      { verifiedIn: { staging: {} }, currentlyIn: { staging: { since: hoursAgo(25) } } },
      true,
      'verified and soaked in staging',
    ],
    [
      'a completed stay counts',
      { stages: ['staging'], requiredSoakTime: '2h' },
      { verifiedIn: { staging: { longestSoak: '2h30m0s' } } },
      true,
      'verified and soaked in staging',
    ],
    [
      'left too early',
      { stages: ['staging'], requiredSoakTime: '2h' },
      { verifiedIn: { staging: { longestSoak: '30m0s' } } },
      false,
      'left staging after 30m of the 2h soak it needs',
    ],
    [
      'approval overrides verification and soak',
      { stages: ['staging'], requiredSoakTime: '24h' },
      { approvedFor: { prod: { approvedAt: hoursAgo(1) } } },
      true,
      'approved for prod',
    ],
    [
      'approval for another Stage does not count',
      { stages: ['staging'] },
      { approvedFor: { qa: {} } },
      false,
      'not verified in staging',
    ],
  ])('%s', (_name, sources, status, available, reason) => {
    expect(freightAvailability(stage(sources), freight(status), NOW)).toEqual({
      available,
      reason,
    });
  });

  it('refuses Freight from an origin the Stage does not request', () => {
    expect(freightAvailability(stage({ direct: true }), freight({}, 'other'), NOW)).toEqual({
      available: false,
      reason: 'comes from Warehouse other, which prod does not request',
    });
  });

  it('formats durations for people and for longestSoak', () => {
    expect([formatDuration(45_000), formatDuration(125_000), formatDuration(11_520_000)]).toEqual([
      '45s',
      '2m5s',
      '3h12m',
    ]);
    expect([soakDuration(45_000), soakDuration(9_000_000)]).toEqual(['45s', '2h30m0s']);
  });
});
