import { RE2JS, RE2JSException } from 're2js';
import { ExprError } from './expr-error.js';

/**
 * The patterns of `matches`, compiled with RE2 as expr-lang compiles them with Go's `regexp`:
 * Kargo's syntax (`(?i)`, `\pL`; no backreferences or lookaround), and matching in time
 * linear in the text, so `"aaaa…b" matches "^(a+)+$"` cannot stall the event loop. The same
 * rules as `api/user-regex.ts`, which this pure module may not import.
 */
export interface ExprRegex {
  /** Whether the pattern matches anywhere in `text` (unanchored, as Go's `MatchString`). */
  test(text: string): boolean;
}

/** Compiles `pattern`; throws an ExprError at `column` quoting the pattern and RE2's complaint. */
export function compileExprRegex(pattern: string, column: number): ExprRegex {
  try {
    const compiled = RE2JS.compile(pattern);
    return { test: (text) => compiled.test(text) };
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    throw new ExprError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${explain(pattern, err.message)}`,
      column,
    );
  }
}

const RE2_REQUIRED = 'RE2 syntax is required, as in Kargo (Go regexp)';

function explain(pattern: string, message: string): string {
  // RE2 quotes the pattern as is: control characters are escaped to keep one line.
  const problem = message
    .replace(/^error parsing regexp: /, '')
    // eslint-disable-next-line no-control-regex -- escaping exactly these characters
    .replace(/[\u0000-\u001f\u007f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
  if (!acceptedByJavaScript(pattern)) return problem;
  if (/\(\?<?[=!]/.test(pattern)) return `${problem} (${RE2_REQUIRED}: no lookahead or lookbehind)`;
  if (/\\[1-9]/.test(pattern)) return `${problem} (${RE2_REQUIRED}: no backreferences such as \\1)`;
  return `${problem} (${RE2_REQUIRED})`;
}

/** Only compiles (never runs) the pattern, which takes time linear in its length. */
function acceptedByJavaScript(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
