import { describe, expect, it } from 'vitest';
import { evaluateGo } from './evaluator.js';
import { standardFunctions } from './functions/index.js';
import {
  GO_YAML_EXPRESSION_CASES,
  GO_YAML_STRING_CASES,
  GO_YAML_VALUE_CASES,
} from './go-yaml.cases.js';
import { goYamlMarshal } from './go-yaml.js';
import { parse } from './parser.js';
import { GoLocation } from './time-zone.js';
import { GoDuration, GoTime } from './time-values.js';
import { floatValue, StrictRecord } from './values.js';

// Expected texts are yaml.v3's Marshal output for the same Go values.
describe('goYamlMarshal', () => {
  it.each<[string, unknown, string]>([
    [
      'nesting: lists under keys indented, maps in lists after "- "',
      { a: [{ b: { c: 1 } }, [1, [2, 3]], {}], k: { x: { y: 'z' } } },
      'a:\n    - b:\n        c: 1\n    - - 1\n      - - 2\n        - 3\n    - {}\nk:\n    x:\n        "y": z\n',
    ],
    [
      "yaml.v3's key order",
      { a10: 1, a2: 2, B: 3, b: 4, _: 5, '1': 6, '': 7, a: 8 },
      '"": 7\n_: 5\n"1": 6\nB: 3\na: 8\na2: 2\na10: 1\nb: 4\n',
    ],
    [
      'string styles',
      [
        '',
        ' a',
        '- a',
        'a: b',
        'yes',
        'true',
        '1.5',
        '012',
        '12:30',
        '2001-12-14',
        'a\tb',
        'a\nb',
        'a\n',
        ' a\nb',
        'a \nb',
        '<<',
        '\u{1F600}',
      ],
      '- ""\n- \' a\'\n- \'- a\'\n- \'a: b\'\n- "yes"\n- "true"\n- "1.5"\n- "012"\n- "12:30"\n- "2001-12-14"\n- "a\\tb"\n- |-\n  a\n  b\n- |\n  a\n- |4-\n   a\n  b\n- "a \\nb"\n- <<\n- "\\U0001F600"\n',
    ],
    [
      "floats as Go's %g, ints as they are",
      [floatValue(1e6), floatValue(123456), 0.00001, floatValue(-0), 12345678901234],
      '- 1e+06\n- 123456\n- 1e-05\n- -0\n- 12345678901234\n',
    ],
    [
      'keys that need quotes or a complex key',
      { 'a\nb': 1, 'x: y': 2, true: 3 },
      '? |-\n    a\n    b\n: 1\n"true": 3\n\'x: y\': 2\n',
    ],
    ['a scalar alone', 'a', 'a\n'],
    ['nil', null, 'null\n'],
  ])('%s', (_, value, expected) => {
    expect(goYamlMarshal(value)).toBe(expected);
  });
});

// The differential tables: expected texts recorded from yaml.v3 (see go-yaml.cases.ts).
describe('goYamlMarshal as yaml.v3', () => {
  it.each(GO_YAML_STRING_CASES)('string %j', (value, expected) => {
    expect(goYamlMarshal(value)).toBe(expected);
  });

  it.each(GO_YAML_VALUE_CASES)('%s', (_, value, expected) => {
    expect(goYamlMarshal(value)).toBe(expected);
  });

  it.each(GO_YAML_EXPRESSION_CASES)('asYAML(%s)', (source, expected) => {
    const value = evaluateGo(parse(source), { variables: {}, functions: standardFunctions });
    expect(goYamlMarshal(value)).toBe(expected);
  });
});

describe('goYamlMarshal of the other values expressions hold', () => {
  it.each<[string, unknown, string]>([
    ['a lone surrogate, U+FFFD once in Go', ['\uD800', 'a\uDC00'], '- \uFFFD\n- a\uFFFD\n'],
    ['undefined as nil', { a: undefined, b: [undefined] }, 'a: null\nb:\n    - null\n'],
    ['a named map of the environment', new StrictRecord('vars', { b: 1, a: 'x' }), 'a: x\nb: 1\n'],
    ['a time.Location: no exported fields', GoLocation.UTC, '{}\n'],
    [
      'time.Time in RFC 3339, plain; time.Duration as its String()',
      { t: new GoTime(1_700_000_000_123_000_000n), d: new GoDuration(90_000_000_000n) },
      'd: 1m30s\nt: 2023-11-14T22:13:20.123Z\n',
    ],
  ])('%s', (_, value, expected) => {
    expect(goYamlMarshal(value)).toBe(expected);
  });

  it('refuses what has no Go counterpart', () => {
    expect(() => goYamlMarshal(() => 1)).toThrow('cannot marshal type: function');
  });
});
