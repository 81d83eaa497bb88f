/**
 * One case of an upstream test table, translated to data. Inputs and expected results are
 * facts about the upstream project's behaviour; the tables and the harness are ours.
 */
export interface ExprCase {
  /** Upstream file and test, e.g. `expr_test.go TestExpr` (plus the case's name if it has one). */
  upstream: string;
  /** The expression, as written upstream. */
  expr: string;
  /** The environment (`expr.Run`'s env), as data; Go floats written `float(n)` (go-values.ts). */
  env?: Record<string, unknown>;
  /** The expected result (go-values.ts markers for floats, times, durations, bytes). */
  want?: unknown;
  /** The case expects an error; upstream's message (or the part of it the test asserts). */
  error?: string;
  /** Why the case is not run: it needs a Go-only environment (structs, methods, Go types). */
  skip?: string;
}

/** A Kargo template case: a template string evaluated as Kargo's EvaluateTemplate does. */
export interface TemplateCase {
  upstream: string;
  template: string;
  env?: Record<string, unknown>;
  want?: unknown;
  error?: string;
  skip?: string;
}
