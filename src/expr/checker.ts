import type { Node } from './ast.js';
import { BUILTIN_NAMES } from './builtin-names.js';
import { ExprError } from './expr-error.js';
import { compileExprRegex } from './expr-regex.js';
import { FUNCTION_SIGNATURES, type Signature } from './function-signatures.js';

/**
 * The compile-time type check expr-lang runs on an expression compiled with no environment, as
 * Kargo compiles: every name is of unknown type, so only what literals, operators and builtins
 * make known is checked (`true or 0`, `42 in ["a"]`, `len(1)`, `"a" + 1`, `foo ?? bar || baz`).
 * Natures and messages follow expr-lang v1.17.8's checker.
 */
type Kind =
  | 'unknown'
  | 'nil'
  | 'int'
  | 'float'
  | 'string'
  | 'bool'
  | 'bytes'
  | 'array'
  | 'map'
  /** A map keyed by any value (groupBy's `map[any][]any`). */
  | 'anymap'
  | 'time'
  | 'duration'
  | 'location'
  | 'func'
  /** A Go struct a declared function returns (`v1alpha1.FreightOrigin`): its fields are known. */
  | 'struct';

interface Nature {
  kind: Kind;
  /** Structs: the Go type and its fields' natures. */
  struct?: { type: string; fields: Readonly<Record<string, Nature>> } | undefined;
  /** Arrays: the elements' nature when known. Predicates: what the body returns. */
  elem?: Nature | undefined;
}

const UNKNOWN: Nature = { kind: 'unknown' };
const NIL: Nature = { kind: 'nil' };
const INT: Nature = { kind: 'int' };
const FLOAT: Nature = { kind: 'float' };
const STRING: Nature = { kind: 'string' };
const BOOL: Nature = { kind: 'bool' };
const ANY_ARRAY: Nature = { kind: 'array' };
const MAP: Nature = { kind: 'map' };
const TIME: Nature = { kind: 'time' };
const DURATION: Nature = { kind: 'duration' };

const arrayOf = (elem: Nature): Nature => ({ kind: 'array', elem });
const isUnknown = (n: Nature) => n.kind === 'unknown';
const isNumber = (n: Nature) => n.kind === 'int' || n.kind === 'float';
const isInteger = (n: Nature) => n.kind === 'int';
const elemOf = (n: Nature): Nature => (n.kind === 'array' ? (n.elem ?? UNKNOWN) : UNKNOWN);

/** Go's name of the type a nature stands for, as expr-lang's messages print it. */
function typeString(n: Nature): string {
  switch (n.kind) {
    case 'unknown':
    case 'nil':
      return 'unknown';
    case 'float':
      return 'float64';
    case 'array':
      return n.elem?.kind === 'int' && n.elem !== undefined && isRange(n)
        ? '[]int'
        : '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'anymap':
      return 'map[interface {}][]interface {}';
    case 'bytes':
      return '[]uint8';
    case 'time':
      return 'time.Time';
    case 'duration':
      return 'time.Duration';
    case 'location':
      return '*time.Location';
    case 'func':
      return 'func';
    case 'struct':
      return n.struct?.type ?? 'struct';
    default:
      return n.kind;
  }
}

const RANGES = new WeakSet<Nature>();
const isRange = (n: Nature) => RANGES.has(n);

type Check = 'number' | 'integer' | 'string' | 'bool' | 'time' | 'duration' | 'array' | 'map';

function isAnyOf(n: Nature, checks: Check[]): boolean {
  return checks.some((check) => {
    switch (check) {
      case 'number':
        return isNumber(n);
      case 'integer':
        return isInteger(n);
      default:
        return n.kind === check;
    }
  });
}

/** Unknown on both sides, or unknown on one and one of `checks` on the other. */
function maybeCompatible(l: Nature, r: Nature, ...checks: Check[]): boolean {
  return (
    (isUnknown(l) && isUnknown(r)) ||
    (isUnknown(l) && isAnyOf(r, checks)) ||
    (isUnknown(r) && isAnyOf(l, checks))
  );
}

