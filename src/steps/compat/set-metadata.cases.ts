import type { SimpleStepCase } from './simple-step-case.js';

const convert = (name: string) => `metadata_setter_test.go Test_metadataSetter_convert ${name}`;
const run = (name: string) => `metadata_setter_test.go Test_metadataSetter_run ${name}`;
const controller =
  "reads and patches the object through Kargo's Kubernetes client; in Gantry the step hands each update to the engine's setMetadata, and the lookup (a missing Stage or Freight is an error) and the status write are the promotion controller's (src/controllers/promotion-controller.ts)";
/** Kargo's testValueUpdates. */
const values = { string: 'bar', num: 43, complex: { updated: true }, new: 'success!' };

/** Kargo's set-metadata tables (pkg/promotion/runner/builtin/metadata_setter_test.go), as data. */
export const setMetadataCases: SimpleStepCase[] = [
  {
    upstream: convert('missing updates field'),
    validateOnly: true,
    config: {},
    error: 'updates: required',
  },
  {
    upstream: convert('invalid config type'),
    validateOnly: true,
    config: { updates: 'not-an-array' },
    error: 'updates: expected a list',
  },
  {
    upstream: convert('missing required fields in updates'),
    validateOnly: true,
    config: { updates: [{}] },
    error: ['updates[0].kind', 'updates[0].name: required', 'updates[0].values: required'],
  },
  {
    upstream: convert('invalid kind'),
    validateOnly: true,
    config: { updates: [{ kind: 'InvalidKind', name: 'test', values: { key: 'value' } }] },
    error: 'updates[0].kind: must be one of Stage, Freight',
  },
  {
    upstream: convert('empty name'),
    validateOnly: true,
    config: { updates: [{ kind: 'Stage', name: '', values: { key: 'value' } }] },
    error: 'updates[0].name: must not be empty',
  },
  {
    upstream: convert('empty values'),
    validateOnly: true,
    config: { updates: [{ kind: 'Stage', name: 'test', values: {} }] },
    error: 'updates[0].values: must have at least one key',
  },
  {
    upstream: convert('valid kitchen sink'),
    validateOnly: true,
    config: {
      updates: [
        {
          kind: 'Stage',
          name: 'test-stage',
          values: {
            string: 'value',
            number: 42,
            bool: true,
            nullKey: null,
            object: {
              nested: 'value',
              array: ['item1', 'item2'],
              deep: { foo: 'bar', nums: [1, 2, 3] },
            },
          },
        },
        { kind: 'Freight', name: 'test-freight', values: { deployed: true, version: '1.0.0' } },
      ],
    },
  },

  {
    upstream: run('unsupported kind'),
    skip: 'calls the runner with a kind the schema refuses; the convert case "invalid kind" is run above',
    config: {},
  },
  { upstream: run('Stage not found'), skip: controller, config: {} },
  { upstream: run('error patching Stage status'), skip: controller, config: {} },
  {
    upstream: run('successful Stage metadata update'),
    config: { updates: [{ kind: 'Stage', name: 'test-obj', values }] },
    metadataWrites: [{ kind: 'Stage', name: 'test-obj', values }],
  },
  { upstream: run('Freight not found'), skip: controller, config: {} },
  { upstream: run('error patching Freight status'), skip: controller, config: {} },
  {
    upstream: run('successful Freight metadata update'),
    config: { updates: [{ kind: 'Freight', name: 'test-obj', values }] },
    metadataWrites: [{ kind: 'Freight', name: 'test-obj', values }],
  },
];
