/** The syntax tree of an expression. Every node carries its 1-based source column. */
export type Node =
  | { type: 'literal'; value: unknown; column: number }
  | { type: 'identifier'; name: string; column: number }
  /** `#` (the current element in a predicate), `#index`, `#acc`. */
  | { type: 'pointer'; name: string; column: number }
  | { type: 'member'; object: Node; property: Node; optional: boolean; column: number }
  | { type: 'slice'; object: Node; from?: Node | undefined; to?: Node | undefined; column: number }
  | { type: 'call'; callee: string; args: Node[]; column: number }
  | { type: 'method'; object: Node; name: string; args: Node[]; optional: boolean; column: number }
  | { type: 'unary'; operator: string; operand: Node; column: number }
  | { type: 'binary'; operator: string; left: Node; right: Node; column: number }
  | { type: 'conditional'; test: Node; consequent: Node; alternate: Node; column: number }
  | { type: 'array'; elements: Node[]; column: number }
  | { type: 'map'; entries: Array<{ key: Node; value: Node }>; column: number }
  | { type: 'closure'; body: Node; column: number }
  | { type: 'let'; name: string; value: Node; body: Node; column: number };
