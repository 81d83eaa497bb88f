import type { ExprCase } from '../expr-case.js';
import { float, goBytes, goDuration } from '../go-values.js';

/**
 * expr-lang v1.17.8 expr_test.go as data: TestExpr (the big table), TestExpr_error, the Example*
 * functions with an `// Output:`, and the smaller Test* functions (issues, nil handling, $env,
 * optional chaining, bytes literals, limits). Every row is here; rows that cannot run on data
 * are kept with a `skip` reason.
 *
 * TestExpr runs every row on a `mock.Env` struct (test/mock/mock.go). Here that struct is written
 * as a map with its data fields only: ints whole numbers, float64 fields `float(0)`, nil pointers
 * and nil slices/maps `null`, `Foo` and the `*Foo` elements of `ArrayOfFoo` as maps. Rows that call
 * the struct's methods (`Add`, `GetInt`, `Foo.Method`), its func fields (`Variadic`) or read its
 * time.Time / time.Duration fields are skipped. A typed Go slice read from the env (`[]int`)
 * comes back from a map env as `[]interface {}`; the tables compare elements, not slice types.
 *
 * Upstream compiles most cases with `expr.Env(env)` (or runs them with `expr.Eval`, which skips
 * the type checker and the optimizer); here each runs as Kargo runs it, compiled with no env.
 * Where that, or a Go-typed value upstream, changes the outcome, the case holds what expr-lang
 * does for Kargo and says so in a trailing `// no-env:` or `// typed map:` comment. Go structs
 * with plain fields are written as maps when the expression reads the same from both; Go funcs,
 * methods, custom functions, operators and compile options (AsBool, Patch, MaxNodes, ConstExpr,
 * ...) are skipped. Expected errors are upstream's message without its position; where upstream
 * asserts only that there is an error, the message is expr-lang's own. Wanted maps list their
 * keys sorted, as Go prints them.
 */
const U = 'expr_test.go';
const TEST_EXPR = `${U} TestExpr`;
const TEST_EXPR_ERROR = `${U} TestExpr_error`;

const NEEDS_METHOD = 'needs a Go-only environment: calls a method of the mock.Env struct';
const NEEDS_TIME = 'needs a Go-only environment: mock.Env time.Time/time.Duration fields';
const NEEDS_FUNC = 'needs a Go-only environment: mock.Env func field Variadic';

const mockEnv: Record<string, unknown> = {
  Ambiguous: '',
  Any: null,
  Bool: true,
  Float: float(0),
  Int64: 0,
  Int32: 0,
  Int: 0,
  One: 1,
  Two: 2,
  Uint32: 0,
  Uint64: 0,
  Float32: float(0),
  Float64: float(0),
  String: 'string',
  BoolPtr: null,
  FloatPtr: null,
  IntPtr: null,
  IntPtrPtr: null,
  StringPtr: null,
  Foo: { Value: 'foo', Bar: { Baz: 'baz' } },
  Abstract: null,
  ArrayOfAny: null,
  ArrayOfInt: [1, 2, 3, 4, 5],
  ArrayOfString: null,
  ArrayOfFoo: [
    { Value: 'foo', Bar: { Baz: '' } },
    { Value: 'bar', Bar: { Baz: '' } },
    { Value: 'baz', Bar: { Baz: '' } },
  ],
  MapOfFoo: null,
  MapOfAny: null,
  MapIntAny: null,
  NilAny: null,
  NilInt: null,
  NilStruct: null,
  NilSlice: null,
};

const fooBaz = { Bar: { Baz: '' }, Value: 'baz' };

const row = (expr: string, want: unknown): ExprCase => ({
  upstream: TEST_EXPR,
  expr,
  env: mockEnv,
  want,
});
const skipped = (expr: string, skip: string): ExprCase => ({ upstream: TEST_EXPR, expr, skip });