function assignable(from: Nature, to: Nature): boolean {
  if (from.kind === 'nil')
    return to.kind === 'array' || to.kind === 'map' || to.kind === 'func' || to.kind === 'bytes';
  if (from.kind === 'unknown' || to.kind === 'unknown') return false;
  return from.kind === to.kind;
}

function comparable(l: Nature, r: Nature): boolean {
  return (
    isUnknown(l) ||
    isUnknown(r) ||
    l.kind === 'nil' ||
    r.kind === 'nil' ||
    (isNumber(l) && isNumber(r)) ||
    (l.kind === 'array' && r.kind === 'array') ||
    assignable(l, r)
  );
}

/**
 * @param declared the functions the caller declares (Kargo's `expr.Function`s), whose Go
 * signatures (function-signatures.ts) are checked as expr-lang checks a declared function's
 */
export function checkTree(node: Node, declared?: ReadonlySet<string>): void {
  new Checker(declared).visit(node);
}

interface PredicateScope {
  collection: Nature;
  vars: Record<string, Nature>;
}

class Checker {
  constructor(private readonly declared: ReadonlySet<string> | undefined) {}
  readonly #variables: Array<{ name: string; nature: Nature }> = [];
  readonly #predicates: PredicateScope[] = [];

  error(node: Node, message: string): never {
    throw new ExprError(message, node.column);
  }

