import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
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
    const file = context.workDir.resolve(config.path);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw terminalError(`path: ${config.path} does not exist`);
    }
    let updated: string;
    try {
      updated = updateYaml(text, config.updates);
    } catch (err) {
      throw terminalError(`${config.path}: ${(err as Error).message}`);
    }
    writeFileSync(file, updated);
    const lines = config.updates.map((u) => `- ${u.key}: ${JSON.stringify(u.value)}`);
    for (const line of lines) context.log(`${config.path}: set ${line.slice(2)}`);
    return Promise.resolve({
      status: 'Succeeded',
      output: { commitMessage: `Updated ${config.path}\n\n${lines.join('\n')}` },
    });
  },
});
