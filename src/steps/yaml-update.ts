import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { updateValues } from './update-values.js';
import { updateYaml, yamlCommitValue } from './yaml-edit.js';

/**
 * Kargo's yaml-update-config.json: `path` and at least one update, each with a non-empty `key`
 * and a `value` (required, any type). The key's syntax is checked when the step runs, as Kargo.
 */
export const yamlUpdateConfigSchema = z.strictObject({
  path: z.string().min(1).describe('The YAML file to change, relative to the working directory'),
  updates: z
    .array(
      z.strictObject({
        key: z
          .string()
          .min(1)
          .describe(
            'Dotted key of an existing scalar (`a.b.0`); `\\.` and `\\:` escape, `:` before a numeric part makes it a map key',
          ),
        value: z
          .unknown()
          .refine((value) => value !== undefined, 'required')
          .describe('The new value'),
      }),
    )
    .min(1)
    .describe('The values to set'),
});

/**
 * yaml-update: sets existing scalar values of a YAML file by dotted key, replacing only the
 * value's text (every other byte stays), as Kargo. Output `commitMessage` describes the change.
 */
export const yamlUpdateStep = defineStep({
  kind: 'yaml-update',
  description: 'Set values in a YAML file, keeping its formatting',
  configSchema: yamlUpdateConfigSchema,
  capabilities: [],
  run(context, config) {
    return updateValues(context, config, updateYaml, yamlCommitValue);
  },
});
