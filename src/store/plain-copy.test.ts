import { describe, expect, it } from 'vitest';
import { boundStatusMessages } from '../api/bounded-text.js';
import { deepEqualJson } from '../api/canonical-json.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { changedMember, handOverOneChange, plainCopy } from './plain-copy.js';

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

  describe('a record handed over with one change', () => {
    /** A stored status: frozen, as the store keeps it. */
    const storedStatus = () =>
      plainCopy(
        {
          phase: 'ok',
          verifiedIn: Object.fromEntries(
            Array.from({ length: 100 }, (_, i) => [`s${i}`, { verifiedAt: `t${i}` }]),
          ),
        },
        undefined,
        true,
      ) as { phase: string; verifiedIn: Record<string, unknown> };
    /** What withEntry makes: the old members, one set or removed, handed over. */
    const oneChange = (
      from: Record<string, unknown>,
      key: string,
      value: unknown,
    ): Record<string, unknown> => {
      const record: Record<string, unknown> = { ...from };
      if (value === undefined) delete record[key];
      else record[key] = value;
      handOverOneChange(record, from, key);
      return record;
    };

    it.each([
      ['an entry added', 's100', { verifiedAt: 't100', extra: undefined }],
      ['an entry replaced', 's5', { verifiedAt: 'later' }],
      ['an entry removed', 's5', undefined],
      ['a long message in the new entry', 's100', { message: 'x'.repeat(10_000) }],
    ])('%s: the copy is the record itself, as storing it gives it back', (_, key, value) => {
      const old = storedStatus();
      const record = oneChange(old.verifiedIn, key, value);
      const status = { ...old, verifiedIn: record };
      const copy = plainCopy(status, old, true) as typeof old;
      // The same result as copying every member…
      expect(copy).toStrictEqual(boundStatusMessages(stored(status) as object));
      expect(JSON.stringify(copy)).toBe(
        JSON.stringify(boundStatusMessages(stored(status) as object)),
      );
      // …taken over: the record itself, frozen, its other entries the old ones.
      expect(copy.verifiedIn).toBe(record);
      expect(Object.isFrozen(record)).toBe(true);
      expect(copy.verifiedIn.s7).toBe(old.verifiedIn.s7);
      expect(copy.phase).toBe(old.phase);
      // Readers learn which entry changed.
      expect(changedMember(old.verifiedIn, copy.verifiedIn)).toBe(key);
      expect(changedMember(copy.verifiedIn, old.verifiedIn)).toBeUndefined();
    });

    it('is the old record when the one change changes nothing', () => {
      const old = storedStatus();
      const status = { ...old, verifiedIn: oneChange(old.verifiedIn, 's5', { verifiedAt: 't5' }) };
      expect(plainCopy(status, old, true)).toBe(old);
      const absent = { ...old, verifiedIn: oneChange(old.verifiedIn, 'gone', undefined) };
      expect(plainCopy(absent, old, true)).toBe(old);
    });

    it('is copied member by member when made from another record than the stored one', () => {
      const old = storedStatus();
      const elsewhere = storedStatus();
      const record = oneChange(elsewhere.verifiedIn, 's100', { verifiedAt: 't100' });
      const copy = plainCopy({ ...old, verifiedIn: record }, old, true) as typeof old;
      expect(copy.verifiedIn).not.toBe(record);
      expect(Object.isFrozen(record)).toBe(false);
      expect(copy.verifiedIn).toStrictEqual(stored(record));
      expect(changedMember(old.verifiedIn, copy.verifiedIn)).toBeUndefined();
    });

    it('is taken over once: a second write copies it as usual', () => {
      const old = storedStatus();
      const record = oneChange(old.verifiedIn, 's100', { verifiedAt: 't100' });
      const first = plainCopy({ ...old, verifiedIn: record }, old, true) as typeof old;
      expect(first.verifiedIn).toBe(record);
      const second = plainCopy({ ...old, verifiedIn: record }, old, true) as typeof old;
      expect(second.verifiedIn).not.toBe(record);
      expect(second.verifiedIn).toStrictEqual(record);
    });
  });

  it('lets go of the versions a record was made from: the newest keeps none of them alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const hop = (from: Record<string, unknown>, index: number) => {
      const record: Record<string, unknown> = { ...from, [`s${index}`]: { since: `${index}` } };
      handOverOneChange(record, from, `s${index}`);
      return plainCopy(record, from) as Record<string, unknown>;
    };
    const versions = (count: number) => {
      let record = plainCopy({ s0: {} }, undefined) as Record<string, unknown>;
      const first = new WeakRef(record);
      let previous = record;
      for (let index = 1; index <= count; index++)
        [previous, record] = [record, hop(record, index)];
      return { first, previous, last: record };
    };
    const { first, previous, last } = versions(50);
    // The newest knows its last change while whoever asks holds the one before…
    expect(changedMember(previous, last)).toBe('s50');
    expect(changedMember(first.deref(), last)).toBeUndefined();
    // …and keeps none of the versions before alive.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(first.deref()).toBeUndefined();
    expect(Object.keys(last)).toHaveLength(51);
  });
});
