/**
 * Transport-neutral errors. Every layer throws these; only `server/http-errors.ts` maps them
 * to HTTP statuses and only the CLI maps them to exit codes. They are recognised by `name`
 * (see `isGantryError`), never by `instanceof`, so they survive crossing module copies and
 * the wire (the API returns `code`, the client rebuilds the same error).
 */

/** One problem with one field of one input document. */
export interface FieldIssue {
  /** Dotted path with indexes, e.g. `spec.subscriptions[0].image.repoURL`; empty for the whole document. */
  path: string;
  message: string;
  /** Zero-based index of the document in a multi-document request, when there is one. */
  document?: number;
}

export type ErrorCode =
  | 'Invalid'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'NotAllowed'
  | 'Unauthenticated'
  | 'Expired'
  | 'TooLarge'
  | 'Unavailable'
  | 'LeaseLost'
  | 'Internal';

const ERROR_NAME = 'GantryError';

export class GantryError extends Error {
  override readonly name = ERROR_NAME;
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: FieldIssue[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options?.issues ?? [];
  }
}

export function isGantryError(err: unknown, code?: ErrorCode): err is GantryError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === ERROR_NAME &&
    (code === undefined || (err as GantryError).code === code)
  );
}

/** Bad input: a manifest, an API body, a flag. Carries one issue per problem found. */
export function inputError(message: string, issues: FieldIssue[] = []): GantryError {
  return new GantryError('Invalid', message, { issues });
}

export function notFoundError(message: string): GantryError {
  return new GantryError('NotFound', message);
}

export function alreadyExistsError(message: string): GantryError {
  return new GantryError('AlreadyExists', message);
}

/** A write lost a race (stale resourceVersion) or would break an invariant held by another object. */
export function conflictError(message: string): GantryError {
  return new GantryError('Conflict', message);
}

/** No valid credentials: the caller must sign in or send a valid token (401). */
export function unauthenticatedError(message: string): GantryError {
  return new GantryError('Unauthenticated', message);
}

/** Refused. `cause`: what was refused (the Authorizer passes the AccessRequest). */
export function notAllowedError(message: string, cause?: unknown): GantryError {
  return new GantryError('NotAllowed', message, { cause });
}

/** A watch asked for history the store no longer keeps: the client must list again. */
export function expiredError(message: string): GantryError {
  return new GantryError('Expired', message);
}

/** The input is bigger than a limit allows (a request body, a stored object); says which and how to fix. */
export function tooLargeError(message: string): GantryError {
  return new GantryError('TooLarge', message);
}

/**
 * A write fenced by a lease (WriteOptions.fence) found the lease taken by another holder since:
 * the writer must stop the work it did under that lease.
 */
export function leaseLostError(message: string): GantryError {
  return new GantryError('LeaseLost', message);
}

export function unavailableError(message: string, cause?: unknown): GantryError {
  return new GantryError('Unavailable', message, { cause });
}

/** A readable message for anything thrown, for logs and last-resort reporting. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
