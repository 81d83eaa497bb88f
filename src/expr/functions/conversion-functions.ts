import { stringify as toYaml } from 'yaml';
import type { ExprFunction } from '../evaluator.js';
import { toJsonValue, typeName } from '../values.js';
import { arity, str } from './arguments.js';

/** JSON, YAML and base64 conversions, and `type`. */
export const conversionFunctions: Record<string, ExprFunction> = {
  toJSON: (args) => (arity(args, 1), JSON.stringify(toJsonValue(args[0]), null, 2)),
  fromJSON: (args) => {
    arity(args, 1);
    try {
      return JSON.parse(str(args[0], 1)) as unknown;
    } catch (err) {
      throw new Error(`not valid JSON: ${(err as Error).message}`);
    }
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
