import type { ExprFunction } from '../evaluator.js';
import { goJsonMarshal, goJsonUnmarshal } from '../go-json.js';
import { goYamlMarshal } from '../go-yaml.js';
import { parseGoFloat } from '../go-strconv.js';
import { assertString, goFormat, goType, RuntimeError, toInt } from '../runtime.js';
import { floatValue, isNumeric, isPlainObject, MethodHost, numberOf } from '../values.js';
import { arity } from './arguments.js';

/** As deep as the JSON and YAML the server accepts (INPUT_LIMITS.maxNestingDepth). */
const MAX_JSON_DEPTH = 100;

/** Whether JSON text opens more than `max` arrays or objects inside each other. */
function bracketDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > max) return true;
    } else if (c === ']' || c === '}') depth--;
  }
  return false;
}

/** JSON, YAML and base64 conversions, and `type`. */
export const conversionFunctions: Record<string, ExprFunction> = {
  toJSON: (args) => {
    arity(args, 1);
    try {
      return goJsonMarshal(args[0], '  ');
    } catch (err) {
      throw new RuntimeError((err as Error).message);
    }
  },
  fromJSON: (args) => {
    arity(args, 1);
    const text = assertString(args[0]);
    // JSON.parse does not recurse, but everything after it (==, toJSON) does.
    if (bracketDepthExceeds(text, MAX_JSON_DEPTH))
      throw new Error(`the JSON is nested more than ${MAX_JSON_DEPTH} levels deep`);
    const parsed = goJsonUnmarshal(text, floatValue);
    if (!parsed) throw new RuntimeError(`invalid JSON: ${JSON.stringify(text.slice(0, 40))}`);
    return parsed.value;
  },
  /**
   * Kargo's asJSON: Go's json.MarshalIndent with two spaces and a final newline, between double
   * quotes, so that a template made of it alone stays a string (the quotes are stripped).
   */
  asJSON: (args) => {
    arity(args, 1);
    return `"${templateFunction('asJSON', () => goJsonMarshal(args[0], '  '))}\n"`;
  },
  /** Kargo's asYAML: yaml.v3's Marshal (4-space indentation), between double quotes as asJSON. */
  asYAML: (args) => {
    arity(args, 1);
    return `"${templateFunction('asYAML', () => goYamlMarshal(args[0]))}"`;
  },
  toBase64: (args) => (
    arity(args, 1),
    Buffer.from(assertString(args[0]), 'utf8').toString('base64')
  ),
  fromBase64: (args) => {
    arity(args, 1);
    const text = assertString(args[0]);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
      throw new RuntimeError(
        `illegal base64 data at input byte ${Math.max(0, text.search(/[^A-Za-z0-9+/=]/))}`,
      );
    return Buffer.from(text, 'base64').toString('utf8');
  },
  type: (args) => (arity(args, 1), exprTypeOf(args[0])),
  string: (args) => (arity(args, 1), goFormat(args[0])),
  int: (args) => {
    arity(args, 1);
    const x = args[0];
    if (isNumeric(x)) return toInt(x);
    if (typeof x === 'string') {
      if (!/^[+-]?\d+$/.test(x.trim()) || x.trim() !== x)
        throw new RuntimeError(`invalid operation: int(${x})`);
      const n = Number(x);
      return Number.isSafeInteger(n) ? n : toInt(n);
    }
    throw new RuntimeError(`invalid operation: int(${goType(x)})`);
  },
  float: (args) => {
    arity(args, 1);
    const x = args[0];
    if (isNumeric(x)) return floatValue(numberOf(x));
    if (typeof x === 'string') {
      const n = parseGoFloat(x);
      if (n === undefined) throw new RuntimeError(`invalid operation: float(${x})`);
      return floatValue(n);
    }
    throw new RuntimeError(`invalid operation: float(${goType(x)})`);
  },
};

/** expr-lang's `type(x)`: nil, bool, int, uint, float, string, array, map, func, or a named type. */
function exprTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return 'bool';
  if (isNumeric(value)) return goType(value) === 'int' ? 'int' : 'float';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value) || value instanceof Uint8Array) return 'array';
  if (isPlainObject(value)) return 'map';
  if (value instanceof MethodHost) return value.goType.replace(/^\*/, '');
  return 'unknown';
}

/** Kargo's message when asJSON or asYAML cannot encode a value (NaN, for JSON). */
function templateFunction(name: string, encode: () => string): string {
  try {
    return encode();
  } catch (err) {
    throw new Error(`error applying ${name}() function: ${(err as Error).message}`);
  }
}
