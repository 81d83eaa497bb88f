import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import {
  outputsFromDocument,
  outputsSchemaDescription,
  parseYamlAsKargo,
  readDocumentText,
} from './parse-outputs.js';

/** As Kargo's yaml-parse-config.json. */
export const yamlParseConfigSchema = z.strictObject({
  path: z.string().min(1).describe('The YAML file to read, relative to the working directory'),
  outputs: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('Name of the output'),
        fromExpression: z.string().min(1).describe(outputsSchemaDescription),
      }),
    )
    .min(1)
    .describe('Values to extract'),
});

/**
 * yaml-parse: reads a YAML file and extracts values into outputs with expressions, as Kargo's
 * yaml_parser.go: the document read as sigs.k8s.io/yaml reads it (numbers are floats), an empty
 * file refused.
 */
export const yamlParseStep = defineStep({
  kind: 'yaml-parse',
  description: 'Read values from a YAML file into outputs',
  configSchema: yamlParseConfigSchema,
  capabilities: [],
  run(context, config) {
    const text = readDocumentText(context, config.path, 'YAML');
    if (text.length === 0)
      throw terminalError(`could not parse empty YAML file: ${JSON.stringify(config.path)}`);
    let document: unknown;
    try {
      document = parseYamlAsKargo(text);
    } catch (err) {
      throw terminalError(
        `could not parse YAML file ${JSON.stringify(config.path)}: ${(err as Error).message}`,
      );
    }
    return Promise.resolve({
      status: 'Succeeded',
      output: outputsFromDocument(document, config.outputs, (line) => context.log(line)),
    });
  },
});
