import { describe, expect, it } from 'vitest';
import { imageSubscriptionSchema } from '../../api/warehouse.js';
import { isGantryError } from '../../errors.js';
import { filterTags, orderTags } from './tag-order.js';

const TAGS = ['1.2.3', '1.10.0', 'v1.11.0', '1.9.0-rc.1', '2.0.0', 'latest', 'sha-abc', '1.2'];

const order = (fields: Record<string, unknown>) =>
  orderTags(TAGS, imageSubscriptionSchema.parse({ repoURL: 'ghcr.io/a/b', ...fields }));

describe('orderTags', () => {
  it.each([
    // Strict still allows a leading v (Kargo's semver.Parse trims it before its strict check).
    ['SemVer, strict (the default)', {}, ['2.0.0', 'v1.11.0', '1.10.0', '1.9.0-rc.1', '1.2.3']],
    [
      'SemVer, lenient',
      { strictSemvers: false },
      ['2.0.0', 'v1.11.0', '1.10.0', '1.9.0-rc.1', '1.2.3', '1.2'],
    ],
    ['SemVer with a constraint', { constraint: '^1.2.0' }, ['v1.11.0', '1.10.0', '1.2.3']],
    [
      'SemVer with allow and ignore regexes',
      { allowTagsRegexes: ['^1\\.'], ignoreTagsRegexes: ['rc'] },
      ['1.10.0', '1.2.3'],
    ],
    [
      'Lexical',
      { imageSelectionStrategy: 'Lexical' },
      ['v1.11.0', 'sha-abc', 'latest', '2.0.0', '1.9.0-rc.1', '1.2.3', '1.2', '1.10.0'],
    ],
    [
      'NewestBuild keeps every allowed tag',
      { imageSelectionStrategy: 'NewestBuild', allowTagsRegexes: ['^sha-'] },
      ['sha-abc'],
    ],
  ])('%s', (_name, fields, expected) => {
    expect(order(fields)).toEqual(expected);
  });
});

describe('filterTags', () => {
  const LONG = 'a'.repeat(50_000) + 'b';
  it.each<[name: string, allow: string[], ignore: string[], tags: string[], expected: string[]]>([
    [
      'RE2 syntax: (?i)',
      ['(?i)^release-'],
      [],
      ['RELEASE-1', 'release-2', 'dev'],
      ['RELEASE-1', 'release-2'],
    ],
    ['RE2 syntax: \\pL', ['^v\\d+-\\pL+$'], [], ['v1-été', 'v1-2'], ['v1-été']],
    ['unanchored, as Go', ['rc'], [], ['1.0.0-rc.1', '1.0.0'], ['1.0.0-rc.1']],
    ['allow and ignore', ['^1\\.'], ['-rc'], ['1.0.0', '1.1.0-rc.1', '2.0.0'], ['1.0.0']],
    // Catastrophic for a backtracking engine; under RE2 they simply finish.
    ['a nested repetition in allow', ['^(a+)+$'], [], [LONG, 'aaa'], ['aaa']],
    ['a nested repetition in ignore', [], ['^(a+)+$'], [LONG, 'aaa'], [LONG]],
  ])('%s', (_name, allow, ignore, tags, expected) => {
    expect(filterTags(tags, allow, ignore)).toEqual(expected);
  });

  it('names the field of a pattern stored before admission required RE2', () => {
    let error: unknown;
    try {
      filterTags(['1.0.0'], ['^1'], ['-rc', '^(?!v)']);
    } catch (err) {
      error = err;
    }
    expect(isGantryError(error, 'Invalid')).toBe(true);
    expect((error as Error).message).toBe(
      'ignoreTagsRegexes[1]: invalid regular expression "^(?!v)": invalid or unsupported Perl syntax: `(?!` (RE2 syntax is required, as in Kargo (Go regexp): no lookahead or lookbehind)',
    );
  });
});
