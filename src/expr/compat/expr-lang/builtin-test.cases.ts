import type { ExprCase } from '../expr-case.js';
import { float, goDuration, goTime } from '../go-values.js';

/*
 * expr-lang v1.17.8 builtin/builtin_test.go, every test function, as data.
 *
 * - Typed Go slices in the environments ([]int, []string, []float64) are written as plain arrays:
 *   a Kargo environment is JSON-like, and the results are the same values.
 * - Pointers in the environments (TestBuiltin's PtrArrayWithNil, TestBuiltin_with_deref, the
 *   pointer row of TestBuiltin_type) are written as the values they point to: a Kargo
 *   environment holds no pointers, and the results are the same.
 * - Go-only values (int32, int64, uint*, mock.Foo structs, funcs, self-referencing slices) and
 *   compile options (expr.Function, DisableBuiltin, ...) cannot be data: those rows are skipped.
 * - Times and durations in an environment are go-values markers (`goTime`, `goDuration`): the
 *   harness turns them into real values; the oracle check cannot, so those rows were checked
 *   with `date(...)` / `duration(...)` in their place.
 * - Maps with non-string keys (groupBy's map[interface{}][]interface{}, fromPairs's
 *   map[interface{}]interface{}) are written as objects keyed by the keys' text.
 */

/** TestBuiltin's environment, without the rows that need Go-only types. */
const builtinEnv = (): Record<string, unknown> => ({
  ArrayOfString: ['foo', 'bar', 'baz'],
  ArrayOfInt: [1, 2, 3],
  ArrayOfFloat: [1.5, 2.5, 3.5],
  ArrayOfAny: [1, '2', true],
  PtrArrayWithNil: [42], // a pointer to []any{42} upstream
  EmptyIntArray: [],
  EmptyFloatArray: [],
  NestedIntArrays: [
    [1, 2],
    [3, 4],
  ],
  NestedAnyArrays: [
    [1, 2],
    [3, 4],
  ],
  MixedNestedArray: [1, [2, 3], [float(4), float(5)]],
});

const builtin = (expr: string, want: unknown): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin',
  expr,
  env: builtinEnv(),
  want,
});

const builtinSkip = (expr: string, skip: string): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin',
  expr,
  skip,
});

const needsInt32 = 'needs a Go-only environment: []int32 slices (the result is an int32)';
const needsFoo = 'needs a Go-only environment: a slice of mock.Foo structs';

