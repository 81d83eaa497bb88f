import { parseAllDocuments } from 'yaml';
import type { StepContext } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { evaluate } from '../expr/evaluator.js';
import { isExprError } from '../expr/expr-error.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import { isPlainObject, jsonNumbersAsFloats } from '../expr/values.js';

/**
 * The text of the document a yaml-parse / json-parse step reads, or Kargo's error (`error
 * reading YAML file "x": no such file or directory`), naming the path as the config gave it.
 */
export function readDocumentText(
  context: StepContext,
  path: string,
  format: 'JSON' | 'YAML',
): string {
  try {
    return context.workDir.readFile(path, 'path').toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'no such file or directory'
        : code === 'EISDIR'
          ? 'is a directory'
          : undefined;
    if (reason)
      throw terminalError(`error reading ${format} file ${JSON.stringify(path)}: ${reason}`);
    throw err;
  }
}

/**
 * A YAML file as Kargo's sigs.k8s.io/yaml reads it into `any`: its first document, YAML 1.1 as go-yaml v2
 * resolves it (`yes`, `on`, `y` are true; `010` is octal), timestamps and `1:30` left as text
 * (go-yaml v2 keeps them strings in an `any`), then through JSON, so keys are strings and every
 * number is a float64.
 */
export function parseYamlAsKargo(text: string): unknown {
  // Only the first document counts, as go-yaml v2's Unmarshal reads it (a file of several
  // `---` documents is not an error).
  const [first] = parseAllDocuments(text, {
    version: '1.1',
    customTags: (tags) =>
      tags.filter(
        (tag) =>
          typeof tag === 'string' ||
          (tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME'),
      ),
  });
  if (first?.errors[0]) throw first.errors[0];
  const parsed = first?.toJS() as unknown;
  return jsonNumbersAsFloats(JSON.parse(JSON.stringify(parsed ?? null)) as unknown);
}

/**
 * Evaluates yaml-parse / json-parse outputs over a parsed document, as Kargo runs them: each
 * expression compiled with expr's builtins only, then run with the document as the environment
 * (a map's keys are names; a list is read with `$env[0]`). Errors carry Kargo's wording
 * (`failed to extract outputs: error compiling expression "(1 + 2": …`).
 */
export function outputsFromDocument(
  document: unknown,
  outputs: Array<{ name: string; fromExpression: string }>,
  log: (line: string) => void,
): Record<string, unknown> {
  const environment = isPlainObject(document)
    ? { variables: document, functions: standardFunctions }
    : { variables: {}, root: document, functions: standardFunctions };
  const result: Record<string, unknown> = {};
  for (const [index, item] of outputs.entries()) {
    const failed = (stage: 'compiling' | 'evaluating', err: Error) =>
      terminalError(
        `failed to extract outputs: error ${stage} expression ${JSON.stringify(item.fromExpression)} (outputs[${index}].fromExpression): ${err.message}`,
      );
    let program;
    try {
      program = parse(item.fromExpression);
    } catch (err) {
      if (isExprError(err)) throw failed('compiling', err);
      throw err;
    }
    try {
      result[item.name] = evaluate(program, environment);
    } catch (err) {
      if (isExprError(err)) throw failed('evaluating', err);
      throw err;
    }
    log(`${item.name} = ${JSON.stringify(result[item.name])}`);
  }
  return result;
}

export const outputsSchemaDescription =
  "Expression over the document, e.g. spec.values.tag (the document's top-level keys are names)";
