import { goKey, keysOf } from './any-keyed-map.js';
import { formatGoFloat, GoFloat, isPlainObject, MethodHost, StrictRecord } from './values.js';
import { formatGoTime, GoDuration, GoTime } from './time-values.js';

/**
 * The text `yaml.Marshal` of gopkg.in/yaml.v3 writes for a value (what Kargo's `asYAML`
 * returns), for the values expressions make: maps, lists, strings, numbers, bools, nil, times
 * and durations. Written from yaml.v3's observed output (the table in go-yaml.cases.ts):
 *
 * - block style; what a map holds at the next multiple of 4 after the map's column (`a:\n    -
 *   1\n`, `- a:\n    b: 1\n`), a list's items right after `- ` (`- a: 1\n  b: 2\n`); empty
 *   maps and lists as `{}` and `[]`;
 * - map keys in yaml.v3's order (letters by code point, digit runs by value: `a2` before `a10`;
 *   numbers and bools before nil before strings); keys with a line break or over 128 bytes
 *   written as `? key` / `: value`;
 * - strings plain when they read back as the same string, otherwise single- or double-quoted
 *   (`"true"`, `"1.5"`, `"yes"` for YAML 1.1, `'a: b'`, `"a\tb"`), multi-line ones as literal
 *   blocks (`|-`, `|`, `|+`, with the indentation hint `4` when they start with a space);
 * - long lines never folded (yaml.v3 sets no width);
 * - floats as Go's %g (`1e+06`, `1.5`), `.inf`, `.nan`; times in RFC 3339, durations as Go
 *   prints them (`1h0m0s`).
 */
export function goYamlMarshal(value: unknown): string {
  const out = new BlockWriter();
  const tree = toTree(value);
  // A scalar alone is indented (its literal block's lines) as a map's value would be.
  if (tree.kind === 'scalar') writeScalar(out, tree, mapChildColumn(0));
  else writeNode(out, tree, 0);
  if (out.column > 0) out.text += '\n';
  return out.text;
}

// ---------------------------------------------------------------------------------------------
// The value as a tree of YAML nodes

interface ScalarNode {
  kind: 'scalar';
  text: string;
  /** A Go string: quoted when it would read back as something else (`"1"`, `"true"`). */
  isString: boolean;
}
interface MapNode {
  kind: 'map';
  entries: { key: ScalarNode; value: TreeNode }[];
}
interface ListNode {
  kind: 'list';
  items: TreeNode[];
}
type TreeNode = ScalarNode | MapNode | ListNode;

/** How a map key sorts: yaml.v3 compares numbers (and bools) by value, other kinds by kind. */
interface SortKey {
  /** The Go kind's rank (reflect.Kind's order): bool, int, int64, float64, nil, string, struct. */
  rank: number;
  number?: number;
  /** A string key's text. */
  text?: string;
}

const RANK = { bool: 1, int: 2, int64: 6, float: 14, nil: 20, string: 24, struct: 25 } as const;

function scalar(text: string, isString = false): ScalarNode {
  return { kind: 'scalar', text, isString };
}

function toTree(value: unknown): TreeNode {
  if (value === null || value === undefined) return scalar('null');
  if (typeof value === 'string') return scalar(wellFormed(value), true);
  if (typeof value === 'boolean') return scalar(String(value));
  if (typeof value === 'number')
    return scalar(Number.isInteger(value) ? String(value) : floatText(value));
  if (value instanceof GoFloat) return scalar(floatText(value.value));
  if (value instanceof GoTime) return scalar(timeText(value));
  if (value instanceof GoDuration) return scalar(value.toString(), true);
  if (Array.isArray(value)) return { kind: 'list', items: value.map(toTree) };
  if (value instanceof StrictRecord) return mapTree(value.fields);
  if (isPlainObject(value)) return mapTree(value);
  if (value instanceof MethodHost) {
    // Other Go types marshal as their JSON form shows them (a semver as its text, a struct by
    // its fields); one without (a *time.Location) has no exported fields: `{}`.
    const json = (value as { toJSON?: () => unknown }).toJSON;
    return typeof json === 'function' ? toTree(json.call(value)) : { kind: 'map', entries: [] };
  }
  throw new Error(`cannot marshal type: ${typeof value}`);
}