const testExprRows: ExprCase[] = [
  row('1', 1),
  row('-.5', -0.5),
  row('true && false || false', false),
  row('Int == 0 && Int32 == 0 && Int64 == 0 && Float64 == 0 && Bool && String == "string"', true),
  row('-Int64 == 0', true),
  row('"a" != "b"', true),
  row('"a" != "b" || 1 == 2', true),
  row('Int + 0', 0),
  row('Uint64 + 0', 0), // uint64 field written as an int
  row('Uint64 + Int64', 0),
  row('Int32 + Int64', 0),
  row('Float64 + 0', float(0)),
  row('0 + Float64', float(0)),
  row('0 <= Float64', true),
  row('Float64 < 1', true),
  row('Int < 1', true),
  row('2 + 2 == 4', true),
  row('8 % 3', 2),
  row('2 ** 8', float(256)),
  row('2 ^ 8', float(256)),
  row('-(2-5)**3-2/(+4-3)+-2', float(23)),
  row('"hello" + " " + "world"', 'hello world'),
  row('0 in -1..1 and 1 in 1..1', true),
  row('Int in 0..1', true),
  row('Int32 in 0..1', true),
  row('Int64 in 0..1', true),
  row('1 in [1, 2, 3] && "foo" in {foo: 0, bar: 1} && "Bar" in Foo', true),
  row('1 in [1.5] || 1 not in [1]', false),
  row('One in 0..1 && Two not in 0..1', true),
  row('Two not in 0..1', true),
  row('Two not    in 0..1', true),
  row('-1 not in [1]', true),
  row('Int32 in [10, 20]', false),
  row('String matches "s.+"', true),
  row('String matches ("^" + String + "$")', true),
  row("'foo' + 'bar' not matches 'foobar'", false),
  row('"foobar" contains "bar"', true),
  row('"foobar" startsWith "foo"', true),
  row('"foobar" endsWith "bar"', true),
  row('(0..10)[5]', 5),
  row('Foo.Bar.Baz', 'baz'),
  skipped('Add(10, 5) + GetInt()', NEEDS_METHOD),
  skipped('Foo.Method().Baz', NEEDS_METHOD),
  skipped('Foo.MethodWithArgs("prefix ")', NEEDS_METHOD),
  row('len([1, 2, 3])', 3),
  row('len([1, Two, 3])', 3),
  row('len(["hello", "world"])', 2),
  row('len("hello, world")', 12),
  row("len('北京')", 2),
  row("len('👍🏻')", 2), // one grapheme, two code points
  row("len('👍')", 1),
  row('len(ArrayOfInt)', 5),
  row('len({a: 1, b: 2, c: 2})', 3),
  row('max([1, 2, 3])', 3),
  row('max(1, 2, 3)', 3),
  row('min([1, 2, 3])', 1),
  row('min(1, 2, 3)', 1),
  row('{foo: 0, bar: 1}', { bar: 1, foo: 0 }),
  row('{foo: 0, bar: 1}', { bar: 1, foo: 0 }),
  row('(true ? 0+1 : 2+3) + (false ? -1 : -2)', -1),
  row('filter(1..9, {# > 7})', [8, 9]),
  row('map(1..3, {# * #})', [1, 4, 9]),
  row('all(1..3, {# > 0})', true),
  row('count(1..30, {# % 3 == 0})', 10),
  row('count([true, true, false])', 2),
  row('"a" < "b"', true),
  skipped('Time.Sub(Time).String() == "0s"', NEEDS_TIME),
  row('1 + 1', 2),
  row('(One * Two) * 3 == One * (Two * 3)', true),
  row('ArrayOfInt[1]', 2),
  row('ArrayOfInt[0] < ArrayOfInt[1]', true),
  row('ArrayOfInt[-1]', 5),
  row('ArrayOfInt[1:2]', [2]),
  row('ArrayOfInt[1:4]', [2, 3, 4]),
  row('ArrayOfInt[-4:-1]', [2, 3, 4]),
  row('ArrayOfInt[:3]', [1, 2, 3]),
  row('ArrayOfInt[3:]', [4, 5]),
  row('ArrayOfInt[0:5] == ArrayOfInt', true),
  row('ArrayOfInt[0:] == ArrayOfInt', true),
  row('ArrayOfInt[:5] == ArrayOfInt', true),
  row('ArrayOfInt[:] == ArrayOfInt', true),
  row('4 in 5..1', false),
  row('4..0', []),
  row('NilStruct', null), // upstream: a nil *mock.Foo; in a map env, nil
  row(
    'NilAny == nil && nil == NilAny && nil == nil && NilAny == NilAny && NilInt == nil && NilSlice == nil && NilStruct == nil',
    true,
  ),
  row('0 == nil || "str" == nil || true == nil', false),
  skipped('Variadic(6, 1, 2, 3)', NEEDS_FUNC),
  skipped('Variadic(0)', NEEDS_FUNC),
  row('String[:]', 'string'),
  row('String[:3]', 'str'),
  row('String[:9]', 'string'),
  row('String[3:9]', 'ing'),
  row('String[7:9]', ''),
  row('map(filter(ArrayOfInt, # >= 3), # + 1)', [4, 5, 6]),
  skipped('Time < Time + Duration', NEEDS_TIME),
  skipped('Time + Duration > Time', NEEDS_TIME),
  skipped('Time == Time', NEEDS_TIME),
  skipped('Time >= Time', NEEDS_TIME),
  skipped('Time <= Time', NEEDS_TIME),
  skipped('Time == Time + Duration', NEEDS_TIME),
  skipped('Time != Time', NEEDS_TIME),
  skipped('TimePlusDay - Duration', NEEDS_TIME),
  row('duration("1h") == duration("1h")', true),
  skipped('TimePlusDay - Time >= duration("24h")', NEEDS_TIME),
  row('duration("1h") > duration("1m")', true),
  row('duration("1h") < duration("1m")', false),
  row('duration("1h") >= duration("1m")', true),
  row('duration("1h") <= duration("1m")', false),
  row('duration("1h") > duration("1m")', true),
  row('duration("1h") + duration("1m")', goDuration('1h1m0s')),
  row('duration("1h") - duration("1m")', goDuration('59m0s')),
  row('7 * duration("1h")', goDuration('7h0m0s')),
  row('duration("1h") * 7', goDuration('7h0m0s')),
  row('duration("1s") * .5', float(5e8)), // a float64 of nanoseconds, not a duration
  row('1 /* one */ + 2 // two', 3),
  row('let x = 1; x + 2', 3),
  row('map(1..3, let x = #; let y = x * x; y * y)', [1, 16, 81]),
  row('map(1..2, let x = #; map(2..3, let y = #; x + y))', [
    [3, 4],
    [4, 5],
  ]),
  row('len(filter(1..99, # % 7 == 0))', 14),
  row('find(ArrayOfFoo, .Value == "baz")', fooBaz),
  row('findIndex(ArrayOfFoo, .Value == "baz")', 2),
  row('filter(ArrayOfFoo, .Value == "baz")[0]', fooBaz),
  row('first(filter(ArrayOfFoo, .Value == "baz"))', fooBaz),
  row('first(filter(ArrayOfFoo, false))', null),
  row('findLast(1..9, # % 2 == 0)', 8),
  row('findLastIndex(1..9, # % 2 == 0)', 7),
  row('filter(1..9, # % 2 == 0)[-1]', 8),
  row('last(filter(1..9, # % 2 == 0))', 8),
  row('map(filter(1..9, # % 2 == 0), # * 2)', [4, 8, 12, 16]),
  row('map(map(filter(1..9, # % 2 == 0), # * 2), # * 2)', [8, 16, 24, 32]),
  row('first(map(filter(1..9, # % 2 == 0), # * 2))', 4),
  row('map(filter(1..9, # % 2 == 0), # * 2)[-1]', 16),
  row('len(map(filter(1..9, # % 2 == 0), # * 2))', 4),
  row('len(filter(map(1..9, # * 2), # % 2 == 0))', 9),
  row('first(filter(map(1..9, # * 2), # % 2 == 0))', 2),
  row('first(map(filter(1..9, # % 2 == 0), # * 2))', 4),
  row('2^3 == 8', true),
  row('4/2 == 2', true),
  row('.5 in 0..1', false),
  row('.5 in ArrayOfInt', false),
  row('bitnot(10)', -11),
  row('bitxor(15, 32)', 47),
  row('bitand(90, 34)', 2),
  row('bitnand(35, 9)', 34),
  row('bitor(10, 5)', 15),
  row('bitshr(7, 2)', 1),
  row('bitshl(7, 2)', 28),
  // The int 576460752303423484 (2^59 - 4): a JS number holds it as 2^59, the nearest double.
  row('bitushr(-100, 5)', 576460752303423488),
  row('"hello"[1:3]', 'el'),
  row('[1, 2, 3]?.[0]', 1),
  row('[[1, 2], 3, 4]?.[0]?.[1]', 2),
  row('[nil, 3, 4]?.[0]?.[1]', null),
  row('1 > 2 < 3', false),
  row('1 < 2 < 3', true),
  row('1 < 2 < 3 > 4', false),
  row('1 < 2 < 3 > 2', true),
  row('1 < 2 < 3 == true', true),
  row('if 1 > 2 { 333 * 2 + 1 } else { 444 }', 444),
  skipped(
    'let a = 3;\n\t\t\tlet b = 2;\n\t\t\tif a>b {let c = Add(a, b); c+1} else {Add(10, b)}\n\t\t\t',
    NEEDS_METHOD,
  ),
  row('if "a" < "b" {let x = "a"; x} else {"abc"}', 'a'),
  row('if 1 == 2 { "no" } else if 1 == 1 { "yes" } else { "maybe" }', 'yes'),
  row('1; 2; 3', 3),
  skipped('let a = 1; Add(2, 2); let b = 2; a + b', NEEDS_METHOD),

  // TestExpr_error: mock.Env with ArrayOfAny set; messages without their position.
  {
    upstream: TEST_EXPR_ERROR,
    expr: 'filter(1..9, # > 9)[0]',
    error: 'reflect: slice index out of range',
  },
  {
    upstream: TEST_EXPR_ERROR,
    expr: 'ArrayOfAny[-7]',
    env: { ArrayOfAny: [1, '2', 3, true] },
    error: 'index out of range: -3 (array length is 4)',
  },
  {
    upstream: TEST_EXPR_ERROR,
    expr: 'reduce(10..1, # + #acc)',
    error: 'reduce of empty array with no initial value',
  },
];

