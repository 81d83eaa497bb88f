import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { updateValues } from './update-values.js';
import { jsonCommitValue, updateJson } from './json-edit.js';

/**
 * json-update: sets scalar values in a JSON file by dotted key, editing the text in place
 * (untouched bytes stay), as Kargo. Config as Kargo's json-update-config.json. Output
 * `commitMessage`.
 */
export const jsonUpdateStep = defineStep({
  kind: 'json-update',
  description: 'Set values in a JSON file',
  configSchema: z.strictObject({
    path: z.string().min(1).describe('The JSON file, relative to the working directory'),
    updates: z
      .array(
        z.strictObject({
          key: z
            .string()
            .min(1)
            .describe(
              'Dotted key (`a.b.0`, `-1` appends to a list); `\\` escapes the next character',
            ),
          value: z
            .unknown()
            .refine((value) => value !== undefined, 'required')
            .describe('The new value: a string, number or bool'),
        }),
      )
      .min(1)
      .describe('The values to set'),
  }),
  capabilities: [],
  run(context, config) {
    return updateValues(context, config, updateJson, jsonCommitValue);
  },
});
