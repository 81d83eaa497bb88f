import { describe, expect, it } from 'vitest';
import { anyKeyedMap, entryOf, stringMap } from './any-keyed-map.js';
import { freightOrigin } from './functions/go-struct.js';
import { equal, fetch, goFormat, goType } from './runtime.js';
import { GoFloat } from './values.js';

describe('expr-lang runtime values', () => {
  it('reads a missing key of a map of strings as "" and of any other map as nil, as Go', () => {
    expect(fetch(stringMap({ token: 't' }), 'token')).toBe('t');
    expect(fetch(stringMap({ token: 't' }), 'missing')).toBe('');
    expect(fetch({ a: 1 }, 'missing')).toBeNull();
  });

  it('keys a groupBy map by any value', () => {
    const groups = anyKeyedMap<unknown[]>();
    entryOf(groups, 0, () => []).push('x');
    entryOf(groups, true, () => []).push('y');
    expect(fetch(groups, 0)).toEqual(['x']);
    expect(fetch(groups, true)).toEqual(['y']);
    expect(() => fetch({ 0: 'a' }, 0)).toThrow(
      'value of type int is not assignable to type string',
    );
  });

  it('prints values as Go prints them', () => {
    expect(goFormat(freightOrigin('Warehouse', 'a'))).toBe('{Warehouse a}');
    expect(goFormat(new GoFloat(1e6))).toBe('1e+06');
    expect(goFormat({ b: [1, 2.5], a: null })).toBe('map[a:<nil> b:[1 2.5]]');
    expect(goType(new GoFloat(2))).toBe('float64');
    expect(equal(1, new GoFloat(1))).toBe(true);
    expect(equal({ a: 1 }, { a: new GoFloat(1) })).toBe(false);
  });
});
