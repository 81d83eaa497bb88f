import type { ValueUpdateCase } from './value-update-case.js';

const U = 'toml_updater_test.go';
const T = 'pkg/toml/toml_test.go';
/**
 * Kargo's tables hand Go ints to its internal functions; a step config never holds one: Kargo
 * turns the config into its struct through JSON, so every number reaches the step as a float64,
 * which go-toml writes with a decimal (`99.0`). Gantry's numbers are JSON numbers too; the case
 * is checked with the text Kargo writes when the number comes from a manifest.
 */
const INT = 'number written as the float64 a config holds (99.0), where the table passes a Go int';
const NO_EMPTY_UPDATES =
  'calls an internal function with no updates, which the step schema (minItems 1) never lets through';
const ERRORED = 'terminal, where Kargo answers Errored';

/** One SetValuesInBytes case, run through the step on `values.toml`. */
function bytesCase(
  name: string,
  before: string,
  updates: Array<{ key: string; value: unknown }>,
  outcome: { after: string; differs?: string } | { error: string },
): ValueUpdateCase {
  return {
    upstream: `${T} TestSetValuesInBytes ${name}`,
    config: { path: 'values.toml', updates },
    files: { 'values.toml': before },
    ...('after' in outcome
      ? {
          expectFiles: { 'values.toml': outcome.after },
          ...(outcome.differs ? { differs: outcome.differs } : {}),
        }
      : { error: outcome.error }),
  };
}

