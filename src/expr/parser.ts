import type { Node } from './ast.js';
import { BUILTIN_NAMES } from './builtin-names.js';
import { checkTree } from './checker.js';
import { optimize } from './optimizer.js';
import { ExprError } from './expr-error.js';
import { isAlphabetic, isAlphaNumeric, tokenize, type Token, type TokenKind } from './lexer.js';

/**
 * expr-lang's grammar, parsed as expr-lang v1.17.8 parses it (precedence climbing with its
 * operator table, chained comparisons `a < b < c`, pipes `x | f()`, `let`, `if … { } else { }`,
 * sequences `a; b`, optional chains, predicates), then type-checked as expr-lang's compiler
 * checks an expression compiled without an environment (checker.ts).
 */

const BINARY: Record<string, { precedence: number; right: boolean }> = {
  '|': { precedence: 0, right: false },
  or: { precedence: 10, right: false },
  '||': { precedence: 10, right: false },
  and: { precedence: 15, right: false },
  '&&': { precedence: 15, right: false },
  '==': { precedence: 20, right: false },
  '!=': { precedence: 20, right: false },
  '<': { precedence: 20, right: false },
  '>': { precedence: 20, right: false },
  '>=': { precedence: 20, right: false },
  '<=': { precedence: 20, right: false },
  in: { precedence: 20, right: false },
  matches: { precedence: 20, right: false },
  contains: { precedence: 20, right: false },
  startsWith: { precedence: 20, right: false },
  endsWith: { precedence: 20, right: false },
  '..': { precedence: 25, right: false },
  '+': { precedence: 30, right: false },
  '-': { precedence: 30, right: false },
  '*': { precedence: 60, right: false },
  '/': { precedence: 60, right: false },
  '%': { precedence: 60, right: false },
  '**': { precedence: 100, right: true },
  '^': { precedence: 100, right: true },
  '??': { precedence: 500, right: false },
};
const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };
const NEGATABLE = new Set(['contains', 'matches', 'startsWith', 'endsWith', 'in']);
const COMPARISONS = new Set(['<', '>', '>=', '<=']);

/** Builtins taking predicates: for each argument, whether it is an expression or a predicate. */
const PREDICATE_BUILTINS: Record<string, Array<{ predicate: boolean; optional: boolean }>> = {
  all: [arg(), pred()],
  none: [arg(), pred()],
  any: [arg(), pred()],
  one: [arg(), pred()],
  filter: [arg(), pred()],
  map: [arg(), pred()],
  count: [arg(), pred(true)],
  sum: [arg(), pred(true)],
  find: [arg(), pred()],
  findIndex: [arg(), pred()],
  findLast: [arg(), pred()],
  findLastIndex: [arg(), pred()],
  groupBy: [arg(), pred()],
  sortBy: [arg(), pred(), arg(true)],
  reduce: [arg(), pred(), arg(true)],
};
function arg(optional = false) {
  return { predicate: false, optional };
}
function pred(optional = false) {
  return { predicate: true, optional };
}

/** As expr-lang's default: at most 10,000 nodes. */
const MAX_NODES = 10_000;
/** Nesting bounded so that evaluating never exhausts the stack. */
const MAX_DEPTH = 1000;

export interface ParseOptions {
  /** Names the caller defines as functions; a call of one is not a builtin call. */
  functions?: ReadonlySet<string> | undefined;
  /**
   * Kargo's functions the caller provides (`imageFrom`, `secret`, …): calls of them are checked
   * against their Go signatures when parsing, as expr-lang checks declared functions.
   */
  declared?: ReadonlySet<string> | undefined;
}

/** Parses and checks an expression: expr-lang's `expr.Compile` with no environment. */
export function parse(source: string, options: ParseOptions = {}): Node {
  const node = new Parser(tokenize(source), options).program();
  checkDepth(node);
  checkTree(node, options.declared);
  return optimize(node);
}

/** Parses without the type check (for tests of the grammar alone). */
export function parseSyntax(source: string): Node {
  return new Parser(tokenize(source), {}).program();
}

/**
 * Loops build left-nested trees (`a + b + c …`, `a.b.c …`) the parser's recursion does not
 * see, and the evaluator recurses once per level: the tree's depth is bounded too.
 */
