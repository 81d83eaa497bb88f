import { describe, expect, it } from 'vitest';
import { evaluateJsonPath } from './json-path.js';

const data = {
  data: { ok: true, 'dotted.key': 7, nested: { value: 'x' } },
  items: [{ value: 1 }, { value: 2 }, { value: 3 }],
};

describe('evaluateJsonPath', () => {
  it.each([
    ['{$}', data],
    ['$', data],
    ['{$.data.ok}', true],
    ['{.data.ok}', true],
    ['$.data.nested.value', 'x'],
    ["{$.data['dotted.key']}", 7],
    ['{$["data"]["nested"]}', { value: 'x' }],
    ['{$.items[0].value}', 1],
    ['{$.items[-1].value}', 3],
    ['{ $.items[ 1 ] }', { value: 2 }],
  ])('%s selects %j', (path, expected) => {
    expect(evaluateJsonPath(data, path)).toEqual(expected);
  });

  it.each([
    ['{$.data.missing}', '"missing" is not found'],
    ['{$.items[5]}', 'index 5 is out of range (length 3)'],
    ['{$.data[0]}', 'cannot index map with [0]'],
    ['{$.data.ok.deeper}', 'cannot read "deeper" of bool'],
    ['{$.items[*].value}', 'only .field'],
    ['{$.items.*}', 'wildcards are not supported'],
    ['{$..value}', 'only .field'],
    ['{data.ok}', 'must start with $'],
  ])('%s is refused: %s', (path, message) => {
    expect(() => evaluateJsonPath(data, path)).toThrow(message);
  });
});
