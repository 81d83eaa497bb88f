/**
 * The syntax tree of an expression, the node kinds of expr-lang's own tree. Every node carries
 * its 1-based source column.
 */
export type Node =
  | { type: 'nil'; column: number }
  | { type: 'bool'; value: boolean; column: number }
  | { type: 'int'; value: number; column: number }
  | { type: 'float'; value: number; column: number }
  | { type: 'string'; value: string; column: number }
  | { type: 'bytes'; value: Uint8Array; column: number }
  | { type: 'identifier'; name: string; column: number }
  /** `#` (the current element in a predicate), `#index`, `#acc`; `.x` is `#.x`. */
  | { type: 'pointer'; name: string; column: number }
  | { type: 'unary'; operator: string; operand: Node; column: number }
  | { type: 'binary'; operator: string; left: Node; right: Node; column: number }
  /** The end of an optional chain (`a?.b.c`): a nil met on the way makes the chain nil. */
  | { type: 'chain'; node: Node; column: number }
  /** `a.b`, `a?.b`, `a[b]`; `method` when it is called (`a.b()`). */
  | {
      type: 'member';
      object: Node;
      property: Node;
      optional: boolean;
      method: boolean;
      column: number;
    }
  | { type: 'slice'; object: Node; from?: Node | undefined; to?: Node | undefined; column: number }
  /** A call of something that is not a builtin: a function of the environment or a method. */
  | { type: 'call'; callee: Node; args: Node[]; column: number }
  /** A call of one of expr-lang's builtins (`len(x)`, `filter(xs, # > 1)`, `::len(x)`). */
  | { type: 'builtin'; name: string; args: Node[]; column: number }
  /** A predicate argument (`# > 1`, `{ # > 1 }`). */
  | { type: 'predicate'; body: Node; column: number }
  | { type: 'let'; name: string; value: Node; body: Node; column: number }
  | { type: 'sequence'; nodes: Node[]; column: number }
  | {
      type: 'conditional';
      test: Node;
      consequent: Node;
      alternate: Node;
      /** `a ? b : c` (and `a ?: c`), not `if a { b } else { c }`. */
      ternary: boolean;
      column: number;
    }
  | { type: 'array'; elements: Node[]; column: number }
  | { type: 'map'; entries: Array<{ key: Node; value: Node }>; column: number };
