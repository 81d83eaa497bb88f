import { parse } from 'yaml';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { readText } from './update-values.js';
import { outputsFromDocument } from './parse-outputs.js';

export const yamlParseConfigSchema = z.strictObject({
  path: z.string().min(1).describe('The YAML file to read, relative to the working directory'),
  outputs: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('Name of the output'),
        fromExpression: z
          .string()
          .min(1)
          .describe(
            "Expression over the document, e.g. spec.values.tag (the document's top-level keys are names)",
          ),
      }),
    )
    .min(1)
    .describe('Values to extract'),
});

/** yaml-parse: reads a YAML file and extracts values into outputs with expressions. */
export const yamlParseStep = defineStep({
  kind: 'yaml-parse',
  description: 'Read values from a YAML file into outputs',
  configSchema: yamlParseConfigSchema,
  capabilities: [],
  run(context, config) {
    const text = readText(context, config.path);
    let document: unknown;
    try {
      document = parse(text) as unknown;
    } catch (err) {
      throw terminalError(`${config.path} is not valid YAML: ${(err as Error).message}`);
    }
    return Promise.resolve({
      status: 'Succeeded',
      output: outputsFromDocument(document, config.outputs, (line) => context.log(line)),
    });
  },
});
