import { typeName } from '../expr/values.js';

/**
 * The subset of Kubernetes JSONPath that web metrics use in practice (Rollouts evaluates
 * `jsonPath` with k8s.io/client-go/util/jsonpath): an optional `{…}` wrapper, a root `$`
 * (or a leading `.`), then `.field`, `['field']` / `["field"]` and `[n]` (negative counts from
 * the end). Wildcards, slices, filters and recursive descent are refused with a clear error
 * rather than half supported.
 */
export function evaluateJsonPath(data: unknown, path: string): unknown {
  let text = path.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text.startsWith('$')) text = text.slice(1);
  else if (text !== '' && !text.startsWith('.') && !text.startsWith('['))
    throw new Error(`jsonPath ${path}: must start with $ (e.g. {$.data.value})`);

  let current = data;
  let position = 0;
  while (position < text.length) {
    const rest = text.slice(position);
    let step: string | number;
    let match: RegExpExecArray | null;
    if ((match = /^\.([^.[\]]+)/.exec(rest))) {
      step = match[1]!;
    } else if ((match = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest))) {
      step = (match[1] ?? match[2]!).replace(/\\(.)/g, '$1');
    } else if ((match = /^\[\s*(-?\d+)\s*\]/.exec(rest))) {
      step = Number(match[1]);
    } else {
      throw new Error(
        `jsonPath ${path}: cannot read "${rest}": only .field, ['field'] and [index] are supported`,
      );
    }
    if (step === '*') throw new Error(`jsonPath ${path}: wildcards are not supported`);
    current = select(current, step, path);
    position += match[0].length;
  }
  return current;
}

function select(value: unknown, step: string | number, path: string): unknown {
  if (typeof step === 'number') {
    if (!Array.isArray(value))
      throw new Error(`jsonPath ${path}: cannot index ${typeName(value)} with [${step}]`);
    const index = step < 0 ? value.length + step : step;
    if (index < 0 || index >= value.length)
      throw new Error(`jsonPath ${path}: index ${step} is out of range (length ${value.length})`);
    return value[index] as unknown;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`jsonPath ${path}: cannot read "${step}" of ${typeName(value)}`);
  if (!Object.hasOwn(value, step)) throw new Error(`jsonPath ${path}: "${step}" is not found`);
  return (value as Record<string, unknown>)[step];
}
