import type { Node } from '../../expr/ast.js';
import { evaluate } from '../../expr/evaluator.js';
import { standardFunctions } from '../../expr/functions/index.js';
import { parse } from '../../expr/parser.js';
import { stringify } from '../../expr/values.js';

/**
 * A git subscription's `expressionFilter`: a bare expr-lang expression (no `${{ }}`) over
 * one candidate's fields. Kargo keeps a candidate when the result is `true`, or a string
 * that Go's `strconv.ParseBool` reads as true (`"true"`, `"1"`, `"T"`, …); any other result
 * is an error, as is an expression that fails to evaluate.
 */
export class ExpressionFilter {
  readonly #program: Node;

  /** Throws the parser's error (`column 7: …`) when `source` is not an expression. */
  constructor(readonly source: string) {
    this.#program = parse(source);
  }

  /** Throws an Error saying why when the expression fails or is not a boolean. */
  accepts(variables: Readonly<Record<string, unknown>>): boolean {
    const result = evaluate(this.#program, { variables, functions: standardFunctions });
    if (typeof result === 'boolean') return result;
    // Go formats the value with %v and parses that: nil prints as <nil>, never a boolean.
    const text = result === null || result === undefined ? '<nil>' : stringify(result);
    if (GO_TRUE.has(text)) return true;
    if (GO_FALSE.has(text)) return false;
    throw new Error(
      `must evaluate to a boolean, got ${text === '<nil>' ? 'nil' : JSON.stringify(text)}`,
    );
  }
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
