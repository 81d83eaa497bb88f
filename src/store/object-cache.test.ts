import { describe, expect, it } from 'vitest';
import { ObjectCache } from './object-cache.js';

const body = (name: string, padding = 0) =>
  JSON.stringify({ kind: 'Stage', metadata: { name }, spec: { p: 'x'.repeat(padding) } });

describe('ObjectCache', () => {
  it('parses a version once and shares the frozen object', () => {
    const cache = new ObjectCache();
    const first = cache.parse('k', '1', body('a'));
    expect(cache.parse('k', '1', body('a'))).toBe(first);
    expect(Object.isFrozen(first.metadata)).toBe(true);
    expect(cache.parse('k', '2', body('b')).metadata.name).toBe('b');
    expect(cache.size.objects).toBe(1);
  });

  it('stays within its byte budget, dropping the least recently used', () => {
    const cache = new ObjectCache({ maxBytes: 10_000 });
    for (let index = 0; index < 100; index++) cache.parse(`k${index}`, '1', body(`s${index}`, 900));
    expect(cache.size.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.size.objects).toBeLessThan(11);
    // An object larger than a tenth of the budget is parsed but never kept.
    const large = cache.parse('big', '1', body('big', 2_000));
    expect(large.metadata.name).toBe('big');
    expect(cache.parse('big', '1', body('big', 2_000))).not.toBe(large);
  });

  it('stays within its object count', () => {
    const cache = new ObjectCache({ maxObjects: 5 });
    for (let index = 0; index < 50; index++) cache.parse(`k${index}`, '1', body(`s${index}`));
    expect(cache.size.objects).toBe(5);
  });
});
