import { parseGoFloat } from './go-strconv.js';
import { GoFloat, isPlainObject, MethodHost, StrictRecord } from './values.js';

/**
 * `yaml.Marshal` of gopkg.in/yaml.v3 (what Kargo's `asYAML` returns), for the values expressions
 * make: maps, lists, strings, numbers, bools and nil. Ported from yaml.v3's encoder and its
 * libyaml emitter, keeping what shapes the text:
 *
 * - block style, 4-space indentation, lists under a key indented too (`a:\n    - 1\n`), a map in a
 *   list continuing after `- `; empty maps and lists as `{}` and `[]`;
 * - map keys in yaml.v3's order (letters by code point, digit runs by value: `a2` before `a10`);
 * - strings plain when they read back as the same string, otherwise single- or double-quoted
 *   (`"true"`, `"1.5"`, `"yes"` for YAML 1.1, `'a: b'`, `"a\tb"`), multi-line ones as literal
 *   blocks (`|-`, `|`, `|+`, with an indentation hint when they start with a space);
 * - long lines never folded (yaml.v3 sets no width);
 * - floats as Go's %g (`1e+06`, `1.5`), `.inf`, `.nan`.
 */
export function goYamlMarshal(value: unknown): string {
  const emitter = new Emitter();
  emitter.node(value, 'root');
  emitter.writeIndent();
  return emitter.out;
}

const BEST_INDENT = 4;
/** yaml.v3 leaves the emitter's width unset (-1), which libyaml reads as no folding at all. */
const BEST_WIDTH = 2 ** 31 - 1;

type Parent = 'root' | 'sequence' | 'mappingKey' | 'mappingValue';
type Style = 'plain' | 'single' | 'double' | 'literal';

class Emitter {
  out = '';
  column = 0;
  indent = -1;
  readonly indents: number[] = [];
  whitespace = true;
  indention = true;

  node(value: unknown, parent: Parent, simpleKey = false): void {
    const data = toData(value);
    if (Array.isArray(data)) {
      if (data.length === 0) this.flowEmpty('[', ']');
      else this.sequence(data, parent);
    } else if (isPlainObject(data)) {
      const keys = Object.keys(data).sort(compareYamlKeys);
      if (keys.length === 0) this.flowEmpty('{', '}');
      else this.mapping(data, keys, parent);
    } else {
      const [text, style] = scalarOf(data);
      this.scalar(text, style, parent, simpleKey);
    }
  }

