import type { Node } from './ast.js';
import { ExprError } from './expr-error.js';
import { compileExprRegex, type ExprRegex } from './expr-regex.js';
import {
  arithmetic,
  assertBool,
  assertString,
  BoundMethod,
  contains,
  equal,
  fetch,
  goType,
  isNil,
  less,
  makeRange,
  negate,
  RuntimeError,
  slice,
} from './runtime.js';
import { anyKeyedMap, entryOf, goKey } from './any-keyed-map.js';
import { STRING_SETS } from './optimizer.js';
import { timeBinary, timeUnary } from './time-arithmetic.js';
import { GoFloat, isPlainObject, toPlainValue } from './values.js';

/** A function callable from expressions. Predicates arrive as `Predicate`s. */
export type ExprFunction = (args: unknown[], call: CallContext) => unknown;

export interface CallContext {
  column: number;
  /** Counts work done by a builtin (e.g. per element), so loops stay bounded. */
  tick(amount?: number): void;
  /** Counts memory a builtin allocates (elements, characters), as expr-lang's memory budget. */
  grow(amount: number): void;
}

/** A predicate argument (`filter(xs, # > 1)`), called once per element. */
export class Predicate {
  constructor(readonly call: (element: unknown, index: number, accumulator?: unknown) => unknown) {}
}

export interface Environment {
  /** The environment map (`expr.Run`'s env): `ctx`, `vars`, `outputs`, … (`$env` is all of it). */
  variables: Readonly<Record<string, unknown>>;
  /** Builtins and the caller's functions (`expr.Function`s). */
  functions: Readonly<Record<string, ExprFunction>>;
  /**
   * An environment that is not a map (json-parse over a list document): names are read from it
   * as expr-lang reads them (`$env[0]` works, `foo` is an error), and `$env` is it.
   */
  root?: unknown;
}

export interface EvaluateOptions {
  /** Work budget in evaluation steps; exceeding it is an error. */
  maxSteps?: number;
}

const MAX_STRING = 1_000_000;
/** expr-lang's default memory budget (conf.DefaultMemoryBudget). */
const MEMORY_BUDGET = 1_000_000;
const MAX_CACHED_REGEXES = 100;

/** Returned by a member access on nil inside an optional chain; the chain's end makes it nil. */
const CHAIN_NIL: unique symbol = Symbol('chain-nil');

/**
 * Evaluates a parsed expression as expr-lang's VM runs it. Sandboxed by construction: no
 * JavaScript is executed from the expression, names resolve only to the given variables and
 * functions, member access reads only own properties of data (never prototypes), and the work
 * is bounded.
 */
export function evaluate(
  node: Node,
  environment: Environment,
  options: EvaluateOptions = {},
): unknown {
  return toPlainValue(evaluateGo(node, environment, options));
}

/**
 * Evaluates keeping Go's types visible: whole floats stay `GoFloat`s (`evaluate` makes them plain
 * numbers for the rest of Gantry).
 */
export function evaluateGo(
  node: Node,
  environment: Environment,
  options: EvaluateOptions = {},
): unknown {
  return new Evaluator(environment, options.maxSteps ?? 10_000_000).run(node);
}

interface Scope {
  item: unknown;
  index: number;
  acc?: unknown;
}

class Evaluator {
  #steps = 0;
  #memory = 0;
  readonly #variables: Array<{ name: string; value: unknown }> = [];
  readonly #scopes: Scope[] = [];
  readonly #regexes = new Map<string, ExprRegex>();

  constructor(
    private readonly environment: Environment,
    private readonly maxSteps: number,
  ) {}

  run(node: Node): unknown {
    const value = this.eval(node);
    return value === CHAIN_NIL ? null : value;
  }

