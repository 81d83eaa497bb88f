import { Predicate } from '../evaluator.js';
import { typeName } from '../values.js';

/** Argument checks shared by the builtins: each throws an Error the evaluator turns into `name(): …`. */
export function arity(args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected =
      min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new Error(
      `expects ${expected} argument${max === 1 && min === 1 ? '' : 's'}, got ${args.length}`,
    );
  }
}

export function str(value: unknown, position: number): string {
  if (typeof value !== 'string')
    throw new Error(`argument ${position} must be a string, got ${typeName(value)}`);
  return value;
}

export function num(value: unknown, position: number): number {
  if (typeof value !== 'number')
    throw new Error(`argument ${position} must be a number, got ${typeName(value)}`);
  return value;
}

export function int(value: unknown, position: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new Error(`argument ${position} must be an integer, got ${typeName(value)}`);
  return value;
}

export function list(value: unknown, position: number): unknown[] {
  if (!Array.isArray(value))
    throw new Error(`argument ${position} must be an array, got ${typeName(value)}`);
  return value;
}

export function predicate(value: unknown, position: number): Predicate {
  if (!(value instanceof Predicate))
    throw new Error(`argument ${position} must be a predicate, e.g. # > 1`);
  return value;
}
