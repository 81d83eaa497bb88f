import { describe, expect, it } from 'vitest';
import { float } from './compat/go-values.js';
import type { Environment } from './evaluator.js';
import { isExprError } from './expr-error.js';
import { standardFunctions } from './functions/index.js';
import { evaluateConfig, evaluateTemplate, evaluateTemplateGo } from './template.js';
import { GoFloat } from './values.js';

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
    // Without a delimiter nothing is typed: "42" stays a string.
    ['42', '42'],
    // The whole rendered text is typed; numbers are float64s, as in Kargo.
    ['${{ vars.count }}', float(3)],
    ['${{ vars.count }}${{ vars.count }}', float(33)],
    ['${{ vars.flag }}', true],
    ['${{ vars.list }}', [float(1), float(2)]],
    ['${{ vars.map }}', { a: float(1) }],
    ['${{ vars.name }}', 'web'],
    ['${{ vars.tag }}', 1.27],
    ['${{ "true" }}', true],
    ['${{ "T" }}', true],
    ['${{ "0x1p-2" }}', 0.25],
    ['${{ "1e400" }}', '1e400'],
    // A trailing newline comes back only on strings.
    ['${{ 42 }}\n', float(42)],
    ['${{ vars.name }}\n', 'web\n'],
    // Text in double quotes stays a string, without them: what quote() relies on.
    ['${{ quote(vars.tag) }}', '1.27'],
    ['${{ quote(vars.count) }}', '3'],
    ['${{ quote("a\\"b") }}', 'a\\"b'],
    ['${{ unsafeQuote(vars.name) }}', '"web"'],
    ['"${{ vars.count }}"', '3'],
    // Non-string results are written as Go's json.Marshal does.
    ['stage/${{ ctx.stage }}', 'stage/dev'],
    ['n=${{ vars.count }}, list=${{ vars.list }}', 'n=3, list=[1,2]'],
    ['${{ {"b": 1, "a": "<"} }} ok', '{"a":"\\u003c","b":1} ok'],
    ['${% {"a": {"b": 1}}.a %}', { b: float(1) }],
    ['${{semverParse("1.2.3").IncMinor()}}', '1.3.0'],
    // As in Kargo, an empty `${{}}` ends the evaluation; the rest stays as written.
    ['a${{}}b${{ 1 }}', 'ab${{ 1 }}'],
    ['${{ asJSON({"b": [1], "a": nil}) }}', '{\n  "a": null,\n  "b": [\n    1\n  ]\n}\n'],
    ['${% asYAML({"b": [1], "a": {"c": "true"}}) %}', 'a:\n    c: "true"\nb:\n    - 1\n'],
  ])('%s', (template, expected) => {
    expect(evaluateTemplateGo(template, environment)).toStrictEqual(expected);
  });

  it('gives plain numbers to the rest of Gantry, float64s to expressions', () => {
    expect(evaluateTemplate('${{ vars.count }}', environment)).toBe(3);
    expect(evaluateTemplate('${{ vars.list }}', environment)).toStrictEqual([1, 2]);
    expect(evaluateTemplateGo('${{ vars.count }}', environment)).toStrictEqual(float(3));
  });

  it('points errors at the column within the whole template', () => {
    let error: unknown;
    try {
      evaluateTemplate('image: ${{ vars.nope.x }}', environment);
    } catch (err) {
      error = err;
    }
    expect(isExprError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^column 22: /);
    expect(() => evaluateTemplate('a ${{ 1 +', environment)).toThrow(
      'column 3: unclosed expression: expected "}}" but reached end of template',
    );
    expect(() => evaluateTemplate('${{   }}', environment)).toThrow(/^column \d+: /);
    expect(() => evaluateTemplate('x ${{ 1 + }}', environment)).toThrow(/^column \d+: /);
    expect(() => evaluateTemplate('${{ 0 / 0.0 }} x', environment)).toThrow(
      'json: unsupported value: NaN',
    );
  });

  it('evaluates every value of a config, never the keys, into JSON data, naming the failing path', () => {
    const config = {
      path: './out/${{ ctx.stage }}',
      replicas: '${{ vars.count }}',
      images: [{ image: '${{ vars.name }}', tag: '${{ quote(vars.tag) }}' }],
      nested: '${{ vars.map }}',
      '${{ keys }}': 'stay',
      untouched: 5,
    };
    const evaluated = evaluateConfig(config, environment) as Record<string, unknown>;
    expect(evaluated).toEqual({
      path: './out/dev',
      replicas: 3,
      images: [{ image: 'web', tag: '1.27' }],
      nested: { a: 1 },
      '${{ keys }}': 'stay',
      untouched: 5,
    });
    // Plain numbers, not float boxes: the config goes to a step's schema.
    expect(evaluated.replicas).not.toBeInstanceOf(GoFloat);
    expect(() => evaluateConfig({ images: [{ tag: '${{ vars.nope.x }}' }] }, environment)).toThrow(
      /^images\[0\]\.tag: column 15: /,
    );
    expect(() => evaluateConfig({ n: '${{ "NaN" }}' }, environment)).toThrow(
      'n: column 1: json: unsupported value: NaN',
    );
  });

  it('refuses the names Kargo reserves for its template functions', () => {
    for (const name of ['quote', 'asYAML', 'asJSON']) {
      const reserved = { ...environment, variables: { ...environment.variables, [name]: null } };
      expect(() => evaluateConfig({}, reserved)).toThrow(
        `"${name}" is a forbidden key in the environment map; it is reserved for internal use`,
      );
    }
  });
});
