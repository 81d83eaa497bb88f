import { describe, expect, it } from 'vitest';
import { summaryOf } from './text-summary.js';

describe('summaryOf', () => {
  it.each([
    ['one short line', 'disk full', 160, { line: 'disk full', truncated: false }],
    ['blank text', '', 160, { line: '', truncated: false }],
    ['surrounding blank lines', '\n\n  oops  \n\n', 160, { line: 'oops', truncated: false }],
    [
      'several lines',
      'step 2 failed\n  at git push\n  exit 128',
      160,
      { line: 'step 2 failed', truncated: true },
    ],
    ['CRLF lines', 'first\r\nsecond', 160, { line: 'first', truncated: true }],
    ['a long first line', 'abcdefghij', 6, { line: 'abcde…', truncated: true }],
    ['exactly the limit', 'abcdef', 6, { line: 'abcdef', truncated: false }],
  ])('%s', (_name, text, max, expected) => {
    expect(summaryOf(text, max)).toEqual(expected);
  });
});
