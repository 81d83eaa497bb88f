import { parse as parseToml } from 'smol-toml';
import { splitKey } from './yaml-edit.js';

/**
 * toml-update's edit, as Kargo's pkg/toml SetValuesInBytes: every key must already exist and
 * address a scalar (a missing key, a table or an array is an error, nothing is added), and only
 * the scalar's own text is replaced, so comments, blank lines and every other byte stay.
 */

/** The node kinds go-toml's parser names in Kargo's errors (`addresses Table instead of …`). */
export type TomlNodeKind =
  | 'Table'
  | 'ArrayTable'
  | 'Array'
  | 'InlineTable'
  | 'String'
  | 'Bool'
  | 'Float'
  | 'Integer'
  | 'LocalDate'
  | 'LocalTime'
  | 'LocalDateTime'
  | 'DateTime';

export interface TomlNode {
  kind: TomlNodeKind;
  /** Where the value's text starts and ends (quotes included); scalars only. */
  start: number;
  end: number;
}

/**
 * Every addressable node of a TOML document by its key path, as Kargo indexes them: a table
 * header `[a.b]` is `a.b`; the n-th `[[a]]` is `a` and `a.<n>` (keys under it are relative to
 * `a.<n>`); array items are `list.<i>`; inline table members are `t.k`.
 */
export interface TomlIndex {
  /** The document's text. */
  source: string;
  nodes: Map<string, TomlNode>;
  scalars: Map<string, TomlNode>;
}

const pathKey = (path: readonly string[]) => JSON.stringify(path);

/** The index key of a path (a list of key parts). */
export const tomlPathKey = pathKey;

/**
 * Indexes a document. The text is first read by smol-toml, so a document that is not valid
 * TOML is refused (`error parsing input: …`) before the scan, which then assumes valid input.
 */
export function indexToml(text: string): TomlIndex {
  try {
    parseToml(text);
  } catch (err) {
    throw new Error(`error parsing input: ${tomlErrorText(err)}`);
  }
  return new TomlScanner(text).scan();
}

/**
 * smol-toml's error in one line, with where it is (`invalid value at line 1, column 8`): the
 * detail differs from go-toml's, the place is the same.
 */
export function tomlErrorText(err: unknown): string {
  const { message, line, column } = err as { message: string; line?: number; column?: number };
  const text = message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
  return line === undefined ? text : `${text} at line ${line}, column ${column}`;
}

/**
 * The new text of a document with each update's scalar replaced by the value as go-toml writes
 * it; when a key is updated twice the last value wins. Errors are worded as Kargo's.
 */
export function updateToml(text: string, updates: ReadonlyArray<{ key: string; value: unknown }>) {
  const index = indexToml(text);
  const changes = new Map<string, { start: number; end: number; replacement: string }>();
  for (const update of updates) {
    let parts: string[];
    try {
      parts = splitKey(update.key);
    } catch (err) {
      throw new Error(`error splitting key ${update.key}: ${(err as Error).message}`);
    }
    const key = pathKey(parts);
    const node = index.scalars.get(key);
    if (!node) {
      const other = index.nodes.get(key);
      if (other)
        throw new Error(
          `error finding key ${update.key}: key path addresses ${other.kind} instead of a scalar node`,
        );
      throw new Error(`error finding key ${update.key}: key path not found`);
    }
    let replacement: string;
    try {
      replacement = tomlValueText(update.value);
    } catch (err) {
      throw new Error(`error formatting value for key ${update.key}: ${(err as Error).message}`);
    }
    changes.set(key, { start: node.start, end: node.end, replacement });
  }
  let out = text;
  for (const change of [...changes.values()].sort((a, b) => b.start - a.start))
    out = out.slice(0, change.start) + change.replacement + out.slice(change.end);
  return out;
}

/**
 * A value as go-toml's encoder writes it (Kargo's FormatValue): a string in single quotes
 * (a literal string) unless it holds `'`, a line break or a control character, then in double
 * quotes with escapes; a number as a float64 (a step config's numbers are JSON numbers, so whole
 * ones are written `100.0`, as Kargo writes them); a bool as true/false. Anything else (null,
 * a map, a list) is refused.
 */
export function tomlValueText(value: unknown): string {
  if (typeof value === 'string') return needsQuoting(value) ? basicString(value) : `'${value}'`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return goTomlFloat(value);
  throw new Error('value is not a TOML scalar type');
}

