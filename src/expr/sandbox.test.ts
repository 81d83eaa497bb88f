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

  // As in Kargo (expr compiled with no environment), a name the environment lacks is nil.
  it.each(['process', 'globalThis', 'constructor', '$env.constructor', '$env.__proto__'])(
    'reads %s as nil, never as a JavaScript object',
    (source) => {
      expect(attempt(source)).toEqual({ value: null });
    },
  );

  it.each([
    ['require("fs")', 'cannot call nil'],
    ['eval("1")', 'cannot call nil'],
    ['Function("return 1")', 'cannot call nil'],
    ['toString()', 'cannot call nil'],
    ['hasOwnProperty("x")', 'cannot call nil'],
    ['s.length', 'invalid operation: int(string)'],
    ['vars.a.constructor("x")', 'invalid operation: int(string)'],
    ['vars.toString()', 'cannot call nil'],
    ['vars.list.push(1)', 'invalid operation: int(string)'],
  ])('refuses %s', (source, message) => {
    expect(attempt(source).error).toContain(message);
  });

  it('bounds the work an expression may do', () => {
    expect(attempt('map(1..100000, map(1..100, #))').error).toContain(
      'expression does too much work',
    );
    expect(attempt('repeat("x", 2000000)').error).toContain('memory budget exceeded');
    expect(attempt('1..10000000').error).toContain('memory budget exceeded');
    expect(attempt(`${'('.repeat(2000)}1${')'.repeat(2000)}`).error).toContain('nested too deeply');
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
    // expr-lang's own limit (10,000 nodes) or Gantry's nesting limit, whichever comes first.
    expect(attempt(source).error).toMatch(/nested too deeply|exceeds maximum allowed nodes/);
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