const testBuiltin: ExprCase[] = [
  builtin('len(1..10)', 10),
  builtin('len({foo: 1, bar: 2})', 2),
  builtin('len("hello")', 5),
  builtin('abs(-5)', 5),
  builtin('abs(.5)', 0.5),
  builtin('abs(-.5)', 0.5),
  builtin('ceil(5.5)', float(6)),
  builtin('ceil(5)', float(5)),
  builtin('floor(5.5)', float(5)),
  builtin('floor(5)', float(5)),
  builtin('round(5.5)', float(6)),
  builtin('round(5)', float(5)),
  builtin('round(5.49)', float(5)),
  builtin('int(5.5)', 5),
  builtin('int(5)', 5),
  builtin('int("5")', 5),
  builtin('float(5)', float(5)),
  builtin('float(5.5)', 5.5),
  builtin('float("5.5")', 5.5),
  builtin('string(5)', '5'),
  builtin('string(5.5)', '5.5'),
  builtin('string("5.5")', '5.5'),
  builtin('trim("  foo  ")', 'foo'),
  builtin('trim("__foo___", "_")', 'foo'),
  builtin('trimPrefix("prefix_foo", "prefix_")', 'foo'),
  builtin('trimSuffix("foo_suffix", "_suffix")', 'foo'),
  builtin('upper("foo")', 'FOO'),
  builtin('lower("FOO")', 'foo'),
  builtin('split("foo,bar,baz", ",")', ['foo', 'bar', 'baz']),
  builtin('split("foo,bar,baz", ",", 2)', ['foo', 'bar,baz']),
  builtin('splitAfter("foo,bar,baz", ",")', ['foo,', 'bar,', 'baz']),
  builtin('splitAfter("foo,bar,baz", ",", 2)', ['foo,', 'bar,baz']),
  builtin('replace("foo,bar,baz", ",", ";")', 'foo;bar;baz'),
  builtin('replace("foo,bar,baz,goo", ",", ";", 2)', 'foo;bar;baz,goo'),
  builtin('repeat("foo", 3)', 'foofoofoo'),
  builtin('join(ArrayOfString, ",")', 'foo,bar,baz'),
  builtin('join(ArrayOfString)', 'foobarbaz'),
  builtin('join(["foo", "bar", "baz"], ",")', 'foo,bar,baz'),
  builtin('join(["foo", "bar", "baz"])', 'foobarbaz'),
  builtin('indexOf("foo,bar,baz", ",")', 3),
  builtin('lastIndexOf("foo,bar,baz", ",")', 7),
  builtin('hasPrefix("foo,bar,baz", "foo")', true),
  builtin('hasSuffix("foo,bar,baz", "baz")', true),
  builtin('max(1, 2, 3)', 3),
  builtin('max(1.5, 2.5, 3.5)', 3.5),
  builtin('max([1, 2, 3])', 3),
  builtin('max([1.5, 2.5, 3.5])', 3.5),
  builtin('max([1, 2, 4, 10], 20, [29, 23, -19])', 29),
  builtin('min([1, 2, 4, 10], 20, [29, 23, -19])', -19),
  builtin('min(1, 2, 3)', 1),
  builtin('min(1.5, 2.5, 3.5)', 1.5),
  builtin('min([1, 2, 3])', 1),
  builtin('min([1.5, 2.5, 3.5])', 1.5),
  builtin('min(-1, [1.5, 2.5, 3.5])', -1),
  builtin('max(ArrayOfInt)', 3),
  builtin('min(ArrayOfInt)', 1),
  builtin('max(ArrayOfFloat)', 3.5),
  builtin('min(ArrayOfFloat)', 1.5),
  builtin('max(EmptyIntArray, 5)', 5),
  builtin('min(EmptyFloatArray, 5)', 5),
  builtin('max(NestedIntArrays)', 4),
  builtin('min(NestedIntArrays)', 1),
  builtin('max(NestedAnyArrays)', 4),
  builtin('min(NestedAnyArrays)', 1),
  builtin('max(MixedNestedArray)', float(5)),
  builtin('min(MixedNestedArray)', 1),
  builtinSkip('max(ArrayOfInt32)', needsInt32),
  builtinSkip('min(ArrayOfInt32)', needsInt32),
  builtinSkip('max(NestedInt32Array)', needsInt32),
  builtinSkip('min(NestedInt32Array)', needsInt32),
  builtin('sum(1..9)', 45),
  builtin('sum([.5, 1.5, 2.5])', 4.5),
  builtin('sum([])', 0),
  builtin('sum([1, 2, 3.0, 4])', float(10)),
  builtin('mean(1..9)', float(5)),
  builtin('mean([.5, 1.5, 2.5])', 1.5),
  builtin('mean([])', float(0)),
  builtin('mean([1, 2, 3.0, 4])', 2.5),
  builtin('mean(10, [1, 2, 3], 1..9)', 4.6923076923076925),
  builtin('mean(-10, [1, 2, 3, 4])', float(0)),
  builtin('mean(10.9, 1..9)', 5.59),
  builtin('mean(ArrayOfInt)', float(2)),
  builtin('mean(ArrayOfFloat)', 2.5),
  builtin('mean(NestedIntArrays)', 2.5),
  builtin('mean(NestedAnyArrays)', 2.5),
  builtin('mean(MixedNestedArray)', float(3)),
  builtinSkip('mean(ArrayOfInt32)', needsInt32),
  builtinSkip('mean(NestedInt32Array)', needsInt32),
  builtin('median(1..9)', float(5)),
  builtin('median([.5, 1.5, 2.5])', 1.5),
  builtin('median([])', float(0)),
  builtin('median([1, 2, 3])', float(2)),
  builtin('median([1, 2, 3, 4])', 2.5),
  builtin('median(10, [1, 2, 3], 1..9)', float(4)),
  builtin('median(-10, [1, 2, 3, 4])', float(2)),
  builtin('median(1..5, 4.9)', 3.5),
  builtin('median(ArrayOfInt)', float(2)),
  builtin('median(ArrayOfFloat)', 2.5),
  builtin('median(NestedIntArrays)', 2.5),
  builtin('median(NestedAnyArrays)', 2.5),
  builtin('median(MixedNestedArray)', float(3)),
  builtinSkip('median(ArrayOfInt32)', needsInt32),
  builtinSkip('median(NestedInt32Array)', needsInt32),
  builtin('toJSON({foo: 1, bar: 2})', '{\n  "bar": 2,\n  "foo": 1\n}'),
  builtin('fromJSON("[1, 2, 3]")', [float(1), float(2), float(3)]),
  builtin('toBase64("hello")', 'aGVsbG8='),
  builtin('fromBase64("aGVsbG8=")', 'hello'),
  // Upstream compares now().Format("2006-01-02T15:04Z") with Go's clock; here, its shape.
  builtin(
    'now().Format("2006-01-02T15:04Z") matches "^\\\\d{4}-\\\\d\\\\d-\\\\d\\\\dT\\\\d\\\\d:\\\\d\\\\dZ$"',
    true,
  ),
  builtin('duration("1h")', goDuration('1h0m0s')),
  builtin('date("2006-01-02T15:04:05Z")', goTime('2006-01-02 15:04:05 +0000 UTC')),
  builtin('date("2006.01.02", "2006.01.02")', goTime('2006-01-02 00:00:00 +0000 UTC')),
  builtin(
    'date("2023-04-23T00:30:00.000+0100", "2006-01-02T15:04:05-0700", "America/Chicago").Format("2006-01-02")',
    '2023-04-23',
  ),
  builtin(
    'date("2023-04-23T00:30:00", "2006-01-02T15:04:05", "America/Chicago").Format("2006-01-02")',
    '2023-04-23',
  ),
  builtin('date("2023-04-23", "2006-01-02", "America/Chicago").Format("2006-01-02")', '2023-04-23'),
  builtin('timezone("UTC").String()', 'UTC'),
  builtin('timezone("Europe/Moscow").String()', 'Europe/Moscow'),
  builtin('first(ArrayOfString)', 'foo'),
  builtin('first(ArrayOfInt)', 1),
  builtin('first(ArrayOfAny)', 1),
  builtin('first([])', null),
  builtin('last(ArrayOfString)', 'baz'),
  builtin('last(ArrayOfInt)', 3),
  builtin('last(ArrayOfAny)', true),
  builtin('last([])', null),
  builtin('get(ArrayOfString, 1)', 'bar'),
  builtin('get(ArrayOfString, 99)', null),
  builtin('get(ArrayOfInt, 1)', 2),
  builtin('get(ArrayOfInt, -1)', 3),
  builtin('get(ArrayOfAny, 1)', '2'),
  builtin('get({foo: 1, bar: 2}, "foo")', 1),
  builtin('get({foo: 1, bar: 2}, "unknown")', null),
  builtin('take(ArrayOfString, 2)', ['foo', 'bar']),
  builtin('take(ArrayOfString, 99)', ['foo', 'bar', 'baz']),
  builtin('"foo" in keys({foo: 1, bar: 2})', true),
  builtin('1 in values({foo: 1, bar: 2})', true),
  builtin('len(toPairs({foo: 1, bar: 2}))', 2),
  builtin('len(toPairs({}))', 0),
  builtin('fromPairs([["foo", 1], ["bar", 2]])', { foo: 1, bar: 2 }), // map[interface{}]interface{}
  builtin('fromPairs(toPairs({foo: 1, bar: 2}))', { foo: 1, bar: 2 }), // map[interface{}]interface{}
  // A map[interface{}][]interface{} with the int keys 0 and 1.
  builtin('groupBy(1..9, # % 2)', { 0: [2, 4, 6, 8], 1: [1, 3, 5, 7, 9] }),
  builtin('groupBy(1..9, # % 2)[0]', [2, 4, 6, 8]),
  builtin('groupBy(1..3, # > 1)[true]', [2, 3]),
  builtin('groupBy(1..3, # > 1 ? nil : "")[nil]', [2, 3]),
  builtinSkip('groupBy(ArrayOfFoo, .Value).a', needsFoo),
  builtin('reduce(1..9, # + #acc, 0)', 45),
  builtin('reduce(1..9, # + #acc)', 45),
  builtin('reduce([.5, 1.5, 2.5], # + #acc, 0)', 4.5),
  builtin('reduce([], 5, 0)', 0),
  builtin('reduce(10..1, # + #acc, 100)', 100),
  builtin('reduce([], # + #acc, 42)', 42),
  builtin('concat(ArrayOfString, ArrayOfInt)', ['foo', 'bar', 'baz', 1, 2, 3]),
  builtin('concat(PtrArrayWithNil, [nil])', [42, null]),
  builtin('flatten([["a", "b"], [1, 2]])', ['a', 'b', 1, 2]),
  builtin('flatten([["a", "b"], [1, 2, [3, 4]]])', ['a', 'b', 1, 2, 3, 4]),
  builtin('flatten([["a", "b"], [1, 2, [3, [[[["c", "d"], "e"]]], 4]]])', [
    'a',
    'b',
    1,
    2,
    3,
    'c',
    'd',
    'e',
    4,
  ]),
  builtin('uniq([1, 15, "a", 2, 3, 5, 2, "a", 2, "b"])', [1, 15, 'a', 2, 3, 5, 'b']),
  builtin('uniq([[1, 2], "a", 2, 3, [1, 2], [1, 3]])', [[1, 2], 'a', 2, 3, [1, 3]]),
];

