import type { SimpleStepCase } from './simple-step-case.js';

const convert = (name: string) => `json_parser_test.go Test_jsonParser_convert ${name}`;
const run = (name: string) => `json_parser_test.go Test_jsonParser_run ${name}`;
const read = (name: string) => `json_parser_test.go Test_jsonParser_readAndParseJSON ${name}`;
const extract = (name: string) => `json_parser_test.go Test_jsonParser_extractValues ${name}`;
const one = [{ name: 'output1', fromExpression: '$.data' }];
const bypass =
  "calls the runner with a config the schema refuses (Kargo's run re-checks it); Gantry never runs a step on a config its schema refuses, and the convert case with the same config is run above";
/** Kargo's internal readAndParseJSON / extractValues run through the step: the document is read back with `$env`. */
const whole = [{ name: 'doc', fromExpression: '$env' }];
const terminal = 'terminal, where Kargo answers Errored';

/** Kargo's json-parse tables (pkg/promotion/runner/builtin/json_parser_test.go), as data. */
export const jsonParseCases: SimpleStepCase[] = [
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
    config: { path: 'valid.json' },
    error: 'outputs: required',
  },
  {
    upstream: convert('outputs field is an empty array'),
    validateOnly: true,
    config: { path: 'valid.json', outputs: [] },
    error: 'outputs: must have at least one item',
  },
  {
    upstream: convert('name is not specified'),
    validateOnly: true,
    config: { path: 'valid.json', outputs: [{ fromExpression: '$.data' }] },
    error: 'outputs[0].name: required',
  },
  {
    upstream: convert('name is empty'),
    validateOnly: true,
    config: { path: 'valid.json', outputs: [{ name: '', fromExpression: '$.data' }] },
    error: 'outputs[0].name: must not be empty',
  },
  {
    upstream: convert('FromExpression is not specified'),
    validateOnly: true,
    config: { path: 'valid.json', outputs: [{ name: 'output1' }] },
    error: 'outputs[0].fromExpression: required',
  },
  {
    upstream: convert('FromExpression is empty'),
    validateOnly: true,
    config: { path: 'valid.json', outputs: [{ name: 'output1', fromExpression: '' }] },
    error: 'outputs[0].fromExpression: must not be empty',
  },
  {
    upstream: convert('valid configuration (path + outputs present)'),
    validateOnly: true,
    config: { path: 'valid.json', outputs: one },
  },

  {
    upstream: run('successful run with outputs'),
    files: {
      'config.json':
        '{\n\t\t\t\t\t"app": {\n\t\t\t\t\t\t"version": "1.0.0"\n\t\t\t\t\t},\n\t\t\t\t\t"features": {\n\t\t\t\t\t\t"newFeature": false\n\t\t\t\t\t}\n\t\t\t\t}',
    },
    config: {
      path: 'config.json',
      outputs: [
        { name: 'appVersion', fromExpression: 'app.version' },
        { name: 'featureStatus', fromExpression: 'features.newFeature' },
      ],
    },
    output: { appVersion: '1.0.0', featureStatus: false },
  },
  {
    upstream: run('failed to extract outputs'),
    files: { 'config.json': '{ "app": { "version": "1.0.0" }}' },
    config: {
      path: 'config.json',
      outputs: [{ name: 'invalidField', fromExpression: 'nonexistent.path' }],
    },
    error: ['failed to extract outputs', 'cannot fetch path from <nil>'],
    differs: terminal,
    terminal: true,
  },
  { upstream: run('no outputs provided'), skip: bypass, config: {} },
  {
    upstream: run('handle empty JSON file'),
    files: { 'config.json': '' },
    config: { path: 'config.json', outputs: [{ name: 'key', fromExpression: 'app.key' }] },
    error: 'could not parse JSON file',
    differs: terminal,
    terminal: true,
  },
  { upstream: run('path is empty'), skip: bypass, config: {} },
  {
    upstream: run('path is a directory instead of a file'),
    config: { path: 'config', outputs: [{ name: 'key', fromExpression: 'app.key' }] },
    error: 'no such file or directory',
    differs: terminal,
    terminal: true,
  },
  {
    upstream: run('valid JSON, valid expressions, valid path'),
    files: {
      'config.json':
        '{\n\t"app": {\n\t\t"version": "2.0.1"\n\t},\n\t"features": {\n\t\t"enabled": true\n\t},\n\t"config": {\n\t\t"threshold": 10.0\n\t}\n}',
    },
    config: {
      path: 'config.json',
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
    upstream: read('Valid JSON with map root'),
    files: { 'test.json': '{\n\t"key": "value",\n\t"num": 42,\n\t"flag": true\n}' },
    config: {
      path: 'test.json',
      outputs: [...whole, { name: 'numType', fromExpression: 'type(num)' }],
    },
    output: { doc: { key: 'value', num: 42, flag: true }, numType: 'float' },
  },
  {
    upstream: read('Valid JSON with nested structure'),
    files: {
      'test.json':
        '{"app": {"name": "test-app", "version": "1.2.3", "config": {"debug": false, "port": 8080}},\n "items": [{"name": "first", "value": 100}, {"name": "second", "value": 200}]}',
    },
    config: {
      path: 'test.json',
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
    upstream: read('Valid JSON with array values'),
    files: {
      'test.json':
        '{"numbers": [1, 2, 3, 4, 5], "strings": ["hello", "world"], "mixed": [true, 42, "text", null]}',
    },
    config: {
      path: 'test.json',
      outputs: [...whole, { name: 'types', fromExpression: 'map(numbers, type(#))' }],
    },
    output: {
      doc: {
        numbers: [1, 2, 3, 4, 5],
        strings: ['hello', 'world'],
        mixed: [true, 42, 'text', null],
      },
      types: ['float', 'float', 'float', 'float', 'float'],
    },
  },
  {
    upstream: read('Valid JSON with null values'),
    files: { 'test.json': '{"nullValue": null, "emptyString": "", "zeroNumber": 0}' },
    config: {
      path: 'test.json',
      outputs: [...whole, { name: 'zeroType', fromExpression: 'type(zeroNumber)' }],
    },
    output: { doc: { nullValue: null, emptyString: '', zeroNumber: 0 }, zeroType: 'float' },
  },
  {
    upstream: read('Invalid JSON syntax'),
    files: { 'test.json': '{key: "value"}' },
    config: { path: 'test.json', outputs: whole },
    error: 'could not parse JSON file',
  },
  {
    upstream: read('Empty JSON file'),
    files: { 'test.json': '' },
    config: { path: 'test.json', outputs: whole },
    error: 'could not parse JSON file',
  },

  {
    upstream: extract('valid expression'),
    files: { 'data.json': '{"key": "value"}' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: 'key' }] },
    output: { result: 'value' },
  },
  {
    upstream: extract('root list - access by index'),
    files: { 'data.json': '["first", "second", "third"]' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: '$env[0]' }] },
    output: { result: 'first' },
  },
  {
    upstream: extract('root list - get length'),
    files: { 'data.json': '["first", "second", "third"]' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: 'len($env)' }] },
    output: { result: 3 },
  },
  {
    upstream: extract('root list of objects - access nested property'),
    files: { 'data.json': '[{"name": "item1", "value": 10}, {"name": "item2", "value": 20}]' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: '$env[1].name' }] },
    output: { result: 'item2' },
  },
  {
    upstream: extract('expression points to missing key'),
    files: { 'data.json': '{"key": "value"}' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: 'missingKey' }] },
    output: { result: null },
  },
  {
    upstream: extract('expression evaluates to a nested object'),
    files: { 'data.json': '{"nested": {"key": "value"}}' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: 'nested' }] },
    output: { result: { key: 'value' } },
  },
  {
    upstream: extract('expression evaluates to an array'),
    files: { 'data.json': '{"array": [1, 2, 3]}' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: 'array' }] },
    output: { result: [1, 2, 3] },
  },
  {
    upstream: extract('expression evaluates to a string'),
    files: { 'data.json': '{"key": "value"}' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: 'key' }] },
    output: { result: 'value' },
  },
  {
    upstream: extract('expression evaluates to an integer'),
    files: { 'data.json': '{"number": 42}' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: 'number' }] },
    output: { result: 42 },
  },
  {
    upstream: extract('expression compilation error'),
    files: { 'data.json': '{"key": "value"}' },
    config: { path: 'data.json', outputs: [{ name: 'result', fromExpression: '(1 + 2' }] },
    error: 'error compiling expression',
  },
];
