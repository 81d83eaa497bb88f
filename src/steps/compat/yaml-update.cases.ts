import type { ValueUpdateCase } from './value-update-case.js';

const U = 'yaml_updater_test.go';
const Y = 'pkg/yaml/yaml_test.go';
const Q = 'pkg/yaml/quote_test.go';
const S = 'pkg/sjson/split_key_test.go';
const NO_EMPTY_UPDATES =
  'calls an internal function with no updates, which the step schema (minItems 1) never lets through';

const characters = '\ncharacters:\n- name: Arthur Dent\n  answer: idk\n';
const rebels = '\ncharacters:\n  rebels:\n  - name: Skywalker\n';
const temptation = `"${'Did you ever hear the tragedy of Darth Plagueis The Wise? I thought not. '.repeat(2000)}"`;

/** One update of `v` in `v: old`: Kargo's QuoteIfNecessary decides how the value is written. */
function quoteCase(name: string, value: unknown, written: string): ValueUpdateCase {
  return {
    upstream: `${Q} TestQuoteIfNecessary ${name}`,
    config: { path: 'values.yaml', updates: [{ key: 'v', value }] },
    files: { 'values.yaml': 'v: old\n' },
    expectFiles: { 'values.yaml': `v: ${written}\n` },
    commitMessage: `Updated values.yaml\n\n- v: ${written}`,
  };
}

/** A key of SplitKey's table, used on a file that holds its parts (or refused). */
function splitCase(
  name: string,
  key: string,
  file: string,
  outcome: { expect: string } | { error: string },
): ValueUpdateCase {
  return {
    upstream: `${S} TestSplitKey ${name}`,
    config: { path: 'values.yaml', updates: [{ key, value: 'new' }] },
    files: { 'values.yaml': file },
    ...('expect' in outcome
      ? { expectFiles: { 'values.yaml': outcome.expect } }
      : { error: outcome.error }),
  };
}