/*
 * TestBuiltin_works_with_any: each builtin that is not a predicate, called with as many unknown
 * names as it takes parameters, compiles without an environment (upstream asserts only that).
 * The expected results are expr-lang's when such a call runs on an empty environment (every
 * argument nil); the error messages are expr-lang's, several of them Go runtime panics.
 */
const anyArgs = (expr: string, result: { want: unknown } | { error: string }): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin_works_with_any',
  expr,
  ...result,
});
const notString = { error: 'interface conversion: interface {} is nil, not string' };
const notInt = (name: string) => ({
  error: `cannot use <nil> as argument (type int) to call ${name}`,
});

const testWorksWithAny: ExprCase[] = [
  anyArgs('len(arg1)', { error: 'invalid argument for len (type <nil>)' }),
  anyArgs('type(arg1)', { want: 'nil' }),
  anyArgs('abs(arg1)', { error: 'invalid argument for abs (type <nil>)' }),
  anyArgs('ceil(arg1)', { error: 'invalid argument for ceil (type <nil>)' }),
  anyArgs('floor(arg1)', { error: 'invalid argument for floor (type <nil>)' }),
  anyArgs('round(arg1)', { error: 'invalid argument for round (type <nil>)' }),
  anyArgs('int(arg1)', { error: 'reflect: call of reflect.Value.Type on zero Value' }),
  anyArgs('float(arg1)', { error: 'invalid operation: float(<nil>)' }),
  anyArgs('string(arg1)', { want: '<nil>' }),
  anyArgs('trim(arg1)', notString),
  anyArgs('trimPrefix(arg1, arg2)', notString),
  anyArgs('trimSuffix(arg1, arg2)', notString),
  anyArgs('upper(arg1)', notString),
  anyArgs('lower(arg1)', notString),
  anyArgs('split(arg1, arg2)', notString),
  anyArgs('splitAfter(arg1, arg2)', notString),
  anyArgs('replace(arg1, arg2, arg3, arg4)', notString),
  anyArgs('repeat(arg1, arg2)', notString),
  anyArgs('join(arg1, arg2)', notString),
  anyArgs('indexOf(arg1, arg2)', notString),
  anyArgs('lastIndexOf(arg1, arg2)', notString),
  anyArgs('hasPrefix(arg1, arg2)', notString),
  anyArgs('hasSuffix(arg1, arg2)', notString),
  anyArgs('max(arg1)', { want: null }),
  anyArgs('min(arg1)', { want: null }),
  anyArgs('mean(arg1)', { error: 'invalid argument for mean (type <nil>)' }),
  anyArgs('median(arg1)', { error: 'invalid argument for median (type <nil>)' }),
  anyArgs('toJSON(arg1)', { want: 'null' }),
  anyArgs('fromJSON(arg1)', notString),
  anyArgs('toBase64(arg1)', notString),
  anyArgs('fromBase64(arg1)', notString),
  // now() is upstream's row; its value is the clock's, so here its type.
  anyArgs('type(now())', { want: 'time.Time' }),
  anyArgs('duration(arg1)', notString),
  anyArgs('date(arg1)', notString),
  anyArgs('timezone(arg1)', notString),
  anyArgs('first(arg1)', { want: null }),
  anyArgs('last(arg1)', { want: null }),
  anyArgs('get(arg1, arg2)', { want: null }),
  anyArgs('take(arg1, arg2)', { error: 'cannot take from invalid' }),
  anyArgs('keys(arg1)', { error: 'cannot get keys from invalid' }),
  anyArgs('values(arg1)', { error: 'cannot get values from invalid' }),
  anyArgs('toPairs(arg1)', { error: 'cannot transform invalid to pairs' }),
  anyArgs('fromPairs(arg1)', { error: 'cannot transform <invalid reflect.Value> from pairs' }),
  anyArgs('reverse(arg1)', { error: 'cannot reverse invalid' }),
  anyArgs('uniq(arg1)', { error: 'cannot uniq invalid' }),
  anyArgs('concat(arg1)', { error: 'cannot concat invalid' }),
  anyArgs('flatten(arg1)', { error: 'cannot flatten invalid' }),
  anyArgs('sort(arg1, arg2)', { error: 'sort order argument must be a string (got <nil>)' }),
  anyArgs('bitand(arg1, arg2)', notInt('bitand')),
  anyArgs('bitor(arg1, arg2)', notInt('bitor')),
  anyArgs('bitxor(arg1, arg2)', notInt('bitxor')),
  anyArgs('bitnand(arg1, arg2)', notInt('bitnand')),
  anyArgs('bitshl(arg1, arg2)', notInt('bitshl')),
  anyArgs('bitshr(arg1, arg2)', notInt('bitshr')),
  anyArgs('bitushr(arg1, arg2)', notInt('bitushr')),
  anyArgs('bitnot(arg1)', notInt('bitnot')),
];