function checkDepth(root: Node): void {
  const nodes: Node[] = [root];
  const depths: number[] = [1];
  const push = (node: Node | undefined, depth: number) => {
    if (node) {
      nodes.push(node);
      depths.push(depth);
    }
  };
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_DEPTH) throw new ExprError('expression is nested too deeply', node.column);
    const next = depth + 1;
    switch (node.type) {
      case 'unary':
        push(node.operand, next);
        break;
      case 'binary':
        push(node.left, next);
        push(node.right, next);
        break;
      case 'chain':
        push(node.node, next);
        break;
      case 'member':
        push(node.object, next);
        push(node.property, next);
        break;
      case 'slice':
        push(node.object, next);
        push(node.from, next);
        push(node.to, next);
        break;
      case 'call':
        push(node.callee, next);
        for (const arg of node.args) push(arg, next);
        break;
      case 'builtin':
        for (const arg of node.args) push(arg, next);
        break;
      case 'predicate':
        push(node.body, next);
        break;
      case 'let':
        push(node.value, next);
        push(node.body, next);
        break;
      case 'sequence':
        for (const item of node.nodes) push(item, next);
        break;
      case 'conditional':
        push(node.test, next);
        push(node.consequent, next);
        push(node.alternate, next);
        break;
      case 'array':
        for (const element of node.elements) push(element, next);
        break;
      case 'map':
        for (const entry of node.entries) {
          push(entry.key, next);
          push(entry.value, next);
        }
        break;
      default:
        break;
    }
  }
}

