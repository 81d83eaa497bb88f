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

  it('spell the 80 random bits in order, big-endian, as the ULID specification does', () => {
    const bits = Buffer.from('0123456789abcdeffedc', 'hex');
    const next = createUlidGenerator(
      () => 0,
      () => bits,
    );
    // 0x0123456789abcdeffedc in base 32, 16 digits.
    const expected = BigInt('0x0123456789abcdeffedc').toString(32).padStart(16, '0').toUpperCase();
    const crockford = [...expected]
      .map((digit) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(digit, 32)])
      .join('');
    expect(next()).toBe(`0000000000${crockford}`);
  });

  it('draw fresh randomness for each millisecond', () => {
    let time = 0;
    const next = createUlidGenerator(() => time++);
    const random = new Set(Array.from({ length: 1_000 }, () => next().slice(10)));
    expect(random.size).toBe(1_000);
  });
});
