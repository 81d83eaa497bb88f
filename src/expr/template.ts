import type { Node } from './ast.js';
import { evaluate, type Environment, type EvaluateOptions } from './evaluator.js';
import { ExprError } from './expr-error.js';
import { parse } from './parser.js';
import { isPlainObject, MethodHost, stringify, toJsonValue } from './values.js';

/**
 * Templates: strings with `${{ expression }}` (or `${% expression %}`, for expressions that
 * contain `}}`) inside, as Kargo's step configs and vars are written.
 *
 * - A template that is exactly one expression yields the expression's value with its type
 *   (number, bool, map, list). As in Kargo, a string result is read as JSON when it is JSON
 *   (`"42"` becomes 42, `"true"` true); `quote()` keeps a value a string.
 * - Text mixed with expressions yields a string.
 * - Errors carry the column within the whole template string.
 */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'expression'; source: string; node: Node; offset: number };

export interface CompiledTemplate {
  segments: Segment[];
}

const OPENERS = [
  { open: '${{', close: '}}' },
  { open: '${%', close: '%}' },
] as const;

export function hasExpressions(text: string): boolean {
  return text.includes('${{') || text.includes('${%');
}

export function compileTemplate(text: string): CompiledTemplate {
  const segments: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const starts = OPENERS.map((o) => ({ ...o, at: text.indexOf(o.open, i) })).filter(
      (o) => o.at >= 0,
    );
    if (starts.length === 0) {
      segments.push({ kind: 'text', text: text.slice(i) });
      break;
    }
    const next = starts.reduce((a, b) => (b.at < a.at ? b : a));
    if (next.at > i) segments.push({ kind: 'text', text: text.slice(i, next.at) });
    const bodyStart = next.at + next.open.length;
    const end = text.indexOf(next.close, bodyStart);
    if (end < 0)
      throw new ExprError(`"${next.open}" is never closed with "${next.close}"`, next.at + 1);
    const source = text.slice(bodyStart, end);
    if (source.trim() === '') throw new ExprError('empty expression', next.at + 1);
    let node: Node;
    try {
      node = parse(source);
    } catch (err) {
      throw shift(err, bodyStart);
    }
    segments.push({ kind: 'expression', source, node, offset: bodyStart });
    i = end + next.close.length;
  }
  return { segments };
}

export function renderTemplate(
  template: CompiledTemplate,
  environment: Environment,
  options?: EvaluateOptions,
): unknown {
  const { segments } = template;
  const only = segments.length === 1 ? segments[0] : undefined;
  if (only?.kind === 'expression') return coerce(run(only, environment, options));
  let out = '';
  for (const segment of segments) {
    out += segment.kind === 'text' ? segment.text : stringify(run(segment, environment, options));
  }
  return out;
}

/** Compiles and renders one template string. Strings without expressions come back as they are. */
export function evaluateTemplate(
  text: string,
  environment: Environment,
  options?: EvaluateOptions,
): unknown {
  if (!hasExpressions(text)) return text;
  return renderTemplate(compileTemplate(text), environment, options);
}

/**
 * Evaluates every string value in a config, recursively through maps and lists (keys never),
 * as Kargo does for step configs. Errors name the path of the value that failed.
 */
export function evaluateConfig(value: unknown, environment: Environment, path = ''): unknown {
  if (typeof value === 'string') {
    try {
      return evaluateTemplate(value, environment);
    } catch (err) {
      if (err instanceof ExprError && path) throw new ConfigExprError(path, value, err);
      throw err;
    }
  }
  if (Array.isArray(value))
    return value.map((item, i) => evaluateConfig(item, environment, `${path}[${i}]`));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        evaluateConfig(item, environment, path ? `${path}.${key}` : key),
      ]),
    );
  }
  return value;
}

/** An expression error inside a config value, naming where: `config.path: column 3: …`. */
export class ConfigExprError extends ExprError {
  constructor(
    readonly path: string,
    readonly template: string,
    cause: ExprError,
  ) {
    super(cause.message.replace(/^column \d+: /, ''), cause.column);
    this.message = `${path}: ${cause.message}`;
  }
}

function run(
  segment: Extract<Segment, { kind: 'expression' }>,
  environment: Environment,
  options?: EvaluateOptions,
): unknown {
  try {
    return evaluate(segment.node, environment, options);
  } catch (err) {
    throw shift(err, segment.offset);
  }
}

function coerce(value: unknown): unknown {
  const plain = value instanceof MethodHost ? value.toString() : toJsonValue(value);
  if (typeof plain !== 'string') return plain;
  try {
    return JSON.parse(plain) as unknown;
  } catch {
    return plain;
  }
}

function shift(err: unknown, offset: number): unknown {
  if (!(err instanceof ExprError)) return err;
  const column = err.column + offset;
  return new ExprError(err.message.replace(/^column \d+: /, ''), column);
}
