import { GoFloat, isPlainObject, MethodHost, StrictRecord } from './values.js';

/**
 * Go's encoding/json as Kargo's templates use it: `json.Marshal` turns every non-string result of
 * an expression into the template's text, `json.MarshalIndent(v, "", "  ")` is `asJSON`, and
 * `json.Unmarshal` into `any` reads a rendered template back. What matters for the text:
 *
 * - map keys sorted (by bytes), no spaces (`{"a":1,"b":[1,2]}`);
 * - strings escape `"`, `\`, control characters (`\n\r\t\b\f`, others `\u00hh`), and for HTML
 *   safety `<`, `>`, `&`, U+2028 and U+2029 (`\u003c` …);
 * - floats in the shortest form, exponent below 1e-6 and from 1e21 (`1e-7`, `1e+21`), `-0`
 *   kept; NaN and ±Inf are errors (`json: unsupported value: NaN`);
 * - []byte as base64. A MethodHost with a `toJSON()` (JavaScript's convention) marshals what
 *   that returns, as a Go type's MarshalJSON would; StrictRecords (vars, outputs) marshal as
 *   the maps they stand for; other MethodHosts as their text.
 */
export function goJsonMarshal(value: unknown, indent = ''): string {
  return new Marshaller(indent).value(value, '');
}

/** An error Go's encoder reports (unsupported value or type). */
export class GoJsonError extends Error {
  override readonly name = 'GoJsonError';
}

const MAX_DEPTH = 1000;

class Marshaller {
  #depth = 0;
  constructor(private readonly indent: string) {}

  value(value: unknown, prefix: string): string {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'string') return goJsonString(value);
    if (value instanceof GoFloat) return goJsonFloat(value.value);
    if (typeof value === 'number')
      return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : goJsonFloat(value);
    if (value instanceof Uint8Array) return `"${Buffer.from(value).toString('base64')}"`;
    if (value instanceof StrictRecord) return this.value({ ...value.fields }, prefix);
    if (value instanceof MethodHost) {
      const custom = (value as { toJSON?: unknown }).toJSON;
      if (typeof custom !== 'function') return goJsonString(value.toString());
      const json = (custom as () => unknown).call(value);
      // A struct's fields in their declared order, as Go writes them (maps are sorted).
      if (isPlainObject(json) && value.goType.includes('.') && !value.goType.startsWith('time.'))
        return this.map(json, prefix, false);
      return this.value(json, prefix);
    }
    if (Array.isArray(value) || isPlainObject(value)) {
      if (++this.#depth > MAX_DEPTH)
        throw new GoJsonError('json: unsupported value: encountered a cycle or is nested too deep');
      try {
        return Array.isArray(value) ? this.list(value, prefix) : this.map(value, prefix);
      } finally {
        this.#depth--;
      }
    }
    throw new GoJsonError(`json: unsupported type: ${typeof value}`);
  }

  list(items: unknown[], prefix: string): string {
    if (items.length === 0) return '[]';
    const inner = prefix + this.indent;
    const parts = items.map((item) => this.value(item, inner));
    return this.wrap('[', ']', parts, prefix);
  }

  map(map: Record<string, unknown>, prefix: string, sorted = true): string {
    const keys = sorted ? Object.keys(map).sort(compareBytes) : Object.keys(map);
    if (keys.length === 0) return '{}';
    const inner = prefix + this.indent;
    const separator = this.indent ? ': ' : ':';
    const parts = keys.map(
      (key) => `${goJsonString(key)}${separator}${this.value(map[key], inner)}`,
    );
    return this.wrap('{', '}', parts, prefix);
  }

  wrap(open: string, close: string, parts: string[], prefix: string): string {
    if (!this.indent) return `${open}${parts.join(',')}${close}`;
    const inner = prefix + this.indent;
    return `${open}\n${inner}${parts.join(`,\n${inner}`)}\n${prefix}${close}`;
  }
}

/** Strings in the order of their UTF-8 bytes (= code points), as Go sorts map keys. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A string as Go's json.Marshal writes it (HTML-safe). */
export function goJsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const escape = JSON_ESCAPES[char];
    if (escape) out += escape;
    else if (code < 0x20 || char === '<' || char === '>' || char === '&')
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else out += char;
  }
  return `${out}"`;
}

/** A float64 as Go's json.Marshal writes it. */
export function goJsonFloat(n: number): string {
  if (!Number.isFinite(n))
    throw new GoJsonError(
      `json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`,
    );
  if (Object.is(n, -0)) return '-0';
  // JavaScript's shortest form switches to exponents exactly where Go's encoder does
  // (below 1e-6, from 1e21) and writes them the same way (`1e-7`, `1e+21`).
  return String(n);
}

/**
 * `json.Unmarshal` into `any`: numbers become float64 (`floatValue`, passed in to keep this file
 * free of the value model's choices). Undefined where Go reports an error, including a number
 * too large for a float64 (`1e400`), which JSON.parse would read as Infinity.
 */
export function goJsonUnmarshal(
  text: string,
  toFloat: (n: number) => unknown,
): { value: unknown } | undefined {
  let overflow = false;
  let value: unknown;
  try {
    value = JSON.parse(text, (_key, item: unknown) => {
      if (typeof item !== 'number') return item;
      if (!Number.isFinite(item)) overflow = true;
      return toFloat(item);
    });
  } catch {
    return undefined;
  }
  return overflow ? undefined : { value };
}
