import { terminalError } from '../engine/step-error.js';
import { evaluate } from '../expr/evaluator.js';
import { isExprError } from '../expr/expr-error.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import { isPlainObject, jsonNumbersAsFloats } from '../expr/values.js';

/**
 * Evaluates yaml-parse / json-parse outputs over a parsed document, as Kargo runs them: the
 * document is the environment (a map's keys are names; a list is read with `$env[0]`). A JSON
 * document's numbers are floats, as Go's json.Unmarshal makes them; a YAML document keeps ints.
 */
export function outputsFromDocument(
  parsed: unknown,
  outputs: Array<{ name: string; fromExpression: string }>,
  log: (line: string) => void,
  format: 'json' | 'yaml' = 'yaml',
): Record<string, unknown> {
  const document = format === 'json' ? jsonNumbersAsFloats(parsed) : parsed;
  const environment = isPlainObject(document)
    ? { variables: document, functions: standardFunctions }
    : { variables: {}, root: document, functions: standardFunctions };
  const result: Record<string, unknown> = {};
  for (const [index, item] of outputs.entries()) {
    try {
      result[item.name] = evaluate(parse(item.fromExpression), environment);
    } catch (err) {
      if (isExprError(err)) throw terminalError(`outputs[${index}].fromExpression: ${err.message}`);
      throw err;
    }
    log(`${item.name} = ${JSON.stringify(result[item.name])}`);
  }
  return result;
}

export const outputsSchemaDescription =
  "Expression over the document, e.g. spec.values.tag (the document's top-level keys are names)";