  tick(amount = 1, column = 1): void {
    this.#steps += amount;
    if (this.#steps > this.maxSteps)
      throw new ExprError(`expression does too much work (over ${this.maxSteps} steps)`, column);
  }

  grow(amount: number): void {
    this.#memory += amount;
    if (this.#memory >= MEMORY_BUDGET) throw new RuntimeError('memory budget exceeded');
  }

  fail(err: unknown, column: number): never {
    if (err instanceof ExprError) throw err;
    // Every failure inside an evaluation is the expression's: Go panics become errors there too.
    if (err instanceof Error && !(err instanceof RangeError))
      throw new ExprError(err.message, column);
    if (err instanceof RangeError) throw new ExprError('expression is nested too deeply', column);
    throw err;
  }

  eval(node: Node): unknown {
    this.tick(1, node.column);
    try {
      return this.evalNode(node);
    } catch (err) {
      return this.fail(err, node.column);
    }
  }

  evalNode(node: Node): unknown {
    switch (node.type) {
      case 'nil':
        return null;
      case 'bool':
      case 'int':
      case 'string':
        return node.value;
      case 'float':
        return Number.isInteger(node.value) ? new GoFloat(node.value) : node.value;
      case 'bytes':
        return node.value;
      case 'identifier':
        return this.lookup(node.name);
      case 'pointer':
        return this.pointer(node.name);
      case 'array':
        return node.elements.map((element) => this.value(element));
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const entry of node.entries) {
          const key = this.value(entry.key);
          out[typeof key === 'string' ? key : goKey(key)] = this.value(entry.value);
        }
        return out;
      }
      case 'chain': {
        const value = this.eval(node.node);
        return value === CHAIN_NIL ? null : value;
      }
      case 'member':
        return this.member(node);
      case 'slice': {
        const object = this.value(node.object);
        const from = node.from ? this.value(node.from) : undefined;
        const to = node.to ? this.value(node.to) : undefined;
        return slice(object, from, to);
      }
      case 'call':
        return this.call(node);
      case 'builtin':
        return this.builtin(node);
      case 'predicate':
        throw new ExprError('a predicate can only be an argument of a builtin', node.column);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'conditional': {
        const test = this.value(node.test);
        if (node.ternary && node.consequent === node.test)
          return assertBool(test) ? test : this.value(node.alternate);
        return assertBool(test) ? this.value(node.consequent) : this.value(node.alternate);
      }
      case 'let': {
        this.#variables.push({ name: node.name, value: this.value(node.value) });
        try {
          return this.value(node.body);
        } finally {
          this.#variables.pop();
        }
      }
      case 'sequence': {
        let last: unknown = null;
        for (const item of node.nodes) last = this.value(item);
        return last;
      }
    }
  }

  /** A node's value, a nil met in an optional chain inside it being nil. */
  value(node: Node): unknown {
    const value = this.eval(node);
    return value === CHAIN_NIL ? null : value;
  }

  lookup(name: string): unknown {
    for (let i = this.#variables.length - 1; i >= 0; i--) {
      const variable = this.#variables[i]!;
      if (variable.name === name) return variable.value;
    }
    const { variables } = this.environment;
    if ('root' in this.environment) {
      const { root } = this.environment;
      return name === '$env' ? root : fetch(root, name);
    }
    if (name === '$env') return variables;
    return Object.hasOwn(variables, name) ? variables[name] : null;
  }

  pointer(name: string): unknown {
    const scope = this.#scopes[this.#scopes.length - 1];
    if (!scope) throw new RuntimeError('cannot use pointer accessor outside predicate');
    if (name === '') return scope.item;
    if (name === 'index') return scope.index;
    if (name === 'acc') return scope.acc ?? null;
    throw new RuntimeError(`unknown pointer #${name}`);
  }

  member(node: Extract<Node, { type: 'member' }>): unknown {
    const object = this.eval(node.object);
    if (object === CHAIN_NIL) return CHAIN_NIL;
    if (node.optional && isNil(object)) return CHAIN_NIL;
    const key = this.value(node.property);
    return fetch(object, key);
  }

  call(node: Extract<Node, { type: 'call' }>): unknown {
    const { callee } = node;
    let fn: unknown;
    let name: string;
    if (callee.type === 'identifier') {
      name = callee.name;
      const scoped = this.#variables.some((v) => v.name === name);
      if (!scoped && Object.hasOwn(this.environment.functions, name)) {
        fn = this.environment.functions[name];
        return this.invoke(name, fn as ExprFunction, node.args, node.column);
      }
      fn = this.lookup(name);
    } else {
      const target = this.eval(callee);
      if (target === CHAIN_NIL) return CHAIN_NIL;
      fn = target;
      name =
        callee.type === 'member' && callee.property.type === 'string'
          ? callee.property.value
          : 'function';
    }
    if (fn instanceof BoundMethod) {
      const args = node.args.map((arg) => this.value(arg));
      const method = fn.host.methods[fn.name]!;
      try {
        return method(args);
      } catch (err) {
        if (err instanceof ExprError || err instanceof RuntimeError) throw err;
        throw new RuntimeError(err instanceof Error ? err.message : String(err));
      }
    }
    if (isNil(fn)) throw new RuntimeError('invalid operation: cannot call nil');
    throw new RuntimeError(`invalid operation: cannot call non-function of type ${goType(fn)}`);
  }

