import { describe, expect, it } from 'vitest';
import type { Environment } from './evaluator.js';
import { isExprError } from './expr-error.js';
import { standardFunctions } from './functions/index.js';
import { evaluateConfig, evaluateTemplate } from './template.js';

const environment: Environment = {
  variables: {
    ctx: { stage: 'dev' },
    vars: { tag: '1.27', count: 3, flag: true, name: 'web', list: [1, 2], map: { a: 1 } },
  },
  functions: standardFunctions,
};

describe('templates', () => {
  it.each<[string, unknown]>([
    ['no expressions here', 'no expressions here'],
    ['${{ vars.count }}', 3],
    ['${{ vars.flag }}', true],
    ['${{ vars.list }}', [1, 2]],
    ['${{ vars.map }}', { a: 1 }],
    ['${{ vars.name }}', 'web'],
    // As in Kargo, a whole-expression string that is JSON becomes typed …
    ['${{ vars.tag }}', 1.27],
    ['${{ "true" }}', true],
    // … unless quoted.
    ['${{ quote(vars.tag) }}', '1.27'],
    ['${{ quote(vars.count) }}', '3'],
    ['${{ unsafeQuote(vars.name) }}', '"web"'],
    // Text mixed with expressions is a string.
    ['stage/${{ ctx.stage }}', 'stage/dev'],
    ['${{ vars.count }}${{ vars.count }}', '33'],
    ['n=${{ vars.count }}, list=${{ vars.list }}', 'n=3, list=[1,2]'],
    ['${% {"a": {"b": 1}}.a %}', { b: 1 }],
    ['${{semverParse("1.2.3").IncMinor()}}', '1.3.0'],
  ])('%s', (template, expected) => {
    expect(evaluateTemplate(template, environment)).toEqual(expected);
  });

  it('points errors at the column within the whole template', () => {
    let error: unknown;
    try {
      evaluateTemplate('image: ${{ vars.nope.x }}', environment);
    } catch (err) {
      error = err;
    }
    expect(isExprError(error)).toBe(true);
    expect((error as Error).message).toBe('column 22: cannot read "x" of nil');
    expect(() => evaluateTemplate('a ${{ 1 +', environment)).toThrow(
      'column 3: "${{" is never closed with "}}"',
    );
    expect(() => evaluateTemplate('${{   }}', environment)).toThrow('column 1: empty expression');
    expect(() => evaluateTemplate('x ${{ 1 + }}', environment)).toThrow(
      'column 11: unexpected end of expression',
    );
  });

  it('evaluates every value of a config, never the keys, and names the failing path', () => {
    const config = {
      path: './out/${{ ctx.stage }}',
      replicas: '${{ vars.count }}',
      images: [{ image: '${{ vars.name }}', tag: '${{ quote(vars.tag) }}' }],
      '${{ keys }}': 'stay',
      untouched: 5,
    };
    expect(evaluateConfig(config, environment)).toEqual({
      path: './out/dev',
      replicas: 3,
      images: [{ image: 'web', tag: '1.27' }],
      '${{ keys }}': 'stay',
      untouched: 5,
    });
    expect(() => evaluateConfig({ images: [{ tag: '${{ vars.nope.x }}' }] }, environment)).toThrow(
      'images[0].tag: column 15: cannot read "x" of nil',
    );
  });
});