export const yamlUpdateCases: ValueUpdateCase[] = [
  // Test_yamlUpdater_convert: the config against yaml-update-config.json.
  {
    upstream: `${U} Test_yamlUpdater_convert path is not specified`,
    validateOnly: true,
    config: {},
    error: 'path: required',
  },
  {
    upstream: `${U} Test_yamlUpdater_convert path is empty`,
    validateOnly: true,
    config: { path: '' },
    error: 'path: must not be empty',
  },
  {
    upstream: `${U} Test_yamlUpdater_convert updates is null`,
    validateOnly: true,
    config: {},
    error: 'updates: required',
  },
  {
    upstream: `${U} Test_yamlUpdater_convert updates is empty`,
    validateOnly: true,
    config: { updates: [] },
    error: 'updates: must have at least one item',
  },
  {
    upstream: `${U} Test_yamlUpdater_convert key not specified`,
    validateOnly: true,
    config: { updates: [{}] },
    error: 'updates[0].key: required',
  },
  {
    upstream: `${U} Test_yamlUpdater_convert key is empty`,
    validateOnly: true,
    config: { updates: [{ key: '' }] },
    error: 'updates[0].key: must not be empty',
  },
  {
    upstream: `${U} Test_yamlUpdater_convert value not specified`,
    validateOnly: true,
    config: { updates: [{}] },
    error: 'updates[0].value: required',
  },
  {
    upstream: `${U} Test_yamlUpdater_convert valid config`,
    validateOnly: true,
    config: {
      path: 'fake-path',
      updates: [
        { key: 'fake-key', value: 'fake-value' },
        { key: 'another-fake-key', value: 'another-fake-value' },
        { key: 'yet-another-fake-key', value: 5 },
      ],
    },
  },
  {
    upstream: `${U} Test_yamlUpdater_convert (schema) value may be null`,
    validateOnly: true,
    config: { path: 'p', updates: [{ key: 'k', value: null }] },
  },
  {
    upstream: `${U} Test_yamlUpdater_convert (schema) a key of bad syntax is checked at run time`,
    validateOnly: true,
    config: { path: 'p', updates: [{ key: 'a..b', value: 1 }] },
  },

  // Test_yamlUpdater_run
  {
    upstream: `${U} Test_yamlUpdater_run successful run with updates`,
    config: {
      path: 'values.yaml',
      updates: [
        { key: 'image.tag', value: 'fake-tag' },
        { key: 'image.numStr', value: '42' },
        { key: 'image.realNum', value: 42 },
      ],
    },
    files: { 'values.yaml': '\nimage:\n  tag: oldtag\n  numStr: "5"\n  realNum: 5\n' },
    expectFiles: {
      'values.yaml': '\nimage:\n  tag: fake-tag\n  numStr: "42"\n  realNum: 42\n',
    },
    commitMessage:
      'Updated values.yaml\n\n- image.tag: fake-tag\n- image.numStr: "42"\n- image.realNum: 42',
  },
  {
    upstream: `${U} Test_yamlUpdater_run failed to update file`,
    config: { path: 'non-existent/values.yaml', updates: [{ key: 'image.tag', value: 'x' }] },
    error: 'does not exist',
  },

  // Test_yamlUpdater_updateValuesFile
  {
    upstream: `${U} Test_yamlUpdater_updateValuesFile successful update`,
    config: { path: 'values.yaml', updates: [{ key: 'key', value: 'newvalue' }] },
    files: { 'values.yaml': 'key: value\n' },
    expectFiles: { 'values.yaml': 'key: newvalue\n' },
  },
  {
    upstream: `${U} Test_yamlUpdater_updateValuesFile file does not exist`,
    config: { path: 'values.yaml', updates: [{ key: 'key', value: 'value' }] },
    error: 'values.yaml does not exist',
  },
  {
    upstream: `${U} Test_yamlUpdater_updateValuesFile empty changes`,
    config: {},
    skip: NO_EMPTY_UPDATES,
  },

  // Test_yamlUpdater_generateCommitMessage (through a run on a file holding the keys)
  {
    upstream: `${U} Test_yamlUpdater_generateCommitMessage no changes`,
    config: {},
    skip: NO_EMPTY_UPDATES,
  },
  {
    upstream: `${U} Test_yamlUpdater_generateCommitMessage single change`,
    config: { path: 'values.yaml', updates: [{ key: 'image', value: 'repo/image:tag1' }] },
    files: { 'values.yaml': 'image: old\n' },
    commitMessage: 'Updated values.yaml\n\n- image: repo/image:tag1',
  },
  {
    upstream: `${U} Test_yamlUpdater_generateCommitMessage multiple changes`,
    config: {
      path: 'chart/values.yaml',
      updates: [
        { key: 'image1', value: 'repo1/image1:tag1' },
        { key: 'image2', value: 'repo2/image2:tag2' },
        { key: 'numStr', value: '42' },
        { key: 'realNum', value: 42 },
      ],
    },
    files: { 'chart/values.yaml': 'image1: a\nimage2: b\nnumStr: c\nrealNum: 1\n' },
    commitMessage:
      'Updated chart/values.yaml\n\n- image1: repo1/image1:tag1\n- image2: repo2/image2:tag2\n- numStr: "42"\n- realNum: 42',
  },

  // pkg/yaml TestSetValuesInBytes
  {
    upstream: `${Y} TestSetValuesInBytes invalid YAML`,
    config: { path: 'values.yaml', updates: [{ key: 'characters.0.name', value: 'x' }] },
    files: { 'values.yaml': '\ncharacters:\n- name: Anakin\n\taffiliation: Light side\n' },
    error: 'error unmarshaling input',
  },
  {
    upstream: `${Y} TestSetValuesInBytes no extra quotes around true number`,
    config: { path: 'values.yaml', updates: [{ key: 'characters.0.answer', value: 42 }] },
    files: { 'values.yaml': characters },
    expectFiles: { 'values.yaml': characters.replace('idk', '42') },
  },
  {
    upstream: `${Y} TestSetValuesInBytes extra quotes around string containing a valid number`,
    config: { path: 'values.yaml', updates: [{ key: 'characters.0.answer', value: '42' }] },
    files: { 'values.yaml': characters },
    expectFiles: { 'values.yaml': characters.replace('idk', '"42"') },
  },
  {
    upstream: `${Y} TestSetValuesInBytes success`,
    config: {
      path: 'values.yaml',
      updates: [{ key: 'characters.0.affiliation', value: 'Dark side' }],
    },
    files: { 'values.yaml': '\ncharacters:\n- name: Anakin\n  affiliation: Light side\n' },
    expectFiles: { 'values.yaml': '\ncharacters:\n- name: Anakin\n  affiliation: Dark side\n' },
  },
  {
    upstream: `${Y} TestSetValuesInBytes really long lines still work`,
    config: {
      path: 'values.yaml',
      updates: [{ key: 'characters.0.affiliation', value: 'Dark side' }],
    },
    files: {
      'values.yaml': `\ncharacters:\n- name: Anakin\n  affiliation: Light side\n  temptation: ${temptation}\n`,
    },
    expectFiles: {
      'values.yaml': `\ncharacters:\n- name: Anakin\n  affiliation: Dark side\n  temptation: ${temptation}\n`,
    },
  },

  // pkg/yaml TestFindScalarNode (through a run: the key must address an existing scalar)
  {
    upstream: `${Y} TestFindScalarNode node not found`,
    config: { path: 'values.yaml', updates: [{ key: 'characters.imperials', value: 'x' }] },
    files: { 'values.yaml': rebels },
    error: 'key path not found',
  },
  {
    upstream: `${Y} TestFindScalarNode node not found due to error parsing int`,
    config: { path: 'values.yaml', updates: [{ key: 'characters.rebels.first.name', value: 'x' }] },
    files: { 'values.yaml': rebels },
    error: 'strconv.Atoi',
  },
  {
    upstream: `${Y} TestFindScalarNode node found, but isn't a scalar node`,
    config: { path: 'values.yaml', updates: [{ key: 'characters.rebels', value: 'x' }] },
    files: { 'values.yaml': rebels },
    error: 'key path does not address a scalar node',
  },
  {
    upstream: `${Y} TestFindScalarNode success`,
    config: { path: 'values.yaml', updates: [{ key: 'characters.rebels.0.name', value: 'Solo' }] },
    files: { 'values.yaml': rebels },
    expectFiles: { 'values.yaml': rebels.replace('Skywalker', 'Solo') },
  },

  // pkg/yaml TestQuoteIfNecessary: how a value is written (file and commit message).
  quoteCase('0 (123)', 123, '123'),
  quoteCase('1 (123.0)', 123.0, '123'),
  quoteCase('2 (true)', true, 'true'),
  quoteCase('3 (false)', false, 'false'),
  {
    ...quoteCase('4 (nil)', null, 'null'),
    differs:
      'null is written as null (YAML null); Kargo writes Go\'s "<nil>", which YAML reads as a string',
  },
  quoteCase('5 ("123")', '123', '"123"'),
  quoteCase('6 ("true")', 'true', '"true"'),
  quoteCase('7 ("false")', 'false', '"false"'),
  quoteCase('8 ("null")', 'null', '"null"'),
  quoteCase('9 ("[1, 2, 3]")', '[1, 2, 3]', '"[1, 2, 3]"'),
  quoteCase('10 (JSON object)', '{"key": "value"}', '"{\\"key\\": \\"value\\"}"'),
  quoteCase('11 ("string")', 'string', 'string'),

  // pkg/sjson TestSplitKey: the key syntax yaml-update reads.
  {
    upstream: `${S} TestSplitKey empty key`,
    config: { path: 'values.yaml', updates: [{ key: '   ', value: 'x' }] },
    files: { 'values.yaml': 'a: 1\n' },
    error: 'empty key',
  },
  splitCase('starts with dot', '.foo', 'foo: 1\n', { error: 'empty key part in key' }),
  splitCase('ends with dot', 'foo.', 'foo: 1\n', { error: 'empty key part in key' }),
  splitCase('double dots', 'foo..bar', 'foo:\n  bar: 1\n', { error: 'empty key part in key' }),
  splitCase('invalid escape sequence', 'foo\\nbar', 'foo: 1\n', {
    error: 'invalid escape sequence',
  }),
  splitCase('invalid use of colon', 'foo:bar', '"foo:bar": 1\n', {
    error: 'unexpected colon in key',
  }),
  splitCase('basic split', 'foo.bar.bat.baz', 'foo:\n  bar:\n    bat:\n      baz: old # c\n', {
    expect: 'foo:\n  bar:\n    bat:\n      baz: new # c\n',
  }),
  splitCase('split key with escaped dots', 'foo\\.bar.bat\\.baz', 'foo.bar:\n  bat.baz: old\n', {
    expect: 'foo.bar:\n  bat.baz: new\n',
  }),
  splitCase(
    'split key with escaped colon',
    'foo.bar\\:bat.baz',
    'foo:\n  "bar:bat":\n    baz: old\n',
    { expect: 'foo:\n  "bar:bat":\n    baz: new\n' },
  ),
  splitCase(
    'split key with unescaped colon',
    'foo.bar.:2.baz',
    'foo:\n  bar:\n    2:\n      baz: old\n',
    {
      expect: 'foo:\n  bar:\n    2:\n      baz: new\n',
    },
  ),

  // Behaviour the issue names, checked against Kargo's code (yaml.go SetValuesInBytes).
  {
    upstream: `${Y} SetValuesInBytes (code) a missing key is an error, nothing is added`,
    config: { path: 'values.yaml', updates: [{ key: 'a.c', value: 'new' }] },
    files: { 'values.yaml': 'a:\n  b: 1\n' },
    error: 'key path not found',
  },
  {
    upstream: `${Y} SetValuesInBytes (code) an error in any update writes nothing`,
    config: {
      path: 'values.yaml',
      updates: [
        { key: 'a.b', value: 2 },
        { key: 'a', value: 'x' },
      ],
    },
    files: { 'values.yaml': 'a:\n  b: 1\n' },
    error: 'does not address a scalar node',
  },
  {
    upstream: `${Y} SetValuesInBytes (code) untouched lines keep their formatting`,
    config: { path: 'values.yaml', updates: [{ key: 'spec.tag', value: '1.2.2' }] },
    files: {
      'values.yaml':
        '# head\nspec:\n    list: [ a,  b ]\n    tag: 1.2.1\n    other:   "x"   # keep\n',
    },
    expectFiles: {
      'values.yaml':
        '# head\nspec:\n    list: [ a,  b ]\n    tag: 1.2.2\n    other:   "x"   # keep\n',
    },
  },
  {
    upstream: `${Y} SetValuesInBytes (code) the value's old quoting is not kept`,
    config: { path: 'values.yaml', updates: [{ key: 'tag', value: 'v1.2.2' }] },
    files: { 'values.yaml': "tag: 'v1.2.1'\n" },
    expectFiles: { 'values.yaml': 'tag: v1.2.2\n' },
  },
  {
    upstream: `${Y} SetValuesInBytes (code) a comment after the value`,
    config: { path: 'values.yaml', updates: [{ key: 'tag', value: 'v2' }] },
    files: { 'values.yaml': 'tag: v1 # promoted by Kargo\n' },
    expectFiles: { 'values.yaml': 'tag: v2 # promoted by Kargo\n' },
    differs: 'the comment after the value is kept; Kargo rewrites the rest of the line',
  },
  {
    upstream: `${Y} SetValuesInBytes (code) a numeric part of a map is a key`,
    config: { path: 'values.yaml', updates: [{ key: 'ports.8080', value: 'web' }] },
    files: { 'values.yaml': 'ports:\n  8080: http\n' },
    expectFiles: { 'values.yaml': 'ports:\n  8080: web\n' },
  },
  {
    upstream: `${Y} SetValuesInBytes (code) Go prints large numbers with an exponent`,
    config: { path: 'values.yaml', updates: [{ key: 'n', value: 1000000 }] },
    files: { 'values.yaml': 'n: 1\n' },
    expectFiles: { 'values.yaml': 'n: 1e+06\n' },
    commitMessage: 'Updated values.yaml\n\n- n: 1e+06',
  },
  {
    upstream: `${Y} SetValuesInBytes (code) a string YAML would misread is quoted`,
    config: { path: 'values.yaml', updates: [{ key: 'a', value: 'x: y' }] },
    files: { 'values.yaml': 'a: b\n' },
    expectFiles: { 'values.yaml': 'a: "x: y"\n' },
    commitMessage: 'Updated values.yaml\n\n- a: x: y',
    differs: 'Kargo writes such a string unquoted, which breaks the file or changes the value',
  },
  {
    upstream: `${Y} SetValuesInBytes (code) a map value`,
    config: { path: 'values.yaml', updates: [{ key: 'a', value: { b: 1 } }] },
    files: { 'values.yaml': 'a: b\n' },
    error: 'not a scalar',
    differs: "a map or list value is refused; Kargo writes Go's map[...] text",
  },
];
