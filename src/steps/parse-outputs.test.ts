import { describe, expect, it } from 'vitest';
import { outputsFromDocument } from './parse-outputs.js';

const run = (document: unknown, fromExpression: string, format: 'json' | 'yaml' = 'json') =>
  outputsFromDocument(document, [{ name: 'out', fromExpression }], () => {}, format).out;

describe('outputsFromDocument (json-parse, yaml-parse)', () => {
  it('reads a map document by its keys and a list document through $env, as Kargo', () => {
    expect(run({ image: { tag: 'v1' } }, 'image.tag')).toBe('v1');
    expect(run({ image: { tag: 'v1' } }, '$env.image.tag')).toBe('v1');
    expect(run([{ name: 'a' }, { name: 'b' }], '$env[1].name')).toBe('b');
    expect(run([{ name: 'a' }, { name: 'b' }], 'map($env, .name)')).toEqual(['a', 'b']);
    expect(run([1, 2, 3], 'len($env)')).toBe(3);
    expect(run('text', '$env')).toBe('text');
  });

  it("sees a JSON document's numbers as floats, a YAML document's whole numbers as ints", () => {
    expect(run({ n: 4 }, 'type(n)', 'json')).toBe('float');
    expect(run({ n: 4 }, 'type(n)', 'yaml')).toBe('int');
    // float64 % int is an error in expr-lang; int % int is not.
    expect(() => run({ n: 4 }, 'n % 2', 'json')).toThrow(/invalid operation: float64 % int/);
    expect(run({ n: 4 }, 'n % 2', 'yaml')).toBe(0);
  });

  it('reports a name a list document cannot have, naming the output', () => {
    expect(() => run([1], 'foo')).toThrow(
      'outputs[0].fromExpression: column 1: invalid operation: int(string)',
    );
  });
});
