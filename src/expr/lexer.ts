import { ExprError } from './expr-error.js';

/**
 * The tokens of expr-lang (the language of Kargo's `${{ }}` expressions), read as expr-lang
 * v1.17.8's lexer reads them: names (letters, digits, `_` and `$`), numbers (decimal, `0x`,
 * `0o`, `0b`, `_` separators, floats such as `.5`, `2.` and `1e3`), strings with Go's escapes,
 * raw strings, byte strings (`b"…"`), operators (word operators such as `and`, `in`, `not in`,
 * `let`, `if` included), brackets, and `//` and `/* *\/` comments, which are skipped.
 */
export type TokenKind =
  'identifier' | 'number' | 'string' | 'bytes' | 'operator' | 'bracket' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The operator, bracket, name or number text; a string's decoded value. */
  value: string;
  /** 1-based column (in characters) where the token starts. */
  column: number;
}

const WORD_OPERATORS = new Set([
  'in',
  'or',
  'and',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
  'let',
  'if',
  'else',
]);
const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);

export function isAlphabetic(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
  return /^\p{L}$/u.test(ch);
}

export function isAlphaNumeric(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || isAlphabetic(ch);
  return /^[\p{L}\p{Nd}]$/u.test(ch);
}

function isSpace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /^[\s\u0085]$/u.test(ch);
}

export function tokenize(source: string): Token[] {
  return new Lexer(source).run();
}

class Lexer {
  /**
   * The source by code point, so columns count characters as expr-lang does: the string itself
   * when it is ASCII (no copy), else its code points.
   */
  readonly #chars: string | string[];
  #pos = 0;
  readonly #tokens: Token[] = [];

  constructor(source: string) {
    // eslint-disable-next-line no-control-regex
    this.#chars = /^[\x00-\x7f]*$/.test(source) ? source : Array.from(source);
  }

  /** The text from `start` to `end` (code point positions). */
  #text(start: number, end: number): string {
    const chars = this.#chars;
    return typeof chars === 'string' ? chars.slice(start, end) : chars.slice(start, end).join('');
  }

  run(): Token[] {
    const chars = this.#chars;
    while (this.#pos < chars.length) {
      const start = this.#pos;
      const ch = chars[start]!;
      if (isSpace(ch)) {
        this.#pos++;
        continue;
      }
      if (ch === '"' || ch === "'") {
        this.#string(start, ch, false);
        continue;
      }
      if (ch === '`') {
        this.#rawString(start);
        continue;
      }
      if ((ch === 'b' || ch === 'B') && (chars[start + 1] === '"' || chars[start + 1] === "'")) {
        this.#string(start + 1, chars[start + 1]!, true);
        continue;
      }
      if (ch >= '0' && ch <= '9') {
        this.#number(start);
        continue;
      }
      if (ch === '.' && /[0-9]/.test(chars[start + 1] ?? '')) {
        this.#number(start);
        continue;
      }
      if (ch === '/' && chars[start + 1] === '/') {
        while (this.#pos < chars.length && chars[this.#pos] !== '\n') this.#pos++;
        continue;
      }
      if (ch === '/' && chars[start + 1] === '*') {
        let end = start + 2;
        while (end < chars.length && !(chars[end] === '*' && chars[end + 1] === '/')) end++;
        if (end >= chars.length) throw new ExprError('unclosed comment', start + 1);
        this.#pos = end + 2;
        continue;
      }
      if (ch === '#') {
        this.#emit('operator', '#', start, 1);
        let end = this.#pos;
        while (end < chars.length && isAlphaNumeric(chars[end]!)) end++;
        if (end > this.#pos)
          this.#emit('identifier', this.#text(this.#pos, end), this.#pos, end - this.#pos);
        continue;
      }
      if (ch === '?') {
        const next = chars[start + 1];
        if (next === '.' || next === '?') this.#emit('operator', `?${next}`, start, 2);
        else this.#emit('operator', '?', start, 1);
        continue;
      }
      if (ch === '|' || ch === ':') {
        if (chars[start + 1] === ch) this.#emit('operator', ch + ch, start, 2);
        else this.#emit('operator', ch, start, 1);
        continue;
      }
      if ('([{)]}'.includes(ch)) {
        this.#emit('bracket', ch, start, 1);
        continue;
      }
      if (',;%+-^/'.includes(ch)) {
        this.#emit('operator', ch, start, 1);
        continue;
      }
      if ('&!=*<>'.includes(ch)) {
        const next = chars[start + 1];
        if (next !== undefined && '&=*'.includes(next)) this.#emit('operator', ch + next, start, 2);
        else this.#emit('operator', ch, start, 1);
        continue;
      }
      if (ch === '.') {
        if (chars[start + 1] === '.') this.#emit('operator', '..', start, 2);
        else this.#emit('operator', '.', start, 1);
        continue;
      }
      if (isAlphaNumeric(ch)) {
        this.#word(start);
        continue;
      }
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      throw new ExprError(`unrecognized character: U+${code} '${ch}'`, start + 1);
    }
    this.#tokens.push({ kind: 'eof', value: '', column: chars.length + 1 });
    return this.#tokens;
  }

  #emit(kind: TokenKind, value: string, start: number, length: number): void {
    this.#tokens.push({ kind, value, column: start + 1 });
    this.#pos = start + length;
  }

  #word(start: number): void {
    const chars = this.#chars;
    let end = start;
    while (end < chars.length && isAlphaNumeric(chars[end]!)) end++;
    const word = this.#text(start, end);
    if (word === 'not') {
      this.#emit('operator', 'not', start, end - start);
      // `not in`, `not matches`, …: the next word is the negated operator.
      let next = end;
      while (next < chars.length && isSpace(chars[next]!)) next++;
      let wordEnd = next;
      while (wordEnd < chars.length && isAlphaNumeric(chars[wordEnd]!)) wordEnd++;
      const following = this.#text(next, wordEnd);
      if (NEGATABLE.has(following)) this.#emit('operator', following, next, wordEnd - next);
      return;
    }
    this.#emit(WORD_OPERATORS.has(word) ? 'operator' : 'identifier', word, start, end - start);
  }

  #number(start: number): void {
    const chars = this.#chars;
    let i = start;
    let digits = /[0-9_]/;
    if (chars[i] === '0') {
      i++;
      const prefix = chars[i];
      if (prefix === 'x' || prefix === 'X') {
        digits = /[0-9a-fA-F_]/;
        i++;
      } else if (prefix === 'o' || prefix === 'O') {
        digits = /[0-7_]/;
        i++;
      } else if (prefix === 'b' || prefix === 'B') {
        digits = /[01_]/;
        i++;
      }
    }
    while (i < chars.length && digits.test(chars[i]!)) i++;
    if (chars[i] === '.') {
      // `1..2` is a range: the number ends before the two dots.
      if (chars[i + 1] !== '.') {
        i++;
        while (i < chars.length && digits.test(chars[i]!)) i++;
      }
    }
    if (chars[i] === 'e' || chars[i] === 'E') {
      i++;
      if (chars[i] === '+' || chars[i] === '-') i++;
      while (i < chars.length && digits.test(chars[i]!)) i++;
    }
    if (i < chars.length && isAlphaNumeric(chars[i]!)) {
      throw new ExprError(
        `bad number syntax: ${JSON.stringify(this.#text(start, i + 1))}`,
        start + 1,
      );
    }
    this.#emit('number', this.#text(start, i), start, i - start);
  }

  /** A quoted string starting at `quoteAt`; `bytes` for `b"…"` (which starts one earlier). */
  #string(quoteAt: number, quote: string, bytes: boolean): void {
    const chars = this.#chars;
    const start = bytes ? quoteAt - 1 : quoteAt;
    let value = '';
    let i = quoteAt + 1;
    for (;;) {
      const c = chars[i];
      if (c === undefined || c === '\n') throw new ExprError('literal not terminated', start + 1);
      if (c === quote) break;
      if (c !== '\\') {
        const text = c === '\r' ? (chars[i + 1] === '\n' ? '' : '\n') : c;
        // A byte string holds the UTF-8 bytes of what is written, one character per byte.
        value += bytes ? Buffer.from(text, 'utf8').toString('latin1') : text;
        i++;
        continue;
      }
      const next = chars[i + 1];
      if (next === undefined) throw new ExprError('literal not terminated', start + 1);
      const simple = Object.hasOwn(SIMPLE_ESCAPES, next) ? SIMPLE_ESCAPES[next] : undefined;
      if (simple !== undefined) {
        value += simple;
        i += 2;
        continue;
      }
      const decoded = decodeNumericEscape(chars, i, bytes);
      if (!decoded) throw new ExprError('unable to unescape string', start + 1);
      value +=
        bytes && decoded.text.codePointAt(0)! > 0xff
          ? Buffer.from(decoded.text, 'utf8').toString('latin1')
          : decoded.text;
      i = decoded.end;
    }
    this.#emit(bytes ? 'bytes' : 'string', value, start, i + 1 - start);
  }

  #rawString(start: number): void {
    const chars = this.#chars;
    let value = '';
    let i = start + 1;
    for (;;) {
      const c = chars[i];
      if (c === undefined) throw new ExprError('literal not terminated', start + 1);
      if (c === '`') {
        // A doubled backtick stands for one.
        if (chars[i + 1] === '`') {
          value += '`';
          i += 2;
          continue;
        }
        break;
      }
      value += c;
      i++;
    }
    this.#emit('string', value, start, i + 1 - start);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  '?': '?',
};

