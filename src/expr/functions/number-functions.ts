import type { ExprFunction } from '../evaluator.js';
import { goType, intResult, less, RuntimeError } from '../runtime.js';
import { GoFloat, floatValue, isInt, isNumeric, numberOf } from '../values.js';

const MAX_DEPTH = 10_000;

/** Numbers in arguments and (nested) arrays, as max/min/mean/median take them. */
function numbersIn(
  name: string,
  values: unknown[],
  depth = 0,
  out: Array<number | GoFloat> = [],
): Array<number | GoFloat> {
  if (depth > MAX_DEPTH) throw new RuntimeError('recursion depth exceeded');
  for (const value of values) {
    if (isNumeric(value)) out.push(value);
    else if (Array.isArray(value)) numbersIn(name, value, depth + 1, out);
    else throw new RuntimeError(`invalid argument for ${name} (type ${goType(value)})`);
  }
  return out;
}

function extreme(name: 'max' | 'min'): ExprFunction {
  return (args) => {
    if (args.length === 0) throw new RuntimeError(`not enough arguments to call ${name}`);
    // As expr-lang: one argument that is neither a number nor an array is the answer
    // (`max(nil)` is nil); among other arguments it is an error.
    if (args.length === 1 && !isNumeric(args[0]) && !Array.isArray(args[0])) return args[0] ?? null;
    let best: number | GoFloat | undefined;
    for (const value of numbersIn(name, args)) {
      if (best === undefined || (name === 'max' ? less('<', best, value) : less('>', best, value)))
        best = value;
    }
    return best ?? null;
  };
}

function asFloat(value: unknown, name: string): number {
  if (isNumeric(value)) return numberOf(value);
  throw new RuntimeError(`invalid argument for ${name} (type ${goType(value)})`);
}

function bit(name: string, fn: (x: bigint, y: bigint) => bigint, shift = false): ExprFunction {
  return (args) => {
    if (args.length !== 2)
      throw new RuntimeError(
        `invalid number of arguments for ${name} (expected 2, got ${args.length})`,
      );
    const [x, y] = args.map((value) => {
      if (!isInt(value))
        throw new RuntimeError(
          `cannot use ${goType(value)} as argument (type int) to call ${name}`,
        );
      return BigInt(value);
    }) as [bigint, bigint];
    if (shift && y < 0n)
      throw new RuntimeError(`invalid operation: negative shift count ${y} (type int)`);
    return Number(BigInt.asIntN(64, fn(x, y)));
  };
}

/** expr-lang's number builtins. */
export const numberFunctions: Record<string, ExprFunction> = {
  abs: (args) => {
    const x = args[0];
    if (x instanceof GoFloat) return new GoFloat(Math.abs(x.value));
    if (typeof x === 'number') return Number.isInteger(x) ? intResult(Math.abs(x)) : Math.abs(x);
    throw new RuntimeError(`invalid argument for abs (type ${goType(x)})`);
  },
  ceil: (args) => floatValue(Math.ceil(asFloat(args[0], 'ceil'))),
  floor: (args) => floatValue(Math.floor(asFloat(args[0], 'floor'))),
  // Go's math.Round: half away from zero.
  round: (args) => {
    const x = asFloat(args[0], 'round');
    return floatValue(Math.sign(x) * Math.round(Math.abs(x)));
  },
  max: extreme('max'),
  min: extreme('min'),
  mean: (args) => {
    if (args.length === 0) throw new RuntimeError('not enough arguments to call mean');
    const values = numbersIn('mean', args);
    if (values.length === 0) return new GoFloat(0);
    return floatValue(values.reduce<number>((sum, v) => sum + numberOf(v), 0) / values.length);
  },
  median: (args) => {
    if (args.length === 0) throw new RuntimeError('not enough arguments to call median');
    const values = numbersIn('median', args)
      .map(numberOf)
      .sort((a, b) => a - b);
    const n = values.length;
    if (n === 0) return new GoFloat(0);
    return floatValue(
      n % 2 === 1 ? values[(n - 1) / 2]! : (values[n / 2 - 1]! + values[n / 2]!) / 2,
    );
  },
  bitand: bit('bitand', (x, y) => x & y),
  bitor: bit('bitor', (x, y) => x | y),
  bitxor: bit('bitxor', (x, y) => x ^ y),
  bitnand: bit('bitnand', (x, y) => x & ~y),
  bitshl: bit('bitshl', (x, y) => x << y, true),
  bitshr: bit('bitshr', (x, y) => x >> y, true),
  bitushr: bit('bitushr', (x, y) => BigInt.asUintN(64, x) >> y, true),
  bitnot: (args) => {
    if (args.length !== 1)
      throw new RuntimeError(
        `invalid number of arguments for bitnot (expected 1, got ${args.length})`,
      );
    if (!isInt(args[0]))
      throw new RuntimeError(`cannot use ${goType(args[0])} as argument (type int) to call bitnot`);
    return Number(BigInt.asIntN(64, ~BigInt(args[0])));
  },
};
