import { describe, expect, it } from 'vitest';
import { toJsonData } from './json-data.js';

const limits = { maxDepth: 5, maxBytes: 1000 };

describe('toJsonData', () => {
  it.each<[string, unknown, unknown]>([
    ['plain data, copied', { a: [1, 'x', true, null] }, { a: [1, 'x', true, null] }],
    [
      'a date, as RFC 3339',
      { at: new Date('2024-05-06T07:08:09Z') },
      { at: '2024-05-06T07:08:09.000Z' },
    ],
    ['binary, as base64', { data: Buffer.from('hello') }, { data: 'aGVsbG8=' }],
    [
      'a map with scalar keys, as strings',
      new Map<unknown, unknown>([
        [1, 'one'],
        [true, 'yes'],
        ['s', new Map([['n', null]])],
      ]),
      { 1: 'one', true: 'yes', s: { n: null } },
    ],
    ['undefined, as null', [undefined], [null]],
  ])('converts %s', (_, input, expected) => {
    expect(toJsonData(input, limits)).toEqual({ ok: true, value: expected });
  });

  it('keeps __proto__ as an own key and never sets a prototype', () => {
    const result = toJsonData(new Map([['__proto__', { polluted: true }]]), limits);
    expect(result.ok).toBe(true);
    const value = result.ok ? (result.value as Record<string, unknown>) : {};
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('expands shared values into independent copies', () => {
    const shared = { x: [1] };
    const result = toJsonData({ a: shared, b: shared }, limits);
    const value = result.ok
      ? (result.value as { a: { x: number[] }; b: { x: number[] } })
      : undefined;
    expect(value?.a).toEqual({ x: [1] });
    expect(value?.a).not.toBe(value?.b);
  });

  const cycle: Record<string, unknown> = { name: 'loop' };
  cycle.self = { again: cycle };

  it.each<[string, unknown, string, string]>([
    ['infinity', { spec: { n: Infinity } }, 'spec.n', 'Infinity is not a JSON number'],
    ['NaN', [NaN], '[0]', 'NaN is not a JSON number'],
    ['a set', { s: new Set([1]) }, 's', 'a YAML !!set has no JSON form'],
    ['a bigint', { n: 10n }, 'n', 'no exact JSON form'],
    ['a collection key', new Map([[['k'], 1]]), '', 'a mapping key must be a string'],
    [
      'keys that collide as strings',
      new Map<unknown, unknown>([
        [1, 'a'],
        ['1', 'b'],
      ]),
      '',
      'the key "1" appears twice',
    ],
    ['a class instance', { at: new URL('https://example.com') }, 'at', 'no JSON form'],
    ['a function', { f: () => 1 }, 'f', 'a function is not JSON data'],
    ['a cycle', cycle, 'self.again.self.again.self', 'nested more than 5 levels deep'],
    ['too much nesting', [[[[[[1]]]]]], '[0][0][0][0][0]', 'nested more than 5 levels deep'],
  ])('refuses %s, naming where', (_, input, path, message) => {
    const result = toJsonData(input, limits);
    expect(result).toEqual({
      ok: false,
      path,
      message: expect.stringContaining(message) as unknown,
    });
  });

  it('accepts nesting exactly at the limit', () => {
    expect(toJsonData([[[[[1]]]]], limits).ok).toBe(true);
  });

  it('bounds what shared values expand to', () => {
    const big = 'x'.repeat(100);
    const shared = Array.from({ length: 5 }, () => big);
    const result = toJsonData({ a: shared, b: shared }, limits);
    expect(result).toEqual({
      ok: false,
      path: expect.any(String) as unknown,
      message:
        'the document expands to more than 1000 bytes (1000 bytes, the most one object may hold)',
    });
    expect(toJsonData({ a: shared }, limits).ok).toBe(true);
  });

  it('copes with a million-level chain without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    const result = toJsonData(deep, { maxDepth: 100, maxBytes: 1 << 20 });
    expect(result.ok).toBe(false);
  });
});
