import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { updateValues } from './update-values.js';
import { splitKey, updateYaml } from './yaml-edit.js';

export const yamlUpdateConfigSchema = z.strictObject({
  path: z.string().min(1).describe('The YAML file to change, relative to the working directory'),
  updates: z
    .array(
      z.strictObject({
        key: z
          .string()
          .min(1)
          .refine((key) => {
            try {
              splitKey(key);
              return true;
            } catch {
              return false;
            }
          }, 'must be a dotted key such as spec.values.tag (write \\. for a dot inside a key)')
          .describe('Dotted key of the value; \\. escapes a dot'),
        value: z.unknown().describe('The new value'),
      }),
    )
    .min(1)
    .describe('The values to set'),
});

/**
 * yaml-update: sets values in a YAML file by dotted key, leaving every other byte as it was
 * (comments, key order, quoting, indentation). Output `commitMessage` describes the change.
 */
export const yamlUpdateStep = defineStep({
  kind: 'yaml-update',
  description: 'Set values in a YAML file, keeping its formatting',
  configSchema: yamlUpdateConfigSchema,
  capabilities: [],
  run(context, config) {
    return updateValues(context, config, updateYaml);
  },
});