const GO_FUNC = 'needs a Go-only environment: a Go func in the env';
const EXPR_FUNCTION = 'needs a Go-only environment: a custom expr.Function option';

const issue270Env = {
  int8: 1,
  int16: 3,
  int32: 5,
  int64: 7,
  uint8: 11,
  uint16: 13,
  uint32: 17,
  uint64: 19,
  int8a: 23,
  int8b: 29,
  int16a: 31,
  int16b: 37,
  int32a: 41,
  int32b: 43,
  int64a: 47,
  int64b: 53,
  uint8a: 59,
  uint8b: 61,
  uint16a: 67,
  uint16b: 71,
  uint32a: 73,
  uint32b: 79,
  uint64a: 83,
  uint64b: 89,
  float32a: float(97),
  float32b: float(101),
  float64a: float(103),
  float64b: float(107),
};
const issue270 = (expr: string, want: number): ExprCase => ({
  upstream: `${U} TestIssue270`,
  expr,
  env: issue270Env,
  want,
});

const issue154Env = {
  Data: {
    Array: [true, 10],
    Slice: [true, 10],
    Map: { Bool: true, Int: 10 },
    String: 'value',
  },
};
const issue154 = (expr: string): ExprCase => ({
  upstream: `${U} TestIssue154`,
  expr,
  env: issue154Env,
  want: true,
});

const envKeywordEnv = {
  'space test': 'ok',
  space_test: 'not ok',
  'Section 1-2a': 'ok',
  'c:\\ndrive\\2015 Information Table': 'ok',
  '%*worst function name ever!!': 'ok',
  '1': 'o',
  '2': 'k',
  num: 10,
  mylist: [1, 2, 3, 4, 5],
  red: 'n',
  irect: 'um',
  'String Map': { one: 'two', three: 'four' },
  OtherMap: { a: 'b', c: 'd' },
};
const envKeyword = (expr: string, want: unknown): ExprCase => ({
  upstream: `${U} TestEnv_keyword`,
  expr,
  env: envKeywordEnv,
  want,
});

const hiddenFieldsEnv = { Visible: '', VisibleInternal: { Visible: 'Not a secret' } };
const HIDDEN_TAG = 'needs a Go-only environment: a struct field hidden by the tag expr:"-"';

const predicate = (expr: string, want: boolean): ExprCase => ({
  upstream: `${U} TestPredicateCombination`,
  expr,
  want,
});

const nilString = (expr: string): ExprCase => ({
  upstream: `${U} TestExpr_nil_op_str`,
  expr,
  env: { nilString: null }, // upstream: a nil *string
  want: false,
});

const bytesLiteral = (expr: string, want: string): ExprCase => ({
  upstream: `${U} TestBytesLiteral`,
  expr,
  want: goBytes(want),
});

