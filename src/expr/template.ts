import { inputError } from '../errors.js';
import { evaluateGo, type Environment, type EvaluateOptions } from './evaluator.js';
import { ExprError } from './expr-error.js';
import { goJsonMarshal, goJsonUnmarshal } from './go-json.js';
import { parseGoBool, parseGoFloat } from './go-strconv.js';
import { declaredFunctions } from './function-signatures.js';
import { parse } from './parser.js';
import { floatValue, isPlainObject, toPlainValue } from './values.js';

/**
 * Templates: strings with `${{ expression }}` (or `${% expression %}`, for expressions that
 * contain `}}`) inside, evaluated by Kargo's rules (pkg/expressions/json_templates.go,
 * EvaluateTemplate):
 *
 * 1. A string without an opening delimiter is returned as it is (`"42"` stays a string).
 * 2. Each expression is evaluated; a string result is inserted as it is, any other result as
 *    Go's json.Marshal writes it (`[1,2]`, `{"a":1}` with sorted keys, `null`, `\u003c` for `<`).
 * 3. The whole rendered text is then typed: one trailing newline is set aside; text enclosed in
 *    double quotes loses them and stays a string (what `quote()` relies on); otherwise text Go's
 *    strconv.ParseFloat accepts is a float64 (`${{ n }}${{ n }}` with n=3 is 33), then
 *    ParseBool (`true`, `T`, `False`, …), then JSON; anything else is a string. The newline
 *    comes back only on strings (`"${{ 42 }}\n"` is 42).
 *
 * Numbers are Go float64s: evaluateTemplateGo keeps them so (`floatValue`), for vars;
 * evaluateTemplate and evaluateConfig give plain numbers to the rest of Gantry.
 */

const DELIMITERS = [
  { open: '${{', close: '}}' },
  { open: '${%', close: '%}' },
] as const;

/** Environment names Kargo reserves for its template functions (EvaluateJSONTemplate). */
export const RESERVED_NAMES = ['quote', 'asYAML', 'asJSON'] as const;

export function hasExpressions(text: string): boolean {
  return DELIMITERS.some((d) => text.includes(d.open));
}

/**
 * Kargo's EvaluateTemplate: renders a template and types the result (see above), as the rest of
 * Gantry takes values (whole numbers plain, see `toPlainValue`). Errors are ExprErrors whose
 * column counts within the whole template.
 */
export function evaluateTemplate(
  text: string,
  environment: Environment,
  options?: EvaluateOptions,
): unknown {
  return toPlainValue(evaluateTemplateGo(text, environment, options));
}

/**
 * evaluateTemplate keeping Go's types: numbers are float64s (`floatValue`), as Kargo's are. For
 * values that go back into expressions, such as vars (`vars.n % 2` fails on a templated n in
 * Kargo too).
 */
export function evaluateTemplateGo(
  text: string,
  environment: Environment,
  options?: EvaluateOptions,
): unknown {
  if (!hasExpressions(text)) return text;
  let result = render(text, environment, options);
  const removedNewline = result.endsWith('\n');
  if (removedNewline) result = result.slice(0, -1);
  const restore = (s: string) => (removedNewline ? `${s}\n` : s);
  if (result.length > 1 && result.startsWith('"') && result.endsWith('"'))
    return restore(result.slice(1, -1));
  const number = parseGoFloat(result);
  if (number !== undefined) return floatValue(number);
  const bool = parseGoBool(result);
  if (bool !== undefined) return bool;
  const json = goJsonUnmarshal(result, floatValue);
  if (json) return json.value;
  return restore(result);
}

/**
 * The text of a template before typing: expressions replaced by their results, from left to
 * right. As in Kargo, `${{}}` (nothing between the delimiters) ends the evaluation: the rest of
 * the template is kept as written.
 */
function render(text: string, environment: Environment, options?: EvaluateOptions): string {
  let out = '';
  let i = 0;
  for (;;) {
    const next = nextDelimiter(text, i);
    if (!next) return out + text.slice(i);
    out += text.slice(i, next.at);
    const bodyStart = next.at + next.open.length;
    const end = text.indexOf(next.close, bodyStart);
    if (end < 0)
      throw new ExprError(
        `unclosed expression: expected "${next.close}" but reached end of template`,
        next.at + 1,
      );
    const source = text.slice(bodyStart, end);
    i = end + next.close.length;
    if (source === '') return out + text.slice(i);
    const value = run(source, bodyStart, environment, options);
    out += typeof value === 'string' ? value : marshal(value, bodyStart);
  }
}

function nextDelimiter(
  text: string,
  from: number,
): { open: string; close: string; at: number } | undefined {
  let best: { open: string; close: string; at: number } | undefined;
  for (const d of DELIMITERS) {
    const at = text.indexOf(d.open, from);
    if (at >= 0 && (!best || at < best.at)) best = { ...d, at };
  }
  return best;
}

function run(
  source: string,
  offset: number,
  environment: Environment,
  options?: EvaluateOptions,
): unknown {
  try {
    return evaluateGo(
      parse(source, { declared: declaredFunctions(environment.functions) }),
      environment,
      options,
    );
  } catch (err) {
    throw shift(err, offset);
  }
}

function marshal(value: unknown, offset: number): string {
  try {
    return goJsonMarshal(value);
  } catch (err) {
    throw new ExprError((err as Error).message, offset + 1);
  }
}

/**
 * Kargo's EvaluateJSONTemplate, for a step's config: every string value is evaluated as a
 * template, recursively through maps and lists; keys never are. The result is JSON data, as
 * Kargo's (which marshals it to JSON and reads it back): numbers are plain numbers, NaN and
 * infinities are errors. Errors name the path of the value that failed
 * (`images[0].tag: column 15: …`). The names Kargo reserves (quote, asYAML, asJSON) may not be
 * variables of the environment.
 */
export function evaluateConfig(config: unknown, environment: Environment): unknown {
  for (const name of RESERVED_NAMES) {
    if (Object.hasOwn(environment.variables, name))
      throw inputError(
        `"${name}" is a forbidden key in the environment map; it is reserved for internal use`,
      );
  }
  return evaluateValues(config, environment, '');
}

function evaluateValues(value: unknown, environment: Environment, path: string): unknown {
  if (typeof value === 'string') {
    try {
      return toJsonData(evaluateTemplateGo(value, environment), value);
    } catch (err) {
      if (err instanceof ExprError && path) throw new ConfigExprError(path, value, err);
      throw err;
    }
  }
  if (Array.isArray(value))
    return value.map((item, i) => evaluateValues(item, environment, `${path}[${i}]`));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        evaluateValues(item, environment, path ? `${path}.${key}` : key),
      ]),
    );
  }
  return value;
}

/** A template's value as JSON data: what Kargo's marshalling to JSON and back leaves of it. */
function toJsonData(value: unknown, template: string): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  let text: string;
  try {
    text = goJsonMarshal(value);
  } catch (err) {
    throw new ExprError((err as Error).message, template.indexOf('$') + 1);
  }
  return JSON.parse(text) as unknown;
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

function shift(err: unknown, offset: number): unknown {
  if (!(err instanceof ExprError)) return err;
  const column = err.column + offset;
  return new ExprError(err.message.replace(/^column \d+: /, ''), column);
}