function mapTree(map: Readonly<Record<string, unknown>>): MapNode {
  const names = Object.keys(map);
  const keys = keysOf(map);
  const rows = names.map((name, i) => {
    const key = keys[i];
    return { sort: sortKey(key), key: keyNode(key), value: toTree(map[name]) };
  });
  rows.sort((a, b) => compareSortKeys(a.sort, b.sort));
  return { kind: 'map', entries: rows.map(({ key, value }) => ({ key, value })) };
}

/** A map key as a scalar: any-keyed maps (`groupBy`) keep ints, bools and nil as they are. */
function keyNode(key: unknown): ScalarNode {
  const node = toTree(key);
  return node.kind === 'scalar' ? node : scalar(goKey(key), true);
}

function sortKey(key: unknown): SortKey {
  if (typeof key === 'string') return { rank: RANK.string, text: wellFormed(key) };
  if (typeof key === 'boolean') return { rank: RANK.bool, number: key ? 1 : 0 };
  if (typeof key === 'number')
    return { rank: Number.isInteger(key) ? RANK.int : RANK.float, number: key };
  if (key instanceof GoFloat) return { rank: RANK.float, number: key.value };
  if (key instanceof GoDuration) return { rank: RANK.int64, number: Number(key.ns) };
  if (key === null || key === undefined) return { rank: RANK.nil };
  return { rank: RANK.struct };
}

function compareSortKeys(a: SortKey, b: SortKey): number {
  if (a.number !== undefined && b.number !== undefined && a.number !== b.number)
    return a.number < b.number ? -1 : 1;
  if (a.rank !== b.rank || a.rank !== RANK.string) return a.rank - b.rank;
  return compareKeyTexts(a.text ?? '', b.text ?? '');
}

/**
 * yaml.v3's order of string keys (its sorter.go), which reads digit runs as numbers. At the
 * first code point where the keys differ: two letters compare by code point; a letter and a
 * non-letter put the letter first only right after a digit (`a1b` < `a1_`, but `_` < `a`);
 * otherwise the digit runs starting there compare by value, then by length, then by that code
 * point. A zero where the common prefix ends in a digit run with a non-zero digit compares the
 * runs by length first (as if both had a leading 1). Runs over 18 digits wrap as Go's int64 does.
 */
function compareKeyTexts(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let at = 0;
  while (at < x.length && at < y.length && x[at] === y[at]) at++;
  if (at === x.length || at === y.length) return x.length - y.length;
  const p = x[at]!;
  const q = y[at]!;
  const pLetter = isLetter(p);
  const qLetter = isLetter(q);
  if (pLetter && qLetter) return codePoint(p) - codePoint(q);
  if (pLetter || qLetter) {
    const afterDigit = at > 0 && isDigit(x[at - 1]!);
    return pLetter === afterDigit ? -1 : 1;
  }
  let seed = 0n;
  if (p === '0' || q === '0') {
    for (let i = at - 1; i >= 0 && isDigit(x[i]!); i--)
      if (x[i] !== '0') {
        seed = 1n;
        break;
      }
  }
  const runA = digitRun(x, at, seed);
  const runB = digitRun(y, at, seed);
  if (runA.value !== runB.value) return runA.value < runB.value ? -1 : 1;
  if (runA.length !== runB.length) return runA.length - runB.length;
  return codePoint(p) - codePoint(q);
}

/** The digits from `from` on read as a number (each digit worth its code point minus '0'). */
function digitRun(chars: string[], from: number, seed: bigint): { value: bigint; length: number } {
  let value = seed;
  let end = from;
  while (end < chars.length && isDigit(chars[end]!)) {
    value = BigInt.asIntN(64, value * 10n + BigInt(codePoint(chars[end]!) - 48));
    end++;
  }
  return { value, length: end - from };
}

function isLetter(char: string): boolean {
  return /^\p{L}$/u.test(char);
}