  invoke(name: string, fn: ExprFunction, argNodes: Node[], column: number): unknown {
    const args = argNodes.map((arg) =>
      arg.type === 'predicate' ? this.predicate(arg) : this.value(arg),
    );
    try {
      return fn(args, {
        column,
        tick: (amount = 1) => this.tick(amount, column),
        grow: (amount) => this.grow(amount),
      });
    } catch (err) {
      if (err instanceof ExprError) throw err;
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError(`${name}(): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  predicate(node: Extract<Node, { type: 'predicate' }>): Predicate {
    return new Predicate((item, index, acc) => this.inScope({ item, index, acc }, node.body));
  }

  inScope(scope: Scope, body: Node): unknown {
    this.tick(1, body.column);
    this.#scopes.push(scope);
    try {
      return this.value(body);
    } finally {
      this.#scopes.pop();
    }
  }

  builtin(node: Extract<Node, { type: 'builtin' }>): unknown {
    const { name, args, column } = node;
    const body = args[1]?.type === 'predicate' ? args[1].body : undefined;
    if (body) return this.predicateBuiltin(name, args, body, column);
    if (name === 'count' || name === 'sum')
      return this.predicateBuiltin(name, args, undefined, column);
    const fn = Object.hasOwn(this.environment.functions, `::${name}`)
      ? this.environment.functions[`::${name}`]
      : this.environment.functions[name];
    if (!fn) throw new ExprError(`unknown builtin ${name}`, column);
    return this.invoke(name, fn, args, column);
  }

  /** The builtins that run a predicate per element, as expr-lang's compiler lays them out. */
  predicateBuiltin(name: string, args: Node[], body: Node | undefined, column: number): unknown {
    const collection = this.value(args[0]!);
    const items = iterable(collection);
    const test = (item: unknown, index: number, acc?: unknown) =>
      body ? this.inScope({ item, index, acc }, body) : item;
    const cond = (item: unknown, index: number) => assertBool(test(item, index));
    switch (name) {
      case 'all':
        return items.every((item, i) => cond(item, i));
      case 'any':
        return items.some((item, i) => cond(item, i));
      case 'none':
        return !items.some((item, i) => cond(item, i));
      case 'one': {
        let count = 0;
        for (let i = 0; i < items.length; i++) if (cond(items[i], i) && ++count > 1) return false;
        return count === 1;
      }
      case 'filter':
        return items.filter((item, i) => cond(item, i));
      case 'map':
        return items.map((item, i) => test(item, i));
      case 'count':
        return items.reduce<number>((n, item, i) => (cond(item, i) ? n + 1 : n), 0);
      case 'sum': {
        let acc: unknown = 0;
        items.forEach((item, i) => {
          acc = arithmetic('+', test(item, i), acc);
        });
        return acc;
      }
      case 'find': {
        const i = items.findIndex((item, j) => cond(item, j));
        return i < 0 ? null : items[i];
      }
      case 'findIndex':
        return items.findIndex((item, j) => cond(item, j));
      case 'findLast': {
        for (let i = items.length - 1; i >= 0; i--) if (cond(items[i], i)) return items[i];
        return null;
      }
      case 'findLastIndex': {
        for (let i = items.length - 1; i >= 0; i--) if (cond(items[i], i)) return i;
        return -1;
      }
      case 'groupBy': {
        const groups = anyKeyedMap<unknown[]>();
        items.forEach((item, i) => {
          const key = test(item, i);
          if (Array.isArray(key) || isPlainObject(key))
            throw new RuntimeError(`runtime error: hash of unhashable type ${goType(key)}`);
          entryOf(groups, key, () => []).push(item);
        });
        return groups;
      }
      case 'sortBy': {
        const order = args[2] ? this.value(args[2]) : 'asc';
        if (typeof order !== 'string')
          throw new RuntimeError('sortBy order argument must be a string');
        if (order !== 'asc' && order !== 'desc')
          throw new RuntimeError(`unknown order ${order}, use asc or desc`);
        const keyed = items.map((item, i) => ({ item, key: test(item, i) }));
        const sorted = stableSort(keyed, (a, b) =>
          less('<', a.key, b.key) ? -1 : less('<', b.key, a.key) ? 1 : 0,
        );
        if (order === 'desc') sorted.reverse();
        return sorted.map((entry) => entry.item);
      }
      case 'reduce': {
        let start = 0;
        let acc: unknown;
        if (args[2]) {
          acc = this.value(args[2]);
        } else {
          if (items.length === 0)
            throw new RuntimeError('reduce of empty array with no initial value');
          acc = items[0];
          start = 1;
        }
        for (let i = start; i < items.length; i++) acc = test(items[i], i, acc);
        return acc;
      }
    }
    throw new ExprError(`unknown builtin ${name}`, column);
  }

  unary(node: Extract<Node, { type: 'unary' }>): unknown {
    const value = this.value(node.operand);
    switch (node.operator) {
      case 'not':
      case '!':
        return !assertBool(value);
      case '-': {
        const timed = timeUnary('-', value);
        return timed ? timed.value : negate(value);
      }
      default:
        return value;
    }
  }

  binary(node: Extract<Node, { type: 'binary' }>): unknown {
    const { operator } = node;
    switch (operator) {
      case 'and':
      case '&&': {
        const left = this.value(node.left);
        return assertBool(left) ? this.value(node.right) : left;
      }
      case 'or':
      case '||': {
        const left = this.value(node.left);
        return assertBool(left) ? left : this.value(node.right);
      }
      case '??': {
        const left = this.value(node.left);
        return isNil(left) ? this.value(node.right) : left;
      }
    }
    const left = this.value(node.left);
    const right = this.value(node.right);
    switch (operator) {
      case '==':
      case '!=':
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const timed = timeBinary(operator, left, right);
        if (timed) return timed.value;
        if (operator === '==') return equal(left, right);
        if (operator === '!=') return !equal(left, right);
        return less(operator, left, right);
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '**':
      case '^': {
        const timed = timeBinary(operator, left, right);
        if (timed) return timed.value;
        const result = arithmetic(operator, left, right);
        if (typeof result === 'string' && result.length > MAX_STRING)
          throw new RuntimeError(`string is too long (over ${MAX_STRING} characters)`);
        return result;
      }
      case '..':
        return makeRange(left, right, (n) => {
          this.grow(n);
          this.tick(n, node.column);
        });
      case 'in':
        if (STRING_SETS.has(node) && !isNil(left) && typeof left !== 'string')
          throw new RuntimeError(
            `reflect.Value.MapIndex: value of type ${goType(left)} is not assignable to type string`,
          );
        return contains(isNil(left) && STRING_SETS.has(node) ? '' : left, right);
      case 'matches': {
        if (isNil(left) || isNil(right)) return false;
        const text =
          left instanceof Uint8Array ? Buffer.from(left).toString('utf8') : assertString(left);
        return this.regex(assertString(right), node.column).test(text);
      }
      case 'contains':
        if (isNil(left) || isNil(right)) return false;
        return assertString(left).includes(assertString(right));
      case 'startsWith':
        if (isNil(left) || isNil(right)) return false;
        return assertString(left).startsWith(assertString(right));
      case 'endsWith':
        if (isNil(left) || isNil(right)) return false;
        return assertString(left).endsWith(assertString(right));
    }
    throw new ExprError(`unknown operator (${operator})`, node.column);
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
}

/** What a predicate builtin iterates: arrays only (a map or nil cannot be iterated). */
function iterable(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof Uint8Array) return Array.from(value);
  if (typeof value === 'string') return Array.from(Buffer.from(value, 'utf8'));
  if (isNil(value)) throw new RuntimeError('reflect: call of reflect.Value.Len on zero Value');
  throw new RuntimeError(
    `reflect: call of reflect.Value.Len on ${goType(value).replace(/^map\[.*$/, 'map')} Value`,
  );
}

function stableSort<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compare(a.item, b.item) || a.index - b.index)
    .map((entry) => entry.item);
}
