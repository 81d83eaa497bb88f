/**
 * Kargo's pkg/expressions/json_templates_test.go (TestEvaluateJSONTemplate: every row, and its
 * three forbidden-key subtests), translated to data. Each case is a step config as Kargo's
 * EvaluateJSONTemplate receives it (JSON text, or YAML text that the test converts to JSON first)
 * with the test's environment; the expectations are what the test asserts of the evaluated
 * document: exact values of fields (`want`), or, where upstream only checks part of a value,
 * `checks`. Go typed maps and slices of the environment (map[string]string, []int) are written
 * as JSON data: their JSON form, all the template sees, is the same. The struct value `aStruct`
 * is written as the map its JSON form is (every field, zero values included).
 */

/** One upstream assertion about a field of the evaluated document, where it checks part of it. */
export interface FieldCheck {
  field: string;
  /** The field is a string containing this text. */
  contains?: string;
  /** The field is a string ending with this text. */
  endsWith?: string;
  /** The field is a string of JSON equal (as data) to this value. */
  jsonEquals?: unknown;
}

/** A case of Kargo's JSON template tests: a whole step config evaluated at once. */
export interface JsonTemplateCase {
  upstream: string;
  /** The config as JSON text. */
  json?: string;
  /** The config as YAML text (upstream converts it to JSON before evaluating). */
  yaml?: string;
  env: Record<string, unknown>;
  /** Fields of the evaluated config and their exact values (plain JSON data). */
  want?: Record<string, unknown>;
  checks?: FieldCheck[];
  /** Upstream's asserted error text (a part of the message). */
  error?: string;
  skip?: string;
}

const UPSTREAM = 'json_templates_test.go TestEvaluateJSONTemplate';

/** The environment every row of the table uses. */
const testEnv: Record<string, unknown> = {
  aString: 'hello',
  anInt: 42,
  aFloat: 3.14,
  aBool: true,
  aStringMap: { aString: 'hello', anotherString: 'world' },
  anIntMap: { anInt: 42, anotherInt: 43 },
  aStringArr: ['one', 'two', 'three'],
  anIntArr: [1, 2, 3],
  aStruct: {
    AString: 'hello',
    AnInt: 42,
    AFloat: 0,
    ABool: false,
    AStringMap: null,
    AnIntMap: null,
    AStringArr: null,
    AnIntArr: null,
    AStruct: null,
  },
};

