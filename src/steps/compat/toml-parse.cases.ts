import type { SimpleStepCase } from './simple-step-case.js';

const convert = (name: string) => `toml_parser_test.go Test_tomlParser_convert ${name}`;
const run = (name: string) => `toml_parser_test.go Test_tomlParser_run ${name}`;
const read = (name: string) => `toml_parser_test.go Test_tomlParser_readAndParseTOML ${name}`;
const one = [{ name: 'output1', fromExpression: 'app.version' }];
const bypass =
  "calls the runner with a config the schema refuses (Kargo's run re-checks it); Gantry never runs a step on a config its schema refuses, and the convert case with the same config is run above";
/** Kargo's internal readAndParseTOML run through the step: the document is read back with `$env`. */
const whole = [{ name: 'doc', fromExpression: '$env' }];
const errored = 'terminal, where Kargo answers Errored';

/** Kargo's toml-parse tables (pkg/promotion/runner/builtin/toml_parser_test.go), as data. */
export const tomlParseCases: SimpleStepCase[] = [
  {
    upstream: convert('path not specified'),
    validateOnly: true,
    config: { outputs: one },
    error: 'path: required',
  },
  {
    upstream: convert('path is empty string'),
    validateOnly: true,
    config: { path: '', outputs: one },
    error: 'path: must not be empty',
  },
  {
    upstream: convert('outputs field is missing'),
    validateOnly: true,
    config: { path: 'valid.toml' },
    error: 'outputs: required',
  },
  {
    upstream: convert('outputs field is an empty array'),
    validateOnly: true,
    config: { path: 'valid.toml', outputs: [] },
    error: 'outputs: must have at least one item',
  },
  {
    upstream: convert('name is not specified'),
    validateOnly: true,
    config: { path: 'valid.toml', outputs: [{ fromExpression: 'app.version' }] },
    error: 'outputs[0].name: required',
  },
  {
    upstream: convert('name is empty'),
    validateOnly: true,
    config: { path: 'valid.toml', outputs: [{ name: '', fromExpression: 'app.version' }] },
    error: 'outputs[0].name: must not be empty',
  },
  {
    upstream: convert('fromExpression is not specified'),
    validateOnly: true,
    config: { path: 'valid.toml', outputs: [{ name: 'output1' }] },
    error: 'outputs[0].fromExpression: required',
  },
  {
    upstream: convert('fromExpression is empty'),
    validateOnly: true,
    config: { path: 'valid.toml', outputs: [{ name: 'output1', fromExpression: '' }] },
    error: 'outputs[0].fromExpression: must not be empty',
  },
  {
    upstream: convert('valid configuration'),
    validateOnly: true,
    config: { path: 'valid.toml', outputs: one },
  },

  {
    upstream: run('successful run with outputs'),
    files: { 'config.toml': '[app]\nversion = "1.0.0"\n\n[features]\nnewFeature = false\n' },
    config: {
      path: 'config.toml',
      outputs: [
        { name: 'appVersion', fromExpression: 'app.version' },
        { name: 'featureStatus', fromExpression: 'features.newFeature' },
      ],
    },
    output: { appVersion: '1.0.0', featureStatus: false },
  },
  {
    upstream: run('failed to extract outputs'),
    files: { 'config.toml': '[app]\nversion = "1.0.0"\n' },
    config: {
      path: 'config.toml',
      outputs: [{ name: 'invalidField', fromExpression: 'nonexistent.path' }],
    },
    error: 'failed to extract outputs',
    differs: errored,
    terminal: true,
  },
  { upstream: run('no outputs provided'), skip: bypass, config: {} },
  {
    upstream: run('handle empty TOML file'),
    files: { 'config.toml': '' },
    config: { path: 'config.toml', outputs: [{ name: 'key', fromExpression: 'app.key' }] },
    error: 'could not parse empty TOML file',
    differs: errored,
    terminal: true,
  },
  { upstream: run('path is empty'), skip: bypass, config: {} },
  {
    upstream: run('path is a directory instead of a file'),
    config: { path: 'config', outputs: [{ name: 'key', fromExpression: 'app.key' }] },
    error: 'no such file or directory',
    differs: errored,
    terminal: true,
  },

  {
    upstream: read('valid TOML with nested structure'),
    files: {
      'test.toml':
        'title = "example"\nnum = 42\nflag = true\nitems = [1, 2]\n[app]\nversion = "1.2.3"\n',
    },
    config: {
      path: 'test.toml',
      outputs: [
        ...whole,
        // Not upstream: go-toml gives int64 for TOML integers, so they are ints in expressions.
        { name: 'types', fromExpression: '[type(num), type(items[0])]' },
      ],
    },
    output: {
      doc: { title: 'example', num: 42, flag: true, items: [1, 2], app: { version: '1.2.3' } },
      types: ['int', 'int'],
    },
  },
  {
    upstream: read('invalid TOML syntax'),
    files: { 'test.toml': 'title = \n' },
    config: { path: 'test.toml', outputs: whole },
    error: 'could not parse TOML file',
  },
  {
    upstream: read('empty TOML file'),
    files: { 'test.toml': '' },
    config: { path: 'test.toml', outputs: whole },
    error: 'could not parse empty TOML file',
  },
];

/**
 * Not upstream: go-toml's decoding into `any` (its decoder's documented mapping), which Kargo's
 * table does not exercise: floats stay floats, the four date-time kinds.
 */
export const tomlParseValueCases: SimpleStepCase[] = [
  {
    upstream: 'go-toml v2 Unmarshal into any: floats and integers',
    files: {
      'v.toml': 'f = 1.0\ng = 2.5\nh = 1e3\ni = 0x10\n[[srv]]\nport = 80\n[[srv]]\nport = 81\n',
    },
    config: {
      path: 'v.toml',
      outputs: [
        { name: 'types', fromExpression: '[type(f), type(g), type(h), type(i)]' },
        { name: 'values', fromExpression: '[f, g, h, i]' },
        { name: 'port', fromExpression: 'srv[1].port' },
      ],
    },
    output: { types: ['float', 'float', 'float', 'int'], values: [1, 2.5, 1000, 16], port: 81 },
  },
  {
    upstream: 'go-toml v2 Unmarshal into any: date-times',
    files: {
      'v.toml':
        'odt = 1979-05-27 07:32:00.123456789-07:00\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00.25\n',
    },
    config: {
      path: 'v.toml',
      outputs: [
        { name: 'year', fromExpression: 'odt.Year()' },
        { name: 'odt', fromExpression: 'odt' },
        { name: 'ldt', fromExpression: 'ldt' },
        { name: 'ld', fromExpression: 'ld' },
        { name: 'lt', fromExpression: 'lt' },
      ],
    },
    output: {
      year: 1979,
      odt: '1979-05-27T07:32:00.123456789-07:00',
      ldt: '1979-05-27T07:32:00',
      ld: '1979-05-27',
      lt: '07:32:00.25',
    },
  },
];
