import { describe, expect, it } from 'vitest';
import { declaredFunctions, FUNCTION_SIGNATURES } from './function-signatures.js';
import { parse } from './parser.js';

/**
 * Kargo declares its functions with Go signatures, which expr-lang checks when compiling: the
 * expected messages are what expr-lang v1.17.8 says with Kargo's declarations (checked with a Go
 * program declaring them as pkg/expressions/function does).
 */
const declared = new Set(Object.keys(FUNCTION_SIGNATURES));
const compile = (source: string) => parse(source, { declared });

describe('declared functions are checked when an expression is compiled', () => {
  it.each<[string, string]>([
    ['false ? imageFrom() : 1', 'column 9: not enough arguments to call imageFrom'],
    ['imageFrom("x", "w")', 'column 1: too many arguments to call imageFrom'],
    ['warehouse("a").name', 'column 16: type v1alpha1.FreightOrigin has no field name'],
    ['imageFrom("x", warehouse("w")).Foo', 'column 32: type v1alpha1.Image has no field Foo'],
    ['true ? 1 : secret(1)', 'column 12: cannot use int as argument (type string) to call secret'],
    ['quote()', 'column 1: not enough arguments to call quote'],
  ])('%s', (source, message) => {
    expect(() => compile(source)).toThrow(message);
  });

  it.each([
    'imageFrom("x", warehouse("w")).Tag',
    'imageFrom(vars.repo).Annotations["a"]',
    'chartFrom("oci://x", "name", warehouse("w")).Version',
    'secret("s").token ?? "none"',
    'let imageFrom = 1; imageFrom',
    'success() && status("a") == "Succeeded"',
  ])('accepts %s', (source) => {
    expect(() => compile(source)).not.toThrow();
  });

  it('checks only what the caller declares (elsewhere an unknown name is nil at run time)', () => {
    expect(() => parse('false ? imageFrom() : 1')).not.toThrow();
    expect([...declaredFunctions({ imageFrom: () => 1, len: () => 1 })]).toEqual(['imageFrom']);
  });
});
