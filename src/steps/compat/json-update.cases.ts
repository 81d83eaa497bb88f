import type { ValueUpdateCase } from './value-update-case.js';

const U = 'json_updater_test.go';
const NO_EMPTY_UPDATES =
  'calls an internal function with no updates, which the step schema (minItems 1) never lets through';

const indented = `{
				"key": "value",
				"nested": {
					"key1": "value1",
					"key2": "value2"
				}
			}`;

const config = `{
					"app": {
						"version": "1.0.0"
					},
					"features": {
						"newFeature": false
					}
				}`;

/** One update; the expected text was checked against tidwall/sjson's Set itself. */
function setCase(
  name: string,
  key: string,
  value: unknown,
  before: string,
  after: string,
): ValueUpdateCase {
  return {
    upstream: `${U} (code) ${name}`,
    config: { path: 'config.json', updates: [{ key, value }] },
    files: { 'config.json': before },
    expectFiles: { 'config.json': after },
  };
}

export const jsonUpdateCases: ValueUpdateCase[] = [
  // Test_jsonUpdater_convert: the config against json-update-config.json.
  {
    upstream: `${U} Test_jsonUpdater_convert path is not specified`,
    validateOnly: true,
    config: {},
    error: 'path: required',
  },
  {
    upstream: `${U} Test_jsonUpdater_convert path is empty`,
    validateOnly: true,
    config: { path: '' },
    error: 'path: must not be empty',
  },
  {
    upstream: `${U} Test_jsonUpdater_convert updates is null`,
    validateOnly: true,
    config: {},
    error: 'updates: required',
  },
  {
    upstream: `${U} Test_jsonUpdater_convert updates is empty`,
    validateOnly: true,
    config: { updates: [] },
    error: 'updates: must have at least one item',
  },
  {
    upstream: `${U} Test_jsonUpdater_convert key not specified`,
    validateOnly: true,
    config: { updates: [{}] },
    error: 'updates[0].key: required',
  },
  {
    upstream: `${U} Test_jsonUpdater_convert key is empty`,
    validateOnly: true,
    config: { updates: [{ key: '' }] },
    error: 'updates[0].key: must not be empty',
  },
  {
    upstream: `${U} Test_jsonUpdater_convert value not specified`,
    validateOnly: true,
    config: { updates: [{}] },
    error: 'updates[0].value: required',
  },
  {
    upstream: `${U} Test_jsonUpdater_convert valid config`,
    validateOnly: true,
    config: {
      path: 'fake-path',
      updates: [
        { key: 'fake-key', value: 'fake-value' },
        { key: 'another-fake-key', value: 'another-fake-value' },
      ],
    },
  },

  // Test_jsonUpdater_updateValuesFile
  {
    upstream: `${U} Test_jsonUpdater_updateValuesFile successful update`,
    config: { path: 'values.json', updates: [{ key: 'key', value: 'newvalue' }] },
    files: { 'values.json': '{"key": "value"}' },
    expectFiles: { 'values.json': '{"key": "newvalue"}' },
  },
  {
    upstream: `${U} Test_jsonUpdater_updateValuesFile file does not exist`,
    config: { path: 'values.json', updates: [{ key: 'key', value: 'value' }] },
    error: 'values.json does not exist',
  },
  {
    upstream: `${U} Test_jsonUpdater_updateValuesFile empty changes`,
    config: {},
    skip: NO_EMPTY_UPDATES,
  },
  {
    upstream: `${U} Test_jsonUpdater_updateValuesFile preserve formatting after update`,
    config: { path: 'values.json', updates: [{ key: 'key', value: 'newvalue' }] },
    files: { 'values.json': indented },
    // Upstream compares as JSON; the edit is in place, so the bytes are checked here.
    expectFiles: { 'values.json': indented.replace('"value"', '"newvalue"') },
  },

  // Test_jsonUpdater_generateCommitMessage (through a run on a file holding the keys)
  {
    upstream: `${U} Test_jsonUpdater_generateCommitMessage no changes`,
    config: {},
    skip: NO_EMPTY_UPDATES,
  },
  {
    upstream: `${U} Test_jsonUpdater_generateCommitMessage single change`,
    config: { path: 'values.json', updates: [{ key: 'image', value: 'repo/image:tag1' }] },
    files: { 'values.json': '{"image": "old"}' },
    commitMessage: 'Updated values.json\n\n- image: "repo/image:tag1"',
  },
  {
    upstream: `${U} Test_jsonUpdater_generateCommitMessage multiple changes`,
    config: {
      path: 'chart/values.json',
      updates: [
        { key: 'image1', value: 'repo1/image1:tag1' },
        { key: 'image2', value: 'repo2/image2:tag2' },
      ],
    },
    files: { 'chart/values.json': '{}' },
    commitMessage:
      'Updated chart/values.json\n\n- image1: "repo1/image1:tag1"\n- image2: "repo2/image2:tag2"',
  },

  // Test_jsonUpdater_run
  {
    upstream: `${U} Test_jsonUpdater_run successful run with updates`,
    config: {
      path: 'config.json',
      updates: [
        { key: 'app.version', value: '1.0.1' },
        { key: 'features.newFeature', value: true },
        { key: 'threshold', value: 100 },
      ],
    },
    files: { 'config.json': config },
    commitMessage:
      'Updated config.json\n\n- app.version: "1.0.1"\n- features.newFeature: true\n- threshold: 100',
    expectContains: {
      'config.json': ['"version": "1.0.1"', '"newFeature": true', '"threshold":100'],
    },
    // sjson appends a missing key before the closing brace, compactly.
    expectFiles: {
      'config.json': `${config
        .replace('"1.0.0"', '"1.0.1"')
        .replace('false', 'true')
        .slice(0, -1)},"threshold":100}`,
    },
  },
  {
    upstream: `${U} Test_jsonUpdater_run failed to update file`,
    config: { path: 'non-existent/config.json', updates: [{ key: 'app.version', value: '1.0.1' }] },
    error: 'does not exist',
  },
  {
    upstream: `${U} Test_jsonUpdater_run no updates provided`,
    config: {},
    skip: NO_EMPTY_UPDATES,
  },
  {
    upstream: `${U} Test_jsonUpdater_run handle empty JSON file`,
    config: { path: 'config.json', updates: [{ key: 'app.version', value: '1.0.1' }] },
    files: { 'config.json': '' },
    expectJson: { 'config.json': { app: { version: '1.0.1' } } },
    expectFiles: { 'config.json': '{"app":{"version":"1.0.1"}}' },
  },
  {
    upstream: `${U} Test_jsonUpdater_run add new key to JSON`,
    config: { path: 'config.json', updates: [{ key: 'settings.newKey', value: 'added' }] },
    files: { 'config.json': '{"settings": {}}' },
    expectJson: { 'config.json': { settings: { newKey: 'added' } } },
    expectFiles: { 'config.json': '{"settings": {"newKey":"added"}}' },
  },
  {
    upstream: `${U} Test_jsonUpdater_run update numeric value`,
    config: { path: 'config.json', updates: [{ key: 'threshold', value: 425 }] },
    files: { 'config.json': '{"threshold": 10}' },
    expectFiles: { 'config.json': '{"threshold": 425}' },
  },
  {
    upstream: `${U} Test_jsonUpdater_run update boolean value to false`,
    config: { path: 'config.json', updates: [{ key: 'features.existingFeature', value: false }] },
    files: { 'config.json': '{"features": {"existingFeature": true}}' },
    expectFiles: { 'config.json': '{"features": {"existingFeature": false}}' },
  },

  // Behaviour from json_updater.go and tidwall/sjson's Set, which Kargo calls.
  {
    upstream: `${U} (code) a null value is not a scalar`,
    config: { path: 'config.json', updates: [{ key: 'a', value: null }] },
    files: { 'config.json': '{"a": 1}' },
    error: 'value for key "a" is not a scalar type',
  },
  {
    upstream: `${U} (code) a map value is not a scalar`,
    config: { path: 'config.json', updates: [{ key: 'a', value: { b: 1 } }] },
    files: { 'config.json': '{"a": 1}' },
    error: 'is not a scalar type',
  },
  {
    upstream: `${U} (code) an error in any update writes nothing`,
    config: {
      path: 'config.json',
      updates: [
        { key: 'a', value: 2 },
        { key: 'b', value: [1] },
      ],
    },
    files: { 'config.json': '{"a": 1}' },
    error: 'is not a scalar type',
  },
  setCase(
    'untouched bytes stay',
    'spec.image.tag',
    'v2',
    '{\n    "spec" : { "image": {"tag" :"v1", "x": [1,2 ,3]} },\n  "z": null\n}\n',
    '{\n    "spec" : { "image": {"tag" :"v2", "x": [1,2 ,3]} },\n  "z": null\n}\n',
  ),
  setCase(
    'a numeric part indexes a list',
    'list.1.name',
    'b2',
    '{"list": [{"name": "a"}, {"name": "b"}]}',
    '{"list": [{"name": "a"}, {"name": "b2"}]}',
  ),
  setCase('-1 appends to a list', 'list.-1', 3, '{"list": [1, 2]}', '{"list": [1, 2,3]}'),
  setCase(
    'an index past the end pads with null',
    'list.3',
    'x',
    '{"list": [1]}',
    '{"list": [1,null,null,"x"]}',
  ),
  setCase('a missing numeric part makes a list', 'a.0', 'x', '{}', '{"a":["x"]}'),
  setCase('a colon makes a numeric part a key', 'a.:0', 'x', '{}', '{"a":{"0":"x"}}'),
  setCase('an escaped dot is part of the key', 'a\\.b', 1, '{"a.b": 0}', '{"a.b": 1}'),
  setCase(
    'numbers are written without exponent',
    'n',
    1e21,
    '{"n": 0}',
    '{"n": 1000000000000000000000}',
  ),
  setCase('strings are escaped as Go does', 's', 'a<b"', '{"s": ""}', '{"s": "a\\u003cb\\""}'),
  setCase('a scalar on the way becomes an object', 'a.b', 1, '{"a": "x"}', '{"a": {"b":1}}'),
  setCase('a new key drops the blanks around the object', 'b', 2, '{"a": 1}\n', '{"a": 1,"b":2}'),
  setCase('an index past the end of a top-level list', '2', 'x', '  [1]  ', '[1,null,"x"]'),
  setCase(
    'new objects are written compactly',
    'b.c',
    true,
    '{\n  "a": 1\n}\n',
    '{\n  "a": 1\n,"b":{"c":true}}',
  ),
  setCase(
    'small numbers are written without exponent',
    'n',
    0.0000001,
    '{"n":1}',
    '{"n":0.0000001}',
  ),
  {
    upstream: `${U} (code) a non-numeric part of a list`,
    config: { path: 'config.json', updates: [{ key: 'list.x', value: 1 }] },
    files: { 'config.json': '{"list": []}' },
    error: "cannot set array element for non-numeric key 'x'",
  },
  {
    upstream: `${U} (code) numbers in the commit message as Go prints them`,
    config: { path: 'config.json', updates: [{ key: 'n', value: 1000000 }] },
    files: { 'config.json': '{"n": 0}' },
    expectFiles: { 'config.json': '{"n": 1000000}' },
    commitMessage: 'Updated config.json\n\n- n: 1e+06',
  },
  {
    upstream: `${U} (code) text that is not JSON`,
    config: { path: 'config.json', updates: [{ key: 'a', value: 1 }] },
    files: { 'config.json': 'a = 1\n' },
    error: 'not valid JSON',
    differs: 'refused; Kargo (sjson) does not check and replaces the text with {"a":1}',
  },
  {
    upstream: `${U} (code) a path with a wildcard`,
    config: { path: 'config.json', updates: [{ key: 'list.*', value: 1 }] },
    files: { 'config.json': '{"list": [0]}' },
    error: 'not supported',
    differs: "refused; Kargo hands gjson's query syntax (| # @ * ?) to sjson",
  },
];
