import type { SimpleStepCase } from './simple-step-case.js';

const convert = (name: string) => `yaml_parser_test.go Test_yamlParser_convert ${name}`;
const run = (name: string) => `yaml_parser_test.go Test_yamlParser_run ${name}`;
const read = (name: string) => `yaml_parser_test.go Test_yamlParser_readAndParseYAML ${name}`;
const extract = (name: string) => `yaml_parser_test.go Test_yamlParser_extractValues ${name}`;
const one = [{ name: 'output1', fromExpression: '$.data' }];
const bypass =
  "calls the runner with a config the schema refuses (Kargo's run re-checks it); Gantry never runs a step on a config its schema refuses, and the convert case with the same config is run above";
/** Kargo's internal readAndParseYAML / extractValues run through the step: the document is read back with `$env`. */
const whole = [{ name: 'doc', fromExpression: '$env' }];

/** Kargo's yaml-parse tables (pkg/promotion/runner/builtin/yaml_parser_test.go), as data. */
export const yamlParseCases: SimpleStepCase[] = [
  {
    upstream: convert('path not specified (missing path field)'),
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
    config: { path: 'valid.yaml' },
    error: 'outputs: required',
  },
  {
    upstream: convert('outputs field is an empty array'),
    validateOnly: true,
    config: { path: 'valid.yaml', outputs: [] },
    error: 'outputs: must have at least one item',
  },
  {
    upstream: convert('name is not specified'),
    validateOnly: true,
    config: { path: 'valid.yaml', outputs: [{ fromExpression: '$.data' }] },
    error: 'outputs[0].name: required',
  },
  {
    upstream: convert('name is empty'),
    validateOnly: true,
    config: { path: 'valid.yaml', outputs: [{ name: '', fromExpression: '$.data' }] },
    error: 'outputs[0].name: must not be empty',
  },
  {
    upstream: convert('FromExpression is not specified'),
    validateOnly: true,
    config: { path: 'valid.yaml', outputs: [{ name: 'output1' }] },
    error: 'outputs[0].fromExpression: required',
  },
  {
    upstream: convert('FromExpression is empty'),
    validateOnly: true,
    config: { path: 'valid.yaml', outputs: [{ name: 'output1', fromExpression: '' }] },
    error: 'outputs[0].fromExpression: must not be empty',
  },
  {
    upstream: convert('valid configuration (path + outputs present)'),
    validateOnly: true,
    config: { path: 'valid.yaml', outputs: one },
  },

  {
    upstream: run('successful run with outputs'),
    files: { 'config.yaml': '\napp:\n  version: "1.0.0"\nfeatures:\n  newFeature: false\n' },
    config: {
      path: 'config.yaml',
      outputs: [
        { name: 'appVersion', fromExpression: 'app.version' },
        { name: 'featureStatus', fromExpression: 'features.newFeature' },
      ],
    },
    output: { appVersion: '1.0.0', featureStatus: false },
  },
  {
    upstream: run('failed to extract outputs'),
    files: { 'config.yaml': '\napp:\n  version: "1.0.0"\n' },
    config: {
      path: 'config.yaml',
      outputs: [{ name: 'invalidField', fromExpression: 'nonexistent.path' }],
    },
    error: ['failed to extract outputs', 'cannot fetch path from <nil>'],
    differs: 'terminal, where Kargo answers Errored',
    terminal: true,
  },
  { upstream: run('no outputs provided'), skip: bypass, config: {} },
  {
    upstream: run('handle empty YAML file'),
    files: { 'config.yaml': '' },
    config: { path: 'config.yaml', outputs: [{ name: 'key', fromExpression: 'app.key' }] },
    error: 'could not parse empty YAML file',
    differs: 'terminal, where Kargo answers Errored',
    terminal: true,
  },
  { upstream: run('path is empty'), skip: bypass, config: {} },
  {
    upstream: run('path is a directory instead of a file'),
    config: { path: 'config', outputs: [{ name: 'key', fromExpression: 'app.key' }] },
    error: 'no such file or directory',
    differs: 'terminal, where Kargo answers Errored',
    terminal: true,
  },
  {
    upstream: run('valid YAML, valid expressions, valid path'),
    files: {
      'config.yaml':
        '\napp:\n  version: "2.0.1"\nfeatures:\n  enabled: true\nconfig:\n  threshold: 10.0\n',
    },
    config: {
      path: 'config.yaml',
      outputs: [
        { name: 'appVersion', fromExpression: 'app.version' },
        { name: 'isEnabled', fromExpression: 'features.enabled' },
        { name: 'threshold', fromExpression: 'config.threshold' },
        // Not upstream: Kargo's value is a float64 (10.0).
        { name: 'thresholdType', fromExpression: 'type(config.threshold)' },
      ],
    },
    output: { appVersion: '2.0.1', isEnabled: true, threshold: 10, thresholdType: 'float' },
  },

  {
    upstream: read('Valid YAML with map root'),
    files: { 'test.yaml': '\nkey: value\nnum: 42\nflag: true\n' },
    config: {
      path: 'test.yaml',
      outputs: [...whole, { name: 'numType', fromExpression: 'type(num)' }],
    },
    // float64(42) upstream: sigs.k8s.io/yaml reads numbers through JSON.
    output: { doc: { key: 'value', num: 42, flag: true }, numType: 'float' },
  },
  {
    upstream: read('Valid YAML with root list'),
    files: { 'test.yaml': '\n- item1\n- item2\n- item3\n' },
    config: { path: 'test.yaml', outputs: whole },
    output: { doc: ['item1', 'item2', 'item3'] },
  },
  {
    upstream: read('Valid YAML with nested structure'),
    files: {
      'test.yaml':
        '\napp:\n  name: test-app\n  version: 1.2.3\n  config:\n    debug: false\n    port: 8080\nitems:\n  - name: first\n    value: 100\n  - name: second\n    value: 200\n',
    },
    config: {
      path: 'test.yaml',
      outputs: [
        ...whole,
        { name: 'types', fromExpression: '[type(app.config.port), type(items[1].value)]' },
      ],
    },
    output: {
      doc: {
        app: { name: 'test-app', version: '1.2.3', config: { debug: false, port: 8080 } },
        items: [
          { name: 'first', value: 100 },
          { name: 'second', value: 200 },
        ],
      },
      types: ['float', 'float'],
    },
  },
  {
    upstream: read('Valid YAML with scalar root'),
    files: { 'test.yaml': 'simple string value\n' },
    config: { path: 'test.yaml', outputs: whole },
    output: { doc: 'simple string value' },
  },
  {
    upstream: read('Invalid YAML syntax'),
    files: { 'test.yaml': 'key: : value\n  num: 42' },
    config: { path: 'test.yaml', outputs: whole },
    error: 'could not parse YAML file',
  },
  {
    upstream: read('Empty YAML file'),
    files: { 'test.yaml': '' },
    config: { path: 'test.yaml', outputs: whole },
    error: 'could not parse empty YAML file',
  },

  {
    upstream: extract('valid expression'),
    files: { 'data.yaml': 'key: value\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: 'key' }] },
    output: { result: 'value' },
  },
  {
    upstream: extract('root list - access by index'),
    files: { 'data.yaml': '- first\n- second\n- third\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: '$env[0]' }] },
    output: { result: 'first' },
  },
  {
    upstream: extract('root list - get length'),
    files: { 'data.yaml': '- first\n- second\n- third\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: 'len($env)' }] },
    output: { result: 3 },
  },
  {
    upstream: extract('root list of objects - access nested property'),
    files: { 'data.yaml': '- name: item1\n  value: 10\n- name: item2\n  value: 20\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: '$env[1].name' }] },
    output: { result: 'item2' },
  },
  {
    upstream: extract('expression points to missing key'),
    files: { 'data.yaml': 'key: value\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: 'missingKey' }] },
    output: { result: null },
  },
  {
    upstream: extract('expression evaluates to a nested object'),
    files: { 'data.yaml': 'nested:\n  key: value\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: 'nested' }] },
    output: { result: { key: 'value' } },
  },
  {
    upstream: extract('expression evaluates to an array'),
    files: { 'data.yaml': 'array: [1, 2, 3]\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: 'array' }] },
    output: { result: [1, 2, 3] },
  },
  {
    upstream: extract('expression evaluates to a string'),
    files: { 'data.yaml': 'key: value\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: 'key' }] },
    output: { result: 'value' },
  },
  {
    upstream: extract('expression evaluates to an integer'),
    files: { 'data.yaml': 'number: 42\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: 'number' }] },
    output: { result: 42 },
  },
  {
    upstream: extract('expression compilation error'),
    files: { 'data.yaml': 'key: value\n' },
    config: { path: 'data.yaml', outputs: [{ name: 'result', fromExpression: '(1 + 2' }] },
    error: 'error compiling expression',
  },
];
