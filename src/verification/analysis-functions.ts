import type { ExprFunction } from '../expr/evaluator.js';
import { arity, num } from '../expr/functions/arguments.js';
import { typeName } from '../expr/values.js';

/** Go's strconv.ParseFloat spellings of the special values, which Prometheus also uses. */
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** A number in a string, as Go's ParseFloat reads it, or undefined. */
export function parseFloatText(text: string): number | undefined {
  const special = SPECIAL_FLOATS[text.toLowerCase()];
  if (special !== undefined) return special;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The functions Argo Rollouts adds to a metric's successCondition and failureCondition
 * (utils/evaluate): isNaN, isInf, asInt, asFloat, isNil and default. They sit beside
 * expr-lang's standard builtins.
 */
export const analysisFunctions: Readonly<Record<string, ExprFunction>> = {
  isNaN: (args) => (arity(args, 1), Number.isNaN(num(args[0], 1))),
  isInf: (args) => {
    arity(args, 1);
    const value = num(args[0], 1);
    return value === Infinity || value === -Infinity;
  },
  asInt: (args) => {
    arity(args, 1);
    const value = args[0];
    if (typeof value === 'number') return Math.trunc(value);
    if (typeof value === 'string' && /^[-+]?\d+$/.test(value)) return parseInt(value, 10);
    throw new Error(
      `cannot convert ${typeof value === 'string' ? JSON.stringify(value) : typeName(value)} to int`,
    );
  },
  asFloat: (args) => {
    arity(args, 1);
    const value = args[0];
    if (typeof value === 'number') return value;
    const parsed = typeof value === 'string' ? parseFloatText(value) : undefined;
    if (parsed === undefined)
      throw new Error(
        `cannot convert ${typeof value === 'string' ? JSON.stringify(value) : typeName(value)} to float`,
      );
    return parsed;
  },
  isNil: (args) => (arity(args, 1), args[0] === null || args[0] === undefined),
  /** `default(result, 0)`: the value, or the fallback when the value is nil. */
  default: (args) => (arity(args, 2), args[0] ?? args[1]),
};
