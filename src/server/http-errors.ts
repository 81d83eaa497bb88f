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
  Expired: 410,
  Internal: 500,
  Unavailable: 503,
};

export function httpStatusFor(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

/** Status and body for anything thrown while serving a request. */
export function errorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const error = isGantryError(err)
    ? err
    : new GantryError('Internal', 'internal error', { cause: err });
  // No URL in an answer keeps its credentials, whatever layer wrote the message.
  const body: ErrorBody = { error: { code: error.code, message: redactUrl(error.message) } };
  if (error.issues.length > 0)
    body.error.issues = error.issues.map((issue) => ({
      ...issue,
      message: redactUrl(issue.message),
    }));
  return { status: STATUS[error.code], body };
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