  visit(node: Node): Nature {
    switch (node.type) {
      case 'nil':
        return NIL;
      case 'bool':
        return BOOL;
      case 'int':
        return INT;
      case 'float':
        return FLOAT;
      case 'string':
        return STRING;
      case 'bytes':
        return { kind: 'bytes' };
      case 'identifier': {
        for (let i = this.#variables.length - 1; i >= 0; i--)
          if (this.#variables[i]!.name === node.name) return this.#variables[i]!.nature;
        return UNKNOWN;
      }
      case 'pointer':
        return this.pointer(node);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'chain':
        return this.visit(node.node);
      case 'member':
        return this.member(node);
      case 'slice':
        return this.slice(node);
      case 'call':
        return this.call(node);
      case 'builtin':
        return this.builtin(node);
      case 'predicate': {
        const out = this.visit(node.body);
        return { kind: 'func', elem: out };
      }
      case 'let': {
        if (BUILTIN_NAMES.has(node.name)) this.error(node, `cannot redeclare builtin ${node.name}`);
        if (this.#variables.some((v) => v.name === node.name))
          this.error(node, `cannot redeclare variable ${node.name}`);
        const nature = this.visit(node.value);
        this.#variables.push({ name: node.name, nature });
        try {
          return this.visit(node.body);
        } finally {
          this.#variables.pop();
        }
      }
      case 'sequence': {
        let last = UNKNOWN;
        for (const item of node.nodes) last = this.visit(item);
        return last;
      }
      case 'conditional': {
        const test = this.visit(node.test);
        if (test.kind !== 'bool' && !isUnknown(test))
          this.error(node.test, `non-bool expression (type ${typeString(test)}) used as condition`);
        const a = this.visit(node.consequent);
        const b = this.visit(node.alternate);
        if (a.kind === 'nil' && b.kind !== 'nil') return b;
        if (a.kind !== 'nil' && b.kind === 'nil') return a;
        if (a.kind === 'nil') return NIL;
        if (assignable(a, b)) return a.kind === 'array' ? ANY_ARRAY : a;
        return UNKNOWN;
      }
      case 'array': {
        let previous: Nature | undefined;
        let same = true;
        for (const element of node.elements) {
          const current = this.visit(element);
          if (previous && current.kind !== previous.kind) same = false;
          previous = current;
        }
        return same && previous ? arrayOf(previous) : ANY_ARRAY;
      }
      case 'map':
        for (const entry of node.entries) {
          this.visit(entry.key);
          this.visit(entry.value);
        }
        return MAP;
    }
  }

  pointer(node: Extract<Node, { type: 'pointer' }>): Nature {
    const scope = this.#predicates[this.#predicates.length - 1];
    if (!scope) this.error(node, 'cannot use pointer accessor outside predicate');
    if (node.name === '') {
      if (isUnknown(scope.collection)) return UNKNOWN;
      if (scope.collection.kind === 'array') return elemOf(scope.collection);
      this.error(node, `cannot use ${typeString(scope.collection)} as array`);
    }
    const found = Object.hasOwn(scope.vars, node.name) ? scope.vars[node.name] : undefined;
    if (!found) this.error(node, `unknown pointer #${node.name}`);
    return found;
  }

  unary(node: Extract<Node, { type: 'unary' }>): Nature {
    const n = this.visit(node.operand);
    switch (node.operator) {
      case '!':
      case 'not':
        if (n.kind === 'bool' || isUnknown(n)) return BOOL;
        break;
      case '+':
      case '-':
        if (isNumber(n)) return n;
        if (isUnknown(n)) return UNKNOWN;
        break;
    }
    return this.error(
      node,
      `invalid operation: ${node.operator} (mismatched type ${typeString(n)})`,
    );
  }

  binary(node: Extract<Node, { type: 'binary' }>): Nature {
    const l = this.visit(node.left);
    const r = this.visit(node.right);
    const op = node.operator;
    switch (op) {
      case '==':
      case '!=':
        if (comparable(l, r)) return BOOL;
        break;
      case 'or':
      case '||':
      case 'and':
      case '&&':
        if ((l.kind === 'bool' && r.kind === 'bool') || maybeCompatible(l, r, 'bool')) return BOOL;
        break;
      case '<':
      case '>':
      case '>=':
      case '<=':
        if (
          (isNumber(l) && isNumber(r)) ||
          (l.kind === 'string' && r.kind === 'string') ||
          (l.kind === 'time' && r.kind === 'time') ||
          (l.kind === 'duration' && r.kind === 'duration') ||
          maybeCompatible(l, r, 'number', 'string', 'time', 'duration')
        )
          return BOOL;
        break;
      case '-':
        if (isNumber(l) && isNumber(r)) return promote(l, r);
        if (l.kind === 'time' && r.kind === 'time') return DURATION;
        if (l.kind === 'time' && r.kind === 'duration') return TIME;
        if (l.kind === 'duration' && r.kind === 'duration') return DURATION;
        if (maybeCompatible(l, r, 'number', 'time', 'duration')) return UNKNOWN;
        break;
      case '*':
        if (isNumber(l) && isNumber(r)) return promote(l, r);
        if (
          (isNumber(l) && r.kind === 'duration') ||
          (l.kind === 'duration' && (isNumber(r) || r.kind === 'duration'))
        )
          return DURATION;
        if (maybeCompatible(l, r, 'number', 'duration')) return UNKNOWN;
        break;
      case '/':
      case '**':
      case '^':
        if ((isNumber(l) && isNumber(r)) || maybeCompatible(l, r, 'number')) return FLOAT;
        break;
      case '%':
        if ((isInteger(l) && isInteger(r)) || maybeCompatible(l, r, 'integer')) return INT;
        break;
      case '+':
        if (isNumber(l) && isNumber(r)) return promote(l, r);
        if (l.kind === 'string' && r.kind === 'string') return STRING;
        if (l.kind === 'time' && r.kind === 'duration') return TIME;
        if (l.kind === 'duration' && r.kind === 'time') return TIME;
        if (l.kind === 'duration' && r.kind === 'duration') return DURATION;
        if (maybeCompatible(l, r, 'number', 'string', 'time', 'duration')) return UNKNOWN;
        break;
      case 'in':
        if (r.kind === 'map') {
          if (!isUnknown(l) && !assignable(l, STRING))
            this.error(node, `cannot use ${typeString(l)} as type string in map key`);
          return BOOL;
        }
        if (r.kind === 'array') {
          const elem = elemOf(r);
          if (!comparable(l, elem))
            this.error(node, `cannot use ${typeString(l)} as type ${typeString(elem)} in array`);
          return BOOL;
        }
        if (isUnknown(l) && isAnyOf(r, ['string', 'array', 'map'])) return BOOL;
        if (isUnknown(r)) return BOOL;
        break;
      case 'matches':
        if (node.right.type === 'string') compileExprRegex(node.right.value, node.column);
        if (
          ((l.kind === 'string' || l.kind === 'bytes') && r.kind === 'string') ||
          maybeCompatible(l, r, 'string')
        )
          return BOOL;
        break;
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        if ((l.kind === 'string' && r.kind === 'string') || maybeCompatible(l, r, 'string'))
          return BOOL;
        break;
      case '..':
        if ((isInteger(l) && isInteger(r)) || maybeCompatible(l, r, 'integer')) {
          const range = arrayOf(INT);
          RANGES.add(range);
          return range;
        }
        break;
      case '??':
        if (l.kind === 'nil' && r.kind !== 'nil') return r;
        if (l.kind !== 'nil' && r.kind === 'nil') return l;
        if (l.kind === 'nil') return NIL;
        if (assignable(r, l)) return l;
        return UNKNOWN;
      default:
        this.error(node, `unknown operator (${op})`);
    }
    return this.error(
      node,
      `invalid operation: ${op} (mismatched types ${typeString(l)} and ${typeString(r)})`,
    );
  }

  member(node: Extract<Node, { type: 'member' }>): Nature {
    if (node.object.type === 'identifier' && node.object.name === '$env') {
      this.visit(node.property);
      return UNKNOWN;
    }
    const base = this.visit(node.object);
    const prop = this.visit(node.property);
    if (isUnknown(base)) return UNKNOWN;
    const name = node.property.type === 'string' ? node.property.value : undefined;
    if (name !== undefined && base.kind === 'nil')
      this.error(node, `type nil has no field ${name}`);
    switch (base.kind) {
      case 'map':
        if (!assignable(prop, STRING) && !isUnknown(prop))
          this.error(
            node.property,
            `cannot use ${typeString(prop)} to get an element from map[string]interface {}`,
          );
        return UNKNOWN;
      case 'array':
        if (!isInteger(prop) && !isUnknown(prop))
          this.error(
            node.property,
            `array elements can only be selected using an integer (got ${typeString(prop)})`,
          );
        return elemOf(base);
      case 'anymap':
        return ANY_ARRAY;
      case 'struct': {
        const fields = base.struct?.fields ?? {};
        if (name !== undefined && Object.hasOwn(fields, name)) return fields[name]!;
        if (name !== undefined)
          this.error(
            node,
            `type ${typeString(base)} has no ${node.method ? 'method' : 'field'} ${name}`,
          );
        return UNKNOWN;
      }
      case 'time':
      case 'duration':
      case 'location':
        // Go's methods of time.Time and time.Duration, with what they return where it is
        // known; the evaluator checks the name.
        return { kind: 'func', elem: (name && METHOD_RESULTS[base.kind]?.[name]) || UNKNOWN };
    }
    if (name !== undefined)
      this.error(
        node,
        `type ${typeString(base)} has no ${node.method ? 'method' : 'field'} ${name}`,
      );
    return this.error(node, `type ${typeString(base)}[${typeString(prop)}] is undefined`);
  }

  slice(node: Extract<Node, { type: 'slice' }>): Nature {
    const n = this.visit(node.object);
    if (isUnknown(n)) {
      if (node.from) this.visit(node.from);
      if (node.to) this.visit(node.to);
      return UNKNOWN;
    }
    if (n.kind !== 'string' && n.kind !== 'array' && n.kind !== 'bytes')
      this.error(node, `cannot slice ${typeString(n)}`);
    for (const bound of [node.from, node.to]) {
      if (!bound) continue;
      const b = this.visit(bound);
      if (!isInteger(b) && !isUnknown(b))
        this.error(bound, `non-integer slice index ${typeString(b)}`);
    }
    return n;
  }

  call(node: Extract<Node, { type: 'call' }>): Nature {
    if (node.callee.type === 'identifier' && node.callee.name === '$env')
      this.error(node, 'map[string]interface {} is not callable');
    const { callee: target } = node;
    if (
      target.type === 'identifier' &&
      this.declared?.has(target.name) &&
      Object.hasOwn(FUNCTION_SIGNATURES, target.name) &&
      !this.#variables.some((v) => v.name === target.name)
    ) {
      const natures = node.args.map((arg) => this.visit(arg));
      const result = checkSignature(target.name, FUNCTION_SIGNATURES[target.name]!, natures);
      if (typeof result === 'string') this.error(node, result);
      return result;
    }
    const callee = this.visit(node.callee);
    for (const arg of node.args) this.visit(arg);
    if (isUnknown(callee)) return UNKNOWN;
    if (callee.kind === 'func') return callee.elem ?? UNKNOWN;
    const name =
      node.callee.type === 'identifier'
        ? node.callee.name
        : node.callee.type === 'member' && node.callee.property.type === 'string'
          ? node.callee.property.value
          : 'function';
    if (callee.kind === 'nil') this.error(node, `${name} is nil; cannot call nil as function`);
    return this.error(node, `${typeString(callee)} is not callable`);
  }

  predicateOver(collection: Nature, predicate: Node, vars: Record<string, Nature> = {}): Nature {
    this.#predicates.push({ collection, vars });
    try {
      const nature = this.visit(predicate);
      return nature.elem ?? UNKNOWN;
    } finally {
      this.#predicates.pop();
    }
  }

  builtin(node: Extract<Node, { type: 'builtin' }>): Nature {
    const { name, args } = node;
    if (Object.hasOwn(PREDICATE_RESULTS, name)) {
      const collection = this.visit(args[0]!);
      if (collection.kind !== 'array' && !isUnknown(collection))
        this.error(args[0]!, `builtin ${name} takes only array (got ${typeString(collection)})`);
      const vars: Record<string, Nature> =
        name === 'map' ? { index: INT } : name === 'reduce' ? { index: INT, acc: UNKNOWN } : {};
      if (name === 'reduce' && args[2]) vars.acc = UNKNOWN;
      const out = args[1] ? this.predicateOver(collection, args[1], vars) : UNKNOWN;
      if (name === 'sortBy' && args[2]) {
        const order = this.visit(args[2]);
        if (order.kind !== 'string' && !isUnknown(order))
          this.error(args[2], `sortBy order argument must be a string (got ${typeString(order)})`);
      }
      if (name === 'reduce' && args[2]) this.visit(args[2]);
      if (BOOLEAN_PREDICATES.has(name) && args[1] && out.kind !== 'bool' && !isUnknown(out))
        this.error(args[1], `predicate should return boolean (got ${typeString(out)})`);
      return PREDICATE_RESULTS[name]!(collection, out);
    }
    const natures = args.map((a) => this.visit(a));
    const check = BUILTIN_CHECKS.get(name);
    if (!check) return UNKNOWN;
    const result = check(natures);
    if (typeof result === 'string') this.error(node, result);
    return result;
  }
}

const INTS = (...names: string[]) => Object.fromEntries(names.map((n) => [n, INT]));
/** What Go's methods of times and durations return. */
const METHOD_RESULTS: Partial<Record<Kind, Record<string, Nature>>> = {
  time: {
    ...INTS('Year', 'Day', 'Hour', 'Minute', 'Second', 'Nanosecond', 'YearDay', 'Unix'),
    ...INTS('UnixMilli', 'UnixMicro', 'UnixNano'),
    Format: STRING,
    String: STRING,
    Add: TIME,
    AddDate: TIME,
    UTC: TIME,
    Local: TIME,
    In: TIME,
    Truncate: TIME,
    Round: TIME,
    Sub: DURATION,
    Before: BOOL,
    After: BOOL,
    Equal: BOOL,
    IsZero: BOOL,
  },
  duration: {
    Hours: FLOAT,
    Minutes: FLOAT,
    Seconds: FLOAT,
    ...INTS('Milliseconds', 'Microseconds', 'Nanoseconds'),
    String: STRING,
    Round: DURATION,
    Truncate: DURATION,
    Abs: DURATION,
  },
};

function promote(l: Nature, r: Nature): Nature {
  return l.kind === 'float' || r.kind === 'float' ? FLOAT : INT;
}

const BOOLEAN_PREDICATES = new Set([
  'all',
  'none',
  'any',
  'one',
  'filter',
  'count',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
]);

const PREDICATE_RESULTS: Record<string, (collection: Nature, out: Nature) => Nature> = {
  all: () => BOOL,
  none: () => BOOL,
  any: () => BOOL,
  one: () => BOOL,
  filter: (c) => (isUnknown(c) ? ANY_ARRAY : arrayOf(elemOf(c))),
  map: (_, out) => arrayOf(out),
  count: () => INT,
  sum: (c, out) => (out !== UNKNOWN ? out : elemOf(c)),
  find: (c) => elemOf(c),
  findLast: (c) => elemOf(c),
  findIndex: () => INT,
  findLastIndex: () => INT,
  groupBy: () => ({ kind: 'anymap' }),
  sortBy: (c) => c,
  reduce: (_, out) => out,
};

/** A builtin's argument check: the result's nature, or the error message. */
type BuiltinCheck = (args: Nature[]) => Nature | string;

const NUMERIC: Check[] = ['number'];

function arity(name: string, args: Nature[], n: number): string | undefined {
  if (args.length !== n) return `invalid number of arguments (expected ${n}, got ${args.length})`;
  void name;
  return undefined;
}

/**
 * A builtin whose Go signatures are fixed (`strings.Index(s, substr string) int`): the arguments
 * must match one of them, unknown matching anything.
 */
function signatures(
  name: string,
  overloads: Array<{ params: Kind[]; out: Nature; variadic?: boolean }>,
): BuiltinCheck {
  return (args) => {
    let lastError = '';
    for (const overload of overloads) {
      const { params, variadic } = overload;
      if (!variadic && args.length > params.length) {
        lastError = `too many arguments to call ${name}`;
        continue;
      }
      if (args.length < (variadic ? params.length - 1 : params.length)) {
        lastError = `not enough arguments to call ${name}`;
        continue;
      }
      const bad = args.findIndex((a, i) => {
        const want = params[Math.min(i, params.length - 1)]!;
        if (want === 'unknown' || isUnknown(a)) return false;
        if (want === 'float' && isNumber(a)) return false;
        if (a.kind === 'nil') return !(want === 'array' || want === 'map');
        return a.kind !== want;
      });
      if (bad < 0) return overload.out;
      const want = params[Math.min(bad, params.length - 1)]!;
      lastError =
        args[bad]!.kind === 'nil'
          ? `cannot use nil as argument (type ${typeString({ kind: want })}) to call ${name}`
          : `cannot use ${typeString(args[bad]!)} as argument (type ${typeString({ kind: want })}) to call ${name} `;
    }
    return lastError || `no matching overload for ${name}`;
  };
}

function oneOf(
  name: string,
  message: string,
  allowed: Kind[],
  out: (arg: Nature) => Nature,
): BuiltinCheck {
  return (args) => {
    const wrong = arity(name, args, 1);
    if (wrong) return wrong;
    const a = args[0]!;
    if (isUnknown(a) || allowed.includes(a.kind)) return out(a);
    return `${message} ${typeString(a)})`;
  };
}

function aggregate(name: string): BuiltinCheck {
  return (args) => {
    if (args.length === 0) return `not enough arguments to call ${name}`;
    for (const a of args) {
      if (isUnknown(a) || a.kind === 'array') return UNKNOWN;
      if (!isAnyOf(a, NUMERIC)) return `invalid argument for ${name} (type ${typeString(a)})`;
    }
    return args[0]!;
  };
}

const S: Kind = 'string';
const NUMBERS: Kind[] = ['int', 'float'];

const BUILTIN_CHECKS = new Map<string, BuiltinCheck>([
  [
    'len',
    oneOf(
      'len',
      'invalid argument for len (type',
      ['array', 'map', 'anymap', 'string', 'bytes'],
      () => INT,
    ),
  ],
  ['type', signatures('type', [{ params: ['unknown'], out: STRING }])],
  ['abs', oneOf('abs', 'invalid argument for abs (type', NUMBERS, (a) => a)],
  ['ceil', oneOf('ceil', 'invalid argument for ceil (type', NUMBERS, () => FLOAT)],
  ['floor', oneOf('floor', 'invalid argument for floor (type', NUMBERS, () => FLOAT)],
  ['round', oneOf('round', 'invalid argument for round (type', NUMBERS, () => FLOAT)],
  ['int', oneOf('int', 'invalid argument for int (type', [...NUMBERS, 'string'], () => INT)],
  [
    'float',
    oneOf('float', 'invalid argument for float (type', [...NUMBERS, 'string'], () => FLOAT),
  ],
  ['string', signatures('string', [{ params: ['unknown'], out: STRING }])],
  [
    'trim',
    signatures('trim', [
      { params: [S], out: STRING },
      { params: [S, S], out: STRING },
    ]),
  ],
  [
    'trimPrefix',
    signatures('trimPrefix', [
      { params: [S, S], out: STRING },
      { params: [S], out: STRING },
    ]),
  ],
  [
    'trimSuffix',
    signatures('trimSuffix', [
      { params: [S, S], out: STRING },
      { params: [S], out: STRING },
    ]),
  ],
  ['upper', signatures('upper', [{ params: [S], out: STRING }])],
  ['lower', signatures('lower', [{ params: [S], out: STRING }])],
  [
    'split',
    signatures('split', [
      { params: [S, S], out: arrayOf(STRING) },
      { params: [S, S, 'int'], out: arrayOf(STRING) },
    ]),
  ],
  [
    'splitAfter',
    signatures('splitAfter', [
      { params: [S, S], out: arrayOf(STRING) },
      { params: [S, S, 'int'], out: arrayOf(STRING) },
    ]),
  ],
  [
    'replace',
    signatures('replace', [
      { params: [S, S, S, 'int'], out: STRING },
      { params: [S, S, S], out: STRING },
    ]),
  ],
  ['repeat', signatures('repeat', [{ params: [S, 'int'], out: STRING }])],
  [
    'join',
    signatures('join', [
      { params: ['array', S], out: STRING },
      { params: ['array'], out: STRING },
    ]),
  ],
  ['indexOf', signatures('indexOf', [{ params: [S, S], out: INT }])],
  ['lastIndexOf', signatures('lastIndexOf', [{ params: [S, S], out: INT }])],
  ['hasPrefix', signatures('hasPrefix', [{ params: [S, S], out: BOOL }])],
  ['hasSuffix', signatures('hasSuffix', [{ params: [S, S], out: BOOL }])],
  ['max', aggregate('max')],
  ['min', aggregate('min')],
  ['mean', aggregate('mean')],
  ['median', aggregate('median')],
  ['toJSON', signatures('toJSON', [{ params: ['unknown'], out: STRING }])],
  ['fromJSON', signatures('fromJSON', [{ params: [S], out: UNKNOWN }])],
  ['toBase64', signatures('toBase64', [{ params: [S], out: STRING }])],
  ['fromBase64', signatures('fromBase64', [{ params: [S], out: STRING }])],
  [
    'now',
    (args) =>
      args.length === 0 || (args.length === 1 && args[0]!.kind === 'location')
        ? TIME
        : `invalid number of arguments (expected 0, got ${args.length})`,
  ],
  ['duration', signatures('duration', [{ params: [S], out: DURATION }])],
  [
    'date',
    (args) => {
      if (args.length < 1) return 'invalid number of arguments (expected at least 1, got 0)';
      const rest = args[0]!.kind === 'location' ? args.slice(1) : args;
      if (rest.length > 3)
        return `invalid number of arguments (expected at most 3, got ${rest.length})`;
      return TIME;
    },
  ],
  ['timezone', signatures('timezone', [{ params: [S], out: { kind: 'location' } }])],
  ['first', oneOf('first', 'cannot get first element from', ['array'], (a) => elemOf(a))],
  ['last', oneOf('last', 'cannot get last element from', ['array'], (a) => elemOf(a))],
  [
    'get',
    (args) =>
      args.length !== 2
        ? `invalid number of arguments (expected 2, got ${args.length})`
        : getNature(args[0]!, args[1]!),
  ],
  [
    'take',
    (args) => {
      if (args.length !== 2) return `invalid number of arguments (expected 2, got ${args.length})`;
      const [a, n] = args as [Nature, Nature];
      if (!isUnknown(a) && a.kind !== 'array') return `cannot take from ${typeString(a)}`;
      if (!isUnknown(n) && n.kind !== 'int') return `cannot take ${typeString(n)} elements`;
      return a;
    },
  ],
  ['keys', oneOf('keys', 'cannot get keys from', ['map', 'anymap'], () => ANY_ARRAY)],
  ['values', oneOf('values', 'cannot get values from', ['map', 'anymap'], () => ANY_ARRAY)],
  ['toPairs', oneOf('toPairs', 'cannot transform', ['map', 'anymap'], () => ANY_ARRAY)],
  ['fromPairs', oneOf('fromPairs', 'cannot transform', ['array'], () => MAP)],
  ['reverse', oneOf('reverse', 'cannot reverse', ['array'], (a) => a)],
  ['uniq', oneOf('uniq', 'cannot uniq', ['array'], (a) => a)],
  [
    'concat',
    (args) => {
      if (args.length === 0) return 'invalid number of arguments (expected at least 1, got 0)';
      for (const a of args)
        if (!isUnknown(a) && a.kind !== 'array') return `cannot concat ${typeString(a)}`;
      return ANY_ARRAY;
    },
  ],
  ['flatten', oneOf('flatten', 'cannot flatten', ['array'], () => ANY_ARRAY)],
  [
    'sort',
    signatures('sort', [
      { params: ['array', S], out: ANY_ARRAY },
      { params: ['array'], out: ANY_ARRAY },
    ]),
  ],
  ...['bitand', 'bitor', 'bitxor', 'bitnand', 'bitshl', 'bitshr', 'bitushr'].map(
    (name) =>
      [name, signatures(name, [{ params: ['int', 'int'], out: INT }])] as [string, BuiltinCheck],
  ),
  ['bitnot', signatures('bitnot', [{ params: ['int'], out: INT }])],
]);

function getNature(base: Nature, prop: Nature): Nature | string {
  if (isUnknown(base)) return UNKNOWN;
  if (base.kind === 'array') {
    if (!isInteger(prop) && !isUnknown(prop)) return `non-integer slice index ${typeString(prop)}`;
    return elemOf(base);
  }
  if (base.kind === 'map') {
    if (!assignable(prop, STRING) && !isUnknown(prop))
      return `cannot use ${typeString(prop)} to get an element from map[string]interface {}`;
    return UNKNOWN;
  }
  return `type ${typeString(base)} does not support indexing`;
}

/** Go's check of a call of a declared function against its signatures (`expr.Function` types). */
function checkSignature(
  name: string,
  overloads: readonly Signature[],
  args: Nature[],
): Nature | string {
  let lastError = '';
  for (const overload of overloads) {
    const { params } = overload;
    if (args.length > params.length) {
      lastError = `too many arguments to call ${name}`;
      continue;
    }
    if (args.length < params.length) {
      lastError = `not enough arguments to call ${name}`;
      continue;
    }
    const bad = args.findIndex((a, i) => !accepts(params[i]!, a));
    if (bad < 0) return natureOf(overload.out);
    const want = params[bad]!;
    lastError =
      args[bad]!.kind === 'nil'
        ? `cannot use nil as argument (type ${paramTypeString(want)}) to call ${name}`
        : `cannot use ${typeString(args[bad]!)} as argument (type ${paramTypeString(want)}) to call ${name} `;
  }
  return lastError || `no matching overload for ${name}`;
}

function accepts(param: Signature['params'][number], arg: Nature): boolean {
  if (isUnknown(arg) || param === 'any') return true;
  if (param === 'string') return arg.kind === 'string';
  // A struct parameter (a FreightOrigin) takes that struct only.
  return arg.kind === 'struct' && arg.struct?.type === param.struct;
}

function paramTypeString(param: Signature['params'][number]): string {
  return typeof param === 'string' ? (param === 'any' ? 'interface {}' : param) : param.struct;
}

function natureOf(out: Signature['out']): Nature {
  switch (out.kind) {
    case 'string':
      return STRING;
    case 'bool':
      return BOOL;
    case 'map':
      return MAP;
    case 'unknown':
      return UNKNOWN;
    case 'struct':
      return {
        kind: 'struct',
        struct: {
          type: out.type,
          fields: Object.fromEntries(out.fields.map((f) => [f, UNKNOWN] as const)),
        },
      };
  }
}