function isDigit(char: string): boolean {
  return /^\p{Nd}$/u.test(char);
}

function codePoint(char: string): number {
  return char.codePointAt(0)!;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), with YAML's names for the infinities and NaN. */
function floatText(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  return formatGoFloat(n);
}

/** time.Time marshals as RFC 3339 with nanoseconds, written plain. */
function timeText(t: GoTime): string {
  return formatGoTime(t, '2006-01-02T15:04:05.999999999Z07:00');
}

/** Go strings are UTF-8: a lone surrogate (which JSON decoding in Go turns into U+FFFD). */
function wellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

// ---------------------------------------------------------------------------------------------
// Choosing how a scalar is written

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

/** Line breaks as YAML counts them. `\r` and U+0085 never get this far: they force `"…"`. */
const BREAKS = new Set(['\n', '\u2028', '\u2029']);

/** What decides a scalar's style, found in one pass over its text. */
interface TextFacts {
  /** A character only double quotes can carry (controls, U+0085, BOM, U+FFFE/F, astral). */
  unprintable: boolean;
  tab: boolean;
  anyBreak: boolean;
  /** A space right before a line break. */
  spaceThenBreak: boolean;
  /** A space right after a line break. */
  breakThenSpace: boolean;
  /** Something that would read as YAML syntax if written plain (`- `, `: `, ` #`, `{`…). */
  syntax: boolean;
}

function printable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function factsOf(text: string): TextFacts {
  const chars = Array.from(text);
  const facts: TextFacts = {
    unprintable: false,
    tab: false,
    anyBreak: false,
    spaceThenBreak: false,
    breakThenSpace: false,
    syntax: startsLikeSyntax(chars),
  };
  chars.forEach((char, i) => {
    const before = chars[i - 1];
    const after = chars[i + 1];
    if (char === '\t') facts.tab = true;
    else if (!printable(codePoint(char))) facts.unprintable = true;
    if (BREAKS.has(char)) {
      facts.anyBreak = true;
      if (before === ' ') facts.spaceThenBreak = true;
    } else if (char === ' ' && before !== undefined && BREAKS.has(before))
      facts.breakThenSpace = true;
    if (i > 0 && char === ':' && (after === undefined || isBlank(after))) facts.syntax = true;
    if (i > 0 && char === '#' && isBlank(before!)) facts.syntax = true;
  });
  return facts;
}

function isBlank(char: string): boolean {
  return char === ' ' || char === '\t' || BREAKS.has(char);
}

function startsLikeSyntax(chars: string[]): boolean {
  const [first, second] = chars;
  if (first === undefined) return false;
  const head = chars.slice(0, 3).join('');
  if (head === '---' || head === '...') return true;
  if ('#,[]{}&*!|>\'"%@`'.includes(first)) return true;
  return '?:-'.includes(first) && (second === undefined || isBlank(second));
}

/**
 * The style yaml.v3 writes a scalar in. `isString` marks Go strings, which yaml.v3 double-quotes
 * when they would read back as another type; other scalars (numbers, times) it asks to be plain.
 * Strings with `\n` it asks to be literal blocks. What the text contains may then force quotes.
 */
function styleOf(node: ScalarNode): ScalarStyle {
  const { text } = node;
  const facts = factsOf(text);
  if (facts.unprintable) return 'double';
  if (node.isString && readsAsOtherType(text)) return 'double';
  if (text.includes('\n')) return facts.spaceThenBreak || text.endsWith(' ') ? 'double' : 'literal';
  const edgeSpace = text.startsWith(' ') || text.endsWith(' ');
  if (text !== '' && !edgeSpace && !facts.tab && !facts.anyBreak && !facts.syntax) return 'plain';
  if (facts.tab || facts.spaceThenBreak || facts.breakThenSpace) return 'double';
  return 'single';
}

