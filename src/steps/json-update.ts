import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
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
    const file = context.workDir.resolve(config.path);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw terminalError(`path: ${config.path} does not exist`);
    }
    try {
      writeFileSync(file, updateJson(text, config.updates));
    } catch (err) {
      throw terminalError(`${config.path}: ${(err as Error).message}`);
    }
    const lines = config.updates.map((u) => `- ${u.key}: ${JSON.stringify(u.value)}`);
    return Promise.resolve({
      status: 'Succeeded',
      output: { commitMessage: `Updated ${config.path}\n\n${lines.join('\n')}` },
    });
  },
});
