import { describe, expect, it } from 'vitest';
import { jsonNumbersAsFloats, toPlainValue } from '../expr/values.js';
import { outputsFromDocument, parseYamlAsKargo } from './parse-outputs.js';

const run = (document: unknown, fromExpression: string) =>
  outputsFromDocument(document, [{ name: 'out', fromExpression }], () => {}).out;

describe('outputsFromDocument (json-parse, yaml-parse)', () => {
  it('reads a map document by its keys and a list document through $env, as Kargo', () => {
    expect(run({ image: { tag: 'v1' } }, 'image.tag')).toBe('v1');
    expect(run({ image: { tag: 'v1' } }, '$env.image.tag')).toBe('v1');
    expect(run([{ name: 'a' }, { name: 'b' }], '$env[1].name')).toBe('b');
    expect(run([{ name: 'a' }, { name: 'b' }], 'map($env, .name)')).toEqual(['a', 'b']);
    expect(run([1, 2, 3], 'len($env)')).toBe(3);
    expect(run('text', '$env')).toBe('text');
  });

  it("sees a JSON or YAML document's numbers as floats, as Go reads them into any", () => {
    for (const document of [jsonNumbersAsFloats({ count: 4 }), parseYamlAsKargo('count: 4\n')]) {
      expect(run(document, 'type(count)')).toBe('float');
      // float64 % int is an error in expr-lang.
      expect(() => run(document, 'count % 2')).toThrow(/invalid operation: float64 % int/);
    }
  });

  it('reads YAML as go-yaml v2 does: YAML 1.1 scalars (the key n is false), timestamps and 1:30 as text', () => {
    expect(
      toPlainValue(
        parseYamlAsKargo('a: yes\nb: off\nc: 010\nd: 2001-12-14\ne: 1:30\nf: 0x1F\n1: one\nn: 4\n'),
      ),
    ).toEqual({ a: true, b: false, c: 8, d: '2001-12-14', e: '1:30', f: 31, '1': 'one', false: 4 });
  });

  it('reads the first document of a file of several, as go-yaml v2 does', () => {
    expect(toPlainValue(parseYamlAsKargo('a: 1\n---\nb: 2\n'))).toEqual({ a: 1 });
    expect(toPlainValue(parseYamlAsKargo('---\nimage: x\n---\n: : bad'))).toEqual({ image: 'x' });
    expect(parseYamlAsKargo('# only a comment\n')).toBeNull();
    expect(() => parseYamlAsKargo('key: : value\n  num: 42')).toThrow();
  });

  it('reports a name a list document cannot have, naming the expression and the output', () => {
    expect(() => run([1], 'foo')).toThrow(
      'failed to extract outputs: error evaluating expression "foo" (outputs[0].fromExpression): column 1: invalid operation: int(string)',
    );
    expect(() => run({}, '(1 + 2')).toThrow(
      /^failed to extract outputs: error compiling expression "\(1 \+ 2" \(outputs\[0\]\.fromExpression\): /,
    );
  });
});
