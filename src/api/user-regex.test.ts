import { describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import {
  compileUserRegex,
  prefixedRegex,
  quotePattern,
  tryCompileUserRegex,
  userRegexProblem,
} from './user-regex.js';

/** Catastrophic for a backtracking engine: every way to split the run of a's is tried. */
const CATASTROPHIC = 'a'.repeat(50_000) + 'b';

describe('compileUserRegex', () => {
  it.each<[name: string, pattern: string, text: string, expected: boolean]>([
    ['is unanchored, as Go MatchString', 'rc', '1.0.0-rc.1', true],
    ['anchors with ^ and $', '^v\\d+$', 'v12-rc', false],
    ['reads (?i)', '(?i)^release-', 'RELEASE-1', true],
    ['reads (?i:…) groups', '(?i:ab)c', 'ABc', true],
    ['ends (?i:…) with its group', '(?i:ab)c', 'ABC', false],
    ['reads (?s)', '(?s)a.b', 'a\nb', true],
    ['keeps . off newlines', 'a.b', 'a\nb', false],
    ['reads \\pL', '^\\pL+$', 'héllo', true],
    ['reads \\p{Greek}', '^\\p{Greek}+$', 'αβγ', true],
    ['reads POSIX classes', '^[[:alpha:]]+$', 'abc', true],
    ['reads \\z', '^a\\z', 'a', true],
    ['reads \\x{41}', '^\\x{41}$', 'A', true],
    ['reads (?P<name>…)', '(?P<major>\\d+)\\.', '1.2', true],
    ['keeps \\w ASCII, as Go', '^\\w+$', 'héllo', false],
    ['keeps \\d ASCII, as Go', '^\\d$', '٣', false],
    ['ends $ at the end of the text', 'a$', 'a\nb', false],
    ['ends $ at lines with (?m)', '(?m)a$', 'a\nb', true],
    ['counts code points', '^.$', '😀', true],
    // Catastrophic for a backtracking engine; under RE2 they simply finish.
    ['^(a+)+$ on 50,000 a then b', '^(a+)+$', CATASTROPHIC, false],
    ['^(a+)+$ on 50,000 a', '^(a+)+$', 'a'.repeat(50_000), true],
    ['(a|aa)+$ on 50,000 a then b', '(a|aa)+$', CATASTROPHIC, false],
    ['^(a|a?)+$ on 50,000 a then b', '^(a|a?)+$', CATASTROPHIC, false],
    ['(x+x+)+y on 50,000 x', '(x+x+)+y', 'x'.repeat(50_000), false],
  ])('%s', (_name, pattern, text, expected) => {
    expect(compileUserRegex(pattern).test(text)).toBe(expected);
  });

  const RE2 = 'RE2 syntax is required, as in Kargo (Go regexp)';
  it.each<[pattern: string, problem: string]>([
    // JavaScript-only syntax: refused, saying RE2 is required.
    [
      '(a)\\1',
      `invalid regular expression "(a)\\1": invalid escape sequence: \`\\1\` (${RE2}: no backreferences such as \\1)`,
    ],
    [
      '^v(?=\\d)',
      `invalid regular expression "^v(?=\\d)": invalid or unsupported Perl syntax: \`(?=\` (${RE2}: no lookahead or lookbehind)`,
    ],
    [
      '^(?!rc)',
      `invalid regular expression "^(?!rc)": invalid or unsupported Perl syntax: \`(?!\` (${RE2}: no lookahead or lookbehind)`,
    ],
    [
      '(?<=v)1',
      `invalid regular expression "(?<=v)1": invalid named capture: \`(?<=v)1\` (${RE2}: no lookahead or lookbehind)`,
    ],
    ['\\u0041', `invalid regular expression "\\u0041": invalid escape sequence: \`\\u\` (${RE2})`],
    ['a{1001}', `invalid regular expression "a{1001}": invalid repeat count: \`{1001}\` (${RE2})`],
    // Invalid everywhere: RE2's complaint alone.
    ['(', 'invalid regular expression "(": missing closing ): `(`'],
    ['[z-a]', 'invalid regular expression "[z-a]": invalid character class range: `z-a`'],
    ['a**', 'invalid regular expression "a**": invalid nested repetition operator: `**`'],
    // A newline in the pattern stays on one line of the message.
    ['(\n', 'invalid regular expression "(\\n": missing closing ): `(\\n`'],
  ])('refuses %j', (pattern, problem) => {
    expect(userRegexProblem(pattern)).toBe(problem);
    let error: unknown;
    try {
      compileUserRegex(pattern, 'allowTagsRegexes[2]');
    } catch (err) {
      error = err;
    }
    expect(isGantryError(error, 'Invalid')).toBe(true);
    expect((error as Error).message).toBe(`allowTagsRegexes[2]: ${problem}`);
  });

  it('returns problems as data', () => {
    expect(tryCompileUserRegex('^ok$').regex?.test('ok')).toBe(true);
    expect(tryCompileUserRegex('(').problem).toBe('missing closing ): `(`');
    expect(userRegexProblem('(?i)ok')).toBeUndefined();
  });

  it('cuts long patterns in messages', () => {
    expect(quotePattern('x'.repeat(300))).toBe(`"${'x'.repeat(200)}…"`);
  });
});

describe('prefixedRegex', () => {
  it.each<[entry: string, expected: string | undefined]>([
    ['regex:^a', '^a'],
    ['regexp:^a', '^a'],
    ['regex:', ''],
    ['regexp:a\nb', 'a\nb'],
    ['glob:*', undefined],
    ['apps', undefined],
    ['REGEX:a', undefined],
  ])('%j is %j', (entry, expected) => {
    expect(prefixedRegex(entry)).toBe(expected);
  });
});
