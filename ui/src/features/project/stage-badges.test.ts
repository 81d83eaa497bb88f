import { describe, expect, it } from 'vitest';
import type { Stage } from '../../api/types.js';
import { promotionMode, shownVerification } from './stage-badges.js';

const stage = (spec: Stage['spec'], auto = false): Stage => ({
  kind: 'Stage',
  metadata: { name: 'dev' },
  spec,
  status: {
    autoPromotionEnabled: auto,
    freightHistory: [{ verificationHistory: [{ id: 'v1', phase: 'Successful' }] }],
  },
});

describe('shownVerification', () => {
  it.each([
    ['no verification configured', {}, undefined],
    ['an empty template list', { verification: { analysisTemplates: [] } }, undefined],
    [
      'templates configured',
      { verification: { analysisTemplates: [{ name: 'smoke' }] } },
      { id: 'v1', phase: 'Successful' },
    ],
  ])('%s', (_name, spec, expected) => {
    expect(shownVerification(stage(spec))).toEqual(expected);
  });
});

describe('promotionMode', () => {
  it.each([
    [false, false, undefined],
    [true, false, 'auto'],
    [false, true, 'frozen'],
    [true, true, 'frozen'],
  ] as const)('auto %s, frozen %s → %s', (auto, frozen, expected) => {
    expect(promotionMode(stage({}, auto), frozen)).toBe(expected);
  });
});
