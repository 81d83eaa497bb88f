import { describe, expect, it, vi } from 'vitest';
import { handOverOneChange, plainCopy } from './plain-copy.js';
import { storedText } from './stored-text.js';

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

describe('storedText', () => {
  it('is JSON.stringify of an object nothing was handed over in', () => {
    const object = freight({ a: { since: 'x' } }, { message: 'hé "quoted"' });
    expect(storedText(object)).toBe(JSON.stringify(object));
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
    { name: 'a text that looks like a record mark', key: 'stage-5', value: '\u0000gantry-record-' },
  ];

  it('is JSON.stringify of every hop of a large record', () => {
    const many = Object.fromEntries(
      Array.from({ length: 70 }, (_, index) => [`m${index}`, { since: `${index}` }]),
    );
    let stored = freight(many);
    expect(storedText(stored)).toBe(JSON.stringify(stored));
    for (const step of steps) {
      stored = hop(stored, step.key, step.value);
      expect(storedText(stored), step.name).toBe(JSON.stringify(stored));
    }
    const members = (stored as { status: { currentlyIn: object } }).status.currentlyIn;
    expect(Object.keys(members)).toEqual([
      '42',
      ...Object.keys(many),
      'stage-1',
      'stage-3',
      'a"b\\c\u0001é',
      'stage-4',
      'stage-5',
    ]);
  });

  it("builds a record's text from its predecessor's, not from its members again", () => {
    let stored = freight({});
    for (let index = 0; index < 100; index++)
      stored = hop(stored, `stage-${index}`, { since: `${index}` });
    storedText(stored);
    stored = hop(stored, 'stage-100', { since: '100' });
    const record = (stored as { status: { currentlyIn: object } }).status.currentlyIn;
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      expect(storedText(stored)).toBe(JSON.stringify(stored));
      const serialised = stringify.mock.calls.slice(0, -1).map(([value]) => value as unknown);
      expect(serialised).toContainEqual({ since: '100' });
      expect(serialised).not.toContain(record);
      expect(serialised).not.toContain(stored);
    } finally {
      stringify.mockRestore();
    }
  });

  it('leaves a small record to JSON.stringify, with its object', () => {
    let stored = freight({});
    for (let index = 0; index < 10; index++)
      stored = hop(stored, `stage-${index}`, { since: `${index}` });
    const record = (stored as { status: { currentlyIn: object } }).status.currentlyIn;
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      expect(storedText(stored)).toBe(JSON.stringify(stored));
      expect(stringify.mock.calls[0]![0]).toBe(stored);
      expect(stringify.mock.calls.map(([value]) => value as unknown)).not.toContain(record);
    } finally {
      stringify.mockRestore();
    }
  });

  it("serialises none of a record's members when one is removed or changed", () => {
    let stored = freight({});
    for (let index = 0; index < 100; index++)
      stored = hop(stored, `stage-${index}`, { since: `${index}` });
    storedText(stored);
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      // The Stage leaves the previous Freight (its first member goes), then one changes.
      stored = hop(stored, 'stage-0', undefined);
      expect(storedText(stored)).toBe(JSON.stringify(stored));
      stored = hop(stored, 'stage-50', { since: 'again' });
      expect(storedText(stored)).toBe(JSON.stringify(stored));
      const serialised = stringify.mock.calls.map(([value]) => value as unknown);
      const members = serialised.filter(
        (value) => typeof value === 'object' && value !== null && 'since' in value,
      );
      expect(members).toEqual([{ since: 'again' }]);
    } finally {
      stringify.mockRestore();
    }
  });
});