const otherTests: ExprCase[] = [
  // Examples with an // Output:
  {
    upstream: `${U} ExampleEval`,
    expr: 'greet + name',
    env: { greet: 'Hello, ', name: 'world!' },
    want: 'Hello, world!',
  },
  {
    upstream: `${U} ExampleEval_runtime_error`,
    expr: 'map(1..3, {1 % (# - 3)})',
    error: 'runtime error: integer divide by zero',
  },
  {
    upstream: `${U} ExampleCompile`,
    expr: 'foo in 1..99 and bar in 1..99',
    env: { foo: 1, bar: 99 },
    want: true,
  },
  { upstream: `${U} ExampleEval_bytes_literal`, expr: 'b"abc"', want: goBytes('abc') },
  {
    upstream: `${U} TestDisableIfOperator_AllowsIfFunction`,
    expr: 'if(41)',
    skip: 'needs a Go-only environment: a Go func named if, and the DisableIfOperator option',
  },
  {
    // The struct's embedded Meta.Tags is promoted to the top level; written there.
    upstream: `${U} ExampleEnv`,
    expr: 'all(Segments, {.Origin == "MOW"}) && Passengers.Adults > 0 && Tags["foo"] startsWith "bar"',
    env: {
      Tags: { foo: 'bar' },
      Segments: [{ Origin: 'MOW' }],
      Passengers: { Adults: 2 },
      Marker: 'test',
    },
    want: true,
  },
  {
    // Fields renamed by expr:"..." tags, written under their tag names.
    upstream: `${U} ExampleEnv_tagged_field_names`,
    expr: 'FirstWord + Space + second_word',
    env: { FirstWord: 'Hello', Space: ' ', second_word: 'World' },
    want: 'Hello World',
  },
  ...['Hidden', 'HiddenInternal', 'HiddenInternal.Visible', 'HiddenInternal.Hidden'].map(
    (expr): ExprCase => ({
      upstream: `${U} ExampleEnv_hidden_tagged_field_names`,
      expr,
      skip: HIDDEN_TAG,
    }),
  ),
  {
    upstream: `${U} ExampleEnv_hidden_tagged_field_names`,
    expr: 'VisibleInternal["Hidden"]',
    skip: HIDDEN_TAG,
  },
  // Visible fields: upstream asserts only that they evaluate; the values are the env's.
  // Hidden fields are left out of the map, as expressions cannot see them.
  {
    upstream: `${U} ExampleEnv_hidden_tagged_field_names`,
    expr: 'Visible',
    env: hiddenFieldsEnv,
    want: '',
  },
  {
    upstream: `${U} ExampleEnv_hidden_tagged_field_names`,
    expr: 'VisibleInternal',
    env: hiddenFieldsEnv,
    want: { Visible: 'Not a secret' },
  },
  {
    upstream: `${U} ExampleEnv_hidden_tagged_field_names`,
    expr: 'VisibleInternal["Visible"]',
    env: hiddenFieldsEnv,
    want: 'Not a secret',
  },
  ...[
    'not ("Hidden" in $env)',
    '"Visible" in $env',
    'not ("Hidden" in VisibleInternal)',
    '"Visible" in VisibleInternal',
  ].map((expr): ExprCase => ({
    upstream: `${U} ExampleEnv_hidden_tagged_field_names`,
    expr,
    env: hiddenFieldsEnv,
    want: true,
  })),
  // AsKind(Map), AsBool() and AsInt() only check the type; the value is the same without them.
  { upstream: `${U} ExampleAsKind`, expr: '{a: 1, b: 2}', want: { a: 1, b: 2 } },
  { upstream: `${U} ExampleAsBool`, expr: 'foo >= 0', env: { foo: 0 }, want: true },
  {
    upstream: `${U} ExampleAsBool_error`,
    expr: 'foo + 42',
    skip: 'needs a compile option: AsBool() makes an int result an error',
  },
  { upstream: `${U} ExampleAsInt`, expr: '42', want: 42 },
  {
    upstream: `${U} ExampleAsInt64`,
    expr: 'rating',
    skip: 'needs a compile option: AsInt64() converts the float 5.5 to 5',
  },
  {
    upstream: `${U} ExampleAsFloat64`,
    expr: '42',
    skip: 'needs a compile option: AsFloat64() converts the int 42 to a float',
  },
  {
    upstream: `${U} ExampleAsFloat64_error`,
    expr: '!!true',
    skip: 'needs a compile option: AsFloat64() makes a bool result an error',
  },
  {
    upstream: `${U} ExampleWarnOnAny`,
    expr: '[42, true, "yes"][0]',
    skip: 'needs compile options: AsInt() with WarnOnAny() rejects an interface{} result',
  },
  {
    upstream: `${U} ExampleOperator`,
    expr: '\n\t\tNow() > CreatedAt &&\n\t\t(Now() - CreatedAt).Hours() > 24\n\t',
    skip: 'needs a Go-only environment: Go funcs as operator overloads (expr.Operator)',
  },
  {
    upstream: `${U} ExampleOperator_with_decimal`,
    expr: 'A + B - C',
    skip: 'needs a Go-only environment: Go structs and funcs as operator overloads',
  },
  {
    upstream: `${U} ExampleConstExpr`,
    expr: '[fib(5), fib(3+3), fib(dyn)]',
    skip: 'needs a Go-only environment: the Go func fib marked ConstExpr',
  },
  {
    // The first run: name is undefined, so the Go func sprintf (left out here) is not called.
    upstream: `${U} ExampleAllowUndefinedVariables`,
    expr: 'name == nil ? "Hello, world!" : sprintf("Hello, %v!", name)',
    want: 'Hello, world!',
  },
  {
    upstream: `${U} ExampleAllowUndefinedVariables`,
    expr: 'name == nil ? "Hello, world!" : sprintf("Hello, %v!", name)',
    skip: 'needs a Go-only environment: the Go func fmt.Sprintf as sprintf',
  },
  {
    upstream: `${U} ExampleAllowUndefinedVariables_zero_value`,
    expr: 'name == "" ? foo + bar : foo + name',
    env: { foo: 'Hello, ', bar: 'world!' },
    // typed map: upstream's env is a map[string]string, whose missing name reads as "" and gives
    // "Hello, world!"; in a JSON map it is nil, and string + nil fails.
    error: 'invalid operation: string + <nil>',
  },
  {
    upstream: `${U} ExampleAllowUndefinedVariables_zero_value_functions`,
    expr: 'words == "" ? Split("foo,bar", ",") : Split(words, ",")',
    skip: 'needs a Go-only environment: a map type with a Split method',
  },
  {
    upstream: `${U} ExamplePatch`,
    expr: 'greet.you.world + "!"',
    skip: 'needs a Go-only environment: an AST patcher and a Go func get',
  },
  {
    upstream: `${U} ExampleWithContext`,
    expr: 'fn(1, 2)',
    skip: 'needs a Go-only environment: a Go func taking a context.Context',
  },
  {
    upstream: `${U} ExampleTimezone`,
    expr: 'now().Location().String()',
    skip: 'needs a compile option: Timezone("Asia/Kamchatka")',
  },
  {
    upstream: `${U} TestExpr_readme_example`,
    expr: 'sprintf(greet, names[0])',
    skip: 'needs a Go-only environment: the Go func fmt.Sprintf as sprintf',
  },

  // Optional chaining
  { upstream: `${U} TestExpr_optional_chaining`, expr: 'foo?.bar.baz', env: {}, want: null },
  {
    upstream: `${U} TestExpr_optional_chaining_property`,
    expr: 'foo.bar?.baz',
    env: { foo: {} },
    want: null,
  },
  {
    // upstream's bar is a []map[string]any whose element 0 is a nil map
    upstream: `${U} TestExpr_optional_chaining_nested_chains`,
    expr: 'foo?.bar[foo?.id]?.baz',
    env: { foo: { id: 1, bar: [null, { baz: 'baz' }] } },
    want: 'baz',
  },
  {
    upstream: `${U} TestExpr_optional_chaining_array`,
    expr: 'foo?.[1]?.[2]?.[3]',
    env: {},
    want: null,
  },
  {
    upstream: `${U} TestExpr_eval_with_env`,
    expr: 'true',
    skip: 'tests misuse of the Go API: expr.Env passed to expr.Eval as the env',
  },
  {
    upstream: `${U} TestExpr_fetch_from_func`,
    expr: 'foo.Value',
    skip: GO_FUNC,
  },
  {
    upstream: `${U} TestExpr_map_default_values`,
    expr: "foo['missing'] == '' && bar['missing'] == nil",
    env: { foo: {}, bar: {} },
    // typed map: upstream's foo is a map[string]string, whose missing key reads as "" (true);
    // in a JSON map it is nil, and nil == '' is false.
    want: false,
  },
  {
    upstream: `${U} TestExpr_map_default_values_compile_check`,
    expr: 'Split(foo, sep)',
    skip: 'needs a Go-only environment: a map type with a Split method; compile check only',
  },
  {
    upstream: `${U} TestExpr_map_default_values_compile_check`,
    expr: 'foo / bar',
    skip: 'needs a Go-only environment: a map[string]int env type; compile check only',
  },
  {
    upstream: `${U} TestExpr_calls_with_nil`,
    expr: 'a == nil && equals(b, nil) && is.Nil(c)',
    skip: 'needs a Go-only environment: a Go func as the == operator, a struct method',
  },
  ...['-1', '1+1', '+1', '1-1', '1/1', '1*1', '1^1'].map((arg): ExprCase => ({
    upstream: `${U} TestExpr_call_float_arg_func_with_int`,
    expr: `cnv(${arg})`,
    skip: 'needs a Go-only environment: a Go func taking a float64',
  })),
  ...[
    'TestConstExpr_error_panic',
    'TestConstExpr_error_as_error',
    'TestConstExpr_error_wrong_type',
    'TestConstExpr_error_no_env',
  ].map((test): ExprCase => ({
    upstream: `${U} ${test}`,
    expr: '1 + divide(1, 0)',
    skip: 'needs a Go-only environment: the ConstExpr option on a Go func',
  })),
  {
    upstream: `${U} TestPatch`,
    expr: 'Foo == "Foo.String"',
    skip: 'needs a Go-only environment: mock.Env with a Stringer patcher',
  },

  // Errors as values
  {
    upstream: `${U} TestCompile_exposed_error`,
    expr: '1 == true',
    error: 'invalid operation: == (mismatched types int and bool)',
  },
  {
    upstream: `${U} TestAsBool_exposed_error`,
    expr: '42',
    skip: 'needs a compile option: AsBool() makes an int result an error',
  },
  {
    upstream: `${U} TestEval_exposed_error`,
    expr: '1 % 0',
    // no-env: upstream's expr.Eval skips the optimizer and fails at run time ("runtime error:
    // integer divide by zero"); compiled as Kargo does, constant folding fails at compile time.
    error: 'integer divide by zero',
  },
  {
    upstream: `${U} TestCompile_exposed_error_with_multiline_script`,
    expr: '{\n\ta: 1,\n\tb: #,\n\tc: 3,\n}',
    error: 'unexpected token Operator("#")',
  },

  // Issues
  {
    upstream: `${U} TestIssue105`,
    expr: "\n\t\tA.Field == '' &&\n\t\tC.A.Field == '' &&\n\t\tB.Field == 0 &&\n\t\tC.B.Field == 0\n\t",
    skip: 'needs a Go-only environment: embedded structs; a compile check only',
  },
  {
    upstream: `${U} TestIssue_nested_closures`,
    expr: 'all(1..3, { all(1..3, { # > 0 }) and # > 0 })',
    want: true,
  },
  {
    // Upstream asserts only that it compiles; the value is expr-lang's (float division).
    upstream: `${U} TestIssue138`,
    expr: '1 / (1 - 1)',
    want: float(Infinity),
  },
  { upstream: `${U} TestIssue138`, expr: '1 % 0', error: 'integer divide by zero' },
  // Pointers to arrays, slices, maps and strings, written as the values they point to.
  issue154('Data.Array[0] == true'),
  issue154('Data.Array[1] == 10'),
  issue154('Data.Slice[0] == true'),
  issue154('Data.Slice[1] == 10'),
  issue154('Data.Map["Bool"] == true'),
  issue154('Data.Map["Int"] == 10'),
  issue154('Data.String == "value"'),
  // Sized ints and uints written as ints, float32 as float64; upstream asserts a float64 result.
  issue270('int8 / int16', 1 / 3),
  issue270('int32 / int64', 5 / 7),
  issue270('uint8 / uint16', 11 / 13),
  issue270('uint32 / uint64', 17 / 19),
  issue270('int8 / uint64', 1 / 19),
  issue270('int64 / uint8', 7 / 11),
  issue270('int8a / int8b', 23 / 29),
  issue270('int16a / int16b', 31 / 37),
  issue270('int32a / int32b', 41 / 43),
  issue270('int64a / int64b', 47 / 53),
  issue270('uint8a / uint8b', 59 / 61),
  issue270('uint16a / uint16b', 67 / 71),
  issue270('uint32a / uint32b', 73 / 79),
  issue270('uint64a / uint64b', 83 / 89),
  issue270('float32a / float32b', 97 / 101),
  issue270('float64a / float64b', 103 / 107),
  {
    upstream: `${U} TestIssue271`,
    expr: 'Foo.Bar[0]',
    env: { Foo: { Bar: [float(1), float(2), float(3)], Baz: 0 } },
    want: float(1),
  },
  {
    // upstream's Foo is a named slice type with a Len method
    upstream: `${U} TestIssue346`,
    expr: 'Foo[0].Bar',
    env: { Foo: [{ Bar: 'bar' }] },
    want: 'bar',
  },
  {
    upstream: `${U} TestCompile_allow_to_use_interface_to_get_an_element_from_map`,
    expr: '{"value": "ok"}[vars.key]',
    env: { vars: { key: 'value' } },
    want: 'ok',
  },
  {
    upstream: `${U} TestCompile_allow_to_use_interface_to_get_an_element_from_map with allow undefined variables`,
    expr: "{'key': 'value'}[Key]",
    env: {},
    want: null,
  },
  { upstream: `${U} TestFastCall`, expr: 'func("8")', skip: GO_FUNC },
  { upstream: `${U} TestFastCall_OpCallFastErr`, expr: 'func("8")', skip: GO_FUNC },
  {
    upstream: `${U} TestRun_custom_func_returns_an_error_as_second_arg`,
    expr: 'semver("1.2.3", "= 1.2.3")',
    skip: GO_FUNC,
  },
  {
    upstream: `${U} TestFunction`,
    expr: 'add() + add(1) + add(1, 2) + add(1, 2, 3) + add(1, 2, 3, 4)',
    skip: EXPR_FUNCTION,
  },

  // Nil
  {
    upstream: `${U} TestRun_NilCoalescingOperator value`,
    expr: 'foo.bar ?? "default"',
    env: { foo: { bar: 'value' } },
    want: 'value',
  },
  {
    upstream: `${U} TestRun_NilCoalescingOperator default`,
    expr: 'foo.baz ?? "default"',
    env: { foo: { bar: 'value' } },
    want: 'default',
  },
  {
    upstream: `${U} TestRun_NilCoalescingOperator default with chain`,
    expr: 'foo?.bar ?? "default"',
    env: {},
    want: 'default',
  },
  {
    upstream: `${U} TestEval_nil_in_maps nil key exists`,
    expr: 'm[nil]',
    skip: 'needs a Go-only environment: a map[any]any with a nil key',
  },
  {
    // upstream's empty is a map[any]any{}
    upstream: `${U} TestEval_nil_in_maps no nil key`,
    expr: 'empty[nil]',
    env: { empty: {} },
    want: null,
  },
  {
    upstream: `${U} TestEval_nil_in_maps nil in m`,
    expr: 'nil in m',
    skip: 'needs a Go-only environment: a map[any]any with a nil key',
  },
  {
    upstream: `${U} TestEval_nil_in_maps nil in empty`,
    expr: 'nil in empty',
    env: { empty: {} },
    want: false,
  },

  // $env; the Go func MIN is left out of the env.
  envKeyword("$env['space test']", 'ok'),
  envKeyword("$env['Section 1-2a']", 'ok'),
  envKeyword(String.raw`$env["c:\\ndrive\\2015 Information Table"]`, 'ok'),
  envKeyword("$env['%*worst function name ever!!']", 'ok'),
  envKeyword("$env['String Map'].one", 'two'),
  envKeyword("$env['1'] + $env['2']", 'ok'),
  envKeyword("1 + $env['num'] + $env['num']", 21),
  {
    upstream: `${U} TestEnv_keyword`,
    expr: "MIN($env['num'],0)",
    skip: GO_FUNC,
  },
  envKeyword("$env['nu' + 'm']", 10),
  envKeyword('$env[red + irect]', 10),
  // typed map: upstream's map[string]string gives "" for a missing key; a JSON map gives nil.
  envKeyword("$env['String Map']?.five", null),
  envKeyword('$env.red', 'n'),
  envKeyword('$env?.unknown', null),
  envKeyword('$env.mylist[1]', 2),
  envKeyword('$env?.OtherMap?.a', 'b'),
  // typed map: upstream's map[string]string gives "" for a missing key; a JSON map gives nil.
  envKeyword('$env?.OtherMap?.d', null),
  envKeyword("'num' in $env", true),
  envKeyword("get($env, 'num')", 10),
  {
    upstream: `${U} TestEnv_keyword`,
    expr: 'env()',
    env: envKeywordEnv,
    // no-env: upstream's error is expr.Eval refusing an expr.Env option as the env; as Kargo
    // runs it, env is an undefined name, nil, and calling it fails at run time.
    error: 'invalid operation: cannot call nil',
  },
  ...['fn()', '$env.fn()', '$env["fn"]'].map((expr): ExprCase => ({
    upstream: `${U} TestEnv_keyword_with_custom_functions`,
    expr,
    skip: EXPR_FUNCTION,
  })),

  {
    upstream: `${U} TestIssue401`,
    expr: '(a - b + c) / d',
    env: { a: 1, b: 2, c: 3, d: 4 },
    want: 0.5,
  },
  { upstream: `${U} TestEval_slices_out_of_bound`, expr: '[1, 2, 3][:99]', want: [1, 2, 3] },
  { upstream: `${U} TestEval_slices_out_of_bound`, expr: '[1, 2, 3][99:]', want: [] },
  { upstream: `${U} TestEval_slices_out_of_bound`, expr: '[1, 2, 3][:-99]', want: [] },
  { upstream: `${U} TestEval_slices_out_of_bound`, expr: '[1, 2, 3][-99:]', want: [1, 2, 3] },
  // Upstream asserts only that each fails within a second; the message is expr-lang's.
  ...['-999999..999999', 'map(1..999999, 1..999999)', "map(1..999999, repeat('a', #))"].map(
    (expr): ExprCase => ({
      upstream: `${U} TestExpr_timeout`,
      expr,
      error: 'memory budget exceeded',
    }),
  ),
  { upstream: `${U} TestIssue432`, expr: 'func(1,1,1,1,1,1,1,1,1,1)', skip: GO_FUNC },
  {
    upstream: `${U} TestIssue462`,
    expr: '$env.unknown(int())',
    // no-env: upstream fails at compile time (unknown name, with an env); without one this
    // compiles and fails at run time with expr-lang's "stack underflow".
    error: 'stack underflow',
  },
  ...[
    'EmbedPointerEmbedInt > 0',
    '(Embed).EmbedPointerEmbedInt > 0',
    '(Embed).EmbedPointerEmbedInt > 0',
    '(Embed).EmbedPointerEmbedMethod(0)',
    '(Embed).EmbedPointerEmbedPointerReceiverMethod(0)',
  ].map((expr): ExprCase => ({
    upstream: `${U} TestIssue_embedded_pointer_struct`,
    expr,
    skip: 'needs a Go-only environment: fields and methods of an embedded *struct',
  })),
  ...['func("invalid")', 'func(true)', 'func([])', 'func({})', 'func(1)', 'func(1.5)'].map(
    (expr): ExprCase => ({ upstream: `${U} TestIssue474`, expr, skip: EXPR_FUNCTION }),
  ),
  { upstream: `${U} TestRaceCondition_variables`, expr: 'let foo = 1; foo + 1', env: {}, want: 2 },
  {
    upstream: `${U} TestOperatorDependsOnEnv`,
    expr: '1 + 2',
    skip: 'needs a Go-only environment: a Go func as the + operator',
  },
  {
    upstream: `${U} TestIssue624`,
    expr: '[\ntrue && true, \none(Tags, .Name in ["one"]), \none(Tags, .Name in ["two"]), \none(Tags, .Name in ["one"]) && one(Tags, .Name in ["two"])\n]',
    env: { Tags: [{ Name: 'one' }, { Name: 'two' }] },
    want: [true, true, true, true],
  },
  // Upstream asserts that each pair gives the same value; both values are written here.
  predicate('all(1..3, {# > 0}) && all(1..3, {# < 4})', true),
  predicate('all(1..3, {# > 0 && # < 4})', true),
  predicate('all(1..3, {# > 1}) && all(1..3, {# < 4})', false),
  predicate('all(1..3, {# > 1 && # < 4})', false),
  predicate('all(1..3, {# > 0}) && all(1..3, {# < 2})', false),
  predicate('all(1..3, {# > 0 && # < 2})', false),
  predicate('all(1..3, {# > 1}) && all(1..3, {# < 2})', false),
  predicate('all(1..3, {# > 1 && # < 2})', false),
  predicate('any(1..3, {# > 0}) || any(1..3, {# < 4})', true),
  predicate('any(1..3, {# > 0 || # < 4})', true),
  predicate('any(1..3, {# > 1}) || any(1..3, {# < 4})', true),
  predicate('any(1..3, {# > 1 || # < 4})', true),
  predicate('any(1..3, {# > 0}) || any(1..3, {# < 2})', true),
  predicate('any(1..3, {# > 0 || # < 2})', true),
  predicate('any(1..3, {# > 1}) || any(1..3, {# < 2})', true),
  predicate('any(1..3, {# > 1 || # < 2})', true),
  predicate('none(1..3, {# > 0}) && none(1..3, {# < 4})', false),
  predicate('none(1..3, {# > 0 || # < 4})', false),
  predicate('none(1..3, {# > 1}) && none(1..3, {# < 4})', false),
  predicate('none(1..3, {# > 1 || # < 4})', false),
  predicate('none(1..3, {# > 0}) && none(1..3, {# < 2})', false),
  predicate('none(1..3, {# > 0 || # < 2})', false),
  predicate('none(1..3, {# > 1}) && none(1..3, {# < 2})', false),
  predicate('none(1..3, {# > 1 || # < 2})', false),
  // Typed slices ([]string, []int, []float64) written as data.
  {
    upstream: `${U} TestArrayComparison`,
    expr: "foo == ['A', 'B']",
    env: { foo: ['A', 'B'] },
    want: true,
  },
  { upstream: `${U} TestArrayComparison`, expr: 'foo == [1, 2]', env: { foo: [1, 2] }, want: true },
  {
    upstream: `${U} TestArrayComparison`,
    expr: 'foo == [1, 2]',
    skip: 'needs a Go-only environment: a []uint8 slice',
  },
  {
    upstream: `${U} TestArrayComparison`,
    expr: 'foo == [1.1, 2.2]',
    env: { foo: [1.1, 2.2] },
    want: true,
  },
  {
    upstream: `${U} TestArrayComparison`,
    expr: "foo == ['A', 1, 1.1, true]",
    env: { foo: ['A', 1, 1.1, true] },
    want: true,
  },
  {
    upstream: `${U} TestArrayComparison`,
    expr: 'foo != [1, 2]',
    env: { foo: ['A', 'B'] },
    want: true,
  },
  {
    // upstream's student is a nil *Student
    upstream: `${U} TestIssue_570`,
    expr: 'student?.Name',
    env: { student: null },
    want: null,
  },
  {
    upstream: `${U} TestIssue_integer_truncated_by_compiler`,
    expr: 'fn(255)',
    skip: 'needs a Go-only environment: a Go func taking a byte',
  },
  {
    upstream: `${U} TestIssue_integer_truncated_by_compiler`,
    expr: 'fn(256)',
    skip: 'needs a Go-only environment: a Go func taking a byte',
  },
  // testdata/crash.txt
  {
    upstream: `${U} TestExpr_crash`,
    expr: "\0\0\0\u0002'\r",
    error: 'unrecognized character: U+0000',
  },
  {
    upstream: `${U} TestExpr_crash_with_zero`,
    expr: 'if\0',
    error: 'unrecognized character: U+0000',
  },
  nilString('nilString == "str"'),
  nilString('nilString contains "str"'),
  nilString('nilString matches "str"'),
  nilString('nilString startsWith "str"'),
  nilString('nilString endsWith "str"'),
  nilString('"str" == nilString'),
  nilString('"str" contains nilString'),
  nilString('"str" matches nilString'),
  nilString('"str" startsWith nilString'),
  nilString('"str" endsWith nilString'),
  {
    upstream: `${U} TestExpr_env_types_map`,
    expr: 'foo.bar',
    env: { foo: { bar: 'value' } },
    want: 'value',
  },
  {
    upstream: `${U} TestExpr_env_types_map_error`,
    expr: 'foo.bar',
    skip: 'needs a Go-only environment: a types.Map passed as the env',
  },
  {
    upstream: `${U} TestIssue758_filter_map_index`,
    expr: '\n        let a_map = 0..5 | filter(# % 2 == 0) | map(#index);\n        let b_filter = 0..5 | filter(# % 2 == 0);\n        let b_map = b_filter | map(#index);\n        [a_map, b_map]\n    ',
    env: {},
    want: [
      [0, 1, 2],
      [0, 1, 2],
    ],
  },
  {
    upstream: `${U} TestExpr_wierd_cases`,
    expr: 'A(A)',
    env: {},
    // no-env: with an env upstream fails at compile time ("unknown name A"); without one A is
    // nil, and calling it fails at run time.
    error: 'invalid operation: cannot call nil',
  },
  // Upstream runs these with expr.Eval, which skips the type checker; compiled as Kargo does,
  // get(nil, ...) is a compile error.
  ...['get(nil, "a")', 'get(nil, "a")'].map((expr): ExprCase => ({
    upstream: `${U} TestIssue785_get_nil`,
    expr,
    env: {},
    // no-env: upstream (expr.Eval, no checker) gives nil
    error: 'type unknown does not support indexing',
  })),
  ...['get({}, "a")', 'get({}, "a")', '({} | get("a") | get("b"))'].map((expr): ExprCase => ({
    upstream: `${U} TestIssue785_get_nil`,
    expr,
    env: {},
    want: null,
  })),
  {
    upstream: `${U} TestMaxNodes`,
    expr: '1; '.repeat(100),
    skip: 'needs a compile option: MaxNodes(100) rejects 100 nodes',
  },
  {
    upstream: `${U} TestMaxNodes`,
    expr: '1; '.repeat(100),
    skip: 'needs a compile option: MaxNodes(101) accepts 100 nodes',
  },
  {
    upstream: `${U} TestMaxNodesDisabled`,
    expr: '1; '.repeat(20000),
    skip: 'needs a compile option: MaxNodes(0) lifts the default limit of 10000 nodes',
  },
  // Default memory budget (1e6), as expr.Run uses it.
  {
    upstream: `${U} TestMemoryBudget`,
    expr: 'map(1..100, {map(1..100, {map(1..100, {0})})})',
    error: 'memory budget exceeded',
  },
  { upstream: `${U} TestMemoryBudget`, expr: 'len(1..10000000)', error: 'memory budget exceeded' },
  {
    upstream: `${U} TestMemoryBudget`,
    expr: '1..100',
    skip: 'needs a VM option: a memory budget of 100',
  },
  {
    // upstream's arr is a Go array [5]int
    upstream: `${U} TestIssue802`,
    expr: 'arr[1:2][0]',
    env: { arr: [0, 1, 2, 3, 4] },
    want: 1,
  },
  {
    // upstream's env is a struct whose only field is unexported: to expressions, an empty map
    upstream: `${U} TestIssue807`,
    expr: ' "nonExported" in $env ',
    env: {},
    want: false,
  },
  {
    upstream: `${U} TestDisableShortCircuit`,
    expr: 'foo() or bar()',
    skip: 'needs a Go-only environment: Go funcs counting their calls',
  },

  // Bytes literals; goBytes text is one character per byte.
  bytesLiteral('b"hello"', 'hello'),
  bytesLiteral("b'world'", 'world'),
  bytesLiteral('b""', ''),
  bytesLiteral(String.raw`b'\x00\xff'`, '\x00\xff'),
  bytesLiteral(String.raw`b"\x41\x42\x43"`, 'ABC'),
  bytesLiteral(String.raw`b'\101\102\103'`, 'ABC'),
  bytesLiteral(String.raw`b'\n\t\r'`, '\n\t\r'),
  bytesLiteral(String.raw`b'hello\x00world'`, 'hello\x00world'),
  bytesLiteral('b"ÿ"', '\xc3\xbf'), // the UTF-8 encoding of ÿ
  {
    upstream: `${U} TestBytesLiteral_type`,
    expr: 'data == b"test"',
    skip: 'needs a Go-only environment: a []byte in the env',
  },
  // Upstream asserts only a compile error; the message is expr-lang's.
  {
    upstream: `${U} TestBytesLiteral_errors`,
    expr: String.raw`b'\u0041'`,
    error: 'unable to unescape string',
  },
  {
    upstream: `${U} TestBytesLiteral_errors`,
    expr: String.raw`b"\U00000041"`,
    error: 'unable to unescape string',
  },
];

export const exprTestCases: ExprCase[] = [...testExprRows, ...otherTests];
