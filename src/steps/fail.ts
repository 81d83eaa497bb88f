import { z } from 'zod';
import { defineStep } from '../engine/step.js';

/** fail: fails the promotion on purpose, with a message (use it with `if`). */
export const failStep = defineStep({
  kind: 'fail',
  description: 'Fail the promotion with a message',
  configSchema: z.strictObject({
    message: z.string().min(1).optional().describe('Why the promotion stops'),
  }),
  capabilities: [],
  run(context, config) {
    const message = config.message ?? 'failed by a fail step';
    context.log(message);
    return Promise.resolve({ status: 'Failed', message });
  },
});
