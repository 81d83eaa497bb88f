import { z } from 'zod';
import { defineStep } from '../engine/step.js';

/**
 * compose-output: makes new outputs from its config (whose values are expressions, already
 * evaluated). Inside a PromotionTask the keys also appear under the task's alias.
 */
export const composeOutputStep = defineStep({
  kind: 'compose-output',
  description: 'Build outputs from expressions',
  configSchema: z.record(z.string(), z.unknown()),
  capabilities: [],
  run(_context, config) {
    return Promise.resolve({ status: 'Succeeded', output: { ...config } });
  },
});
