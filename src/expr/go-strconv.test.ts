import { describe, expect, it } from 'vitest';
import { goQuote, parseGoBool, parseGoFloat } from './go-strconv.js';

// Expected values are what Go's strconv answers.
describe('Go strconv', () => {
  it.each<[string, number | undefined]>([
    ['42', 42],
    ['1e3', 1000],
    ['+.5e-3', 0.0005],
    ['5.', 5],
    ['1_000.5_5', 1000.55],
    ['1e5_0', 1e50],
    ['0x1p-2', 0.25],
    ['0X1P+3', 8],
    ['0x.8p1', 1],
    ['0x_1p0', 1],
    ['inf', Infinity],
    ['+Infinity', Infinity],
    ['-inf', -Infinity],
    ['1e-400', 0],
    ['1e400', undefined],
    ['0x1p2000', undefined],
    ['0x1', undefined],
    ['0xp1', undefined],
    ['0x1_p0', undefined],
    ['1_e5', undefined],
    ['1__0', undefined],
    ['_1', undefined],
    ['.', undefined],
    ['+', undefined],
    ['1e', undefined],
    ['-nan', undefined],
    ['infinit', undefined],
    ['0b101', undefined],
    [' 42', undefined],
    ['1,5', undefined],
  ])('ParseFloat(%j)', (text, expected) => {
    expect(parseGoFloat(text)).toBe(expected);
  });

  it('ParseFloat reads NaN (any case, unsigned)', () => {
    expect(parseGoFloat('NAN')).toBeNaN();
    expect(parseGoFloat('-0')).toBe(-0);
  });

  it('ParseBool', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(t)).toBe(true);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(f)).toBe(false);
    for (const x of ['tRue', 'yes', '', ' true']) expect(parseGoBool(x)).toBeUndefined();
  });

  it.each<[string, string]>([
    ['foo', '"foo"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['é\t\u0000\u007f\ufeff\u{1F600}', '"é\\t\\x00\\x7f\\ufeff\u{1F600}"'],
    ['a\u0001\u2028\u00a0', '"a\\x01\\u2028\\u00a0"'],
    ['\u0007\b\f\n\r\v', '"\\a\\b\\f\\n\\r\\v"'],
  ])('Quote(%j)', (text, expected) => {
    expect(goQuote(text)).toBe(expected);
  });
});
