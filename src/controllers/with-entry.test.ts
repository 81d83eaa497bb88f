import { describe, expect, it } from 'vitest';
import { changedMember, plainCopy } from '../store/plain-copy.js';
import { entryCount, withEntry } from './with-entry.js';

describe('withEntry', () => {
  const record = Object.freeze({ b: { n: 1 }, a: { n: 2 }, '7': { n: 3 } });

  it.each([
    ['adds a key last', 'c', { n: 4 }],
    ['replaces a key in place', 'b', { n: 5 }],
    ['removes a key', 'a', undefined],
    ['removes nothing that is not there', 'z', undefined],
  ])('%s, as a spread would', (_, key, value) => {
    const spread: Record<string, unknown> = { ...record, [key]: value };
    if (value === undefined) delete spread[key];
    const copy = withEntry<{ n: number }>(record, key, value);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(spread));
    expect(Object.keys(copy)).toEqual(Object.keys(spread));
    expect(Object.isFrozen(record) && Object.keys(record)).toEqual(['7', 'b', 'a']);
  });

  it('starts from an empty record when there is none', () => {
    expect(withEntry<number>(undefined, 'x', 1)).toEqual({ x: 1 });
    expect(withEntry<number>(undefined, 'x', undefined)).toEqual({});
  });

  it('copies a thousand entries, keeping the entries themselves', () => {
    const large = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`s${i}`, { i }]));
    const copy = withEntry(large, 's1000', { i: 1000 });
    expect(Object.keys(copy)).toHaveLength(1001);
    expect(copy.s5).toBe(large.s5);
  });

  it('hands its copy to the write that stores it, which copies only the changed entry', () => {
    const large = plainCopy(
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`s${i}`, { i }])),
      undefined,
    ) as Record<string, { i: number }>;
    const copy = withEntry(large, 's1000', { i: 1000 });
    const written = plainCopy(copy, large);
    expect(written).toBe(copy);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(changedMember(large, written)).toBe('s1000');
    // Starting from no record, there is nothing to take over.
    const fresh = withEntry<number>(undefined, 'x', 1);
    expect(plainCopy(fresh, {})).not.toBe(fresh);
  });
});

describe('withEntry: the keys it keeps', () => {
  it('builds every copy of a chain of changes in the order spreading gives, and counts it', () => {
    let record: Readonly<Record<string, number>> | undefined;
    let spread: Record<string, number> = {};
    const steps: Array<[string, number | undefined]> = [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['b', 4],
      ['a', undefined],
      ['9', 5],
      ['d', 6],
      ['zz', undefined],
      ['a', 7],
    ];
    for (const [key, value] of steps) {
      record = withEntry(record, key, value);
      spread = { ...spread, [key]: value as number };
      if (value === undefined) delete spread[key];
      expect(Object.keys(record), `${key}=${value}`).toEqual(Object.keys(spread));
      expect(entryCount(record)).toBe(Object.keys(spread).length);
    }
  });

  it('keeps two copies made from one record apart', () => {
    const base = withEntry(withEntry<number>(undefined, 'a', 1), 'b', 2);
    const left = withEntry(base, 'c', 3);
    const right = withEntry(base, 'd', 4);
    const further = withEntry(left, 'e', 5);
    expect(Object.keys(left)).toEqual(['a', 'b', 'c']);
    expect(Object.keys(withEntry(right, 'x', 0))).toEqual(['a', 'b', 'd', 'x']);
    expect(Object.keys(withEntry(further, 'y', 0))).toEqual(['a', 'b', 'c', 'e', 'y']);
    expect(Object.keys(withEntry(base, 'z', 0))).toEqual(['a', 'b', 'z']);
    expect([left, right, further].map(entryCount)).toEqual([3, 3, 4]);
  });

  it('counts a record it did not make', () => {
    expect(entryCount({ a: 1, '2': 2 })).toBe(2);
    expect(entryCount({})).toBe(0);
  });
});
