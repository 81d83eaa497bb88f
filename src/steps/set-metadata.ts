import { z } from 'zod';
import { defineStep } from '../engine/step.js';

/**
 * set-metadata: sets keys of the `status.metadata` of Stages or Freight of the project (each
 * key replaced whole, the others kept), readable later with stageMetadata() /
 * freightMetadata() and shown in their status. Kargo: metadata_setter.go.
 */
export const setMetadataStep = defineStep({
  kind: 'set-metadata',
  description: 'Record metadata on a Stage or Freight',
  // As Kargo's set-metadata-config.json.
  configSchema: z.strictObject({
    updates: z
      .array(
        z.strictObject({
          kind: z.enum(['Stage', 'Freight']).describe('What to annotate'),
          name: z.string().min(1).describe('Its name'),
          values: z
            .record(z.string(), z.unknown())
            .refine((values) => Object.keys(values).length > 0, {
              message: 'must have at least one key',
            })
            .describe('Keys to set in its metadata'),
        }),
      )
      .min(1)
      .describe('The metadata to set, in order'),
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