const failing = (expr: string, error: string): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin_errors',
  expr,
  error,
});

const testErrors: ExprCase[] = [
  failing('len()', 'invalid number of arguments (expected 1, got 0)'),
  failing('len(1)', 'invalid argument for len (type int)'),
  failing('abs()', 'invalid number of arguments (expected 1, got 0)'),
  failing('abs(1, 2)', 'invalid number of arguments (expected 1, got 2)'),
  failing('abs("foo")', 'invalid argument for abs (type string)'),
  failing('int()', 'invalid number of arguments (expected 1, got 0)'),
  failing('int(1, 2)', 'invalid number of arguments (expected 1, got 2)'),
  failing('float()', 'invalid number of arguments (expected 1, got 0)'),
  failing('float(1, 2)', 'invalid number of arguments (expected 1, got 2)'),
  failing('string(1, 2)', 'too many arguments to call string'),
  failing('trim()', 'not enough arguments to call trim'),
  failing('max()', 'not enough arguments to call max'),
  failing('max(1, "2")', 'invalid argument for max (type string)'),
  failing('max([1, "2"])', 'invalid argument for max (type string)'),
  failing('min()', 'not enough arguments to call min'),
  failing('min(1, "2")', 'invalid argument for min (type string)'),
  failing('min([1, "2"])', 'invalid argument for min (type string)'),
  failing('median(1..9, "t")', 'invalid argument for median (type string)'),
  failing('mean("s", 1..9)', 'invalid argument for mean (type string)'),
  failing('duration("error")', 'invalid duration'),
  failing('date("error")', 'invalid date'),
  failing('get()', 'invalid number of arguments (expected 2, got 0)'),
  failing('get(1, 2)', 'type int does not support indexing'),
  failing('bitnot("1")', 'cannot use string as argument (type int) to call bitnot  (1:8)'),
  failing('bitand("1", 1)', 'cannot use string as argument (type int) to call bitand  (1:8)'),
  failing('"10" | bitor(1)', 'cannot use string as argument (type int) to call bitor  (1:1)'),
  failing('bitshr("5", 1)', 'cannot use string as argument (type int) to call bitshr  (1:8)'),
  failing('bitshr(-5, -2)', 'invalid operation: negative shift count -2 (type int) (1:1)'),
  failing('bitshl(1, -1)', 'invalid operation: negative shift count -1 (type int) (1:1)'),
  failing('bitushr(-5, -2)', 'invalid operation: negative shift count -2 (type int) (1:1)'),
  failing('now(nil)', 'invalid number of arguments (expected 0, got 1)'),
  failing('date(nil)', 'interface {} is nil, not string (1:1)'),
  failing('timezone(nil)', 'cannot use nil as argument (type string) to call timezone (1:10)'),
  failing('flatten([1, 2], [3, 4])', 'invalid number of arguments (expected 1, got 2)'),
  failing('flatten(1)', 'cannot flatten int'),
  failing('fromJSON("5e2482")', 'cannot unmarshal number'),
];

