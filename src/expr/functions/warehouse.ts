import type { ExprFunction } from '../evaluator.js';
import { FREIGHT_ORIGIN_WAREHOUSE, freightOrigin, goTypeOf } from './go-struct.js';

/**
 * Kargo's `warehouse(name)`: a FreightOrigin (`.Kind`, `.Name`; JSON `{"kind","name"}`), to say
 * which Warehouse's Freight a lookup means. Arguments are checked with Kargo's messages.
 */
export const warehouse: ExprFunction = (args) => {
  if (args.length !== 1) throw new Error(`expected 1 argument, got ${args.length}`);
  const name = args[0];
  if (typeof name !== 'string') throw new Error(`argument must be string, got ${goTypeOf(name)}`);
  if (name === '') throw new Error('name must not be empty');
  return freightOrigin(FREIGHT_ORIGIN_WAREHOUSE, name);
};