const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOL_WORDS = new Set(
  'true True TRUE false False FALSE y Y yes Yes YES n N no No NO on On ON off Off OFF'.split(' '),
);
const FLOAT_WORDS = new Set(
  '.inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF .nan .NaN .NAN'.split(' '),
);
/** YAML's float syntax, which yaml.v3 checks before Go's ParseFloat. */
const DECIMAL_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go's strconv.ParseFloat takes that starts with a point: `_` only between digits. */
const GO_POINT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;
/** YAML 1.1's base-60 numbers (`1:30`, `-1:30:00.5`), which yaml.v3 quotes too. */
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
/** The shapes of isTimestamp's layouts; the fields' ranges are checked after. */
const TIMESTAMP =
  /^(\d{4})-(\d\d?)-(\d\d?)(?:([Tt ])(\d\d?):(\d\d?):(\d\d?)(?:[.,](\d+))?(Z|[+-]\d\d:\d\d)?)?$/;

/**
 * Whether yaml.v3 would read the plain text as something other than a string: null, a bool
 * (YAML 1.2's and 1.1's `yes`/`on`/…), an int or float (underscores ignored, Go's `0x`/`0o`/`0b`
 * prefixes, within int64/uint64 and float64 range), a base-60 number (`1:30`) or a timestamp.
 */
function readsAsOtherType(text: string): boolean {
  if (NULL_WORDS.has(text) || BOOL_WORDS.has(text) || FLOAT_WORDS.has(text)) return true;
  const first = text[0] ?? '';
  if (first === '.') return GO_POINT_FLOAT.test(text) && finite(text.replaceAll('_', ''));
  if (!/[-+0-9]/.test(first)) return false;
  if (SEXAGESIMAL.test(text) || isTimestamp(text)) return true;
  const bare = text.replaceAll('_', '');
  return isGoInt(bare) || (DECIMAL_FLOAT.test(bare) && finite(bare));
}

