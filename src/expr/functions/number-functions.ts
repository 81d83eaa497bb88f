import type { ExprFunction } from '../evaluator.js';
import { typeName } from '../values.js';
import { arity, list, num } from './arguments.js';

const numbersOf = (args: unknown[]): number[] => {
  const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (values.length === 0) throw new Error('needs at least one number');
  return values.map((value, i) => num(value, i + 1));
};

/** expr-lang's number builtins and conversions. */
export const numberFunctions: Record<string, ExprFunction> = {
  abs: (args) => (arity(args, 1), Math.abs(num(args[0], 1))),
  ceil: (args) => (arity(args, 1), Math.ceil(num(args[0], 1))),
  floor: (args) => (arity(args, 1), Math.floor(num(args[0], 1))),
  round: (args) => (arity(args, 1), Math.round(num(args[0], 1))),
  max: (args) => Math.max(...numbersOf(args)),
  min: (args) => Math.min(...numbersOf(args)),
  mean: (args) => {
    arity(args, 1);
    const values = list(args[0], 1).map((v, i) => num(v, i + 1));
    return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  },
  median: (args) => {
    arity(args, 1);
    const values = list(args[0], 1)
      .map((v, i) => num(v, i + 1))
      .sort((a, b) => a - b);
    if (values.length === 0) return 0;
    const middle = Math.floor(values.length / 2);
    return values.length % 2 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
  },
  int: (args) => {
    arity(args, 1);
    const value = args[0];
    if (typeof value === 'number') return Math.trunc(value);
    if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return parseInt(value, 10);
    throw new Error(
      `cannot convert ${typeof value === 'string' ? JSON.stringify(value) : typeName(value)} to int`,
    );
  },
  float: (args) => {
    arity(args, 1);
    const value = args[0];
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
      return Number(value);
    throw new Error(
      `cannot convert ${typeof value === 'string' ? JSON.stringify(value) : typeName(value)} to float`,
    );
  },
};
