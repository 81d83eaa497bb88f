import { isMap, isScalar, isSeq, parse, parseAllDocuments, type Scalar } from 'yaml';
import { goQuote, parseGoBool, parseGoFloat } from '../expr/go-strconv.js';
import { formatGoFloat } from '../expr/values.js';

/**
 * yaml-update's edit, as Kargo's pkg/yaml SetValuesInBytes: every key must already exist and
 * address a scalar (a missing key or a map/list target is an error, nothing is added), and only
 * the scalar's own text is replaced, so every other byte of the file stays as it was.
 */

/**
 * Splits a key as Kargo's sjson.SplitKey: surrounding blanks trimmed, `.` separates, `\.` and
 * `\:` are a literal dot and colon, an unescaped `:` may only start a part (it marks a
 * numeric-looking part as a map key and is dropped), any other escape is refused, and no part
 * may be empty.
 */
export function splitKey(rawKey: string): string[] {
  const key = rawKey.trim();
  if (key === '') throw new Error('empty key');
  const parts: string[] = [];
  let current = '';
  let escaped = false;
  for (const ch of key) {
    if (escaped) {
      if (ch !== '.' && ch !== ':')
        throw new Error(`invalid escape sequence in key ${goQuote(key)}`);
      current += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === '.') {
      if (current === '') throw new Error(`empty key part in key ${goQuote(key)}`);
      parts.push(current);
      current = '';
    } else if (ch === ':') {
      if (current !== '') throw new Error(`unexpected colon in key ${goQuote(key)}`);
    } else {
      current += ch;
    }
  }
  if (current === '') throw new Error(`empty key part in key ${goQuote(key)}`);
  parts.push(current);
  return parts;
}

/**
 * How Kargo writes a value (`%v` of QuoteIfNecessary): a string that Go would read as a number
 * or a bool, or that is valid JSON, in Go double quotes; other strings as they are; numbers as
 * Go prints a float64 (`1e+06`); bools as true/false. Gantry additionally quotes a string that
 * would not read back as itself when written plain (`a: b`, `#x`, an empty string), writes
 * null as `null` and refuses maps and lists, where Kargo would write text YAML reads
 * differently (see docs/compatibility.md).
 */
export function yamlValueText(value: unknown): string {
  if (typeof value === 'string') {
    if (quoteIfNecessary(value) || !plainIsSafe(value)) return goQuote(value);
    return value;
  }
  if (typeof value === 'number') return formatGoFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  throw new Error('value is not a scalar (a string, number, bool or null)');
}

/** Kargo's QuoteIfNecessary: whether a string value gets quotes. */
function quoteIfNecessary(value: string): boolean {
  if (parseGoFloat(value) !== undefined || parseGoBool(value) !== undefined) return true;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** A plain scalar is safe when YAML reads it back as exactly this string. */
function plainIsSafe(value: string): boolean {
  if (value === '' || /[\n\r]/.test(value) || value !== value.trim()) return false;
  try {
    return parse(value) === value;
  } catch {
    return false;
  }
}

/** Kargo's commit message text of a yaml-update value (`%v` of QuoteIfNecessary). */
export function yamlCommitValue(value: unknown): string {
  if (typeof value === 'string') return quoteIfNecessary(value) ? goQuote(value) : value;
  return yamlValueText(value);
}

export function updateYaml(text: string, updates: Array<{ key: string; value: unknown }>): string {
  let out = text;
  for (const update of updates) {
    // Only the first document counts, as yaml.Unmarshal reads only the first.
    const doc = parseAllDocuments(out, { keepSourceTokens: true, uniqueKeys: false })[0];
    if (doc && doc.errors.length > 0)
      throw new Error(`error unmarshaling input: ${doc.errors[0]!.message.split('\n')[0]}`);
    let parts: string[];
    try {
      parts = splitKey(update.key);
    } catch (err) {
      throw new Error(`error splitting key ${update.key}: ${(err as Error).message}`);
    }
    let node: Scalar;
    try {
      node = findScalarNode(out, doc?.contents ?? null, parts);
    } catch (err) {
      throw new Error(`error finding key ${update.key}: ${(err as Error).message}`);
    }
    const [start, valueEnd] = node.range!;
    const newText = yamlValueText(update.value);
    // A block scalar's range runs to its last line break: keep the break after the new value.
    const trailing = /\r?\n$/.exec(out.slice(start, valueEnd))?.[0] ?? '';
    // As Kargo, a value right after its indicator (`a:` with nothing after it) gets a space.
    const before = out[start - 1];
    const space = before !== undefined && !/[ \n]/.test(before) ? ' ' : '';
    out = out.slice(0, start) + space + newText + trailing + out.slice(valueEnd);
  }
  return out;
}

/** Kargo's findScalarNode: walks maps by key text and sequences by strconv.Atoi index. */
function findScalarNode(text: string, node: unknown, parts: string[]): Scalar {
  if (parts.length === 0) {
    if (isScalar(node) && node.range) return node;
    throw new Error('key path does not address a scalar node');
  }
  const [part, ...rest] = parts as [string, ...string[]];
  if (isMap(node)) {
    const pair = node.items.find((item) => keyText(text, item.key) === part);
    if (pair) return findScalarNode(text, pair.value, rest);
  } else if (isSeq(node)) {
    if (!/^[+-]?\d+$/.test(part))
      throw new Error(`strconv.Atoi: parsing ${goQuote(part)}: invalid syntax`);
    const index = Number(part);
    const item = node.items[index];
    if (index < 0 || item === undefined)
      throw new Error(`index ${part} is out of range (the list has ${node.items.length} items)`);
    return findScalarNode(text, item, rest);
  }
  throw new Error('key path not found');
}

/** A map key as go-yaml's Node.Value: a plain scalar's source text, a quoted one's value. */
function keyText(text: string, key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  if ((key.type === 'PLAIN' || key.type === undefined) && key.range)
    return text.slice(key.range[0], key.range[1]);
  return String(key.value);
}
