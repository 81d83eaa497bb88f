import { describe, expect, it } from 'vitest';
import { warningText } from './client.js';

describe('warningText', () => {
  it.each([
    ['299 - "stage \\"dev\\" requests Freight"', ['stage "dev" requests Freight']],
    ['299 - "one, with a comma", 299 - "two"', ['one, with a comma', 'two']],
    ['299 gantry "a \\\\ backslash"', ['a \\ backslash']],
    ['not a warning', []],
  ])('%s', (header, expected) => {
    expect(warningText(header)).toEqual(expected);
  });
});
