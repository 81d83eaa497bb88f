import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { updateValues } from './update-values.js';
import { updateJson } from './json-edit.js';

/** json-update: sets values in a JSON file by dotted key. Output `commitMessage`. */
export const jsonUpdateStep = defineStep({
  kind: 'json-update',
  description: 'Set values in a JSON file',
  configSchema: z.strictObject({
    path: z.string().min(1).describe('The JSON file, relative to the working directory'),
    updates: z
      .array(
        z.strictObject({
          key: z.string().min(1).describe('Dotted key; \\. escapes a dot'),
          value: z.unknown().describe('The new value'),
        }),
      )
      .min(1),
  }),
  capabilities: [],
  run(context, config) {
    return updateValues(context, config, updateJson);
  },
});