const testEnvNotCallable: ExprCase[] = [
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_env_not_callable',
    expr: "$env(''matches'i'?t:get().UTC())",
    env: { t: 1 },
    error: 'is not callable',
  },
];

/*
 * TestBuiltin_types checks the kind of the type the checker infers with an environment; here,
 * the value each expression has at run time, which is of that kind (string, int, slice).
 */
const typesEnv = (): Record<string, unknown> => ({
  num: 42,
  str: 'foo',
  ArrayOfString: ['foo', 'bar', 'baz'],
  ArrayOfInt: [1, 2, 3],
});
const typed = (expr: string, want: unknown): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin_types',
  expr,
  env: typesEnv(),
  want,
});

const testTypes: ExprCase[] = [
  typed('get(ArrayOfString, 0)', 'foo'),
  typed('get(ArrayOfInt, 0)', 1),
  typed('first(ArrayOfString)', 'foo'),
  typed('first(ArrayOfInt)', 1),
  typed('last(ArrayOfString)', 'baz'),
  typed('last(ArrayOfInt)', 3),
  typed("get($env, 'str')", 'foo'),
  typed("get($env, 'num')", 42),
  typed("get($env, 'ArrayOfString')", ['foo', 'bar', 'baz']),
];

const testMemoryLimits: ExprCase[] = [
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_memory_limits',
    // The \xc4 escapes are expr string escapes (the expression holds the backslashes).
    expr: 'repeat("\\xc4<\\xc4\\xc4\\xc4",10009999990)',
    error: 'memory budget exceeded',
  },
];

