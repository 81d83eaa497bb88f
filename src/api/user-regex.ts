import { RE2JS, RE2JSException } from 're2js';
import { inputError } from '../errors.js';

/**
 * Regular expressions that users write (tag filters, `regex:` path and Stage selectors,
 * credentials' `repoURLIsRegex`, and the globs translated from theirs) run under RE2, never
 * JavaScript's backtracking RegExp:
 *
 * - matching takes time linear in the input, so no pattern can stall the server's single
 *   event loop (`^(a+)+$` against a long tag took JavaScript seconds, doubling per character);
 * - the syntax and meaning are Kargo's, whose Go `regexp` package is RE2: `(?i)`, `\pL`, `\z`
 *   work; backreferences and lookaround do not, and `\w`, `\d`, `\b` are ASCII-only.
 *
 * The expression language (`src/expr`, which may not import this module) has its own copy of
 * the same rules in `expr/expr-regex.ts`.
 */
export interface UserRegex {
  /** The pattern as the user wrote it. */
  readonly pattern: string;
  /** Whether the pattern matches anywhere in `text` (unanchored, like Go's `MatchString`). */
  test(text: string): boolean;
}

/** A compiled pattern, or RE2's complaint about it (results as data, for admission). */
export type RegexCompilation =
  { regex: UserRegex; problem?: undefined } | { regex?: undefined; problem: string };

/**
 * Compiles `pattern` with RE2. `problem` is RE2's complaint without Go's "error parsing
 * regexp: " prefix, plus a hint when JavaScript would have accepted the pattern (a
 * backreference, a lookaround) since that is the mistake a user most likely made.
 */
export function tryCompileUserRegex(pattern: string): RegexCompilation {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    return { problem: explain(pattern, err.message) };
  }
  return { regex: { pattern, test: (text) => compiled.test(text) } };
}

/**
 * Why `pattern` is not a valid RE2 expression (`invalid regular expression "(a)\1": …`), or
 * undefined when it is. For zod refinements, which name the field.
 */
export function userRegexProblem(pattern: string): string | undefined {
  const { problem } = tryCompileUserRegex(pattern);
  return problem === undefined
    ? undefined
    : `invalid regular expression ${quotePattern(pattern)}: ${problem}`;
}

/**
 * Compiles `pattern`; throws an input error naming the field when given
 * (`allowTagsRegexes[0]: invalid regular expression "(a)\1": …`), the pattern and RE2's
 * complaint.
 */
export function compileUserRegex(pattern: string, field?: string): UserRegex {
  const { regex, problem } = tryCompileUserRegex(pattern);
  if (regex) return regex;
  const message = `invalid regular expression ${quotePattern(pattern)}: ${problem}`;
  throw inputError(field === undefined ? message : `${field}: ${message}`);
}

/**
 * The expression in a Kargo name or path pattern written `regex:<expression>` or
 * `regexp:<expression>` (`pkg/pattern`), or undefined for any other pattern.
 */
export function prefixedRegex(entry: string): string | undefined {
  for (const prefix of ['regex:', 'regexp:'])
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return undefined;
}

/** `pattern` in double quotes for a one-line message: control characters escaped, long ones cut. */
export function quotePattern(pattern: string): string {
  return `"${oneLine(pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern)}"`;
}

/** Errors are one line: control characters (RE2 quotes the pattern as is) escaped as in JSON. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- escaping exactly these characters
  return text.replace(/[\u0000-\u001f\u007f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
}

const RE2_REQUIRED = 'RE2 syntax is required, as in Kargo (Go regexp)';

function explain(pattern: string, message: string): string {
  const problem = oneLine(message.replace(/^error parsing regexp: /, ''));
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
