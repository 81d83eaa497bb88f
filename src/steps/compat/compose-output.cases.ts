import type { SimpleStepCase } from './simple-step-case.js';

/**
 * Kargo has no test file for compose-output (output_composer.go); its schema
 * (compose-output-config.json: any object with at least one key) and its documented behaviour
 * (the config, already evaluated, is the output) as data.
 */
export const composeOutputCases: SimpleStepCase[] = [
  {
    upstream: 'compose-output-config.json minProperties 1: an empty config is refused',
    validateOnly: true,
    config: {},
    error: 'must have at least one output',
  },
  {
    upstream: 'compose-output-config.json minProperties 1: a step without config is refused',
    validateOnly: true,
    config: undefined,
    error: 'must have at least one output',
  },
  {
    upstream: 'compose-output-config.json: any keys and values',
    validateOnly: true,
    config: { prURL: 'https://x/pull/1', nested: { a: [1, 2] }, nothing: null, flag: false },
  },
  {
    upstream: 'output_composer.go run: the output is a copy of the config',
    config: { prURL: 'https://github.com/example/repo/pull/42', mergeCommit: 'abc123', n: 3 },
    output: { prURL: 'https://github.com/example/repo/pull/42', mergeCommit: 'abc123', n: 3 },
  },
  {
    upstream: 'output_composer.go run: structured values are kept as they are',
    config: { combined: { images: ['a:1', 'b:2'], ready: true, none: null } },
    output: { combined: { images: ['a:1', 'b:2'], ready: true, none: null } },
  },
];
