import { describe, expect, it } from 'vitest';
import { evaluate, type Environment } from './evaluator.js';
import { isExprError } from './expr-error.js';
import { standardFunctions } from './functions/index.js';
import { parse } from './parser.js';

const environment: Environment = {
  variables: { vars: { a: 'x', list: [1] }, s: 'text' },
  functions: standardFunctions,
};

function attempt(source: string): { value?: unknown; error?: string } {
  try {
    return { value: evaluate(parse(source), environment, { maxSteps: 100_000 }) };
  } catch (err) {
    if (!isExprError(err)) throw err;
    return { error: err.message };
  }
}

describe('the expression sandbox', () => {
  it.each([
    'vars.constructor',
    'vars.__proto__',
    'vars["__proto__"]',
    'vars.a.constructor',
    'vars.list.constructor',
    'vars.toString',
    'vars.hasOwnProperty',
  ])('cannot reach JavaScript internals through %s', (source) => {
    const result = attempt(source);
    expect(result.value ?? null).toBeNull();
  });

  it.each([
    ['process', 'unknown name "process"'],
    ['globalThis', 'unknown name "globalThis"'],
    ['require("fs")', 'unknown function "require"'],
    ['eval("1")', 'unknown function "eval"'],
    ['Function("return 1")', 'unknown function "Function"'],
    ['constructor', 'unknown name "constructor"'],
    ['toString()', 'unknown function "toString"'],
    ['hasOwnProperty("x")', 'unknown function "hasOwnProperty"'],
    ['s.length', 'string index must be an integer'],
    ['vars.a.constructor("x")', 'string has no method constructor()'],
    ['vars.toString()', 'map has no method toString()'],
  ])('refuses %s', (source, message) => {
    expect(attempt(source).error).toContain(message);
  });

  it('bounds the work an expression may do', () => {
    expect(attempt('map(1..100000, map(1..100, #))').error).toContain(
      'expression does too much work',
    );
    expect(attempt('repeat("x", 2000000)').error).toContain('the result would be too long');
    expect(attempt('1..10000000').error).toContain('is too large');
    expect(attempt(`${'('.repeat(500)}1${')'.repeat(500)}`).error).toContain('nested too deeply');
  });

  // Left-nested trees come from loops, not recursion; the evaluator recurses over them anyway.
  it.each([
    ['a sum', Array.from({ length: 5000 }, () => '1').join(' + ')],
    ['a member chain', `vars${'.a'.repeat(5000)}`],
    ['an index chain', `vars.list${'[0]'.repeat(5000)}`],
    ['a pipeline', `1${' | string()'.repeat(5000)}`],
    ['nested conditionals', `${'true ? '.repeat(5000)}1${' : 2'.repeat(5000)}`],
    ['nested elvis', `${'nil ?: '.repeat(5000)}1`],
    ['a chain of lets', `${Array.from({ length: 5000 }, (_, i) => `let x${i} = 1;`).join(' ')} 1`],
  ])('refuses %s nested too deeply, without overflowing the stack', (_, source) => {
    expect(attempt(source).error).toContain('nested too deeply');
  });

  it('accepts nesting up to the limit', () => {
    expect(attempt(Array.from({ length: 150 }, () => '1').join(' + ')).value).toBe(150);
    expect(attempt(`${'true ? '.repeat(60)}1${' : 2'.repeat(60)}`).value).toBe(1);
  });

  it('refuses JSON nested deeper than the server accepts', () => {
    const deep = (n: number) => `fromJSON("${'['.repeat(n)}${']'.repeat(n)}")`;
    expect(attempt(`${deep(100)} != nil`).value).toBe(true);
    expect(attempt(`${deep(101)} != nil`).error).toContain('nested more than 100 levels deep');
    expect(attempt(`toJSON(${deep(100_000)})`).error).toContain('nested more than 100 levels');
  });

  it('never changes the data it reads', () => {
    const data = { list: [3, 1, 2] };
    const env: Environment = { variables: { data }, functions: standardFunctions };
    evaluate(parse('sort(data.list)'), env);
    evaluate(parse('reverse(data.list)'), env);
    expect(data.list).toEqual([3, 1, 2]);
  });
});
