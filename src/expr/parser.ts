import type { Node } from './ast.js';
import { ExprError } from './expr-error.js';
import { compileExprRegex } from './expr-regex.js';
import { tokenize, type Token } from './lexer.js';

/**
 * A Pratt parser for expr-lang as Kargo manifests use it. Operator precedences follow
 * expr-lang's: `or` < `and` < comparisons < `..` < `+ -` < `* / %` < `**` < `??`, with unary
 * `not`/`!` below comparisons' operands and `-`/`+` above them; `?:` and `|` bind loosest.
 */

const BINARY: Record<string, { precedence: number; right?: boolean }> = {
  or: { precedence: 10 },
  '||': { precedence: 10 },
  and: { precedence: 15 },
  '&&': { precedence: 15 },
  '==': { precedence: 20 },
  '!=': { precedence: 20 },
  '<': { precedence: 20 },
  '>': { precedence: 20 },
  '<=': { precedence: 20 },
  '>=': { precedence: 20 },
  in: { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 },
  '-': { precedence: 30 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '**': { precedence: 100, right: true },
  '^': { precedence: 100, right: true },
  '??': { precedence: 500 },
};
const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);
const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };

/** Builtins whose second argument is a predicate evaluated per element (with `#`). */
export const CLOSURE_FUNCTIONS = new Set([
  'all',
  'any',
  'none',
  'one',
  'filter',
  'map',
  'count',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'sum',
  'groupBy',
  'sortBy',
  'reduce',
]);

const MAX_DEPTH = 200;

export function parse(source: string): Node {
  const node = new Parser(tokenize(source)).parseAll();
  checkTreeDepth(node);
  return node;
}

/**
 * Loops build left-nested trees (`a + b + c …`, `a.b.c …`, `x | f() | g() …`) that the
 * parser's own depth count does not see, and the evaluator recurses once per level: the tree
 * itself is bounded too, without recursing over it.
 */
function checkTreeDepth(root: Node): void {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) pending.push({ value: item, depth });
      continue;
    }
    const node = value as { type?: unknown; column?: unknown };
    if (node.type === 'literal') continue;
    const isNode = typeof node.type === 'string';
    if (isNode && depth > MAX_DEPTH)
      throw new ExprError('expression is nested too deeply', Number(node.column) || 1);
    for (const child of Object.values(value))
      pending.push({ value: child, depth: isNode ? depth + 1 : depth });
  }
}

