import { terminalError } from '../engine/step-error.js';
import { evaluate } from '../expr/evaluator.js';
import { isExprError } from '../expr/expr-error.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import { isPlainObject } from '../expr/values.js';

/** Evaluates yaml-parse / json-parse outputs over a parsed document (its top-level keys are names). */
export function outputsFromDocument(
  document: unknown,
  outputs: Array<{ name: string; fromExpression: string }>,
  log: (line: string) => void,
): Record<string, unknown> {
  const variables = isPlainObject(document) ? document : {};
  const result: Record<string, unknown> = {};
  for (const [index, item] of outputs.entries()) {
    try {
      result[item.name] = evaluate(parse(item.fromExpression), {
        variables,
        functions: standardFunctions,
      });
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