class Parser {
  #pos = 0;
  #nodes = 0;
  #depth = 0;
  /** How many predicates enclose the current position (`#` is only valid inside one). */
  #predicateDepth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly options: ParseOptions,
  ) {}

  program(): Node {
    const node = this.sequence();
    const current = this.current;
    if (current.kind !== 'eof') throw this.unexpected(current);
    return node;
  }

  get current(): Token {
    return this.tokens[this.#pos]!;
  }

  next(): void {
    if (this.#pos < this.tokens.length - 1) this.#pos++;
  }

  is(kind: TokenKind, ...values: string[]): boolean {
    const token = this.current;
    return token.kind === kind && (values.length === 0 || values.includes(token.value));
  }

  expect(kind: TokenKind, ...values: string[]): void {
    if (this.is(kind, ...values)) {
      this.next();
      return;
    }
    throw this.unexpected(this.current);
  }

  unexpected(token: Token): ExprError {
    if (token.kind === 'eof') return new ExprError('unexpected end of expression', token.column);
    return new ExprError(`unexpected token ${describe(token)}`, token.column);
  }

  node<T extends Node>(node: T): T {
    if (++this.#nodes > MAX_NODES)
      throw new ExprError(
        'compilation failed: expression exceeds maximum allowed nodes',
        node.column,
      );
    return node;
  }

  enter(): void {
    if (++this.#depth > MAX_DEPTH)
      throw new ExprError('expression is nested too deeply', this.current.column);
  }

  sequence(): Node {
    this.enter();
    const nodes = [this.expression(0)];
    while (this.is('operator', ';')) {
      this.next();
      if (this.is('eof')) break;
      nodes.push(this.expression(0));
    }
    this.#depth--;
    if (nodes.length === 1) return nodes[0]!;
    return this.node({ type: 'sequence', nodes, column: nodes[0]!.column });
  }

  expression(precedence: number): Node {
    this.enter();
    try {
      if (precedence === 0 && this.is('operator', 'let')) return this.letBinding();
      if (precedence === 0 && this.is('operator', 'if')) return this.ifElse();
      let left = this.operand();
      let previous = '';
      for (;;) {
        let token = this.current;
        if (token.kind !== 'operator') break;
        let negate = false;
        let notColumn = 0;
        if (token.value === 'not') {
          const after = this.tokens[this.#pos + 1]!;
          if (after.kind === 'operator' && NEGATABLE.has(after.value)) {
            if (BINARY[after.value]!.precedence >= precedence) {
              this.next();
              negate = true;
              notColumn = after.column;
              token = this.current;
            } else {
              break;
            }
          } else {
            throw this.unexpected(after);
          }
        }
        const info = BINARY[token.value];
        if (!info || info.precedence < precedence) break;
        this.next();
        if (token.value === '|') {
          const name = this.current;
          this.expect('identifier');
          left = this.callOf(name, [left], true);
          previous = token.value;
          continue;
        }
        if (previous === '??' && token.value !== '??') {
          throw new ExprError(
            `Operator (${token.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
            token.column,
          );
        }
        if (COMPARISONS.has(token.value)) {
          left = this.comparisonChain(left, token, info.precedence);
          previous = token.value;
          continue;
        }
        const right = this.expression(info.right ? info.precedence : info.precedence + 1);
        left = this.node({
          type: 'binary',
          operator: token.value,
          left,
          right,
          column: token.column,
        });
        if (negate)
          left = this.node({ type: 'unary', operator: 'not', operand: left, column: notColumn });
        previous = token.value;
      }
      if (precedence === 0) left = this.ternaries(left);
      return left;
    } finally {
      this.#depth--;
    }
  }

  /** `a < b < c` is `a < b && b < c`, `b` evaluated once per comparison as in expr-lang. */
  comparisonChain(left: Node, token: Token, precedence: number): Node {
    let root: Node | undefined;
    let operatorToken = token;
    for (;;) {
      const right = this.expression(precedence + 1);
      const comparison = this.node<Node>({
        type: 'binary',
        operator: operatorToken.value,
        left,
        right,
        column: operatorToken.column,
      });
      root = root
        ? this.node({
            type: 'binary',
            operator: '&&',
            left: root,
            right: comparison,
            column: operatorToken.column,
          })
        : comparison;
      left = right;
      const next = this.current;
      if (!(next.kind === 'operator' && COMPARISONS.has(next.value))) break;
      operatorToken = next;
      this.next();
    }
    return root;
  }

  letBinding(): Node {
    this.expect('operator', 'let');
    const name = this.current;
    this.expect('identifier');
    this.expect('operator', '=');
    const value = this.expression(0);
    this.expect('operator', ';');
    const body = this.sequence();
    return this.node({ type: 'let', name: name.value, value, body, column: name.column });
  }

  ifElse(): Node {
    const start = this.current;
    this.next();
    const test = this.expression(0);
    this.expect('bracket', '{');
    const consequent = this.sequence();
    this.expect('bracket', '}');
    this.expect('operator', 'else');
    let alternate: Node;
    if (this.is('operator', 'if')) {
      alternate = this.ifElse();
    } else {
      this.expect('bracket', '{');
      alternate = this.sequence();
      this.expect('bracket', '}');
    }
    return this.node({
      type: 'conditional',
      test,
      consequent,
      alternate,
      ternary: false,
      column: start.column,
    });
  }

  ternaries(node: Node): Node {
    while (this.is('operator', '?')) {
      const column = this.current.column;
      this.next();
      let consequent: Node;
      let alternate: Node;
      if (!this.is('operator', ':')) {
        consequent = this.expression(0);
        this.expect('operator', ':');
        alternate = this.expression(0);
      } else {
        this.next();
        consequent = node;
        alternate = this.expression(0);
      }
      node = this.node({
        type: 'conditional',
        test: node,
        consequent,
        alternate,
        ternary: true,
        column,
      });
    }
    return node;
  }

  operand(): Node {
    const token = this.current;
    if (token.kind === 'operator') {
      const precedence = UNARY[token.value];
      if (precedence !== undefined) {
        this.next();
        const operand = this.expression(precedence);
        return this.accessors(
          this.node({ type: 'unary', operator: token.value, operand, column: token.column }),
        );
      }
    }
    if (token.kind === 'bracket' && token.value === '(') {
      this.next();
      const inner = this.sequence();
      this.expect('bracket', ')');
      return this.accessors(inner);
    }
    if (
      this.#predicateDepth > 0 &&
      token.kind === 'operator' &&
      (token.value === '#' || token.value === '.')
    ) {
      let name = '';
      if (token.value === '#') {
        this.next();
        if (this.is('identifier')) {
          name = this.current.value;
          this.next();
        }
      }
      return this.accessors(this.node({ type: 'pointer', name, column: token.column }));
    }
    if (token.kind === 'operator' && token.value === '::') {
      this.next();
      const name = this.current;
      this.expect('identifier');
      return this.accessors(this.callOf(name, [], false));
    }
    return this.atom();
  }

  atom(): Node {
    const token = this.current;
    let node: Node;
    switch (token.kind) {
      case 'identifier':
        this.next();
        if (token.value === 'true' || token.value === 'false')
          return this.node({ type: 'bool', value: token.value === 'true', column: token.column });
        if (token.value === 'nil') return this.node({ type: 'nil', column: token.column });
        node = this.is('bracket', '(')
          ? this.callOf(token, [], true)
          : this.node({ type: 'identifier', name: token.value, column: token.column });
        break;
      case 'number':
        this.next();
        // As expr-lang: a number is not followed by postfix operators.
        return this.node(parseNumber(token));
      case 'string':
        this.next();
        node = this.node({ type: 'string', value: token.value, column: token.column });
        break;
      case 'bytes':
        this.next();
        node = this.node({
          type: 'bytes',
          value: Buffer.from(token.value, 'latin1'),
          column: token.column,
        });
        break;
      default:
        if (token.kind === 'bracket' && token.value === '[') node = this.arrayLiteral(token);
        else if (token.kind === 'bracket' && token.value === '{') node = this.mapLiteral(token);
        else throw this.unexpected(token);
    }
    return this.accessors(node);
  }

  callOf(token: Token, args: Node[], checkOverrides: boolean): Node {
    const name = token.value;
    const overridden = checkOverrides && (this.options.functions?.has(name) ?? false);
    const predicateArgs = Object.hasOwn(PREDICATE_BUILTINS, name)
      ? PREDICATE_BUILTINS[name]
      : undefined;
    if (predicateArgs && !overridden) {
      this.expect('bracket', '(');
      const remaining = predicateArgs.slice(args.length);
      for (let i = 0; i < remaining.length; i++) {
        const spec = remaining[i]!;
        if (this.is('bracket', ')')) {
          if (spec.optional) break;
          throw new ExprError(
            `expected at least ${remaining.length} arguments`,
            this.current.column,
          );
        }
        if (i > 0) this.expect('operator', ',');
        args.push(spec.predicate ? this.predicateArgument() : this.expression(0));
      }
      if (this.is('operator', ',')) this.next();
      this.expect('bracket', ')');
      return this.node({ type: 'builtin', name, args, column: token.column });
    }
    if (BUILTIN_NAMES.has(name) && !overridden) {
      return this.node({
        type: 'builtin',
        name,
        args: this.argumentList(args),
        column: token.column,
      });
    }
    const callee = this.node<Node>({ type: 'identifier', name, column: token.column });
    return this.node({
      type: 'call',
      callee,
      args: this.argumentList(args),
      column: token.column,
    });
  }

  argumentList(args: Node[]): Node[] {
    const offset = args.length;
    this.expect('bracket', '(');
    while (!this.is('bracket', ')')) {
      if (args.length > offset) this.expect('operator', ',');
      if (this.is('bracket', ')')) break;
      args.push(this.expression(0));
    }
    this.expect('bracket', ')');
    return args;
  }

  predicateArgument(): Node {
    const start = this.current;
    const braced = this.is('bracket', '{');
    if (braced) this.next();
    this.#predicateDepth++;
    let body: Node;
    if (braced) {
      body = this.sequence();
    } else {
      body = this.expression(0);
      if (this.is('operator', ';'))
        throw new ExprError('wrap predicate with brackets { and }', this.current.column);
    }
    this.#predicateDepth--;
    if (braced) this.expect('bracket', '}');
    return this.node({ type: 'predicate', body, column: start.column });
  }

  arrayLiteral(open: Token): Node {
    const elements: Node[] = [];
    this.expect('bracket', '[');
    while (!this.is('bracket', ']')) {
      if (elements.length > 0) {
        this.expect('operator', ',');
        if (this.is('bracket', ']')) break;
      }
      elements.push(this.expression(0));
    }
    this.expect('bracket', ']');
    return this.node({ type: 'array', elements, column: open.column });
  }

  mapLiteral(open: Token): Node {
    this.expect('bracket', '{');
    const entries: Array<{ key: Node; value: Node }> = [];
    while (!this.is('bracket', '}')) {
      if (entries.length > 0) {
        this.expect('operator', ',');
        if (this.is('bracket', '}')) break;
        if (this.is('operator', ',')) throw this.unexpected(this.current);
      }
      let key: Node;
      const token = this.current;
      if (token.kind === 'number' || token.kind === 'string' || token.kind === 'identifier') {
        key = this.node({ type: 'string', value: token.value, column: token.column });
        this.next();
      } else if (token.kind === 'bracket' && token.value === '(') {
        key = this.expression(0);
      } else {
        throw new ExprError(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describe(token)})`,
          token.column,
        );
      }
      this.expect('operator', ':');
      entries.push({ key, value: this.expression(0) });
    }
    this.expect('bracket', '}');
    return this.node({ type: 'map', entries, column: open.column });
  }

  accessors(node: Node): Node {
    for (;;) {
      const token = this.current;
      if (token.kind !== 'operator' && token.kind !== 'bracket') return node;
      const optional = token.value === '?.';
      if (token.value === '.' || token.value === '?.') {
        this.next();
        const property = this.current;
        if (optional && property.kind === 'bracket' && property.value === '[') {
          node = this.indexOrSlice(node, property, true);
          continue;
        }
        this.next();
        // Word operators such as `not` and `matches` are valid property names.
        if (
          property.kind !== 'identifier' &&
          !(property.kind === 'operator' && isValidIdentifier(property.value))
        ) {
          throw new ExprError('expected name', property.column);
        }
        const inChain = node.type === 'chain';
        const object = node.type === 'chain' ? node.node : node;
        const member: Extract<Node, { type: 'member' }> = this.node({
          type: 'member',
          object,
          property: this.node({ type: 'string', value: property.value, column: property.column }),
          optional,
          method: false,
          column: property.column,
        });
        if (this.is('bracket', '(')) {
          member.method = true;
          node = this.node({
            type: 'call',
            callee: member,
            args: this.argumentList([]),
            column: property.column,
          });
        } else {
          node = member;
        }
        if (inChain || optional) node = this.node({ type: 'chain', node, column: property.column });
        continue;
      }
      if (token.kind === 'bracket' && token.value === '[') {
        node = this.indexOrSlice(node, token, false);
        continue;
      }
      return node;
    }
  }

  /** After `[` (or `?.[`): an index or a slice. */
  indexOrSlice(object: Node, open: Token, optional: boolean): Node {
    this.next();
    if (this.is('operator', ':')) {
      this.next();
      const to = this.is('bracket', ']') ? undefined : this.expression(0);
      const node = this.node<Node>({ type: 'slice', object, to, column: open.column });
      this.expect('bracket', ']');
      return node;
    }
    const from = this.expression(0);
    if (this.is('operator', ':')) {
      this.next();
      const to = this.is('bracket', ']') ? undefined : this.expression(0);
      const node = this.node<Node>({ type: 'slice', object, from, to, column: open.column });
      this.expect('bracket', ']');
      return node;
    }
    let node: Node = this.node({
      type: 'member',
      object,
      property: from,
      optional,
      method: false,
      column: open.column,
    });
    if (optional) node = this.node({ type: 'chain', node, column: open.column });
    this.expect('bracket', ']');
    return node;
  }
}

function isValidIdentifier(text: string): boolean {
  const chars = Array.from(text);
  return chars.length > 0 && isAlphabetic(chars[0]!) && chars.every(isAlphaNumeric);
}

const MAX_INT64 = 2n ** 63n - 1n;

function parseNumber(token: Token): Node {
  const text = token.value.replace(/_/g, '');
  const lower = text.toLowerCase();
  const column = token.column;
  const integer = (kind: string, digits: string, radix: number): Node => {
    let value: bigint;
    try {
      value =
        radix === 10 ? BigInt(digits) : BigInt(`0${'xob'[[16, 8, 2].indexOf(radix)]}${digits}`);
    } catch {
      throw new ExprError(`invalid ${kind} literal: ${JSON.stringify(token.value)}`, column);
    }
    if (digits === '' || value > MAX_INT64)
      throw new ExprError(
        `invalid ${kind} literal: strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`,
        column,
      );
    return { type: 'int', value: Number(value), column };
  };
  if (lower.startsWith('0x')) return integer('hex', text.slice(2), 16);
  if (/[.e]/.test(lower)) {
    const value = Number(text.endsWith('.') ? text.slice(0, -1) : text.replace(/\.e/i, 'e'));
    if (Number.isNaN(value) || !/^(\d*\.?\d*)(e[+-]?\d+)?$/i.test(text) || text === '.')
      throw new ExprError(`invalid float literal: ${JSON.stringify(token.value)}`, column);
    if (!Number.isFinite(value)) throw new ExprError('float literal is too large', column);
    return { type: 'float', value, column };
  }
  if (lower.startsWith('0b')) return integer('binary', text.slice(2), 2);
  if (lower.startsWith('0o')) return integer('octal', text.slice(2), 8);
  return integer('integer', text, 10);
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'EOF';
  const kind = {
    identifier: 'Identifier',
    number: 'Number',
    string: 'String',
    bytes: 'Bytes',
    operator: 'Operator',
    bracket: 'Bracket',
  }[token.kind];
  return `${kind}(${JSON.stringify(token.value)})`;
}