class Parser {
  #pos = 0;
  #depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node {
    const node = this.parseTop();
    const next = this.peek();
    if (next.kind !== 'eof') throw new ExprError(`unexpected ${describe(next)}`, next.column);
    return node;
  }

  parseTop(): Node {
    const start = this.peek();
    if (start.kind === 'identifier' && start.text === 'let') {
      this.#enter();
      this.next();
      const name = this.expect('identifier');
      this.expectText('=');
      const value = this.parsePipeline();
      this.expectText(';');
      const body = this.parseTop();
      this.#depth--;
      return { type: 'let', name: name.text, value, body, column: start.column };
    }
    return this.parsePipeline();
  }

  parsePipeline(): Node {
    let node = this.parseConditional();
    while (this.peek().text === '|' && this.peek().kind === 'operator') {
      const bar = this.next();
      const name = this.expect('identifier');
      const args = this.peek().text === '(' ? this.parseArguments(name.text, 1) : [];
      node = { type: 'call', callee: name.text, args: [node, ...args], column: bar.column };
    }
    return node;
  }

  parseConditional(): Node {
    const test = this.parseBinary(0);
    const next = this.peek();
    if (next.kind === 'operator' && next.text === '?') {
      this.#enter();
      this.next();
      if (this.peek().text === ':') {
        // Elvis: `a ?: b` is `a ? a : b`.
        this.next();
        const alternate = this.parseConditional();
        this.#depth--;
        return { type: 'conditional', test, consequent: test, alternate, column: next.column };
      }
      const consequent = this.parseConditional();
      this.expectText(':');
      const alternate = this.parseConditional();
      this.#depth--;
      return { type: 'conditional', test, consequent, alternate, column: next.column };
    }
    return test;
  }

  parseBinary(minPrecedence: number): Node {
    this.#enter();
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      let operator = token.text;
      let negate = false;
      if (token.kind === 'identifier' && operator === 'not' && NEGATABLE.has(this.peek(1).text)) {
        operator = this.peek(1).text;
        negate = true;
      } else if (
        token.kind !== 'operator' &&
        !(token.kind === 'identifier' && operator in BINARY)
      ) {
        break;
      }
      const info = BINARY[operator];
      if (!info || info.precedence <= minPrecedence) break;
      this.next();
      if (negate) this.next();
      const right = this.parseBinary(info.right ? info.precedence - 1 : info.precedence);
      // As expr-lang's checker: a constant pattern that is not valid RE2 fails the compile.
      if (operator === 'matches' && right.type === 'literal' && typeof right.value === 'string')
        compileExprRegex(right.value, token.column);
      const node: Node = { type: 'binary', operator, left, right, column: token.column };
      left = negate
        ? { type: 'unary', operator: 'not', operand: node, column: token.column }
        : node;
    }
    this.#depth--;
    return left;
  }

  parseUnary(): Node {
    const token = this.peek();
    const precedence =
      token.kind !== 'string' && token.kind !== 'number' ? UNARY[token.text] : undefined;
    if (precedence !== undefined && (token.kind === 'operator' || token.text === 'not')) {
      this.next();
      const operand = this.parseBinary(precedence);
      return {
        type: 'unary',
        operator: token.text === '!' ? 'not' : token.text,
        operand,
        column: token.column,
      };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  parsePrimary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
      case 'string':
        return { type: 'literal', value: token.value, column: token.column };
      case 'identifier': {
        if (token.text === 'true' || token.text === 'false')
          return { type: 'literal', value: token.text === 'true', column: token.column };
        if (token.text === 'nil') return { type: 'literal', value: null, column: token.column };
        if (this.peek().text === '(') {
          return {
            type: 'call',
            callee: token.text,
            args: this.parseArguments(token.text, 0),
            column: token.column,
          };
        }
        return { type: 'identifier', name: token.text, column: token.column };
      }
      case 'punct':
        if (token.text === '(') {
          const inner = this.parseTop();
          this.expectText(')');
          return inner;
        }
        if (token.text === '[') return this.parseArray(token);
        if (token.text === '{') return this.parseMap(token);
        if (token.text === '#') {
          const next = this.peek();
          if (next.kind === 'identifier' && next.column === token.column + 1) {
            this.next();
            return { type: 'pointer', name: next.text, column: token.column };
          }
          return { type: 'pointer', name: '', column: token.column };
        }
        break;
      case 'operator':
        if (token.text === '.') {
          // `.Field` inside a predicate means `#.Field`.
          const name = this.expect('identifier');
          return {
            type: 'member',
            object: { type: 'pointer', name: '', column: token.column },
            property: { type: 'literal', value: name.text, column: name.column },
            optional: false,
            column: token.column,
          };
        }
        break;
      case 'eof':
        throw new ExprError('unexpected end of expression', token.column);
    }
    throw new ExprError(`unexpected ${describe(token)}`, token.column);
  }

  parsePostfix(node: Node): Node {
    for (;;) {
      const token = this.peek();
      if (token.kind === 'operator' && (token.text === '.' || token.text === '?.')) {
        this.next();
        const optional = token.text === '?.';
        if (optional && this.peek().text === '[') {
          this.next();
          node = this.parseIndex(node, token, true);
          continue;
        }
        const name = this.expect('identifier');
        if (this.peek().text === '(') {
          node = {
            type: 'method',
            object: node,
            name: name.text,
            args: this.parseArguments(name.text, -1),
            optional,
            column: name.column,
          };
        } else {
          node = {
            type: 'member',
            object: node,
            property: { type: 'literal', value: name.text, column: name.column },
            optional,
            column: name.column,
          };
        }
        continue;
      }
      if (token.kind === 'punct' && token.text === '[') {
        this.next();
        node = this.parseIndex(node, token, false);
        continue;
      }
      return node;
    }
  }

  parseIndex(object: Node, open: Token, optional: boolean): Node {
    if (this.peek().text === ':') {
      this.next();
      const to = this.peek().text === ']' ? undefined : this.parseTop();
      this.expectText(']');
      return { type: 'slice', object, to, column: open.column };
    }
    const index = this.parseTop();
    if (this.peek().text === ':') {
      this.next();
      const to = this.peek().text === ']' ? undefined : this.parseTop();
      this.expectText(']');
      return { type: 'slice', object, from: index, to, column: open.column };
    }
    this.expectText(']');
    return { type: 'member', object, property: index, optional, column: open.column };
  }

  /** Arguments of a call; `offset` is how many arguments precede these (a pipe's input). */
  parseArguments(callee: string, offset: number): Node[] {
    this.expectText('(');
    const args: Node[] = [];
    while (this.peek().text !== ')') {
      const position = args.length + Math.max(offset, 0);
      if (offset >= 0 && CLOSURE_FUNCTIONS.has(callee) && position === 1) {
        const start = this.peek();
        const braced = start.text === '{' && !this.looksLikeMap();
        if (braced) this.next();
        const body = this.parseTop();
        if (braced) this.expectText('}');
        args.push({ type: 'closure', body, column: start.column });
      } else {
        args.push(this.parseTop());
      }
      if (this.peek().text !== ',') break;
      this.next();
    }
    this.expectText(')');
    return args;
  }

  /** `{a: 1}` is a map; `{# > 1}` is a predicate. */
  looksLikeMap(): boolean {
    const first = this.peek(1);
    const second = this.peek(2);
    if (first.text === '}') return true;
    return (
      (first.kind === 'identifier' || first.kind === 'string' || first.kind === 'number') &&
      second.text === ':'
    );
  }

  parseArray(open: Token): Node {
    const elements: Node[] = [];
    while (this.peek().text !== ']') {
      elements.push(this.parseTop());
      if (this.peek().text !== ',') break;
      this.next();
    }
    this.expectText(']');
    return { type: 'array', elements, column: open.column };
  }

  parseMap(open: Token): Node {
    const entries: Array<{ key: Node; value: Node }> = [];
    while (this.peek().text !== '}') {
      const keyToken = this.next();
      let key: Node;
      if (
        keyToken.kind === 'identifier' ||
        keyToken.kind === 'string' ||
        keyToken.kind === 'number'
      ) {
        key = {
          type: 'literal',
          value: keyToken.kind === 'identifier' ? keyToken.text : String(keyToken.value),
          column: keyToken.column,
        };
      } else if (keyToken.text === '(') {
        key = this.parseTop();
        this.expectText(')');
      } else {
        throw new ExprError(
          `a map key must be a name, a string or a number, not ${describe(keyToken)}`,
          keyToken.column,
        );
      }
      this.expectText(':');
      entries.push({ key, value: this.parseTop() });
      if (this.peek().text !== ',') break;
      this.next();
    }
    this.expectText('}');
    return { type: 'map', entries, column: open.column };
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.#pos + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (this.#pos < this.tokens.length - 1) this.#pos++;
    return token;
  }

  expect(kind: Token['kind']): Token {
    const token = this.next();
    if (token.kind !== kind)
      throw new ExprError(
        `expected ${kind === 'identifier' ? 'a name' : kind}, found ${describe(token)}`,
        token.column,
      );
    return token;
  }

  expectText(text: string): Token {
    const token = this.next();
    if (token.text !== text || token.kind === 'string')
      throw new ExprError(`expected "${text}", found ${describe(token)}`, token.column);
    return token;
  }

  #enter(): void {
    if (++this.#depth > MAX_DEPTH)
      throw new ExprError('expression is nested too deeply', this.peek().column);
  }
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the expression';
  if (token.kind === 'string') return `string ${token.text}`;
  return `"${token.text}"`;
}
