import { ExprError } from './expr-error.js';

/**
 * Tokens of expr-lang (the language Kargo's `${{ }}` expressions are written in):
 * numbers, strings, identifiers, operators and punctuation, each with its 1-based column.
 */
export type TokenKind = 'number' | 'string' | 'identifier' | 'operator' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The operator or punctuation text, the identifier, or the literal's source. */
  text: string;
  /** Decoded value of number and string literals. */
  value?: number | string;
  column: number;
}

const OPERATORS = [
  '**',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '..',
  '|',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '<',
  '>',
  '!',
  '?',
  ':',
  '.',
  '=',
];
const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ';', '#']);
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '0': '\0',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
};

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (
      /[0-9]/.test(ch) ||
      (ch === '.' && /[0-9]/.test(source[i + 1] ?? '') && !isMemberContext(tokens))
    ) {
      const match =
        /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?)/.exec(
          source.slice(i),
        )!;
      let text = match[0];
      // `1..5` is a range, not the float `1.` followed by `.5`.
      if (
        /^[0-9_]+\.$/.test(text) ||
        (text.includes('.') && source[i + text.indexOf('.') + 1] === '.')
      ) {
        text = text.slice(0, text.indexOf('.'));
      }
      const clean = text.replace(/_/g, '');
      const value = /^0[oO]/.test(clean)
        ? parseInt(clean.slice(2), 8)
        : /^0[bB]/.test(clean)
          ? parseInt(clean.slice(2), 2)
          : Number(clean);
      if (Number.isNaN(value)) throw new ExprError(`invalid number ${text}`, column);
      tokens.push({ kind: 'number', text, value, column });
      i += text.length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        const c = source[j];
        if (c === undefined) throw new ExprError('unterminated string', column);
        if (c === ch) break;
        if (c === '\\') {
          const next = source[j + 1];
          if (next === 'u') {
            const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(j + 2))?.[0];
            if (!hex) throw new ExprError('invalid \\u escape', j + 1);
            value += String.fromCharCode(parseInt(hex, 16));
            j += 6;
            continue;
          }
          const escaped = next === undefined ? undefined : ESCAPES[next];
          if (escaped === undefined) throw new ExprError(`invalid escape \\${next ?? ''}`, j + 1);
          value += escaped;
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value, column });
      i = j + 1;
      continue;
    }
    if (ch === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) throw new ExprError('unterminated raw string', column);
      tokens.push({
        kind: 'string',
        text: source.slice(i, end + 1),
        value: source.slice(i + 1, end),
        column,
      });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const text = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))![0];
      tokens.push({ kind: 'identifier', text, column });
      i += text.length;
      continue;
    }
    if (PUNCT.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, column });
      i++;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator) {
      // `?.` followed by a digit is a ternary `?` and a float, e.g. `a ?.5 : 1`.
      if (operator === '?.' && /[0-9]/.test(source[i + 2] ?? '')) {
        tokens.push({ kind: 'operator', text: '?', column });
        i++;
        continue;
      }
      tokens.push({ kind: 'operator', text: operator, column });
      i += operator.length;
      continue;
    }
    throw new ExprError(`unexpected character ${JSON.stringify(ch)}`, column);
  }
  tokens.push({ kind: 'eof', text: '', column: source.length + 1 });
  return tokens;
}

/** After `#` or an identifier a `.` starts a member access, never a number. */
function isMemberContext(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return (
    !!last &&
    (last.kind === 'identifier' || last.text === ')' || last.text === ']' || last.text === '#')
  );
}
