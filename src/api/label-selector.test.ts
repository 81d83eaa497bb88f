import { describe, expect, it } from 'vitest';
import { fromStructuredSelector, matchesSelector, parseLabelSelector } from './label-selector.js';

describe('label selectors', () => {
  const labels = { tier: 'web', env: 'prod', 'kargo.akuity.io/shard': 'east' };

  it.each([
    ['', true],
    ['tier=web', true],
    ['tier==web', true],
    ['tier!=web', false],
    ['env in (dev, prod)', true],
    ['env notin (prod)', false],
    ['tier', true],
    ['!tier', false],
    ['!legacy', true],
    ['missing!=x', true],
    ['tier=web,env in (dev,staging)', false],
    ['kargo.akuity.io/shard=east', true],
  ])('%j matches %s', (text, expected) => {
    expect(matchesSelector(parseLabelSelector(text), labels)).toBe(expected);
  });

  it.each([
    ['env in ()', 'a set needs at least one value'],
    ['env in (a', 'unbalanced parentheses'],
    ['=x', 'is not a label requirement'],
    ['a b', 'is not a label requirement'],
  ])('rejects %j', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(message);
  });

  it('compiles the structured form', () => {
    const selector = fromStructuredSelector({
      matchLabels: { tier: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(matchesSelector(selector, labels)).toBe(true);
    expect(matchesSelector(selector, { ...labels, legacy: 'y' })).toBe(false);
  });
});