/** builtin.Names of v1.17.8, in its order; the first fifteen are predicates. */
const builtinNames = [
  'all',
  'none',
  'any',
  'one',
  'filter',
  'map',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'count',
  'sum',
  'groupBy',
  'sortBy',
  'reduce',
  'len',
  'type',
  'abs',
  'ceil',
  'floor',
  'round',
  'int',
  'float',
  'string',
  'trim',
  'trimPrefix',
  'trimSuffix',
  'upper',
  'lower',
  'split',
  'splitAfter',
  'replace',
  'repeat',
  'join',
  'indexOf',
  'lastIndexOf',
  'hasPrefix',
  'hasSuffix',
  'max',
  'min',
  'mean',
  'median',
  'toJSON',
  'fromJSON',
  'toBase64',
  'fromBase64',
  'now',
  'duration',
  'date',
  'timezone',
  'first',
  'last',
  'get',
  'take',
  'keys',
  'values',
  'toPairs',
  'fromPairs',
  'reverse',
  'uniq',
  'concat',
  'flatten',
  'sort',
  'bitand',
  'bitor',
  'bitxor',
  'bitnand',
  'bitshl',
  'bitshr',
  'bitushr',
  'bitnot',
];
const nonPredicateNames = builtinNames.slice(15);

const needsGoFunc = 'needs a Go-only environment: a Go func in the env under the builtin name';
const needsFunctionOption = 'needs a Go-only compile option: expr.Function under the builtin name';
const needsDisableOption = 'needs Go-only compile options: expr.DisableBuiltin and a Go func';

const overrideUpstream = 'builtin/builtin_test.go TestBuiltin_allow_builtins_override';
const testAllowBuiltinsOverride: ExprCase[] = [
  // A variable named like a builtin is read as the variable.
  ...builtinNames.map((name): ExprCase => ({
    upstream: `${overrideUpstream} via env var/${name}`,
    expr: name,
    env: { [name]: 'hello world' },
    want: 'hello world',
  })),
  ...builtinNames.map((name): ExprCase => ({
    upstream: `${overrideUpstream} via env func/${name}`,
    expr: `${name}()`,
    skip: needsGoFunc,
  })),
  ...builtinNames.map((name): ExprCase => ({
    upstream: `${overrideUpstream} via expr.Function/${name}`,
    expr: `${name}()`,
    skip: needsFunctionOption,
  })),
  ...builtinNames.map((name): ExprCase => ({
    upstream: `${overrideUpstream} via expr.Function as pipe/${name}`,
    expr: `'str' | ${name}()`,
    skip: needsFunctionOption,
  })),
];

const testOverrideAndStillAccessible: ExprCase[] = [
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_override_and_still_accessible',
    expr: '::all(all, #>0) && len() == 42 && ::len(all) == 3',
    skip: 'needs a Go-only environment: a Go func named len',
  },
];

const disableUpstream = 'builtin/builtin_test.go TestBuiltin_DisableBuiltin';
const testDisableBuiltin: ExprCase[] = [
  ...nonPredicateNames.map((name): ExprCase => ({
    upstream: `${disableUpstream} via env/${name}`,
    expr: `${name}()`,
    skip: needsDisableOption,
  })),
  ...nonPredicateNames.map((name): ExprCase => ({
    upstream: `${disableUpstream} via expr.Function/${name}`,
    expr: `${name}()`,
    skip: 'needs Go-only compile options: expr.DisableBuiltin and expr.Function',
  })),
];

const testEnableBuiltins: ExprCase[] = [
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_DisableAllBuiltins',
    expr: 'len("foo")',
    skip: 'needs a Go-only compile option: expr.DisableAllBuiltins',
  },
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_EnableBuiltin via env',
    expr: 'len(repeat())',
    skip: 'needs Go-only compile options (DisableAllBuiltins, EnableBuiltin) and a Go func',
  },
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_EnableBuiltin via expr.Function',
    expr: 'len(repeat())',
    skip: 'needs Go-only compile options: DisableAllBuiltins, EnableBuiltin, expr.Function',
  },
];

const typeOf = (name: string, obj: unknown, want: string): ExprCase => ({
  upstream: `builtin/builtin_test.go TestBuiltin_type ${name}`,
  expr: 'type(obj)',
  env: { obj },
  want,
});
const typeOfSkip = (name: string, skip: string): ExprCase => ({
  upstream: `builtin/builtin_test.go TestBuiltin_type ${name}`,
  expr: 'type(obj)',
  skip,
});

