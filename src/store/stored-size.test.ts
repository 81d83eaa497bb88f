import { describe, expect, it, vi } from 'vitest';
import { handOverOneChange, plainCopy } from './plain-copy.js';
import { storedLength } from './stored-size.js';

type Status = Record<string, unknown>;

/** A Freight-like object as stored, with `status.currentlyIn` as given. */
function freight(currentlyIn: Record<string, unknown>, other: Status = {}): object {
  return plainCopy(
    {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Freight',
      metadata: { name: 'f1', namespace: 'demo', resourceVersion: '1' },
      status: { ...other, currentlyIn },
    },
    undefined,
  ) as object;
}

/**
 * What a controller's write makes of `stored` (as `controllers/with-entry.ts` does): its
 * `status.currentlyIn` with `key` set to `value` (or removed), handed over, then the planner's
 * copy of the new object against the stored one.
 */
function hop(stored: object, key: string, value: unknown): object {
  const before = (stored as { status: Status }).status.currentlyIn as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const name in before) if (Object.hasOwn(before, name)) record[name] = before[name];
  if (value === undefined) delete record[key];
  else record[key] = value;
  handOverOneChange(record, before, key);
  const next = {
    ...stored,
    metadata: { ...(stored as { metadata: object }).metadata, resourceVersion: '2' },
    status: { ...(stored as { status: Status }).status, currentlyIn: record },
  };
  return plainCopy(next, stored) as object;
}

describe('storedLength', () => {
  it('is the length of JSON.stringify of an object nothing was handed over in', () => {
    const object = freight({ a: { since: 'x' } }, { message: 'hé "quoted" \u0001' });
    expect(storedLength(object)).toBe(JSON.stringify(object).length);
  });

  const steps: Array<{ name: string; key: string; value: unknown }> = [
    { name: 'a member added', key: 'stage-1', value: { since: '2026-12-07T00:00:00Z' } },
    { name: 'another added', key: 'stage-2', value: { since: '2026-12-07T00:00:01Z' } },
    { name: 'a member changed in place', key: 'stage-1', value: { since: 'later' } },
    { name: 'one added after a change', key: 'stage-3', value: {} },
    { name: 'a member removed', key: 'stage-2', value: undefined },
    { name: 'a name JSON escapes', key: 'a"b\\c\u0001é', value: { n: 1 } },
    { name: 'an integer name (ordered first)', key: '42', value: { n: 2 } },
    { name: 'added after an integer name', key: 'stage-4', value: [1, 'two', null] },
    { name: 'a member removed that was never there', key: 'stage-9', value: undefined },
  ];

  /** The object after each hop, with its length as the planner finds it (from the one before). */
  function hops(start: object) {
    let stored = start;
    return {
      get stored() {
        return stored;
      },
      hop(key: string, value: unknown): number {
        const before = stored;
        stored = hop(stored, key, value);
        return storedLength(stored, before);
      },
    };
  }

  for (const size of [0, 1, 70]) {
    it(`follows every hop of a record of ${size} members`, () => {
      const many = Object.fromEntries(
        Array.from({ length: size }, (_, index) => [`m${index}`, { since: `${index}` }]),
      );
      const run = hops(freight(many));
      expect(storedLength(run.stored)).toBe(JSON.stringify(run.stored).length);
      for (const step of steps)
        expect(run.hop(step.key, step.value), step.name).toBe(JSON.stringify(run.stored).length);
      // Down to no member and up again: the commas of the first and the last member.
      for (const key of Object.keys(
        (run.stored as { status: { currentlyIn: object } }).status.currentlyIn,
      )) {
        expect(run.hop(key, undefined), `${key} removed`).toBe(JSON.stringify(run.stored).length);
      }
      expect((run.stored as { status: { currentlyIn: object } }).status.currentlyIn).toEqual({});
      expect(run.hop('again', { since: 'now' })).toBe(JSON.stringify(run.stored).length);
    });
  }

  it("finds a record's length from its predecessor's, serialising only the changed member", () => {
    const run = hops(freight({}));
    for (let index = 0; index < 100; index++) run.hop(`stage-${index}`, { since: `${index}` });
    // A Stage joins, the Stage leaves the previous Freight (its first member goes).
    expect(run.hop('stage-100', { since: '100' })).toBe(JSON.stringify(run.stored).length);
    expect(run.hop('stage-0', undefined)).toBe(JSON.stringify(run.stored).length);
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      // One changes.
      const length = run.hop('stage-50', { since: 'again' });
      const record = (run.stored as { status: { currentlyIn: object } }).status.currentlyIn;
      const serialised = stringify.mock.calls.map(([value]) => value as unknown);
      stringify.mockRestore();
      expect(length).toBe(JSON.stringify(run.stored).length);
      expect(serialised).not.toContain(record);
      expect(serialised).not.toContain(run.stored);
      const members = serialised.filter(
        (value) => typeof value === 'object' && value !== null && 'since' in value,
      );
      // The member as it was and as it is: nothing else.
      expect(members).toEqual([{ since: '50' }, { since: 'again' }]);
    } finally {
      stringify.mockRestore();
    }
  });

  it('serialises a record whole when the object it came from is not the one stored before', () => {
    const run = hops(freight({}));
    for (let index = 0; index < 5; index++) run.hop(`stage-${index}`, { n: index });
    const elsewhere = freight({ other: {} });
    const next = hop(run.stored, 'stage-5', { n: 5 });
    expect(storedLength(next, elsewhere)).toBe(JSON.stringify(next).length);
    expect(storedLength(next)).toBe(JSON.stringify(next).length);
  });
});
