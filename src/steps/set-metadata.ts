import { z } from 'zod';
import { defineStep } from '../engine/step.js';

/**
 * set-metadata: merges values into the `status.metadata` of Stages or Freight of the project,
 * readable later with stageMetadata() / freightMetadata() and shown in their status.
 */
export const setMetadataStep = defineStep({
  kind: 'set-metadata',
  description: 'Record metadata on a Stage or Freight',
  configSchema: z.strictObject({
    updates: z
      .array(
        z.strictObject({
          kind: z.enum(['Stage', 'Freight']).describe('What to annotate'),
          name: z.string().min(1).describe('Its name'),
          values: z.record(z.string(), z.unknown()).describe('Values to merge into its metadata'),
        }),
      )
      .min(1),
  }),
  capabilities: ['metadata'],
  async run(context, config) {
    for (const update of config.updates) {
      if (context.plan) {
        context.log(
          `plan: would set metadata ${Object.keys(update.values).join(', ')} on ${update.kind} ${update.name}`,
        );
        continue;
      }
      await context.setMetadata(update.kind, update.name, update.values);
      context.log(
        `set metadata ${Object.keys(update.values).join(', ')} on ${update.kind} ${update.name}`,
      );
    }
    return { status: 'Succeeded' };
  },
});
