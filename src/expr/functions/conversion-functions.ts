import { stringify as toYaml } from 'yaml';
import type { ExprFunction } from '../evaluator.js';
import { toJsonValue, typeName } from '../values.js';
import { arity, str } from './arguments.js';

/** As deep as the JSON and YAML the server accepts (INPUT_LIMITS.maxNestingDepth). */
const MAX_JSON_DEPTH = 100;

/** Whether parsed JSON nests deeper than `max` levels; without recursion. */
function nestingExceeds(root: unknown, max: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** JSON, YAML and base64 conversions, and `type`. */
export const conversionFunctions: Record<string, ExprFunction> = {
  toJSON: (args) => (arity(args, 1), JSON.stringify(toJsonValue(args[0]), null, 2)),
  fromJSON: (args) => {
    arity(args, 1);
    let value: unknown;
    try {
      value = JSON.parse(str(args[0], 1)) as unknown;
    } catch (err) {
      throw new Error(`not valid JSON: ${(err as Error).message}`);
    }
    // JSON.parse does not recurse, but everything after it (==, toJSON) does.
    if (nestingExceeds(value, MAX_JSON_DEPTH))
      throw new Error(`the JSON is nested more than ${MAX_JSON_DEPTH} levels deep`);
    return value;
  },
  /** Kargo (v1.11): pretty-printed JSON text of a value. */
  asJSON: (args) => (arity(args, 1), JSON.stringify(toJsonValue(args[0]), null, 2)),
  /** Kargo (v1.11): YAML text of a value, e.g. for file-write. */
  asYAML: (args) => (arity(args, 1), toYaml(toJsonValue(args[0]))),
  toBase64: (args) => (arity(args, 1), Buffer.from(str(args[0], 1), 'utf8').toString('base64')),
  fromBase64: (args) => {
    arity(args, 1);
    const text = str(args[0], 1);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('not valid base64');
    return Buffer.from(text, 'base64').toString('utf8');
  },
  type: (args) => (arity(args, 1), typeName(args[0])),
};
