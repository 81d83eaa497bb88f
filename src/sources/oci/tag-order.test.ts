import { describe, expect, it } from 'vitest';
import { imageSubscriptionSchema } from '../../api/warehouse.js';
import { orderTags } from './tag-order.js';

const TAGS = ['1.2.3', '1.10.0', 'v1.11.0', '1.9.0-rc.1', '2.0.0', 'latest', 'sha-abc', '1.2'];

const order = (fields: Record<string, unknown>) =>
  orderTags(TAGS, imageSubscriptionSchema.parse({ repoURL: 'ghcr.io/a/b', ...fields }));

describe('orderTags', () => {
  it.each([
    ['SemVer, strict (the default)', {}, ['2.0.0', '1.10.0', '1.9.0-rc.1', '1.2.3']],
    [
      'SemVer, lenient',
      { strictSemvers: false },
      ['2.0.0', 'v1.11.0', '1.10.0', '1.9.0-rc.1', '1.2.3', '1.2'],
    ],
    ['SemVer with a constraint', { constraint: '^1.2.0' }, ['1.10.0', '1.2.3']],
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
