import { describe, expect, it } from 'vitest';
import { boundStatusMessages } from '../api/bounded-text.js';
import { deepEqualJson } from '../api/canonical-json.js';
import { plainCopy } from './plain-copy.js';

/** What storing `value` gives back. */
function stored(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

const cases: Array<{ name: string; value: unknown; old: unknown }> = [
  { name: 'nothing before', value: { a: 1, b: [1, 'x', null] }, old: undefined },
  { name: 'equal, members reordered', value: { b: 2, a: 1 }, old: { a: 1, b: 2 } },
  { name: 'one member changed', value: { a: 1, b: { c: 3 } }, old: { a: 1, b: { c: 2 } } },
  { name: 'a member added', value: { a: 1, b: 2 }, old: { a: 1 } },
  { name: 'a member removed', value: { a: 1 }, old: { a: 1, b: 2 } },
  { name: 'undefined members dropped', value: { a: 1, b: undefined }, old: { a: 1 } },
  { name: 'undefined items null', value: [1, undefined, 3], old: [1, null, 3] },
  { name: 'non-finite numbers null', value: { a: NaN, b: Infinity, c: -0 }, old: undefined },
  {
    name: 'a Date as its text',
    value: { at: new Date(0) },
    old: { at: '1970-01-01T00:00:00.000Z' },
  },
  { name: 'array lengths differ', value: [1, 2], old: [1, 2, 3] },
  { name: 'object became array', value: { a: [1] }, old: { a: { 0: 1 } } },
  { name: 'null and undefined differ', value: { a: null }, old: { a: 1 } },
  { name: 'a member named __proto__', value: JSON.parse('{"__proto__":{"x":1}}'), old: {} },
  { name: 'undefined', value: undefined, old: { a: 1 } },
];

describe('plainCopy', () => {
  it.each(cases)(
    'gives what storing gives and finds equality as JSON does: $name',
    ({ value, old }) => {
      const copy = plainCopy(value, old);
      const unchanged = old !== undefined && deepEqualJson(stored(value), old);
      expect(copy === old).toBe(unchanged);
      // A changed value is copied as storing it would give it back, members in its order.
      if (!unchanged) expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      if (!unchanged) expect(copy).toStrictEqual(stored(value));
    },
  );

  it('shares the unchanged parts of the old value and copies the changed ones', () => {
    const old = { stages: { s1: { at: 1 }, s2: { at: 2 } }, list: [{ n: 1 }, { n: 2 }] };
    const value = {
      stages: { ...old.stages, s3: { at: 3 } },
      list: [old.list[0], { n: 3 }],
    };
    const copy = plainCopy(value, old) as typeof old & { stages: { s3: unknown } };
    expect(copy.stages.s1).toBe(old.stages.s1);
    expect(copy.stages.s2).toBe(old.stages.s2);
    expect(copy.stages.s3).not.toBe(value.stages.s3);
    expect(copy.list[0]).toBe(old.list[0]);
    expect(copy.list[1]).not.toBe(value.list[1]);
  });

  it('bounds a status as boundStatusMessages does, leaving its state alone', () => {
    const long = 'x'.repeat(10_000);
    const status = {
      message: long,
      conditions: [{ type: 'Ready', message: long, reason: 'ok' }],
      items: [long],
      state: { message: long },
      nested: { deep: { error: long } },
    };
    expect(plainCopy(status, undefined, true)).toStrictEqual(boundStatusMessages(status));
    expect(plainCopy([{ message: long }], undefined, true)).toStrictEqual([{ message: long }]);
    expect(plainCopy({ message: long }, undefined)).toStrictEqual({ message: long });
  });

  it('finds a status unchanged when only its too long messages differ past their bound', () => {
    const old = boundStatusMessages({ message: 'y'.repeat(10_000) });
    expect(plainCopy({ message: 'y'.repeat(10_000) }, old, true)).toBe(old);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => plainCopy({ a: 1n }, undefined)).toThrow(TypeError);
  });
});
