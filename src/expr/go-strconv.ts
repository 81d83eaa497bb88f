/**
 * Go's strconv as Kargo's templates use it: ParseFloat and ParseBool decide what type a
 * rendered template becomes, and Quote is `fmt.Sprintf("%q", s)`, Kargo's `quote()` of a string.
 * Written from Go's documented grammar and checked against Go (see the template compat tests).
 */

/**
 * `strconv.ParseFloat(text, 64)`: the number, or undefined where Go returns an error. Go accepts
 * what a Go float literal may be (`1e3`, `.5`, `5.`, `+1`, `1_000`, `0x1p-2`) and, ignoring
 * case, `inf`, `infinity` (either signed) and `nan` (unsigned). A finite literal too large for
 * a float64 is an error (value out of range), one too small is 0.
 */
export function parseGoFloat(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (special) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/.exec(text);
  if (hex) {
    const [, sign, whole = '', fraction = '', exponent = ''] = hex;
    const digits = (whole + fraction).replaceAll('_', '');
    if (digits === '' || !underscoresOk(text)) return undefined;
    const mantissa = Number(BigInt(`0x${digits}`));
    const power = Number(exponent.replaceAll('_', '')) - 4 * fraction.replaceAll('_', '').length;
    const value = scaleByPowerOfTwo(mantissa, power);
    if (!Number.isFinite(value)) return undefined;
    return sign === '-' ? -value : value;
  }
  const decimal = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/.exec(text);
  if (!decimal || !/[0-9]/.test(text.replace(/[eE].*$/, '')) || !underscoresOk(text))
    return undefined;
  const value = Number(text.replaceAll('_', ''));
  if (Number.isNaN(value) || !Number.isFinite(value)) return undefined;
  return value;
}

/** m × 2^e without overflowing or underflowing on the way (2^e alone may not be a float64). */
function scaleByPowerOfTwo(mantissa: number, power: number): number {
  let value = mantissa;
  let rest = power;
  while (rest > 1000) {
    value *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    value *= 2 ** -1000;
    rest += 1000;
  }
  return value * 2 ** rest;
}

/**
 * Go's rule for `_` in number literals: only between digits, or between a base prefix and a
 * digit (`1_000`, `0x_1p0`; not `_1`, `1_`, `1__0`, `1_.5`).
 */
function underscoresOk(text: string): boolean {
  let s = text.replace(/^[+-]/, '');
  let saw = '^';
  let hex = false;
  if (/^0[bBoOxX]/.test(s)) {
    saw = '0';
    hex = /^0[xX]/.test(s);
    s = s.slice(2);
  }
  for (const c of s) {
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** `strconv.ParseBool`: the bool, or undefined where Go returns an error. */
export function parseGoBool(text: string): boolean | undefined {
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return undefined;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/**
 * `strconv.Quote` (`%q` of a string): double-quoted, `"` and `\` escaped, printable characters
 * (Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space)
 * kept, `\a\b\f\n\r\t\v` short, other control bytes `\xhh`, other non-printable characters
 * `\uhhhh` or `\Uhhhhhhhh`. A lone UTF-16 surrogate (no Go string holds one) counts as U+FFFD.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    let code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    const c = String.fromCodePoint(code);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (PRINTABLE.test(c)) out += c;
    else if (SHORT_ESCAPES[c]) out += SHORT_ESCAPES[c];
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