export const tomlUpdateCases: ValueUpdateCase[] = [
  // Test_tomlUpdater_convert: the config against toml-update-config.json.
  {
    upstream: `${U} Test_tomlUpdater_convert path is not specified`,
    validateOnly: true,
    config: {},
    error: 'path: required',
  },
  {
    upstream: `${U} Test_tomlUpdater_convert path is empty`,
    validateOnly: true,
    config: { path: '' },
    error: 'path: must not be empty',
  },
  {
    upstream: `${U} Test_tomlUpdater_convert updates is null`,
    validateOnly: true,
    config: {},
    error: 'updates: required',
  },
  {
    upstream: `${U} Test_tomlUpdater_convert updates is empty`,
    validateOnly: true,
    config: { updates: [] },
    error: 'updates: must have at least one item',
  },
  {
    upstream: `${U} Test_tomlUpdater_convert key not specified`,
    validateOnly: true,
    config: { updates: [{}] },
    error: 'updates[0].key: required',
  },
  {
    upstream: `${U} Test_tomlUpdater_convert key is empty`,
    validateOnly: true,
    config: { updates: [{ key: '' }] },
    error: 'updates[0].key: must not be empty',
  },
  {
    upstream: `${U} Test_tomlUpdater_convert value not specified`,
    validateOnly: true,
    config: { updates: [{}] },
    error: 'updates[0].value: required',
  },
  {
    upstream: `${U} Test_tomlUpdater_convert valid config`,
    validateOnly: true,
    config: {
      path: 'fake-path',
      updates: [
        { key: 'package.version', value: '1.2.3' },
        { key: 'features.enabled', value: true },
      ],
    },
  },

  // Test_tomlUpdater_run
  {
    upstream: `${U} Test_tomlUpdater_run successful run with updates`,
    differs: INT,
    config: {
      path: 'config.toml',
      updates: [
        { key: 'package.version', value: '1.0.1' },
        { key: 'features.newFeature', value: true },
        { key: 'threshold', value: 100 },
      ],
    },
    files: {
      'config.toml':
        'threshold = 1\n\n[package]\nversion = "1.0.0"\n\n[features]\nnewFeature = false\n',
    },
    expectContains: {
      'config.toml': ["version = '1.0.1'", 'newFeature = true', 'threshold = 100.0'],
    },
    commitMessage:
      "Updated config.toml\n\n- package.version: '1.0.1'\n- features.newFeature: true\n- threshold: 100.0",
  },
  {
    upstream: `${U} Test_tomlUpdater_run failed to update file`,
    differs: ERRORED,
    config: {
      path: 'non-existent/config.toml',
      updates: [{ key: 'package.version', value: '1.0.1' }],
    },
    error: ['TOML file update failed', 'no such file or directory'],
  },
  {
    upstream: `${U} Test_tomlUpdater_run no updates provided`,
    skip: NO_EMPTY_UPDATES,
    config: {},
  },

  // Test_tomlUpdater_updateFile
  {
    upstream: `${U} Test_tomlUpdater_updateFile successful update`,
    config: { path: 'values.toml', updates: [{ key: 'title', value: 'newvalue' }] },
    files: { 'values.toml': 'title = "value"\n' },
    expectFiles: { 'values.toml': "title = 'newvalue'\n" },
  },
  {
    upstream: `${U} Test_tomlUpdater_updateFile file does not exist`,
    config: { path: 'values.toml', updates: [{ key: 'title', value: 'value' }] },
    error: 'no such file or directory',
  },
  {
    upstream: `${U} Test_tomlUpdater_updateFile empty changes`,
    skip: NO_EMPTY_UPDATES,
    config: {},
  },

  // Test_tomlUpdater_generateCommitMessage
  {
    upstream: `${U} Test_tomlUpdater_generateCommitMessage no changes`,
    skip: NO_EMPTY_UPDATES,
    config: {},
  },
  {
    upstream: `${U} Test_tomlUpdater_generateCommitMessage single change`,
    config: { path: 'values.toml', updates: [{ key: 'package.version', value: '1.2.3' }] },
    files: { 'values.toml': '[package]\nversion = "1.0.0"\n' },
    commitMessage: "Updated values.toml\n\n- package.version: '1.2.3'",
  },
  {
    upstream: `${U} Test_tomlUpdater_generateCommitMessage multiple changes`,
    differs: INT,
    config: {
      path: 'Cargo.toml',
      updates: [
        { key: 'package.version', value: '1.2.3' },
        { key: 'features.enabled', value: true },
        { key: 'threshold', value: 42 },
      ],
    },
    files: {
      'Cargo.toml': 'threshold = 1\n[package]\nversion = "1.0.0"\n[features]\nenabled = false\n',
    },
    commitMessage:
      "Updated Cargo.toml\n\n- package.version: '1.2.3'\n- features.enabled: true\n- threshold: 42.0",
  },

  // pkg/toml TestSetValuesInBytes: error cases
  bytesCase('invalid TOML', 'key = \n', [{ key: 'key', value: 'x' }], {
    error: 'error parsing input',
  }),
  bytesCase('missing key', 'title = "old"\n', [{ key: 'missing', value: 'new' }], {
    error: 'error finding key missing: key path not found',
  }),
  bytesCase(
    'non scalar target',
    '[service]\nname = "api"\n',
    [{ key: 'service', value: 'other' }],
    {
      error: 'addresses Table instead of a scalar node',
    },
  ),
  bytesCase('unsupported value type', 'title = "old"\n', [{ key: 'title', value: ['a', 'b'] }], {
    error: 'value is not a TOML scalar type',
  }),
  // Single top-level updates
  bytesCase(
    'updates scalar value',
    'title = "old"\nactive = true\n',
    [{ key: 'title', value: 'new' }],
    {
      after: "title = 'new'\nactive = true\n",
    },
  ),
  bytesCase(
    'updates escaped dot key',
    '"example.com/version" = "1.0.0"\n',
    [{ key: 'example\\.com/version', value: '2.0.0' }],
    { after: '"example.com/version" = \'2.0.0\'\n' },
  ),
  // Single updates under tables
  bytesCase(
    'updates scalar under table header',
    '[package]\nversion = "1.0.0"\n',
    [{ key: 'package.version', value: '2.0.0' }],
    { after: "[package]\nversion = '2.0.0'\n" },
  ),
  bytesCase(
    'updates scalar under nested table header',
    '[a.b]\nc = 1\n',
    [{ key: 'a.b.c', value: 99 }],
    {
      after: '[a.b]\nc = 99.0\n',
      differs: INT,
    },
  ),
  bytesCase(
    'updates scalar under table header that follows other expressions',
    'threshold = 1\n\n[features]\nenabled = false\n',
    [{ key: 'features.enabled', value: true }],
    { after: 'threshold = 1\n\n[features]\nenabled = true\n' },
  ),
  // Single updates in inline/array constructs
  bytesCase('updates array item', 'values = [1, 2, 3]\n', [{ key: 'values.1', value: 42 }], {
    after: 'values = [1, 42.0, 3]\n',
    differs: INT,
  }),
  bytesCase(
    'updates inline table item',
    'service = { name = "api", port = 8080 }\n',
    [{ key: 'service.port', value: 9090 }],
    { after: 'service = { name = "api", port = 9090.0 }\n', differs: INT },
  ),
  bytesCase(
    'updates array table item',
    '[[services]]\nname = "api"\nport = 8080\n\n[[services]]\nname = "web"\nport = 8081\n',
    [{ key: 'services.1.port', value: 9090 }],
    {
      after:
        '[[services]]\nname = "api"\nport = 8080\n\n[[services]]\nname = "web"\nport = 9090.0\n',
      differs: INT,
    },
  ),
  // Formatting preservation
  bytesCase(
    'preserves inline comments around updated value',
    'title = "old" # keep me\nactive = true\n',
    [{ key: 'title', value: 'new' }],
    { after: "title = 'new' # keep me\nactive = true\n" },
  ),
  bytesCase(
    'preserves standalone comment lines',
    '# header comment\nv = 1\n# footer comment\n',
    [{ key: 'v', value: 2 }],
    { after: '# header comment\nv = 2.0\n# footer comment\n', differs: INT },
  ),
  bytesCase(
    'preserves blank lines between sections',
    '[a]\nx = 1\n\n\n[b]\ny = 2\n',
    [{ key: 'b.y', value: 99 }],
    { after: '[a]\nx = 1\n\n\n[b]\ny = 99.0\n', differs: INT },
  ),
  bytesCase('value grows in length', 'v = 1\nother = true\n', [{ key: 'v', value: 99999 }], {
    after: 'v = 99999.0\nother = true\n',
    differs: INT,
  }),
  bytesCase('value shrinks in length', 'v = 99999\nother = true\n', [{ key: 'v', value: 1 }], {
    after: 'v = 1.0\nother = true\n',
    differs: INT,
  }),
  // Multiple updates
  bytesCase(
    'multiple updates to different top-level keys',
    'a = 1\nb = 2\nc = 3\n',
    [
      { key: 'a', value: 10 },
      { key: 'c', value: 30 },
    ],
    { after: 'a = 10.0\nb = 2\nc = 30.0\n', differs: INT },
  ),
  bytesCase(
    'multiple updates across top-level and table-scoped keys',
    'threshold = 1\n\n[package]\nversion = "1.0.0"\n\n[features]\nenabled = false\n',
    [
      { key: 'threshold', value: 100 },
      { key: 'package.version', value: '2.0.0' },
      { key: 'features.enabled', value: true },
    ],
    {
      after: "threshold = 100.0\n\n[package]\nversion = '2.0.0'\n\n[features]\nenabled = true\n",
      differs: INT,
    },
  ),
  bytesCase(
    'multiple updates within same table',
    '[server]\nhost = "localhost"\nport = 8080\n',
    [
      { key: 'server.host', value: '0.0.0.0' },
      { key: 'server.port', value: 9090 },
    ],
    { after: "[server]\nhost = '0.0.0.0'\nport = 9090.0\n", differs: INT },
  ),
  bytesCase(
    'duplicate key in updates uses last value',
    'v = 1\n',
    [
      { key: 'v', value: 2 },
      { key: 'v', value: 3 },
    ],
    { after: 'v = 3.0\n', differs: INT },
  ),
  {
    upstream: `${T} TestSetValuesInBytes no updates returns input unchanged`,
    skip: NO_EMPTY_UPDATES,
    config: {},
  },
  {
    upstream: `${T} TestFormatValueString`,
    differs: INT,
    config: {
      path: 'v.toml',
      updates: [
        { key: 's', value: 'value' },
        { key: 'n', value: 42 },
        { key: 'b', value: true },
      ],
    },
    files: { 'v.toml': 's = ""\nn = 0\nb = false\n' },
    expectFiles: { 'v.toml': "s = 'value'\nn = 42.0\nb = true\n" },
    commitMessage: "Updated v.toml\n\n- s: 'value'\n- n: 42.0\n- b: true",
  },

  // Not upstream: go-toml's encoder and parser, as Kargo's FormatValue and indexNodes use them.
  bytesCase(
    'a string holding a quote or a line break is a basic string',
    "a = 'x'\nb = 'y'\nc = 'z'\n",
    [
      { key: 'a', value: "it's" },
      { key: 'b', value: 'two\nlines\t"q"\\' },
      { key: 'c', value: 'ünï' },
    ],
    { after: 'a = "it\'s"\nb = "two\\nlines\\t\\"q\\"\\\\"\nc = \'ünï\'\n' },
  ),
  bytesCase(
    'floats, negative numbers and large numbers',
    'a = 1\nb = 2\nc = 3\nd = 4\n',
    [
      { key: 'a', value: 2.5 },
      { key: 'b', value: -3 },
      { key: 'c', value: 1e21 },
      { key: 'd', value: 1e-7 },
    ],
    { after: 'a = 2.5\nb = -3.0\nc = 1000000000000000000000.0\nd = 0.0000001\n' },
  ),
  bytesCase('null is not a TOML scalar', 'a = 1\n', [{ key: 'a', value: null }], {
    error: 'error formatting value for key a: value is not a TOML scalar type',
  }),
  bytesCase(
    'an array, an inline table and an array of tables are not scalars',
    'list = [1]\nt = { a = 1 }\n[[srv]]\nx = 1\n',
    [{ key: 'list', value: 1 }],
    { error: 'key path addresses Array instead of a scalar node' },
  ),
  bytesCase('an inline table is not a scalar', 't = { a = 1 }\n', [{ key: 't', value: 1 }], {
    error: 'key path addresses InlineTable instead of a scalar node',
  }),
  bytesCase(
    'an array of tables is not a scalar',
    '[[srv]]\nx = 1\n',
    [{ key: 'srv.0', value: 1 }],
    {
      error: 'key path addresses ArrayTable instead of a scalar node',
    },
  ),
  bytesCase(
    'dotted keys, quoted keys, nested arrays, multi-line strings and date-times',
    [
      '# top',
      'a.b = "x" # c',
      "'quoted key' = 'y'",
      'nested = [[1, 2], [3, "]"]]',
      'multi = """',
      'one "quoted" \\""" two',
      '"""',
      "lit = '''",
      "raw ''",
      "'''",
      'when = 1979-05-27 07:32:00Z',
      'day = 1979-05-27',
      'arr = [',
      '  "a", # comment',
      '  "b",',
      ']',
      '[tbl]',
      'inline = { x = { y = 1 } }',
      '',
    ].join('\n'),
    [
      { key: 'a.b', value: 'X' },
      { key: 'quoted key', value: 'Y' },
      { key: 'nested.1.1', value: 'in' },
      { key: 'multi', value: 'single' },
      { key: 'lit', value: 'L' },
      { key: 'when', value: 'now' },
      { key: 'day', value: true },
      { key: 'arr.1', value: 'B' },
      { key: 'tbl.inline.x.y', value: 2.5 },
    ],
    {
      after: [
        '# top',
        "a.b = 'X' # c",
        "'quoted key' = 'Y'",
        "nested = [[1, 2], [3, 'in']]",
        "multi = 'single'",
        "lit = 'L'",
        "when = 'now'",
        'day = true',
        'arr = [',
        '  "a", # comment',
        "  'B',",
        ']',
        '[tbl]',
        'inline = { x = { y = 2.5 } }',
        '',
      ].join('\n'),
    },
  ),
  bytesCase(
    'a bad key is refused as sjson.SplitKey refuses it',
    'a = 1\n',
    [{ key: 'a..b', value: 1 }],
    {
      error: 'error splitting key a..b: empty key part',
    },
  ),
];