function finite(text: string): boolean {
  return Number.isFinite(Number(text));
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(text, 0, 64) or ParseUint(text, 0, 64) succeeds, or yaml.v3's `0b±…`. */
function isGoInt(text: string): boolean {
  const binarySigned = /^0b([-+]?)([01]+)$/.exec(text);
  if (binarySigned) return inInt64(binarySigned[1]!, BigInt(`0b${binarySigned[2]!}`));
  const literal = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(
    text,
  );
  if (!literal) return false;
  const sign = literal[1]!;
  const digits = literal[2]!;
  const magnitude = BigInt(/^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits);
  return inInt64(sign, magnitude) || (sign === '' && magnitude <= UINT64_MAX);
}

function inInt64(sign: string, magnitude: bigint): boolean {
  return magnitude <= (sign === '-' ? INT64_MAX + 1n : INT64_MAX);
}

/**
 * yaml.v3 reads a timestamp with Go's time.Parse in one of the layouts
 * `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999` and
 * `2006-1-2`: fields in range, the day existing in that month, at most 9 fraction digits.
 */
function isTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [, year, month, day, separator, hour, minute, second, fraction, zone] = m;
  const y = Number(year);
  const mo = Number(month);
  if (mo < 1 || mo > 12 || Number(day) < 1 || Number(day) > daysInMonth(y, mo)) return false;
  if (separator === undefined) return true;
  if ((separator === ' ') !== (zone === undefined)) return false;
  if ((fraction?.length ?? 0) > 9) return false;
  return Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The text so far and the column it ends at (line breaks U+2028/9 count as ending a line). */
class BlockWriter {
  text = '';
  column = 0;

  write(piece: string): void {
    this.text += piece;
    for (const char of piece) this.column = BREAKS.has(char) ? 0 : this.column + 1;
  }

  /** Starts a line at `indent`: breaks the current line unless one just ended. */
  startLine(indent: number): void {
    if (this.column > 0) this.write('\n');
    this.write(' '.repeat(indent));
  }
}

/** The column what a map at `column` holds starts at: the next multiple of 4 (as yaml.v3 does). */
function mapChildColumn(column: number): number {
  return column + 4 - (column % 4);
}

/**
 * Writes a node whose first line continues the current one (after `- `, `key:` or `? `).
 * `column` is where a collection's entries line up; for a scalar, the column its continuation
 * lines (a literal block's lines) are indented to.
 */
function writeNode(out: BlockWriter, node: TreeNode, column: number): void {
  if (node.kind === 'scalar') return writeScalar(out, node, column);
  if (node.kind === 'list') {
    if (node.items.length === 0) return out.write('[]');
    node.items.forEach((item, i) => {
      if (i > 0) out.startLine(column);
      out.write('- ');
      writeNode(out, item, column + 2);
    });
    return;
  }
  if (node.entries.length === 0) return out.write('{}');
  const inner = mapChildColumn(column);
  node.entries.forEach(({ key, value }, i) => {
    if (i > 0) out.startLine(column);
    if (isSimpleKey(key)) {
      writeScalar(out, key, inner);
      out.write(':');
      if (isCollection(value)) out.startLine(inner);
      else out.write(' ');
      writeNode(out, value, inner);
      return;
    }
    out.write('? ');
    writeScalar(out, key, inner);
    out.startLine(column);
    out.write(':');
    if (isCollection(value)) out.write(' '.repeat(inner - out.column));
    else out.write(' ');
    writeNode(out, value, inner);
  });
}

/** A collection written on lines of its own (an empty one is written inline: `[]`, `{}`). */
function isCollection(node: TreeNode): boolean {
  if (node.kind === 'list') return node.items.length > 0;
  return node.kind === 'map' && node.entries.length > 0;
}

/**
 * A key written as `key: value`; one over 128 bytes or with a line break (`\r` and U+0085
 * included, even though they are written escaped) takes `? key`.
 */
function isSimpleKey(key: ScalarNode): boolean {
  return !/[\n\r\x85\u2028\u2029]/.test(key.text) && utf8Length(key.text) <= 128;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const cp = codePoint(char);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function writeScalar(out: BlockWriter, node: ScalarNode, indent: number): void {
  switch (styleOf(node)) {
    case 'plain':
      return out.write(node.text);
    case 'double':
      return out.write(doubleQuoted(node.text));
    case 'single':
      out.write("'");
      writeLines(out, node.text.replaceAll("'", "''"), indent);
      return out.write("'");
    case 'literal':
      out.write(`|${literalIndicators(node.text)}`);
      return writeLines(out, node.text, indent, true);
  }
}

/**
 * Writes text whose line breaks are kept as they are, indenting each line that has something
 * on it. In a literal block the first line starts after the header's line break.
 */
function writeLines(out: BlockWriter, text: string, indent: number, block = false): void {
  let lineStart = block;
  for (const char of text) {
    if (BREAKS.has(char)) {
      out.write(char);
      lineStart = true;
      continue;
    }
    if (lineStart) out.startLine(indent);
    lineStart = false;
    out.write(char);
  }
}

/**
 * A literal block's header after `|`: `4` (the indentation) when the text starts with a space
 * or a line break, then how trailing line breaks are kept: `-` none, nothing for one, `+` more.
 */
function literalIndicators(text: string): string {
  const chars = Array.from(text);
  const last = chars.at(-1) ?? '';
  const beforeLast = chars.at(-2);
  const hint = text.startsWith(' ') || BREAKS.has(chars[0] ?? '') ? '4' : '';
  if (!BREAKS.has(last)) return `${hint}-`;
  if (beforeLast === undefined || BREAKS.has(beforeLast)) return `${hint}+`;
  return hint;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\x85': '\\N',
  '\xa0': '\\_',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/**
 * A double-quoted scalar: printable characters as they are, the rest escaped (named escapes,
 * else `\xXX`, `\uXXXX`, `\UXXXXXXXX`). yaml.v3 escapes every character of a text that starts
 * with a byte order mark, spaces and letters included (`"\uFEFF\x61"` for U+FEFF then `a`).
 */
function doubleQuoted(text: string): string {
  const escapeAll = text.startsWith('\uFEFF');
  let body = '';
  for (const char of text) {
    const cp = codePoint(char);
    const plain = !escapeAll && printable(cp) && !BREAKS.has(char) && char !== '"' && char !== '\\';
    body += plain ? char : (NAMED_ESCAPES[char] ?? hexEscape(cp));
  }
  return `"${body}"`;
}

function hexEscape(cp: number): string {
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}
