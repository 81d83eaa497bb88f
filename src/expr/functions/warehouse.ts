import type { ExprFunction } from '../evaluator.js';
import { arity, str } from './arguments.js';

/** Kargo's `warehouse(name)`: a FreightOrigin, to say which Warehouse's Freight a lookup means. */
export const warehouse: ExprFunction = (args) => {
  arity(args, 1);
  return { Kind: 'Warehouse', Name: str(args[0], 1) };
};
