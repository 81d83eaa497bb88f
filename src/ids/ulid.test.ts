import { describe, expect, it } from 'vitest';
import { createUlidGenerator } from './ulid.js';

describe('ULIDs', () => {
  it('are 26 Crockford characters that sort in creation order, even within a millisecond', () => {
    let time = 1_700_000_000_000;
    const next = createUlidGenerator(() => time);
    const ids = [next(), next(), next()];
    time += 1;
    ids.push(next());
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]!.slice(0, 10)).toBe('01HF7YAT00');
  });
});
