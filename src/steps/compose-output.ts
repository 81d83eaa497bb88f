import { z } from 'zod';
import { defineStep } from '../engine/step.js';

/**
 * compose-output: makes new outputs from its config (whose values are expressions, already
 * evaluated), as Kargo's output_composer.go. Inside a PromotionTask the keys also appear under
 * the task's alias.
 */
export const composeOutputStep = defineStep({
  kind: 'compose-output',
  description: 'Build outputs from expressions',
  // As Kargo's compose-output-config.json: any keys, at least one.
  configSchema: z
    .record(z.string(), z.unknown())
    .refine((config) => Object.keys(config).length > 0, {
      message: 'must have at least one output',
    })
    .describe('The outputs: each key an output name, its value the output'),
  capabilities: [],
  run(_context, config) {
    return Promise.resolve({ status: 'Succeeded', output: { ...config } });
  },
});
