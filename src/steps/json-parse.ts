import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { jsonNumbersAsFloats } from '../expr/values.js';
import {
  outputsFromDocument,
  outputsSchemaDescription,
  readDocumentText,
} from './parse-outputs.js';

/**
 * json-parse: reads a JSON file and extracts values into outputs with expressions, as Kargo's
 * json_parser.go: numbers are floats, as Go's json.Unmarshal makes them; an empty file is not
 * JSON.
 */
export const jsonParseStep = defineStep({
  kind: 'json-parse',
  description: 'Read values from a JSON file into outputs',
  // As Kargo's json-parse-config.json.
  configSchema: z.strictObject({
    path: z.string().min(1).describe('The JSON file, relative to the working directory'),
    outputs: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe('Name of the output'),
          fromExpression: z.string().min(1).describe(outputsSchemaDescription),
        }),
      )
      .min(1)
      .describe('Values to extract'),
  }),
  capabilities: [],
  run(context, config) {
    const text = readDocumentText(context, config.path, 'JSON');
    let document: unknown;
    try {
      document = jsonNumbersAsFloats(JSON.parse(text) as unknown);
    } catch (err) {
      throw terminalError(
        `could not parse JSON file ${JSON.stringify(config.path)}: ${(err as Error).message}`,
      );
    }
    return Promise.resolve({
      status: 'Succeeded',
      output: outputsFromDocument(document, config.outputs, (line) => context.log(line)),
    });
  },
});
