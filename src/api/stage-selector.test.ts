import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob.js';
import { matchesStageSelector, type StageSelector } from './stage-selector.js';

const stage = { name: 'prod-eu', labels: { env: 'prod', region: 'eu' } };

describe('matchesStageSelector', () => {
  it.each<[string, StageSelector, boolean]>([
    ['an empty selector', {}, true],
    ['an empty name', { name: '' }, true],
    ['the exact name', { name: 'prod-eu' }, true],
    ['another name', { name: 'prod' }, false],
    ['a glob', { name: 'glob:prod-*' }, true],
    ['a glob with ?', { name: 'glob:prod-e?' }, true],
    ['a glob with a class', { name: 'glob:prod-[a-f]u' }, true],
    ['a glob with a negated class', { name: 'glob:prod-[!e]u' }, false],
    ['a glob with alternatives', { name: 'glob:{dev,prod}-eu' }, true],
    ['a glob is anchored', { name: 'glob:prod' }, false],
    ['a regex (unanchored, like Go)', { name: 'regex:od-e' }, true],
    ['an anchored regexp', { name: 'regexp:^prod-(eu|us)$' }, true],
    ['a regex that does not match', { name: 'regex:^dev' }, false],
    ['a regex that does not compile', { name: 'regex:(' }, false],
    ['RE2 syntax: (?i)', { name: 'regex:(?i)^PROD-' }, true],
    ['JavaScript-only syntax (stored before RE2) matches nothing', { name: 'regex:^(?=p)' }, false],
    ['a glob that does not compile matches nothing', { name: 'glob:[z-a]*' }, false],
    ['matchLabels', { matchLabels: { env: 'prod' } }, true],
    ['matchLabels that differ', { matchLabels: { env: 'dev' } }, false],
    [
      'matchExpressions',
      { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu', 'us'] }] },
      true,
    ],
    ['DoesNotExist', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, false],
    ['name and labels both matching', { name: 'glob:prod-*', matchLabels: { env: 'prod' } }, true],
    ['a name matching, labels not', { name: 'glob:prod-*', matchLabels: { env: 'dev' } }, false],
    ['labels matching, the name not', { name: 'staging', matchLabels: { env: 'prod' } }, false],
  ])('%s', (_, selector, expected) => {
    expect(matchesStageSelector(selector, stage)).toBe(expected);
  });

  it('matches in linear time (RE2): a catastrophic pattern against a long name finishes', () => {
    const long = { name: 'a'.repeat(50_000) + 'b' };
    expect(matchesStageSelector({ name: 'regex:^(a+)+$' }, long)).toBe(false);
    expect(matchesStageSelector({ name: 'glob:*a*a*a*a*a*a*c' }, long)).toBe(false);
    expect(matchesStageSelector({ name: 'glob:*a*a*a*a*a*a*b' }, long)).toBe(true);
  });

  it('treats a Stage without labels as having none', () => {
    expect(matchesStageSelector({ matchLabels: { env: 'prod' } }, { name: 'x' })).toBe(false);
    expect(
      matchesStageSelector(
        { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
        { name: 'x' },
      ),
    ).toBe(true);
  });
});

describe('compileGlob', () => {
  it.each([
    ['a*', 'abc', true],
    ['a*', 'ba', false],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['[ab', '[ab', true],
    ['{a,b', '{a,b', true],
    ['a.b', 'axb', false],
    ['[]a]', ']', true],
  ])('%j against %j is %s', (glob, name, expected) => {
    expect(compileGlob(glob).test(name)).toBe(expected);
  });
});
