import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isGantryError, type ErrorCode } from '../errors.js';
import { errorResponse } from '../server/http-errors.js';
import { kubeForbiddenMessage } from './kube-forbidden.js';

/**
 * Errors on the Kubernetes API as kube-apiserver writes them: a meta/v1 `Status` whose
 * `reason` and `code` kubectl turns into its usual messages (`Error from server (NotFound):
 * stages.kargo.akuity.io "qa" not found`).
 */
const REASON: Record<ErrorCode, string> = {
  Invalid: 'BadRequest',
  Unauthenticated: 'Unauthorized',
  NotAllowed: 'Forbidden',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  LeaseLost: 'Conflict',
  Expired: 'Expired',
  TooLarge: 'RequestEntityTooLarge',
  Internal: 'InternalError',
  Unavailable: 'ServiceUnavailable',
};

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

/** The paths of the Kubernetes API: their errors are answered as `Status`. */
export function isKubePath(path: string): boolean {
  return (
    path === '/api' ||
    path === '/apis' ||
    path === '/version' ||
    path.startsWith('/api/') ||
    path.startsWith('/apis/') ||
    path.startsWith('/openapi/')
  );
}

/** A `Status` for anything thrown while serving a Kubernetes API request. */
export function kubeStatus(
  err: unknown,
  details?: StatusDetails,
  /** Who asked (the principal's actor) and where: refusals worded as kube-apiserver does. */
  request?: { user: string; path: string },
): { status: ContentfulStatusCode; body: Record<string, unknown> } {
  const { status, body } = errorResponse(err);
  const forbidden =
    request !== undefined && isGantryError(err, 'NotAllowed')
      ? kubeForbiddenMessage(err.cause, request)
      : undefined;
  if (forbidden) body.error.message = forbidden;
  const issues = body.error.issues;
  return {
    status,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: body.error.message,
      reason: REASON[body.error.code],
      ...(details || issues
        ? {
            details: {
              ...details,
              ...(issues
                ? {
                    // An apply's conflicts are FieldManagerConflict causes (server-side-apply.ts).
                    causes: issues.map((issue) => ({
                      reason:
                        body.error.code === 'Conflict'
                          ? 'FieldManagerConflict'
                          : 'FieldValueInvalid',
                      message: issue.message,
                      field: issue.path,
                    })),
                  }
                : {}),
            },
          }
        : {}),
      code: status,
    },
  };
}