/**
 * Kargo's commit message text of a value (FormatValueString): as written in the file. Only
 * values that were written reach the message, so the `%v` fallback for others is never needed.
 */
export const tomlCommitValue = tomlValueText;

const controlCharacter = (code: number) =>
  (code <= 0x08 || (code >= 0x0a && code <= 0x1f) || code === 0x7f) && code !== 0x09;

function needsQuoting(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (value[i] === "'" || controlCharacter(code)) return true;
  }
  return false;
}

const escapes: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function basicString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (escapes[ch]) out += escapes[ch];
    else if (controlCharacter(code))
      out += `\\u00${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** go-toml's float64: `nan`, `inf`, `-inf`, whole values with one decimal, never an exponent. */
function goTomlFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isInteger(n)) return `${Object.is(n, -0) ? '-' : ''}${plainDigits(n)}.0`;
  return plainDigits(n);
}

/** A finite number in positional notation, shortest digits that read back (Go's 'f', -1). */
function plainDigits(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const [mantissa, exponentText] = text.split(/e/i) as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.') as [string, string?];
  const digits = whole + fraction;
  const point = whole.length + exponent;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

const bareKeyChar = /[A-Za-z0-9_-]/;
const scalarChar = /[A-Za-z0-9_+\-:.]/;

/** A scanner over a valid TOML document that records where each value's text is. */
class TomlScanner {
  private pos = 0;
  private readonly index: TomlIndex;

  constructor(private readonly text: string) {
    this.index = { source: text, nodes: new Map(), scalars: new Map() };
  }

  scan(): TomlIndex {
    let current: string[] = [];
    const arrayTableCounts = new Map<string, number>();
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length) break;
      const start = this.pos;
      if (this.text.startsWith('[[', this.pos)) {
        this.pos += 2;
        const base = this.readKey();
        this.skipBlank(false);
        this.pos += 2; // ]]
        this.register(base, 'ArrayTable', start);
        const count = arrayTableCounts.get(pathKey(base)) ?? 0;
        arrayTableCounts.set(pathKey(base), count + 1);
        current = [...base, String(count)];
        this.register(current, 'ArrayTable', start);
      } else if (this.text[this.pos] === '[') {
        this.pos += 1;
        current = this.readKey();
        this.skipBlank(false);
        this.pos += 1; // ]
        this.register(current, 'Table', start);
      } else {
        const key = this.readKey();
        this.skipBlank(false);
        this.pos += 1; // =
        this.skipBlank(false);
        this.readValue([...current, ...key]);
      }
    }
    return this.index;
  }

  /**
   * The scanner met text smol-toml accepted but it does not follow: refuse rather than guess
   * (every loop of the scanner advances or ends here, so it always terminates).
   */
  private unsupported(): never {
    throw new Error(`error parsing input: unsupported TOML syntax at offset ${this.pos}`);
  }

  private register(path: string[], kind: TomlNodeKind, start: number): void {
    this.index.nodes.set(pathKey(path), { kind, start, end: this.pos });
  }

  /** Skips spaces and tabs, comments, and (when `newlines`) line breaks. */
  private skipBlank(newlines: boolean): void {
    const { text } = this;
    while (this.pos < text.length) {
      const ch = text[this.pos]!;
      if (ch === ' ' || ch === '\t') this.pos++;
      else if (newlines && (ch === '\n' || ch === '\r')) this.pos++;
      else if (ch === '#') {
        while (this.pos < text.length && text[this.pos] !== '\n') this.pos++;
      } else break;
    }
  }

  /** A dotted key: bare, "basic" or 'literal' parts with optional blanks around the dots. */
  private readKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const ch = this.text[this.pos];
      if (ch === '"') parts.push(this.readBasicString());
      else if (ch === "'") parts.push(this.readLiteralString());
      else {
        const start = this.pos;
        while (this.pos < this.text.length && bareKeyChar.test(this.text[this.pos]!)) this.pos++;
        if (this.pos === start) this.unsupported();
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipBlank(false);
      if (this.text[this.pos] !== '.') return parts;
      this.pos++;
    }
  }

  private readValue(path: string[]): void {
    const { text } = this;
    const start = this.pos;
    const ch = text[this.pos];
    if (ch === '[') {
      this.pos++;
      for (let i = 0; ; i++) {
        this.skipBlank(true);
        if (text[this.pos] === ']') break;
        this.readValue([...path, String(i)]);
        this.skipBlank(true);
        if (text[this.pos] === ',') this.pos++;
      }
      this.pos++;
      this.register(path, 'Array', start);
      return;
    }
    if (ch === '{') {
      this.pos++;
      for (;;) {
        this.skipBlank(true);
        if (text[this.pos] === '}') break;
        const key = this.readKey();
        this.skipBlank(false);
        this.pos++; // =
        this.skipBlank(false);
        this.readValue([...path, ...key]);
        this.skipBlank(true);
        if (text[this.pos] === ',') this.pos++;
      }
      this.pos++;
      this.register(path, 'InlineTable', start);
      return;
    }
    let kind: TomlNodeKind;
    if (ch === '"' || ch === "'") {
      if (text.startsWith(ch.repeat(3), this.pos)) this.skipMultilineString(ch);
      else if (ch === '"') this.readBasicString();
      else this.readLiteralString();
      kind = 'String';
    } else {
      while (this.pos < text.length && scalarChar.test(text[this.pos]!)) this.pos++;
      // A date and a time may be separated by a space (`1979-05-27 07:32:00Z`).
      if (
        /^\d{4}-\d{2}-\d{2}$/.test(text.slice(start, this.pos)) &&
        /^ \d{2}:/.test(text.slice(this.pos, this.pos + 4))
      ) {
        this.pos++;
        while (this.pos < text.length && scalarChar.test(text[this.pos]!)) this.pos++;
      }
      if (this.pos === start) this.unsupported();
      kind = scalarKind(text.slice(start, this.pos));
    }
    const node = { kind, start, end: this.pos };
    this.index.nodes.set(pathKey(path), node);
    this.index.scalars.set(pathKey(path), node);
  }

  private readBasicString(): string {
    const { text } = this;
    this.pos++;
    let out = '';
    while (text[this.pos] !== '"') {
      if (this.pos >= text.length) this.unsupported();
      if (text[this.pos] === '\\') {
        const [decoded, length] = decodeEscape(text, this.pos);
        out += decoded;
        this.pos += length;
      } else out += text[this.pos++];
    }
    this.pos++;
    return out;
  }

  private readLiteralString(): string {
    const end = this.text.indexOf("'", this.pos + 1);
    if (end < 0) this.unsupported();
    const value = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return value;
  }

  private skipMultilineString(quote: string): void {
    const { text } = this;
    const delimiter = quote.repeat(3);
    this.pos += 3;
    for (;;) {
      if (this.pos >= text.length) this.unsupported();
      if (quote === '"' && text[this.pos] === '\\') {
        this.pos += 2;
        continue;
      }
      if (text.startsWith(delimiter, this.pos)) {
        this.pos += 3;
        // Up to two quotes right before the closing delimiter belong to the content.
        let extra = 0;
        while (extra < 2 && text[this.pos] === quote) {
          this.pos++;
          extra++;
        }
        return;
      }
      this.pos++;
    }
  }
}

function decodeEscape(text: string, at: number): [string, number] {
  const ch = text[at + 1]!;
  const simple: Record<string, string> = {
    b: '\b',
    t: '\t',
    n: '\n',
    f: '\f',
    r: '\r',
    e: '\x1b',
    '"': '"',
    '\\': '\\',
  };
  if (simple[ch] !== undefined) return [simple[ch], 2];
  const digits = ch === 'u' ? 4 : ch === 'U' ? 8 : ch === 'x' ? 2 : 0;
  const code = Number.parseInt(text.slice(at + 2, at + 2 + digits), 16);
  return [String.fromCodePoint(code), 2 + digits];
}

function scalarKind(token: string): TomlNodeKind {
  if (token === 'true' || token === 'false') return 'Bool';
  if (/^\d{4}-\d{2}-\d{2}$/.test(token)) return 'LocalDate';
  if (/^\d{2}:\d{2}/.test(token)) return 'LocalTime';
  if (/^\d{4}-\d{2}-\d{2}[Tt ]/.test(token))
    return /([Zz]|[+-]\d{2}:\d{2})$/.test(token) ? 'DateTime' : 'LocalDateTime';
  if (/^[+-]?(inf|nan)$/.test(token)) return 'Float';
  if (/^[+-]?0[xob]/.test(token)) return 'Integer';
  return /[.eE]/.test(token) ? 'Float' : 'Integer';
}
