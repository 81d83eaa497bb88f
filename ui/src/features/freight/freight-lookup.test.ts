import { describe, expect, it } from 'vitest';
import type { Freight } from '../../api/types.js';
import { findFreight, labelOf, previousOf } from './freight-lookup.js';

const freight = (name: string, created: string, warehouse = 'app', alias?: string): Freight => ({
  kind: 'Freight',
  metadata: { name, creationTimestamp: created },
  origin: { kind: 'Warehouse', name: warehouse },
  ...(alias ? { alias } : {}),
});

describe('finding Freight', () => {
  const all = [
    freight('f1', '2025-01-01T10:00:00Z', 'app', 'tame-fox'),
    freight('f2', '2025-01-01T11:00:00Z', 'app', 'f1'),
    freight('g1', '2025-01-01T10:30:00Z', 'other'),
    freight('f3', '2025-01-01T12:00:00Z', 'app'),
  ];

  it('takes a name or an alias, the name first', () => {
    expect(findFreight(all, 'tame-fox')?.metadata.name).toBe('f1');
    expect(findFreight(all, 'f1')?.metadata.name).toBe('f1');
    expect(findFreight(all, 'nope')).toBeUndefined();
  });

  it('compares with the one before it from the same Warehouse, or the one after the oldest', () => {
    expect(previousOf(all[3]!, all)?.metadata.name).toBe('f2');
    expect(previousOf(all[1]!, all)?.metadata.name).toBe('f1');
    expect(previousOf(all[0]!, all)?.metadata.name).toBe('f2');
    expect(previousOf(all[2]!, all)).toBeUndefined();
  });

  it('calls it by its alias, else the start of its name', () => {
    expect(labelOf(all[0]!)).toBe('tame-fox');
    expect(labelOf(freight('0123456789abcdef', ''))).toBe('0123456');
  });
});