const testType: ExprCase[] = [
  typeOf('nil', null, 'nil'),
  typeOf('bool', true, 'bool'),
  typeOf('int', 1, 'int'),
  typeOfSkip('int (int8)', 'needs a Go-only environment: an int8'),
  typeOfSkip('uint', 'needs a Go-only environment: a uint'),
  typeOf('float', float(1), 'float'),
  typeOfSkip('float (float32)', 'needs a Go-only environment: a float32'),
  typeOf('string', 'string', 'string'),
  typeOf('array', ['foo', 'bar'], 'array'),
  typeOf('map', { foo: 'bar' }, 'map'),
  typeOfSkip('func', 'needs a Go-only environment: a Go func'),
  // Upstream's time is time.Now(); any time gives the same type.
  typeOf('time.Time', goTime('2006-01-02 15:04:05 +0000 UTC'), 'time.Time'),
  typeOf('time.Duration', goDuration('1s'), 'time.Duration'),
  typeOfSkip(
    'github.com/expr-lang/expr/builtin_test.Foo',
    'needs a Go-only environment: a named struct type',
  ),
  typeOfSkip('struct', 'needs a Go-only environment: an anonymous struct'),
  typeOf('int (pointer)', 1, 'int'), // a pointer to an interface holding 1 upstream
];

const sortEnv = (ints: number[]): Record<string, unknown> => ({
  ArrayOfString: ['foo', 'bar', 'baz'],
  ArrayOfInt: ints,
  ArrayOfFloat: [float(3), float(2), float(1)],
});

const reversed = (expr: string, want: unknown): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin_reverse',
  expr,
  env: sortEnv([2, 1, 3]),
  want,
});

const testReverse: ExprCase[] = [
  reversed('reverse([])', []),
  reversed('reverse(ArrayOfInt)', [3, 1, 2]),
  reversed('reverse(ArrayOfFloat)', [float(1), float(2), float(3)]),
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_reverse',
    expr: 'reverse(ArrayOfFoo)',
    skip: needsFoo,
  },
  reversed('reverse([[1,2], [2,2]])', [
    [2, 2],
    [1, 2],
  ]),
  reversed('reverse(reverse([[1,2], [2,2]]))', [
    [1, 2],
    [2, 2],
  ]),
  reversed('reverse([{"test": true}, {id:4}, {name: "value"}])', [
    { name: 'value' },
    { id: 4 },
    { test: true },
  ]),
];

const sorted = (expr: string, want: unknown): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin_sort',
  expr,
  env: sortEnv([3, 2, 1]),
  want,
});

const testSort: ExprCase[] = [
  sorted('sort([])', []),
  sorted('sort(ArrayOfInt)', [1, 2, 3]),
  sorted('sort(ArrayOfFloat)', [float(1), float(2), float(3)]),
  sorted("sort(ArrayOfInt, 'desc')", [3, 2, 1]),
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_sort',
    expr: 'sortBy(ArrayOfFoo, .Value)',
    skip: needsFoo,
  },
  sorted('sortBy([{id: "a"}, {id: "b"}], .id, "desc")', [{ id: 'b' }, { id: 'a' }]),
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_sort_i64',
    expr: 'sort(map(array, i64))',
    skip: 'needs a Go-only environment: an int64 (the result is a slice of int64)',
  },
];

const bitOp = (expr: string, want: number): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin_bitOpsFunc',
  expr,
  want,
});

const testBitOps: ExprCase[] = [
  bitOp('bitnot(156)', -157),
  bitOp('bitand(bitnot(156), 255)', 99),
  bitOp('bitor(987, -123)', -33),
  bitOp('bitxor(15, 32)', 47),
  bitOp('bitshl(39, 3)', 312),
  bitOp('bitshr(5, 1)', 2),
  // Go's int result is 4611686018427387902 (2^62 - 2), which a JavaScript number cannot hold:
  // the nearest one is 2^62.
  bitOp('bitushr(-5, 2)', 4611686018427387904),
  bitOp('bitnand(35, 9)', 34),
  {
    upstream: 'builtin/builtin_test.go Test_int_unwraps_underlying_value',
    expr: 'int(customInt) == 42',
    skip: 'needs a Go-only environment: a named int type (customInt)',
  },
];

/*
 * TestBuiltin_with_deref: every env value is a pointer upstream; here the values themselves.
 * Upstream runs each expression twice (Compile+Run and Eval), with the same result.
 */
const derefEnv = (): Record<string, unknown> => ({
  x: 42,
  arr: [1, 2, 3],
  arrStr: ['1', '2', '3'],
  m: { a: 1, b: 2 },
  json: '["1"]',
  str: '1,2,3',
});
const deref = (expr: string, want: unknown): ExprCase => ({
  upstream: 'builtin/builtin_test.go TestBuiltin_with_deref',
  expr,
  env: derefEnv(),
  want,
});

