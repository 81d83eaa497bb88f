import type { SimpleStepCase } from './simple-step-case.js';

const convert = (name: string) => `failer_test.go Test_failer_convert ${name}`;
const run = (name: string) => `failer_test.go Test_failer_run ${name}`;

/**
 * Kargo's fail tables (pkg/promotion/runner/builtin/failer_test.go), as data. Kargo's failer
 * answers Failed with a terminal error whose text is the reason; Gantry's step answers Failed
 * with that text as its message, which the engine records the same way.
 */
export const failCases: SimpleStepCase[] = [
  { upstream: convert('valid empty config'), validateOnly: true, config: {} },
  {
    upstream: convert('valid config with message'),
    validateOnly: true,
    config: { message: 'test message' },
  },
  // Not upstream rows: what fail-config.json also says.
  {
    upstream: 'fail-config.json message has minLength 1',
    validateOnly: true,
    config: { message: '' },
    error: 'message: must not be empty',
  },
  {
    upstream: 'fail-config.json additionalProperties false',
    validateOnly: true,
    config: { reason: 'x' },
    error: 'reason: unknown field',
  },
  {
    upstream: 'evaluator.go Config: a step without config is validated as {}',
    validateOnly: true,
    config: undefined,
  },

  { upstream: run('without message'), config: {}, status: 'Failed', message: 'failed' },
  {
    upstream: run('with message'),
    config: { message: 'test message' },
    status: 'Failed',
    message: 'failed: test message',
  },
];
