import type { Node } from './ast.js';

/**
 * The rewrites of expr-lang's optimizer that change what an expression gives, applied after the
 * check as expr-lang's compiler applies them:
 *
 * - `and`/`or` with a literal bool on a side fold (`x and true` is `x`, whatever `x` is;
 *   `x and false` is false without evaluating `x`; `x or true` is true);
 * - `x in ["a", "b"]` with only string literals becomes a lookup in a set of strings, so `x` must
 *   be a string (or nil, which looks up "").
 *
 * Other rewrites (constant folding, `filter` chains, `sum(map(…))`) give the same results.
 */
export function optimize(node: Node): Node {
  return visit(node);
}

function visit(node: Node): Node {
  switch (node.type) {
    case 'binary': {
      node.left = visit(node.left);
      node.right = visit(node.right);
      return foldLogic(node) ?? markStringSet(node);
    }
    case 'unary':
      node.operand = visit(node.operand);
      return node;
    case 'chain':
      node.node = visit(node.node);
      return node;
    case 'member':
      node.object = visit(node.object);
      node.property = visit(node.property);
      return node;
    case 'slice':
      node.object = visit(node.object);
      if (node.from) node.from = visit(node.from);
      if (node.to) node.to = visit(node.to);
      return node;
    case 'call':
      node.callee = visit(node.callee);
      node.args = node.args.map(visit);
      return node;
    case 'builtin':
      node.args = node.args.map(visit);
      return node;
    case 'predicate':
      node.body = visit(node.body);
      return node;
    case 'let':
      node.value = visit(node.value);
      node.body = visit(node.body);
      return node;
    case 'sequence':
      node.nodes = node.nodes.map(visit);
      return node;
    case 'conditional': {
      const elvis = node.consequent === node.test;
      node.test = visit(node.test);
      node.consequent = elvis ? node.test : visit(node.consequent);
      node.alternate = visit(node.alternate);
      return node;
    }
    case 'array':
      node.elements = node.elements.map(visit);
      return node;
    case 'map':
      for (const entry of node.entries) {
        entry.key = visit(entry.key);
        entry.value = visit(entry.value);
      }
      return node;
    default:
      return node;
  }
}

function foldLogic(node: Extract<Node, { type: 'binary' }>): Node | undefined {
  const a = node.left.type === 'bool' ? node.left.value : undefined;
  const b = node.right.type === 'bool' ? node.right.value : undefined;
  const literal = (value: boolean): Node => ({ type: 'bool', value, column: node.column });
  switch (node.operator) {
    case 'and':
    case '&&':
      if (a === true) return node.right;
      if (b === true) return node.left;
      if (a === false || b === false) return literal(false);
      return undefined;
    case 'or':
    case '||':
      if (a === false) return node.right;
      if (b === false) return node.left;
      if (a === true || b === true) return literal(true);
      return undefined;
  }
  return undefined;
}

/** Arrays of string literals on the right of `in`, looked up as a set of strings. */
export const STRING_SETS = new WeakSet<Node>();

function markStringSet(node: Extract<Node, { type: 'binary' }>): Node {
  if (
    node.operator === 'in' &&
    node.right.type === 'array' &&
    node.right.elements.length > 0 &&
    node.left.type !== 'int' &&
    node.right.elements.every((e) => e.type === 'string')
  )
    STRING_SETS.add(node);
  return node;
}
