import type { Node } from './ast.js';
import { ExprError } from './expr-error.js';
import { compileExprRegex, type ExprRegex } from './expr-regex.js';
import { equal, isPlainObject, MethodHost, StrictRecord, stringify, typeName } from './values.js';

/** A function callable from expressions. Closures (predicates) arrive as `Predicate`s. */
export type ExprFunction = (args: unknown[], call: CallContext) => unknown;

export interface CallContext {
  column: number;
  /** Counts work done by a builtin (e.g. per element), so loops stay bounded. */
  tick(amount?: number): void;
}

/** A predicate argument (`filter(xs, # > 1)`), called once per element. */
export class Predicate {
  constructor(readonly call: (element: unknown, index: number, accumulator?: unknown) => unknown) {}
}

export interface Environment {
  /** Top-level names: `ctx`, `vars`, `outputs`, … */
  variables: Readonly<Record<string, unknown>>;
  functions: Readonly<Record<string, ExprFunction>>;
}

export interface EvaluateOptions {
  /** Work budget in evaluation steps; exceeding it is an error. */
  maxSteps?: number;
}

const MAX_STRING = 1_000_000;
const MAX_RANGE = 100_000;
const MAX_CACHED_REGEXES = 100;

/**
 * Evaluates a parsed expression. Sandboxed by construction: no JavaScript is executed from the
 * expression, names resolve only to the given variables and functions, member access reads
 * only own properties of data (never prototypes), and the work is bounded.
 */
export function evaluate(
  node: Node,
  environment: Environment,
  options: EvaluateOptions = {},
): unknown {
  return new Evaluator(environment, options.maxSteps ?? 1_000_000).run(node);
}

class Evaluator {
  #steps = 0;
  readonly #scopes: Array<Record<string, unknown>> = [];
  readonly #regexes = new Map<string, ExprRegex>();

  constructor(
    private readonly environment: Environment,
    private readonly maxSteps: number,
  ) {}

  run(node: Node): unknown {
    return this.eval(node);
  }

