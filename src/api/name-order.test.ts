import { describe, expect, it } from 'vitest';
import { compareNames, nameOrderFor } from './name-order.js';

const sign = (n: number) => Math.sign(n);

describe('name order', () => {
  const names = [
    'a',
    'a-b',
    'a.b',
    'ab',
    'a0',
    'a-0',
    'prod',
    'prod-eu',
    'prod.eu',
    'prod.01hf7yat00',
    'prod.01hf7yat01.abc',
    's10',
    's9',
    '9s',
    '-',
    '.',
    'Prod',
    'prod_eu',
    'ÄB',
    'ab ',
  ];

  it('orders every pair as localeCompare does', () => {
    for (const a of names)
      for (const b of names)
        expect([a, b, sign(compareNames(a, b))]).toEqual([a, b, sign(a.localeCompare(b))]);
  });

  it('picks an order for a set of names that sorts it as localeCompare does', () => {
    const plain = names.filter((name) => /^[a-z0-9.-]*$/.test(name));
    expect([...plain].sort(nameOrderFor(plain))).toEqual(
      [...plain].sort((a, b) => a.localeCompare(b)),
    );
    expect([...names].sort(nameOrderFor(names))).toEqual(
      [...names].sort((a, b) => a.localeCompare(b)),
    );
  });
});