/** `\x41`, `\u00e9`, `\U0001F600`, `\u{1F600}`, `\101`: the text and where the escape ends. */
function decodeNumericEscape(
  chars: string | string[],
  at: number,
  bytes: boolean,
): { text: string; end: number } | undefined {
  const kind = chars[at + 1]!;
  const hex = (from: number, count: number): number | undefined => {
    const text = joined(chars.slice(from, from + count));
    return text.length === count && /^[0-9a-fA-F]+$/.test(text) ? parseInt(text, 16) : undefined;
  };
  const char = (code: number): string | undefined =>
    code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff && !bytes)
      ? code > 0x10ffff
        ? undefined
        : '\ufffd'
      : String.fromCodePoint(code);
  if (kind === 'u' && chars[at + 2] === '{' && !bytes) {
    let end = at + 3;
    while (end < chars.length && chars[end] !== '}') end++;
    const digits = end - (at + 3);
    if (chars[end] !== '}' || digits === 0 || digits > 6) return undefined;
    const code = hex(at + 3, digits);
    const text = code === undefined ? undefined : char(code);
    return text === undefined ? undefined : { text, end: end + 1 };
  }
  // In a byte string only \x and octal escapes name bytes.
  if (bytes && (kind === 'u' || kind === 'U')) return undefined;
  const width = { x: 2, X: 2, u: 4, U: 8 }[kind];
  if (width !== undefined) {
    const code = hex(at + 2, width);
    const text = code === undefined ? undefined : char(code);
    return text === undefined ? undefined : { text, end: at + 2 + width };
  }
  if (/[0-3]/.test(kind)) {
    const text = joined(chars.slice(at + 1, at + 4));
    if (!/^[0-7]{3}$/.test(text)) return undefined;
    return { text: String.fromCodePoint(parseInt(text, 8)), end: at + 4 };
  }
  return undefined;
}

function joined(part: string | string[]): string {
  return typeof part === 'string' ? part : part.join('');
}
