import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqualJson } from './canonical-json.js';

describe('deepEqualJson', () => {
  // Each pair is equal exactly when its canonical JSON is: the comparison without
  // serialising must never disagree with the serialised one.
  const pairs: Array<[string, unknown, unknown, boolean]> = [
    ['same scalars', 'a', 'a', true],
    ['different scalars', 1, 2, false],
    ['number and string', 1, '1', false],
    ['null and undefined', null, undefined, false],
    ['key order', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    ['undefined keys are absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['a missing key', { a: 1, b: 2 }, { a: 1 }, false],
    ['a key only on the right', { a: 1 }, { a: 1, b: 2 }, false],
    ['same key count, different keys', { a: 1, b: undefined }, { c: 1 }, false],
    ['array order matters', [1, 2], [2, 1], false],
    ['array lengths', [1], [1, 1], false],
    ['undefined in arrays is null', [undefined], [null], true],
    ['array and object', [], {}, false],
    ['NaN is null', [Number.NaN], [null], true],
    [
      'a large per-Stage map, one entry changed',
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`s${i}`, { since: 't' }])),
      Object.fromEntries(
        Array.from({ length: 1000 }, (_, i) => [`s${i}`, { since: i === 999 ? 'u' : 't' }]),
      ),
      false,
    ],
  ];
  it.each(pairs)('%s', (_name, a, b, equal) => {
    expect(canonicalJson(a) === canonicalJson(b)).toBe(equal);
    expect(deepEqualJson(a, b)).toBe(equal);
    expect(deepEqualJson(b, a)).toBe(equal);
  });
});
