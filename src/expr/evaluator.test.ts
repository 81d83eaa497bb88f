import { describe, expect, it } from 'vitest';
import { evaluate, type Environment } from './evaluator.js';
import { isExprError } from './expr-error.js';
import { standardFunctions } from './functions/index.js';
import { parse } from './parser.js';

const environment: Environment = {
  variables: {
    ctx: {
      project: 'demo',
      stage: 'dev',
      targetFreight: { name: 'abc123', alias: 'quiet-quokka' },
      meta: { promotion: { actor: 'admin' } },
    },
    vars: {
      imageRepo: 'ghcr.io/acme/api',
      replicas: 3,
      envs: ['dev', 'staging', 'prod'],
      empty: null,
    },
    outputs: { 'update-image': { commitMessage: 'bump' }, commit: { commit: 'c0ffee' } },
    tags: ['1.0.0', '1.2.0', '1.10.0'],
    people: [
      { Name: 'ann', Age: 31 },
      { Name: 'bob', Age: 17 },
    ],
  },
  functions: standardFunctions,
};

const run = (source: string) => evaluate(parse(source), environment);

describe('expressions', () => {
  it.each<[string, unknown]>([
    // literals
    ['42', 42],
    ['1_000', 1000],
    ['0x1F', 31],
    ['1.5e3', 1500],
    ['"double" + \'single\'', 'doublesingle'],
    ['"tab\\there"', 'tab\there'],
    ['`raw \\n`', 'raw \\n'],
    ['true', true],
    ['nil', null],
    ['[1, "a", [2]]', [1, 'a', [2]]],
    ['{a: 1, "b c": 2, 3: "x"}', { a: 1, 'b c': 2, '3': 'x' }],
    // arithmetic and precedence
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 / 2', 3.5],
    ['7 % 3', 1],
    ['2 ** 3 ** 2', 512],
    ['2 ^ 10', 1024],
    ['-2 + 5', 3],
    ['1..4', [1, 2, 3, 4]],
    // comparison and logic
    ['1 < 2 and 2 <= 2', true],
    ['"b" > "a"', true],
    ['1 == 1.0', true],
    ['[1, {a: 2}] == [1, {a: 2}]', true],
    ['not true or !false', true],
    ['true && false || true', true],
    ['"a" in ["a", "b"]', true],
    ['"x" not in ["a"]', true],
    ['"project" in ctx', true],
    ['"v1.2.3" matches "^v[0-9]+"', true],
    ['"v1" not matches "^x"', true],
    ['"foobar" contains "oba"', true],
    ['"foobar" startsWith "foo" && "foobar" endsWith "bar"', true],
    // conditionals and nil handling
    ['vars.replicas > 2 ? "many" : "few"', 'many'],
    ['vars.empty ?? "default"', 'default'],
    ['vars.missing ?? "default"', 'default'],
    ['ctx.nothing?.deeper', null],
    ['ctx.nothing?.deeper.still', null],
    ['vars.envs?.[1]', 'staging'],
    ['ctx.meta.promotion?.rollback ?? false', false],
    // member, index, slices
    ["outputs['update-image'].commitMessage", 'bump'],
    ['outputs.commit.commit', 'c0ffee'],
    ['vars.envs[-1]', 'prod'],
    ['vars.envs[1:]', ['staging', 'prod']],
    ['vars.envs[:2]', ['dev', 'staging']],
    ['"gantry"[1:3]', 'an'],
    // pipes and let
    ['"Hello" | upper()', 'HELLO'],
    ['vars.envs | join(",")', 'dev,staging,prod'],
    ['let x = 2; x * x', 4],
    // builtins
    ['len(vars.envs) + len("abc") + len({a: 1})', 7],
    ['upper("a") + lower("B")', 'Ab'],
    ['trim("  x  ") + trim("xxhixx", "x")', 'xhi'],
    ['trimPrefix("v1.2", "v") + trimSuffix("a.yaml", ".yaml")', '1.2a'],
    ['split("a,b,c", ",")', ['a', 'b', 'c']],
    ['split("a,b,c", ",", 2)', ['a', 'b,c']],
    ['replace("a-b-c", "-", "_")', 'a_b_c'],
    ['repeat("ab", 3)', 'ababab'],
    ['indexOf("hello", "l")', 2],
    ['hasPrefix("abc", "ab")', true],
    ['toJSON({a: [1]})', '{\n  "a": [\n    1\n  ]\n}'],
    ['fromJSON("{\\"a\\": 1}").a', 1],
    ['toBase64("hi") + fromBase64("aGk=")', 'aGk=hi'],
    ['string(42) + string(true)', '42true'],
    ['int("42") + float("0.5")', 42.5],
    ['abs(-3) + ceil(1.2) + floor(1.8) + round(2.5)', 9],
    ['max(1, 5, 3) - min([4, 2])', 3],
    ['keys({b: 1, a: 2})', ['b', 'a']],
    ['first(tags) + " " + last(tags)', '1.0.0 1.10.0'],
    ['sort([3, 1, 2])', [1, 2, 3]],
    ['sort(["b", "a"], "desc")', ['b', 'a']],
    ['uniq([1, 1, 2])', [1, 2]],
    ['reverse([1, 2])', [2, 1]],
    ['concat([1], [2, 3])', [1, 2, 3]],
    ['flatten([1, [2, [3]]])', [1, 2, 3]],
    ['get(vars, "replicas")', 3],
    [
      'type(1) + type(1.5) + type("") + type([]) + type({}) + type(nil)',
      'intfloatstringarraymapnil',
    ],
    // predicates
    ['filter([1, 2, 3, 4], # % 2 == 0)', [2, 4]],
    ['map(people, .Name)', ['ann', 'bob']],
    ['map(people, {#.Name + "!"})', ['ann!', 'bob!']],
    [
      'all(people, .Age > 10) && any(people, .Age < 18) && none(people, .Age > 99) && one(people, .Age > 18)',
      true,
    ],
    ['count(people, .Age >= 18)', 1],
    ['find(people, .Name == "bob").Age', 17],
    ['findIndex(tags, # == "1.2.0")', 1],
    ['sum([1, 2, 3])', 6],
    ['sum(people, .Age)', 48],
    ['sortBy(people, .Age)[0].Name', 'bob'],
    ['groupBy(people, .Age >= 18)["true"][0].Name', 'ann'],
    ['reduce([1, 2, 3], #acc + #, 10)', 16],
    ['map(tags, #index)', [0, 1, 2]],
    // Kargo's functions
    ['quote(42)', '"42"'],
    ['semverParse("v1.2.3-rc.1+b5").Major()', 1],
    ['semverParse("1.2").IncPatch().String()', '1.2.1'],
    ['semverParse("1.2.3-rc.1").IncPatch().String()', '1.2.3'],
    ['semverParse("1.9.9").IncMinor().String()', '1.10.0'],
    ['semverParse("1.2.3").Prerelease()', ''],
    ['semverDiff("1.2.3", "2.0.0")', 'Major'],
    ['semverDiff("1.2.3", "1.3.0")', 'Minor'],
    ['semverDiff("1.2.3", "1.2.4")', 'Patch'],
    ['semverDiff("1.2.3", "1.2.3+b1")', 'Metadata'],
    ['semverDiff("1.2.3", "v1.2.3")', 'None'],
    ['semverDiff("1.2.3", "latest")', 'Incomparable'],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['1 +', 'column 4: unexpected end of expression'],
    ['(1 + 2', 'column 7: unexpected end of expression'],
    ['"open', 'column 1: literal not terminated'],
    ['1 @ 2', "column 3: unrecognized character: U+0040 '@'"],
    // As in Kargo: a name the environment lacks is nil.
    ['nope + 1', 'column 6: invalid operation: <nil> + int'],
    ['frobnicate(1)', 'column 1: invalid operation: cannot call nil'],
    ['vars.replicas + "x"', 'column 15: invalid operation: int + string'],
    ['ctx.nothing.deeper', 'column 13: cannot fetch deeper from <nil>'],
    ['vars.envs[7]', 'column 10: index out of range: 7 (array length is 3)'],
    ['1 ? 2 : 3', 'column 1: non-bool expression (type int) used as condition'],
    ['1 and true', 'column 3: invalid operation: and (mismatched types int and bool)'],
    ['upper(1)', 'column 1: cannot use int as argument (type string) to call upper'],
    ['upper()', 'column 1: not enough arguments to call upper'],
    ['filter([1], # + 1)', 'column 13: predicate should return boolean (got int)'],
    ['#', 'column 1: unexpected token Operator("#")'],
    ['semverParse("x.y")', 'column 1: semverParse(): invalid semantic version'],
    ['semverParse("1.2.3").Explode()', 'column 22: cannot fetch Explode from *semver.Version'],
    ['fromJSON("{")', 'column 1: invalid JSON'],
    ['"a" matches "("', 'column 5: invalid regular expression'],
    ['7 % 0', 'column 3: integer divide by zero'],
    // `a ?: b` is `a ? a : b`: its condition must be a bool, as in expr-lang.
    ['vars.empty ?: "fallback"', 'column 12: interface conversion: interface {} is nil, not bool'],
  ])('reports %s', (source, message) => {
    let error: unknown;
    try {
      run(source);
    } catch (err) {
      error = err;
    }
    expect(isExprError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
  });
});

describe('matches (RE2, as expr-lang with Go regexp)', () => {
  const LONG = 'a'.repeat(50_000) + 'b';
  const withText: Environment = {
    variables: {
      long: LONG,
      tags: ['v1.0.0', 'V2.0.0', 'nightly'],
      jsOnly: '^v(?=1)',
      catastrophic: '^(a+)+$',
    },
    functions: standardFunctions,
  };
  const evaluateWith = (source: string) => evaluate(parse(source), withText);

  it.each<[source: string, expected: unknown]>([
    [String.raw`"RELEASE-1" matches "(?i)^release-\\d+$"`, true],
    [String.raw`"été" matches "^\\pL+$"`, true],
    [String.raw`"héllo" matches "^\\w+$"`, false],
    [String.raw`"a" matches "^a\\z"`, true],
    [String.raw`filter(tags, # matches "(?i)^v\\d")`, ['v1.0.0', 'V2.0.0']],
    // Catastrophic for a backtracking engine; under RE2 they simply finish.
    ['long matches "^(a+)+$"', false],
    ['long matches catastrophic', false],
    ['(long + "") not matches "(a|aa)+$"', true],
    ['long matches "^(a|a?)+b$"', true],
  ])('%s', (source, expected) => {
    expect(evaluateWith(source)).toEqual(expected);
  });

  it.each<[source: string, message: string]>([
    // A constant pattern fails when the expression is parsed, as in expr-lang's checker.
    [
      String.raw`"x" matches "(a)\\1"`,
      'column 5: invalid regular expression "(a)\\\\1": invalid escape sequence: `\\1` (RE2 syntax is required, as in Kargo (Go regexp): no backreferences such as \\1)',
    ],
    ['"x" not matches "("', 'column 9: invalid regular expression "(": missing closing ): `(`'],
    // A pattern computed at run time fails when it is evaluated.
    [
      '"v1" matches jsOnly',
      'column 6: invalid regular expression "^v(?=1)": invalid or unsupported Perl syntax: `(?=` (RE2 syntax is required, as in Kargo (Go regexp): no lookahead or lookbehind)',
    ],
  ])('refuses %s', (source, message) => {
    let error: unknown;
    try {
      evaluateWith(source);
    } catch (err) {
      error = err;
    }
    expect(isExprError(error)).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});

describe('found by comparing with expr-lang (scripts/expr-differential.ts)', () => {
  const run = (source: string, variables: Record<string, unknown> = {}) =>
    evaluate(parse(source), { variables, functions: standardFunctions });
  it.each<[string, Record<string, unknown>, unknown]>([
    ['max(x)', { x: { a: 1 } }, { a: 1 }],
    ['max(x)', { x: null }, null],
    ['sort(x)', { x: 1 }, []],
    ['first(x)', { x: 1 }, null],
    ['last(x)', { x: { a: 1 } }, null],
    ['x and true', { x: 1 }, 1],
    ['x or false', { x: 'a' }, 'a'],
    ['false and x.y.z', {}, false],
  ])('%s with %j is %j', (source, variables, expected) => {
    expect(run(source, variables)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'date("2023-01-01").Year() + "a"',
      {},
      'invalid operation: + (mismatched types int and string)',
    ],
    ['duration("1h").Hours() % 2', {}, 'invalid operation: % (mismatched types float64 and int)'],
    ['x in ["a", "b"]', { x: 1 }, 'value of type int is not assignable to type string'],
    ['max(1, x)', { x: null }, 'invalid argument for max (type <nil>)'],
    ['groupBy([1], [#])', {}, 'hash of unhashable type []interface {}'],
  ])('%s fails as in expr-lang', (source, variables, message) => {
    expect(() => run(source, variables)).toThrow(message);
  });
});
