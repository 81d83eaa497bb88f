import type { ExprFunction } from '../evaluator.js';
import { goJsonMarshal } from '../go-json.js';
import { goQuote } from '../go-strconv.js';
import { arity } from './arguments.js';

/**
 * Kargo's `quote(v)`: keeps a template's result a string. A string becomes Go's `%q` of it
 * (`"a\"b"`, with Go's escapes); anything else is unsafeQuote's. A template whose whole text
 * is enclosed in double quotes loses them and stays a string, so `${{ quote(42) }}` is "42";
 * the escapes stay (`${{ quote('a"b') }}` is `a\"b`), as in Kargo.
 */
export const quote: ExprFunction = (args) => {
  arity(args, 1);
  const [value] = args;
  return typeof value === 'string' ? goQuote(value) : unsafeQuoteOf(value);
};

/**
 * Kargo's `unsafeQuote(v)`: Go's json.Marshal of the value between double quotes, so a string
 * keeps its JSON quotes once the template strips the outer ones (`${{ unsafeQuote('foo') }}` is
 * `"foo"`).
 */
export const unsafeQuote: ExprFunction = (args) => {
  arity(args, 1);
  return unsafeQuoteOf(args[0]);
};

/** Kargo says quote() in this message for unsafeQuote too. */
function unsafeQuoteOf(value: unknown): string {
  try {
    return `"${goJsonMarshal(value)}"`;
  } catch (err) {
    throw new Error(`error applying quote() function: ${(err as Error).message}`);
  }
}
