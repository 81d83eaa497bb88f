import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { redactUrl } from '../api/redact-url.js';
import { GantryError, isGantryError, type ErrorCode, type FieldIssue } from '../errors.js';

/**
 * The only place errors become HTTP. Every error response has one shape:
 * `{"error": {"code": "Invalid", "message": "…", "issues": [{"document": 0, "path": "…", "message": "…"}]}}`
 * (`issues` only when there are field-level details).
 */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: FieldIssue[] };
}

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  Invalid: 400,
  Unauthenticated: 401,
  NotAllowed: 403,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  LeaseLost: 409,
  Expired: 410,
  TooLarge: 413,
  Internal: 500,
  Unavailable: 503,
};

export function httpStatusFor(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

/** Status and body for anything thrown while serving a request. */
export function errorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const error = isGantryError(err) ? err : unexpected(err);
  // No URL in an answer keeps its credentials, whatever layer wrote the message.
  const body: ErrorBody = { error: { code: error.code, message: redactUrl(error.message) } };
  if (error.issues.length > 0)
    body.error.issues = error.issues.map((issue) => ({
      ...issue,
      message: redactUrl(issue.message),
    }));
  return { status: STATUS[error.code], body };
}

/**
 * Something no layer turned into a GantryError. A URIError comes from decoding percent-encoding
 * the client sent (a URL, a query parameter), which is the client's mistake; anything else is
 * a bug, answered in one line while the server logs the details.
 */
function unexpected(err: unknown): GantryError {
  if (err instanceof URIError)
    return new GantryError('Invalid', `the URL is not valid percent-encoded UTF-8: ${err.message}`);
  return new GantryError('Internal', 'internal error: the server logged the details', {
    cause: err,
  });
}

/** Rebuilds the GantryError a response carried (the client side of errorResponse). */
export function errorFromBody(status: number, body: unknown): GantryError {
  const parsed = body as Partial<ErrorBody> | undefined;
  const error = parsed?.error;
  if (
    error &&
    typeof error.code === 'string' &&
    typeof error.message === 'string' &&
    error.code in STATUS
  ) {
    return new GantryError(error.code, error.message, { issues: error.issues ?? [] });
  }
  return new GantryError(status >= 500 ? 'Unavailable' : 'Invalid', `server answered ${status}`);
}
