import { describe, expect, it } from 'vitest';
import type { StoredResource } from './resource.js';
import { tableOf } from './printer-columns.js';

const cells = (kind: string, object: unknown, aliases: Record<string, string> = {}) => {
  const table = tableOf(kind, [object as StoredResource], { freightAlias: (n) => aliases[n] });
  return Object.fromEntries(table.columns.map((c, i) => [c.name, table.rows[0]!.cells[i]]));
};

describe('printer columns', () => {
  it('shows a Promotion’s Freight by alias, and its name in a wide column', () => {
    const promotion = {
      kind: 'Promotion',
      metadata: { name: 'prod.01', namespace: 'p' },
      spec: { stage: 'prod', freight: 'abc123' },
    };
    expect(cells('Promotion', promotion, { abc123: 'quiet-quokka' })).toMatchObject({
      FREIGHT: 'quiet-quokka',
      'FREIGHT NAME': 'abc123',
    });
    expect(cells('Promotion', promotion)).toMatchObject({ FREIGHT: 'abc123' });
  });

  it('gives a Stage a READY that says something, and why with -o wide', () => {
    const stage = { kind: 'Stage', metadata: { name: 'dev', namespace: 'p' }, spec: {} };
    expect(cells('Stage', { ...stage, status: {} })).toMatchObject({
      READY: 'False',
      STATUS: 'no Freight promoted here yet',
    });
    const table = tableOf('Stage', [stage as unknown as StoredResource]);
    expect(table.columns.find((c) => c.name === 'READY')?.priority).toBe(0);
    expect(table.columns.find((c) => c.name === 'STATUS')?.priority).toBe(1);
  });
});