export const jsonTemplateCases: JsonTemplateCase[] = [
  {
    upstream: `${UPSTREAM} template is not valid JSON`,
    json: '{ "key": ${{ true }} }',
    env: testEnv,
    error: 'input is not valid JSON',
    skip: 'Gantry receives step configs already parsed from YAML/JSON manifests: raw JSON bytes with an unquoted expression never reach the evaluator',
  },
  {
    upstream: `${UPSTREAM} scalar values`,
    json: `{
      "AString": "\${{ aString }}",
      "AnInt": "\${{ anInt }}",
      "AFloat": "\${{ aFloat }}",
      "ABool": "\${{ aBool }}"
    }`,
    env: testEnv,
    want: { AString: 'hello', AnInt: 42, AFloat: 3.14, ABool: true },
  },
  {
    upstream: `${UPSTREAM} mixing an expression with string literals`,
    json: '{ "AString": "${{ aString }}, world!" }',
    env: testEnv,
    want: { AString: 'hello, world!' },
  },
  {
    upstream: `${UPSTREAM} multiple expressions in one value`,
    json: '{ "AString": "${{ aString }}, ${{ anInt }}!" }',
    env: testEnv,
    want: { AString: 'hello, 42!' },
  },
  {
    upstream: `${UPSTREAM} maps`,
    json: `{
      "AStringMap": "\${{ aStringMap }}",
      "AnIntMap": "\${{ anIntMap }}"
    }`,
    env: testEnv,
    want: {
      AStringMap: { aString: 'hello', anotherString: 'world' },
      AnIntMap: { anInt: 42, anotherInt: 43 },
    },
  },
  {
    upstream: `${UPSTREAM} arrays`,
    json: `{
      "AStringArr": "\${{ aStringArr }}",
      "AnIntArr": "\${{ anIntArr }}"
    }`,
    env: testEnv,
    want: { AStringArr: ['one', 'two', 'three'], AnIntArr: [1, 2, 3] },
  },
  {
    upstream: `${UPSTREAM} structs`,
    json: '{ "AStruct": "${{ aStruct }}" }',
    env: testEnv,
    want: { AStruct: testEnv.aStruct },
  },
  {
    upstream: `${UPSTREAM} null`,
    json: '{ "AStruct": "${{ \\"null\\" }}" }',
    env: testEnv,
    want: { AStruct: null },
  },
  {
    upstream: `${UPSTREAM} test recursion`,
    json: `{
      "AStringMap": { "key": "\${{ aString }}" },
      "AnIntMap": { "key": "\${{ anInt }}" },
      "AStringArr": [ "\${{ aString }}"],
      "AnIntArr": [ "\${{ anInt }}"]
    }`,
    env: testEnv,
    want: {
      AStringMap: { key: 'hello' },
      AnIntMap: { key: 42 },
      AStringArr: ['hello'],
      AnIntArr: [42],
    },
  },
  {
    upstream: `${UPSTREAM} quote function forces null to string`,
    json: '{ "AString": "${{ quote(null) }}" }',
    env: testEnv,
    want: { AString: 'null' },
  },
  {
    upstream: `${UPSTREAM} quote function forces bool to string`,
    json: '{ "AString": "${{ quote(true) }}" }',
    env: testEnv,
    want: { AString: 'true' },
  },
  {
    upstream: `${UPSTREAM} quote function forces number to string`,
    json: '{ "AString": "${{ quote(42) }}" }',
    env: testEnv,
    want: { AString: '42' },
  },
  {
    upstream: `${UPSTREAM} quote function forces object to string`,
    json: `{ "AString": "\${{ quote({ 'foo': 'bar' }) }}" }`,
    env: testEnv,
    want: { AString: '{"foo":"bar"}' },
  },
  {
    upstream: `${UPSTREAM} quote function doesn't double quote string input`,
    json: `{ "AString": "\${{ quote('foo') }}" }`,
    env: testEnv,
    want: { AString: 'foo' },
  },
  {
    upstream: `${UPSTREAM} unsafeQuote function does double quote string input`,
    json: `{ "AString": "\${{ unsafeQuote('foo') }}" }`,
    env: testEnv,
    want: { AString: '"foo"' },
  },
  {
    upstream: `${UPSTREAM} asYAML function formats map as string`,
    json: `{ "AString": "\${{ asYAML({ 'foo': 'bar', 'count': 2 }) }}" }`,
    env: testEnv,
    checks: [
      { field: 'AString', contains: 'foo: bar\n' },
      { field: 'AString', contains: 'count: 2\n' },
    ],
  },
  {
    upstream: `${UPSTREAM} asYAML function formats array as string`,
    json: `{ "AString": "\${{ asYAML([ 'one', 'two' ]) }}" }`,
    env: testEnv,
    want: { AString: '- one\n- two\n' },
  },
  {
    upstream: `${UPSTREAM} asJSON function formats object as pretty JSON string`,
    json: `{ "AString": "\${{ asJSON({ 'foo': 'bar', 'count': 2 }) }}" }`,
    env: testEnv,
    checks: [
      { field: 'AString', jsonEquals: { foo: 'bar', count: 2 } },
      { field: 'AString', contains: '\n' },
      { field: 'AString', endsWith: '\n' },
    ],
  },
  {
    upstream: `${UPSTREAM} a variety of tricky cases dealing with YAML and quotes`,
    yaml: [
      '',
      'value1: {"foo": "bar"} # This is a JSON object',
      `value2: '\${{ quote({"foo": "bar"}) }}' # This is a string`,
      'value3: | # This is a string',
      '  {"foo": "bar"}',
      'value4: | # This is a JSON object',
      '  ${{ {"foo": "bar"} }}',
      'value5: | # This is a string',
      '  ${{ quote({"foo": "bar"}) }}',
      "value6: | # Make sure we're not tripped up by multiple newlines",
      '  ${{ quote({"foo": "bar"}) }}',
      '  ',
      'value7: 42 # This is a number',
      'value8: "42" # This is a string',
      "value9: '42'\t# This is a string",
      `value10: '\${{ quote(42) }}' # This is a string`,
      'value11: | # This is a string',
      '  42',
      'value12: | # This is a number',
      '  ${{ 42 }}',
      'value13: | # This is a string',
      '  ${{ quote(42) }}',
      '',
    ].join('\n'),
    env: testEnv,
    want: {
      value1: { foo: 'bar' },
      value2: '{"foo":"bar"}',
      value3: '{"foo": "bar"}\n',
      value4: { foo: 'bar' },
      value5: '{"foo":"bar"}\n',
      value6: '{"foo":"bar"}\n',
      value7: 42,
      value8: '42',
      value9: '42',
      value10: '42',
      value11: '42\n',
      value12: 42,
      value13: '42\n',
    },
  },
  {
    upstream: `${UPSTREAM} missing closing delimiter`,
    json: '{ "AString": "${{ aString " }',
    env: testEnv,
    error: 'unclosed expression',
  },
  {
    upstream: `${UPSTREAM} closing delimiter in expression body terminates early`,
    json: `{ "AString": "\${{ '{{.domain}}' }}" }`,
    env: testEnv,
    error: 'literal not terminated',
  },
  {
    upstream: `${UPSTREAM} alternative delimiters allow other end delimiter characters within expression`,
    json: `{ "AString": "\${% '{{.domain}}' %}" }`,
    env: testEnv,
    want: { AString: '{{.domain}}' },
  },
  {
    upstream: `${UPSTREAM} multiple delimiters can coexist in the same template`,
    json: `{ "AString": "foo \${{ aString }} and \${% 'bar' %}" }`,
    env: testEnv,
    want: { AString: 'foo hello and bar' },
  },
  {
    upstream: `${UPSTREAM} quote function is forbidden`,
    json: '{}',
    env: { quote: null },
    error: '"quote" is a forbidden key',
  },
  {
    upstream: `${UPSTREAM} asYAML function is forbidden`,
    json: '{}',
    env: { asYAML: null },
    error: '"asYAML" is a forbidden key',
  },
  {
    upstream: `${UPSTREAM} asJSON function is forbidden`,
    json: '{}',
    env: { asJSON: null },
    error: '"asJSON" is a forbidden key',
  },
];