  increaseIndent(flow: boolean, parent: Parent): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (parent === 'sequence') this.indent += 2;
    else this.indent = BEST_INDENT * Math.floor((this.indent + BEST_INDENT) / BEST_INDENT);
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  sequence(items: unknown[], parent: Parent): void {
    this.increaseIndent(false, parent);
    for (const item of items) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(item, 'sequence');
    }
    this.popIndent();
  }

  mapping(map: Record<string, unknown>, keys: string[], parent: Parent): void {
    this.increaseIndent(false, parent);
    for (const key of keys) {
      this.writeIndent();
      const simple = !key.includes('\n') && !hasBreak(key) && utf8Length(key) <= 128;
      if (simple) {
        this.node(key, 'mappingKey', true);
        this.indicator(':', false, false, false);
      } else {
        this.indicator('?', true, false, true);
        this.node(key, 'mappingKey');
        this.writeIndent();
        this.indicator(':', true, false, true);
      }
      this.node(map[key], 'mappingValue');
    }
    this.popIndent();
  }

  flowEmpty(open: string, close: string): void {
    this.indicator(open, true, true, false);
    this.indicator(close, false, false, false);
  }

  scalar(text: string, requested: Style, parent: Parent, simpleKey: boolean): void {
    const analysis = analyze(text);
    let style = requested;
    if (simpleKey && analysis.multiline) style = 'double';
    if (style === 'plain') {
      if (!analysis.blockPlainAllowed) style = 'single';
      if (text === '' && simpleKey) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!analysis.blockAllowed || simpleKey)) style = 'double';
    this.increaseIndent(true, parent);
    const allowBreaks = !simpleKey;
    if (style === 'plain') this.plain(text, allowBreaks);
    else if (style === 'single') this.singleQuoted(text, allowBreaks);
    else if (style === 'double') this.doubleQuoted(text, allowBreaks);
    else this.literal(text);
    this.popIndent();
  }

  put(text: string): void {
    this.out += text;
    this.column += 1;
  }

  putBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  writeBreak(char: string): void {
    if (char === '\n') {
      this.putBreak();
      return;
    }
    this.out += char;
    this.column = 0;
    this.indention = true;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
  }

  indicator(
    text: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const char of text) this.put(char);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  plain(text: string, allowBreaks: boolean): void {
    const chars = [...text];
    if (chars.length > 0 && !this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ')
          this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (chars.length > 0) this.whitespace = false;
    this.indention = false;
  }

  singleQuoted(text: string, allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    const chars = [...text];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < chars.length - 1 &&
          chars[i + 1] !== ' '
        )
          this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  doubleQuoted(text: string, allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    const chars = [...text];
    // yaml.v3 checks for a byte order mark at the start of the value, not at each character.
    const bom = chars[0] === '\ufeff';
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (bom || !isPrintable(c) || isBreak(c) || c === '"' || c === '\\') {
        this.put('\\');
        for (const part of doubleQuotedEscape(c)) this.put(part);
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(text: string): void {
    this.indicator('|', true, false, false);
    const chars = [...text];
    if (chars[0] === ' ' || isBreak(chars[0] ?? ''))
      this.indicator(`${BEST_INDENT}`, false, false, false);
    const last = chars.at(-1);
    let chomp = '';
    if (last === undefined || !isBreak(last)) chomp = '-';
    else if (chars.length === 1 || isBreak(chars.at(-2)!)) chomp = '+';
    if (chomp) this.indicator(chomp, false, false, false);
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** What of an expression value yaml.v3 sees: StrictRecords as maps, MethodHosts as text. */
function toData(value: unknown): unknown {
  if (value instanceof StrictRecord) return { ...value.fields };
  if (value instanceof MethodHost) {
    const custom = (value as { toJSON?: unknown }).toJSON;
    return typeof custom === 'function' ? (custom as () => unknown).call(value) : value.toString();
  }
  if (value instanceof Uint8Array) return [...value];
  return value;
}

/** A scalar's text and the style yaml.v3's encoder asks for. */
function scalarOf(value: unknown): [string, Style] {
  if (value === null || value === undefined) return ['null', 'plain'];
  if (typeof value === 'boolean') return [value ? 'true' : 'false', 'plain'];
  if (value instanceof GoFloat) return [formatG(value.value), 'plain'];
  if (typeof value === 'number')
    return [Number.isInteger(value) ? String(value) : formatG(value), 'plain'];
  if (typeof value !== 'string') throw new Error(`cannot marshal type: ${typeof value}`);
  const text = value;
  if (text.includes('\n')) return [text, 'literal'];
  const plain = resolvesToString(text) && !isBase60Float(text) && !isOldBool(text);
  return [text, plain ? 'plain' : 'double'];
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), with yaml's names for the infinities and NaN. */
export function formatG(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  return String(n);
}

const YAML_SPECIALS = new Set([
  ...['true', 'True', 'TRUE', 'false', 'False', 'FALSE'],
  ...['', '~', 'null', 'Null', 'NULL'],
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'],
  ...['-.inf', '-.Inf', '-.INF'],
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Whether yaml.v3 reads the text, written plain, back as this string (resolve() gives !!str). */
function resolvesToString(text: string): boolean {
  if (YAML_SPECIALS.has(text)) return false;
  const first = text[0] ?? '';
  if (first === '.') return parseGoFloat(text) === undefined;
  if (!/[+\-0-9]/.test(first)) return true;
  if (isTimestamp(text)) return false;
  const plain = text.replaceAll('_', '');
  if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(plain)) return false;
  if (YAML_STYLE_FLOAT.test(plain) && parseGoFloat(plain) !== undefined) return false;
  return true;
}

const TIMESTAMP =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})| ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?)?$/;

/** yaml.v3's parseTimestamp: the layouts it tries with time.Parse, fields in range. */
function isTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const hour = Number(match[4] ?? match[7] ?? 0);
  const minute = Number(match[5] ?? match[8] ?? 0);
  const second = Number(match[6] ?? match[9] ?? 0);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

function isBase60Float(text: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(text);
}

function isOldBool(text: string): boolean {
  return /^(y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF)$/.test(text);
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar, block context. */
function analyze(text: string): Analysis {
  if (text === '')
    return {
      multiline: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  const chars = [...text];
  let blockIndicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((c, i) => {
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace)
        blockIndicators = true;
    } else if (c === ':' && followedByWhitespace) blockIndicators = true;
    else if (c === '#' && precededByWhitespace) blockIndicators = true;
    if (c === '\t') tabs = true;
    else if (!isPrintable(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === ' ' || c === '\t' || isBreak(c) || c === '\0';
  });
  const result: Analysis = {
    multiline: lineBreaks,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
    result.blockPlainAllowed = false;
  if (trailingSpace) result.blockAllowed = false;
  if (breakSpace || spaceBreak || tabs || special) {
    result.blockPlainAllowed = false;
    result.singleQuotedAllowed = false;
  }
  if (spaceBreak || special) result.blockAllowed = false;
  if (lineBreaks || blockIndicators) result.blockPlainAllowed = false;
  return result;
}

function isBreak(c: string): boolean {
  return c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}

function hasBreak(text: string): boolean {
  return [...text].some(isBreak);
}

/** libyaml's is_printable: LF, ASCII printables, and the BMP from U+00A0 save surrogates, U+FEFF, U+FFFE/F. */
function isPrintable(c: string): boolean {
  const code = c.codePointAt(0)!;
  if (code === 0x0a) return true;
  if (code >= 0x20 && code <= 0x7e) return true;
  if (code >= 0xa0 && code <= 0xd7ff) return true;
  if (code >= 0xe000 && code <= 0xfffd) return code !== 0xfeff;
  return false;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

function doubleQuotedEscape(c: string): string[] {
  const code = c.codePointAt(0)!;
  const short = SHORT_ESCAPES[code];
  if (short) return [short];
  const [letter, width] = code <= 0xff ? ['x', 2] : code <= 0xffff ? ['u', 4] : ['U', 8];
  return [letter, ...code.toString(16).toUpperCase().padStart(width, '0')];
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** yaml.v3's key order (sorter.go): letters by code point, runs of digits by their value. */
export function compareYamlKeys(a: string, b: string): number {
  if (a === b) return 0;
  return yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0;
}

const isDigit = (c: string | undefined) => c !== undefined && /^\p{Nd}$/u.test(c);
const isLetter = (c: string | undefined) => c !== undefined && /^\p{L}$/u.test(c);

function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) {
      digits = isDigit(x);
      continue;
    }
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x.codePointAt(0)! < y.codePointAt(0)!;
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + digitValue(ar[ai]!);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + digitValue(br[bi]!);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x.codePointAt(0)! < y.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** Go's `int64(r - '0')`, which for digits other than ASCII is their offset from '0'. */
function digitValue(c: string): number {
  return c.codePointAt(0)! - 0x30;
}