const testWithDeref: ExprCase[] = [
  deref('all(arr, # > 0)', true),
  deref('none(arr, # < 0)', true),
  deref('any(arr, # > 0)', true),
  deref('one(arr, # > 2)', true),
  deref('filter(arr, # > 0)', [1, 2, 3]),
  deref('map(arr, # * #)', [1, 4, 9]),
  deref('count(arr, # > 0)', 3),
  deref('sum(arr)', 6),
  deref('find(arr, # > 0)', 1),
  deref('findIndex(arr, # > 1)', 1),
  deref('findLast(arr, # > 0)', 3),
  deref('findLastIndex(arr, # > 0)', 2),
  // A map[interface{}][]interface{} with the bool keys false and true.
  deref('groupBy(arr, # % 2 == 0)', { false: [1, 3], true: [2] }),
  deref('sortBy(arr, -#)', [3, 2, 1]),
  deref('reduce(arr, # + #acc, x)', 48),
  deref('ceil(x)', float(42)),
  deref('floor(x)', float(42)),
  deref('round(x)', float(42)),
  deref('int(x)', 42),
  deref('float(x)', float(42)),
  deref('abs(x)', 42),
  deref('first(arr)', 1),
  deref('last(arr)', 3),
  deref('take(arr, 1)', [1]),
  deref('take(arr, x)', [1, 2, 3]),
  deref("'a' in keys(m)", true),
  deref('1 in values(m)', true),
  deref('len(arr)', 3),
  deref('type(arr)', 'array'),
  deref('type(m)', 'map'),
  deref('reverse(arr)', [3, 2, 1]),
  deref('uniq(arr)', [1, 2, 3]),
  deref('concat(arr, arr)', [1, 2, 3, 1, 2, 3]),
  deref('flatten([arr, [arr]])', [1, 2, 3, 1, 2, 3]),
  deref('flatten(arr)', [1, 2, 3]),
  deref('toJSON(arr)', '[\n  1,\n  2,\n  3\n]'),
  deref('fromJSON(json)', ['1']),
  deref('split(str, ",")', ['1', '2', '3']),
  deref('join(arrStr, ",")', '1,2,3'),
];

const needsCycle = 'needs a Go-only environment: a slice that contains itself (no JSON data can)';

const testRecursion: ExprCase[] = [
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_flatten_recursion',
    expr: 'flatten(arr)',
    skip: needsCycle,
  },
  {
    upstream: 'builtin/builtin_test.go TestBuiltin_flatten_recursion_slice',
    expr: 'flatten(arr)',
    skip: needsCycle,
  },
  ...['max(arr)', 'min(arr)', 'mean(arr)', 'median(arr)'].map((expr): ExprCase => ({
    upstream: 'builtin/builtin_test.go TestBuiltin_numerical_recursion',
    expr,
    skip: needsCycle,
  })),
  {
    upstream:
      'builtin/builtin_test.go TestBuiltin_recursion_custom_max_depth flatten exceeds max depth',
    expr: 'flatten(arr)',
    skip: 'needs a Go-only setting: builtin.MaxDepth lowered to 2 (the default is 10000)',
  },
  // Upstream asserts only that this runs (with builtin.MaxDepth at 2); the value is expr-lang's.
  {
    upstream:
      'builtin/builtin_test.go TestBuiltin_recursion_custom_max_depth flatten within max depth',
    expr: 'flatten(arr)',
    env: { arr: [1, [2]] },
    want: [1, 2],
  },
];

const unsignedNames = ['uint', 'uint8', 'uint16', 'uint32', 'uint64'];
const testAbsUnsigned: ExprCase[] = [
  ...unsignedNames,
  ...unsignedNames.map((name) => `${name} zero`),
].map((name): ExprCase => ({
  upstream: `builtin/builtin_test.go TestAbs_UnsignedIntegers ${name}`,
  expr: 'abs(x)',
  skip: `needs a Go-only environment: an unsigned int (${name.split(' ')[0]})`,
}));

/** builtin/builtin_test.go of expr-lang v1.17.8, every test function, in the file's order. */
export const builtinTestCases: ExprCase[] = [
  ...testBuiltin,
  ...testWorksWithAny,
  ...testErrors,
  ...testEnvNotCallable,
  ...testTypes,
  ...testMemoryLimits,
  ...testAllowBuiltinsOverride,
  ...testOverrideAndStillAccessible,
  ...testDisableBuiltin,
  ...testEnableBuiltins,
  ...testType,
  ...testReverse,
  ...testSort,
  ...testBitOps,
  ...testWithDeref,
  ...testRecursion,
  ...testAbsUnsigned,
];