  tick(amount = 1, column = 1): void {
    this.#steps += amount;
    if (this.#steps > this.maxSteps)
      throw new ExprError(`expression does too much work (over ${this.maxSteps} steps)`, column);
  }

  eval(node: Node): unknown {
    this.tick(1, node.column);
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'identifier':
        return this.lookup(node.name, node.column);
      case 'pointer':
        return this.pointer(node.name, node.column);
      case 'array':
        return node.elements.map((element) => this.eval(element));
      case 'map': {
        const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const entry of node.entries)
          out[stringify(this.eval(entry.key))] = this.eval(entry.value);
        return { ...out };
      }
      case 'member':
        return this.member(node);
      case 'slice':
        return this.slice(node);
      case 'call':
        return this.call(node.callee, node.args, node.column);
      case 'method':
        return this.method(node);
      case 'unary':
        return this.unary(node.operator, this.eval(node.operand), node.column);
      case 'binary':
        return this.binary(node);
      case 'conditional': {
        const test = this.eval(node.test);
        if (node.consequent === node.test)
          return test !== null && test !== undefined && test !== false
            ? test
            : this.eval(node.alternate);
        return this.bool(test, node.column, 'the condition of ?:')
          ? this.eval(node.consequent)
          : this.eval(node.alternate);
      }
      case 'closure':
        throw new ExprError(
          'a predicate can only be an argument of a function such as filter or map',
          node.column,
        );
      case 'let': {
        const value = this.eval(node.value);
        this.#scopes.push({ [node.name]: value });
        try {
          return this.eval(node.body);
        } finally {
          this.#scopes.pop();
        }
      }
    }
  }

  lookup(name: string, column: number): unknown {
    for (let i = this.#scopes.length - 1; i >= 0; i--) {
      const scope = this.#scopes[i]!;
      if (Object.hasOwn(scope, name)) return scope[name];
    }
    if (Object.hasOwn(this.environment.variables, name)) return this.environment.variables[name];
    throw new ExprError(`unknown name "${name}"`, column);
  }

  pointer(name: string, column: number): unknown {
    const key = `#${name}`;
    for (let i = this.#scopes.length - 1; i >= 0; i--) {
      const scope = this.#scopes[i]!;
      if (Object.hasOwn(scope, key)) return scope[key];
    }
    throw new ExprError(
      name
        ? `#${name} is only defined inside a predicate`
        : '# is only defined inside a predicate (e.g. filter(list, # > 1))',
      column,
    );
  }

  member(node: Extract<Node, { type: 'member' }>): unknown {
    const object = this.eval(node.object);
    if (object === null || object === undefined) {
      if (node.optional || this.isOptionalChain(node.object)) return null;
      throw new ExprError(`cannot read ${describeProperty(node.property)} of nil`, node.column);
    }
    const key = this.eval(node.property);
    return readMember(object, key, node.column);
  }

  /** `a?.b.c`: once an optional step found nil, the rest of the chain is nil too. */
  isOptionalChain(node: Node): boolean {
    if (node.type === 'member' || node.type === 'method')
      return node.optional || this.isOptionalChain(node.object);
    if (node.type === 'slice') return this.isOptionalChain(node.object);
    return false;
  }

  slice(node: Extract<Node, { type: 'slice' }>): unknown {
    const object = this.eval(node.object);
    if (typeof object !== 'string' && !Array.isArray(object)) {
      throw new ExprError(`cannot slice ${typeName(object)}`, node.column);
    }
    const length = object.length;
    const bound = (n: Node | undefined, fallback: number) => {
      if (!n) return fallback;
      const value = this.eval(n);
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw new ExprError('slice bounds must be integers', n.column);
      return Math.max(0, Math.min(length, value < 0 ? length + value : value));
    };
    const from = bound(node.from, 0);
    const to = bound(node.to, length);
    return object.slice(from, Math.max(from, to));
  }

  call(name: string, argNodes: Node[], column: number): unknown {
    const fn = Object.hasOwn(this.environment.functions, name)
      ? this.environment.functions[name]
      : undefined;
    if (!fn) throw new ExprError(`unknown function "${name}"`, column);
    const args = argNodes.map((arg) =>
      arg.type === 'closure' ? this.predicate(arg) : this.eval(arg),
    );
    try {
      return fn(args, { column, tick: (amount = 1) => this.tick(amount, column) });
    } catch (err) {
      if (err instanceof ExprError) throw err;
      throw new ExprError(`${name}(): ${err instanceof Error ? err.message : String(err)}`, column);
    }
  }

  predicate(node: Extract<Node, { type: 'closure' }>): Predicate {
    return new Predicate((element, index, accumulator) => {
      this.tick(1, node.column);
      const scope: Record<string, unknown> = { '#': element, '#index': index };
      if (accumulator !== undefined) scope['#acc'] = accumulator;
      this.#scopes.push(scope);
      try {
        return this.eval(node.body);
      } finally {
        this.#scopes.pop();
      }
    });
  }

  method(node: Extract<Node, { type: 'method' }>): unknown {
    const object = this.eval(node.object);
    if (
      (object === null || object === undefined) &&
      (node.optional || this.isOptionalChain(node.object))
    )
      return null;
    if (!(object instanceof MethodHost) || !Object.hasOwn(object.methods, node.name)) {
      throw new ExprError(`${typeName(object)} has no method ${node.name}()`, node.column);
    }
    const args = node.args.map((arg) => this.eval(arg));
    return object.methods[node.name]!(args);
  }

  unary(operator: string, value: unknown, column: number): unknown {
    switch (operator) {
      case 'not':
        return !this.bool(value, column, 'not');
      case '-':
        return -this.number(value, column, '-');
      case '+':
        return this.number(value, column, '+');
    }
    throw new ExprError(`unknown operator ${operator}`, column);
  }

  binary(node: Extract<Node, { type: 'binary' }>): unknown {
    const { operator, column } = node;
    if (operator === 'and' || operator === '&&') {
      return (
        this.bool(this.eval(node.left), column, operator) &&
        this.bool(this.eval(node.right), column, operator)
      );
    }
    if (operator === 'or' || operator === '||') {
      return (
        this.bool(this.eval(node.left), column, operator) ||
        this.bool(this.eval(node.right), column, operator)
      );
    }
    if (operator === '??') {
      let left: unknown;
      try {
        left = this.eval(node.left);
      } catch (err) {
        // `a.b ?? x`: a missing step on the left counts as nil, as expr-lang does.
        if (err instanceof ExprError && /^column \d+: (cannot read|unknown name)/.test(err.message))
          left = null;
        else throw err;
      }
      return left === null || left === undefined ? this.eval(node.right) : left;
    }
    const left = this.eval(node.left);
    const right = this.eval(node.right);
    switch (operator) {
      case '==':
        return equal(left, right);
      case '!=':
        return !equal(left, right);
      case '<':
      case '>':
      case '<=':
      case '>=':
        return compare(operator, left, right, column);
      case '+':
        if (typeof left === 'number' && typeof right === 'number') return left + right;
        if (typeof left === 'string' && typeof right === 'string')
          return this.boundedString(left + right, column);
        if (Array.isArray(left) && Array.isArray(right))
          return [...(left as unknown[]), ...(right as unknown[])];
        throw mismatch(operator, left, right, column);
      case '-':
        return this.number(left, column, operator) - this.number(right, column, operator);
      case '*':
        return this.number(left, column, operator) * this.number(right, column, operator);
      case '/': {
        const divisor = this.number(right, column, operator);
        return this.number(left, column, operator) / divisor;
      }
      case '%': {
        const a = this.number(left, column, operator);
        const b = this.number(right, column, operator);
        if (!Number.isInteger(a) || !Number.isInteger(b))
          throw mismatch(operator, left, right, column);
        if (b === 0) throw new ExprError('integer divide by zero', column);
        return a % b;
      }
      case '**':
      case '^':
        return this.number(left, column, operator) ** this.number(right, column, operator);
      case '..': {
        const from = this.number(left, column, operator);
        const to = this.number(right, column, operator);
        if (!Number.isInteger(from) || !Number.isInteger(to))
          throw mismatch(operator, left, right, column);
        if (to - from + 1 > MAX_RANGE)
          throw new ExprError(`range ${from}..${to} is too large`, column);
        this.tick(Math.max(0, to - from), column);
        return to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
      }
      case 'in':
        if (Array.isArray(right)) return right.some((item) => equal(item, left));
        if (isPlainObject(right)) return typeof left === 'string' && Object.hasOwn(right, left);
        if (right instanceof MethodHost)
          return typeof left === 'string' && Object.hasOwn(right.fields, left);
        throw new ExprError(
          `operator in needs an array or a map on its right, not ${typeName(right)}`,
          column,
        );
      case 'matches': {
        const text = this.string(left, column, operator);
        const pattern = this.string(right, column, operator);
        return this.regex(pattern, column).test(text);
      }
      case 'contains':
        return this.string(left, column, operator).includes(this.string(right, column, operator));
      case 'startsWith':
        return this.string(left, column, operator).startsWith(this.string(right, column, operator));
      case 'endsWith':
        return this.string(left, column, operator).endsWith(this.string(right, column, operator));
    }
    throw new ExprError(`unknown operator ${operator}`, column);
  }

  /** `matches` patterns, compiled once per evaluation (a predicate may use one per element). */
  regex(pattern: string, column: number): ExprRegex {
    let regex = this.#regexes.get(pattern);
    if (!regex) {
      if (this.#regexes.size >= MAX_CACHED_REGEXES) this.#regexes.clear();
      regex = compileExprRegex(pattern, column);
      this.#regexes.set(pattern, regex);
    }
    return regex;
  }

  bool(value: unknown, column: number, where: string): boolean {
    if (typeof value !== 'boolean')
      throw new ExprError(`${where} needs a bool, got ${typeName(value)}`, column);
    return value;
  }

  number(value: unknown, column: number, where: string): number {
    if (typeof value !== 'number')
      throw new ExprError(`operator ${where} needs numbers, got ${typeName(value)}`, column);
    return value;
  }

  string(value: unknown, column: number, where: string): string {
    if (typeof value !== 'string')
      throw new ExprError(`operator ${where} needs strings, got ${typeName(value)}`, column);
    return value;
  }

  boundedString(value: string, column: number): string {
    if (value.length > MAX_STRING)
      throw new ExprError(`string is too long (over ${MAX_STRING} characters)`, column);
    return value;
  }
}

