import { describe, expect, it } from 'vitest';
import {
  jsonPatch,
  mergePatch,
  parsePointer,
  patchTypeOf,
  strategicAsMergePatch,
} from './kube-patch.js';

/** RFC 6902 Appendix A, each example by its section: [section, document, patch, result | error]. */
const RFC_6902: Array<[string, unknown, unknown, { result: unknown } | { error: RegExp }]> = [
  [
    'A.1 Adding an Object Member',
    { foo: 'bar' },
    [{ op: 'add', path: '/baz', value: 'qux' }],
    { result: { baz: 'qux', foo: 'bar' } },
  ],
  [
    'A.2 Adding an Array Element',
    { foo: ['bar', 'baz'] },
    [{ op: 'add', path: '/foo/1', value: 'qux' }],
    { result: { foo: ['bar', 'qux', 'baz'] } },
  ],
  [
    'A.3 Removing an Object Member',
    { baz: 'qux', foo: 'bar' },
    [{ op: 'remove', path: '/baz' }],
    { result: { foo: 'bar' } },
  ],
  [
    'A.4 Removing an Array Element',
    { foo: ['bar', 'qux', 'baz'] },
    [{ op: 'remove', path: '/foo/1' }],
    { result: { foo: ['bar', 'baz'] } },
  ],
  [
    'A.5 Replacing a Value',
    { baz: 'qux', foo: 'bar' },
    [{ op: 'replace', path: '/baz', value: 'boo' }],
    { result: { baz: 'boo', foo: 'bar' } },
  ],
  [
    'A.6 Moving a Value',
    { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { result: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } } },
  ],
  [
    'A.7 Moving an Array Element',
    { foo: ['all', 'grass', 'cows', 'eat'] },
    [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    { result: { foo: ['all', 'cows', 'eat', 'grass'] } },
  ],
  [
    'A.8 Testing a Value: Success',
    { baz: 'qux', foo: ['a', 2, 'c'] },
    [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    { result: { baz: 'qux', foo: ['a', 2, 'c'] } },
  ],
  [
    'A.9 Testing a Value: Error',
    { baz: 'qux' },
    [{ op: 'test', path: '/baz', value: 'bar' }],
    { error: /test failed/ },
  ],
  [
    'A.10 Adding a Nested Member Object',
    { foo: 'bar' },
    [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    { result: { foo: 'bar', child: { grandchild: {} } } },
  ],
  [
    'A.11 Ignoring Unrecognized Elements',
    { foo: 'bar' },
    [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
    { result: { foo: 'bar', baz: 'qux' } },
  ],
  [
    'A.12 Adding to a Nonexistent Target',
    { foo: 'bar' },
    [{ op: 'add', path: '/baz/bat', value: 'qux' }],
    { error: /no value at "\/baz"/ },
  ],
  // A.13's document repeats "op"; JSON.parse keeps the last ("remove"), which then fails.
  [
    'A.13 Invalid JSON Patch Document',
    { foo: 'bar' },
    JSON.parse('[{"op":"add","path":"/baz","value":"qux","op":"remove"}]'),
    { error: /no value at "\/baz"/ },
  ],
  [
    'A.14 ~ Escape Ordering',
    { '/': 9, '~1': 10 },
    [{ op: 'test', path: '/~01', value: 10 }],
    { result: { '/': 9, '~1': 10 } },
  ],
  [
    'A.15 Comparing Strings and Numbers',
    { '/': 9, '~1': 10 },
    [{ op: 'test', path: '/~01', value: '10' }],
    { error: /test failed/ },
  ],
  [
    'A.16 Adding an Array Value',
    { foo: ['bar'] },
    [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    { result: { foo: ['bar', ['abc', 'def']] } },
  ],
  // Beyond the appendix: section 4.2 (remove of a missing member), 4.3 (replace of a missing
  // member), 4.4 (move into its own child), section 4 (index rules), section 5 (atomicity).
  [
    '4.2 remove: the target must exist',
    { a: 1 },
    [{ op: 'remove', path: '/b' }],
    { error: /no value at "\/b"/ },
  ],
  [
    '4.3 replace: the target must exist',
    { a: 1 },
    [{ op: 'replace', path: '/b', value: 2 }],
    { error: /no value at "\/b"/ },
  ],
  [
    '4.4 move: not into its own child',
    { a: { b: 1 } },
    [{ op: 'move', from: '/a', path: '/a/b/c' }],
    { error: /its own children/ },
  ],
  [
    '4 index: no leading zeros',
    { a: [1, 2] },
    [{ op: 'remove', path: '/a/01' }],
    { error: /not a list index/ },
  ],
  [
    '4.1 add: index past the end',
    { a: [1] },
    [{ op: 'add', path: '/a/2', value: 3 }],
    { error: /out of range/ },
  ],
  [
    '4.1 add: the whole document',
    { a: 1 },
    [{ op: 'add', path: '', value: { b: 2 } }],
    { result: { b: 2 } },
  ],
  [
    '4.5 copy',
    { a: { b: 1 } },
    [{ op: 'copy', from: '/a', path: '/c' }],
    { result: { a: { b: 1 }, c: { b: 1 } } },
  ],
  [
    '4.6 test: objects equal whatever their member order',
    { a: { x: 1, y: 2 } },
    [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }],
    { result: { a: { x: 1, y: 2 } } },
  ],
  ['4 unknown op', { a: 1 }, [{ op: 'merge', path: '/a' }], { error: /unknown op "merge"/ }],
  ['4 add without value', { a: 1 }, [{ op: 'add', path: '/b' }], { error: /needs a "value"/ }],
  ['3 not a list of operations', { a: 1 }, { op: 'add' }, { error: /must be a list/ }],
];

/** RFC 7386: section 3's example, then Appendix A's table, each by its row. */
const RFC_7386: Array<[string, unknown, unknown, unknown]> = [
  [
    '3 Example',
    {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    },
    {
      title: 'Hello!',
      phoneNumber: '+01-123-456-7890',
      author: { familyName: null },
      tags: ['example'],
    },
    {
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    },
  ],
  ['A row 1', { a: 'b' }, { a: 'c' }, { a: 'c' }],
  ['A row 2', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  ['A row 3', { a: 'b' }, { a: null }, {}],
  ['A row 4', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  ['A row 5', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
  ['A row 6', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  ['A row 7', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  ['A row 8', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  ['A row 9', ['a', 'b'], ['c', 'd'], ['c', 'd']],
  ['A row 10', { a: 'b' }, ['c'], ['c']],
  ['A row 11', { a: 'foo' }, null, null],
  ['A row 12', { a: 'foo' }, 'bar', 'bar'],
  ['A row 13', { e: null }, { a: 1 }, { e: null, a: 1 }],
  ['A row 14', [1, 2], { a: 'b', c: null }, { a: 'b' }],
  ['A row 15', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('JSON patch (RFC 6902)', () => {
  it.each(RFC_6902)('%s', (_section, document, patch, expected) => {
    const before = structuredClone(document);
    if ('result' in expected) expect(jsonPatch(document, patch)).toEqual(expected.result);
    else expect(() => jsonPatch(document, patch)).toThrow(expected.error);
    // Section 5: the document is never left half-patched (the input is not modified at all).
    expect(document).toEqual(before);
  });

  it('reads JSON pointers as RFC 6901 says', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a~1b/~0c/')).toEqual(['a/b', '~c', '']);
    expect(() => parsePointer('a')).toThrow(/not a JSON pointer/);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it.each(RFC_7386)('%s', (_section, target, patch, result) => {
    const before = structuredClone(target);
    expect(mergePatch(target, patch)).toEqual(result);
    expect(target).toEqual(before);
  });
});

describe('strategic merge patch, served as a merge patch', () => {
  it('means what a merge patch means without directives (lists replaced whole)', () => {
    expect(strategicAsMergePatch({ a: [1, 2], b: { c: 1 } }, { a: [3], b: { c: null } })).toEqual({
      a: [3],
      b: {},
    });
  });

  it.each([
    [{ $patch: 'replace' }, /"\$patch" at the top/],
    [{ spec: { '$setElementOrder/steps': [] } }, /"\$setElementOrder\/steps" at spec/],
    [{ spec: { steps: [{ $patch: 'delete', name: 'x' }] } }, /"\$patch" at spec\.steps\[0\]/],
  ])('refuses the directive in %j', (patch, message) => {
    expect(() => strategicAsMergePatch({}, patch)).toThrow(message);
  });
});

describe('patch types by Content-Type', () => {
  it.each([
    ['application/json-patch+json', 'json'],
    ['application/merge-patch+json; charset=utf-8', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/apply-patch+yaml', 'apply'],
    ['application/json', undefined],
    [undefined, undefined],
  ])('%s → %s', (contentType, type) => {
    expect(patchTypeOf(contentType)).toBe(type);
  });
});
