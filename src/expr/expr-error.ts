import { GantryError } from '../errors.js';

/**
 * A compile or evaluation error of an expression, pointing at the column (1-based) where it
 * was found, so messages can say `column 12: unknown name "vars"`.
 */
export class ExprError extends Error {
  override readonly name = 'ExprError';
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(`column ${column}: ${message}`);
  }
}

export function isExprError(err: unknown): err is ExprError {
  return (
    typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ExprError'
  );
}

/** An expression error as the transport-neutral input error, naming the expression. */
export function exprInputError(source: string, err: ExprError): GantryError {
  return new GantryError('Invalid', `expression ${JSON.stringify(source)}: ${err.message}`, {
    cause: err,
  });
}