/** `value[key]` / `value.key` for data: own properties only; a missing map key is nil. */
export function readMember(object: unknown, key: unknown, column: number): unknown {
  if (Array.isArray(object) || typeof object === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key)) {
      throw new ExprError(
        `${typeName(object)} index must be an integer, got ${typeName(key)}`,
        column,
      );
    }
    const index = key < 0 ? object.length + key : key;
    if (index < 0 || index >= object.length)
      throw new ExprError(`index ${key} out of range (length ${object.length})`, column);
    return object[index];
  }
  if (isPlainObject(object)) {
    const name = stringify(key);
    return Object.hasOwn(object, name) ? object[name] : null;
  }
  if (object instanceof MethodHost) {
    const name = stringify(key);
    if (Object.hasOwn(object.fields, name)) return object.fields[name];
    if (object instanceof StrictRecord)
      throw new ExprError(`unknown name "${object.label}.${name}"`, column);
    return null;
  }
  throw new ExprError(
    `cannot read ${JSON.stringify(stringify(key))} of ${typeName(object)}`,
    column,
  );
}

function compare(operator: string, left: unknown, right: unknown, column: number): boolean {
  if (!(
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string')
  )) {
    throw mismatch(operator, left, right, column);
  }
  switch (operator) {
    case '<':
      return left < right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    default:
      return left >= right;
  }
}

function mismatch(operator: string, left: unknown, right: unknown, column: number): ExprError {
  return new ExprError(
    `invalid operation: ${typeName(left)} ${operator} ${typeName(right)}`,
    column,
  );
}

function describeProperty(node: Node): string {
  return node.type === 'literal' ? JSON.stringify(stringify(node.value)) : 'an index';
}
