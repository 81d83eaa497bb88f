import type { ExprFunction } from '../evaluator.js';
import { stringify } from '../values.js';
import { arity } from './arguments.js';

/**
 * Kargo's `quote(v)`: keeps a value a string. A template that is one whole expression has its
 * string result read as JSON (`"42"` becomes 42); `quote` returns the value as a JSON string
 * literal, which that reading turns back into exactly the string.
 */
export const quote: ExprFunction = (args) => {
  arity(args, 1);
  return JSON.stringify(stringify(args[0]));
};

/** Kargo's `unsafeQuote(v)`: like quote, but the final string keeps its surrounding quotes. */
export const unsafeQuote: ExprFunction = (args) => {
  arity(args, 1);
  return JSON.stringify(JSON.stringify(stringify(args[0])));
};
