import type { FileStepCase } from './file-step-case.js';

const convert = (name: string) => `yaml_merger_test.go Test_yamlMerger_convert ${name}`;
const run = (name: string) => `yaml_merger_test.go Test_YAMLMerger_run ${name}`;
const merge = (name: string) => `pkg/yaml/merge_test.go TestMergeFiles ${name}`;

/**
 * Kargo's yaml-merge tables (pkg/promotion/runner/builtin/yaml_merger_test.go) and the merge
 * itself (pkg/yaml/merge_test.go), as data. Expected files are exact text: kyaml writes two-space
 * indents and list items at their key's indent.
 */
export const yamlMergeCases: FileStepCase[] = [
  {
    upstream: convert('inFiles not specified (missing path field)'),
    validateOnly: true,
    config: { outFile: 'valid.yaml' },
    error: 'inFiles',
  },
  {
    upstream: convert('inFiles field is an empty array'),
    validateOnly: true,
    config: { inFiles: [], outFile: 'valid.yaml' },
    error: 'inFiles',
  },
  {
    upstream: convert('inFiles contains empty string'),
    validateOnly: true,
    config: { inFiles: [''], outFile: 'valid.yaml' },
  },
  {
    upstream: convert('outFile not specified (missing path field)'),
    validateOnly: true,
    config: { inFiles: ['valid.yaml'] },
    error: 'outFile',
  },
  {
    upstream: convert('outFile is empty string'),
    validateOnly: true,
    config: { inFiles: ['valid.yaml'], outFile: '' },
    error: 'outFile',
  },
  {
    upstream: convert('valid configuration (inFiles + outFile present)'),
    validateOnly: true,
    config: { inFiles: ['valid.yaml'], outFile: 'valid.yaml' },
  },
  {
    upstream: 'schemas/yaml-merge-config.json unknown field',
    validateOnly: true,
    config: { inFiles: ['a.yaml'], outFile: 'b.yaml', strategy: 'deep' },
    error: 'strategy',
  },
  {
    upstream: 'schemas/yaml-merge-config.json ignoreMissingFiles must be a boolean',
    validateOnly: true,
    config: { inFiles: ['a.yaml'], outFile: 'b.yaml', ignoreMissingFiles: 'yes' },
    error: 'ignoreMissingFiles',
  },
  {
    upstream: run('input file not found with ignoreMissingFiles false'),
    config: { inFiles: ['non-existent.yaml'], outFile: 'merged.yaml', ignoreMissingFiles: false },
    error: 'input file "non-existent.yaml" not found',
    terminal: false,
  },
  {
    upstream: run('error merging files'),
    files: { 'invalid.yaml': ':' },
    config: { inFiles: ['invalid.yaml'], outFile: 'merged.yaml' },
    error: 'error merging YAML files',
    terminal: false,
  },
  {
    upstream: run('successful merge'),
    files: { 'base.yaml': 'version: 1.0.0', 'overlay.yaml': 'version: 2.0.0' },
    config: {
      inFiles: ['base.yaml', 'overlay.yaml', 'non-existent.yaml'],
      outFile: 'merged.yaml',
      ignoreMissingFiles: true,
    },
    expectFiles: { 'merged.yaml': 'version: 2.0.0\n' },
    expectModes: { 'merged.yaml': 0o600 },
  },
  {
    upstream: merge('output path is empty'),
    config: { inFiles: ['a.yaml'], outFile: '' },
    skip: 'the step schema refuses an empty outFile before any merge (see convert "outFile is empty string")',
  },
  {
    upstream: merge('no input files'),
    config: { inFiles: ['gone.yaml'], outFile: 'merged.yaml', ignoreMissingFiles: true },
    expectFiles: { 'merged.yaml': '' },
  },
  {
    upstream: merge('input file does not exist'),
    config: { inFiles: ['non-existent.yaml'], outFile: 'merged.yaml' },
    error: 'not found',
    expectFiles: { 'merged.yaml': null },
  },
  {
    upstream: merge('input file does not contain valid YAML'),
    files: { 'invalid.yaml': ':' },
    config: { inFiles: ['invalid.yaml'], outFile: 'merged.yaml' },
    error: 'error reading input file invalid.yaml',
    expectFiles: { 'merged.yaml': null },
  },
  {
    upstream: merge('successful merge'),
    files: {
      'empty.yaml': '',
      'base.yaml': [
        '',
        'character:',
        '  name: Vader',
        '  ability: Force',
        '  affiliation: Empire',
        '  saberColor: red',
        'vehicles:',
        '- Star Destroyer',
      ].join('\n'),
      'overlay.yaml': [
        '',
        'character:',
        '  name: Luke # Alters character.name from the base',
        '  # ability: Force  # Should be inherited from the base without alteration',
        '  affiliation: Rebel Alliance # Alters character.affiliation from the base',
        '  saberColor: blue # Alters character.saberColor from the base',
        '  siblings: # A completely new field that the base does not have',
        '  - Leia',
        'vehicles: # Completely replaces vehicles list from the base',
        '- Millennium Falcon',
      ].join('\n'),
    },
    config: { inFiles: ['empty.yaml', 'base.yaml', 'overlay.yaml'], outFile: 'out/merged.yaml' },
    expectFiles: {
      'out/merged.yaml': [
        'character:',
        '  name: Luke # Alters character.name from the base',
        '  ability: Force',
        '  affiliation: Rebel Alliance # Alters character.affiliation from the base',
        '  saberColor: blue # Alters character.saberColor from the base',
        // A comment after a key that opens a block list moves to its own line (the yaml library's
        // placement; docs/compatibility.md).
        '  siblings:',
        '  # A completely new field that the base does not have',
        '  - Leia',
        'vehicles:',
        '# Completely replaces vehicles list from the base',
        '- Millennium Falcon',
        '',
      ].join('\n'),
    },
  },
  {
    upstream: 'docs yaml-merge.md Common Usage',
    files: {
      'src/charts/my-chart/values.yaml': 'service:\n  enabled: false\n',
      'src/charts/qa/values.yaml': 'service:\n  enabled: true\n',
      'src/charts/qa/cluster-a/values.yaml': 'service:\n  type: LoadBalancer\n',
    },
    config: {
      inFiles: [
        './src/charts/my-chart/values.yaml',
        './src/charts/qa/values.yaml',
        './src/charts/qa/cluster-a/values.yaml',
      ],
      outFile: './out/charts/my-chart/values.yaml',
    },
    expectFiles: {
      'out/charts/my-chart/values.yaml': 'service:\n  enabled: true\n  type: LoadBalancer\n',
    },
  },
];
