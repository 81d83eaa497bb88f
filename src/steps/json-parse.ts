import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { readText } from './update-values.js';
import { outputsFromDocument, outputsSchemaDescription } from './parse-outputs.js';

/** json-parse: reads a JSON file and extracts values into outputs with expressions. */
export const jsonParseStep = defineStep({
  kind: 'json-parse',
  description: 'Read values from a JSON file into outputs',
  configSchema: z.strictObject({
    path: z.string().min(1).describe('The JSON file, relative to the working directory'),
    outputs: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          fromExpression: z.string().min(1).describe(outputsSchemaDescription),
        }),
      )
      .min(1),
  }),
  capabilities: [],
  run(context, config) {
    const text = readText(context, config.path);
    let document: unknown;
    try {
      document = JSON.parse(text) as unknown;
    } catch (err) {
      throw terminalError(`${config.path} is not valid JSON: ${(err as Error).message}`);
    }
    return Promise.resolve({
      status: 'Succeeded',
      output: outputsFromDocument(document, config.outputs, (line) => context.log(line), 'json'),
    });
  },
});
