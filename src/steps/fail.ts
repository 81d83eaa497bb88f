import { z } from 'zod';
import { defineStep } from '../engine/step.js';

/**
 * fail: fails the promotion on purpose (use it with `if`), as Kargo's failer.go: the step ends
 * Failed with the reason `failed`, or `failed: <message>`.
 */
export const failStep = defineStep({
  kind: 'fail',
  description: 'Fail the promotion with a message',
  // As Kargo's fail-config.json: the config is optional, an empty message refused.
  configSchema: z.strictObject({
    message: z.string().min(1).optional().describe('Why the promotion stops'),
  }),
  capabilities: [],
  run(context, config) {
    const message = config.message === undefined ? 'failed' : `failed: ${config.message}`;
    context.log(message);
    return Promise.resolve({ status: 'Failed', message });
  },
});
