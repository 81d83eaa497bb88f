import type {
  AuditEvent,
  AuthConfig,
  Availability,
  Identity,
  List,
  LogEntry,
  Permissions,
  PromotionPlan,
  Resource,
} from './types.js';

/** An API call that did not succeed: the server's one-line message, its status and code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    /** The API's error code (`NotAllowed`, `Conflict`, …); empty when the answer had none. */
    readonly code = '',
  ) {
    super(message);
  }
}

const signedOutListeners = new Set<(message: string) => void>();

/**
 * Tells `listener` whenever a call answers 401 (no session, or it ended: expired, signed out
 * elsewhere, its token revoked), with the server's message. The page's shell listens, and
 * shows the sign-in page in place of the page, keeping the URL.
 */
export function onSignedOut(listener: (message: string) => void): () => void {
  signedOutListeners.add(listener);
  return () => {
    signedOutListeners.delete(listener);
  };
}

/** Reports a 401 seen outside `call` (a watch stream that was refused). */
export function reportSignedOut(message: string): void {
  for (const listener of signedOutListeners) listener(message);
}

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { report401?: boolean } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      // The server refuses a state-changing request from a browser without a JSON content type
      // (its CSRF defence), body or not.
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('the Gantry server cannot be reached', 0);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    // The API's error body: {"error": {"code", "message", "issues"?}}.
    const error = (json as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
    const err = new ApiError(
      typeof error?.message === 'string'
        ? error.message
        : `${method} ${path}: HTTP ${response.status}`,
      response.status,
      typeof error?.code === 'string' ? error.code : '',
    );
    if (response.status === 401 && options.report401 !== false) reportSignedOut(err.message);
    throw err;
  }
  return json as T;
}

const project = (p: string) => `/v1/projects/${encodeURIComponent(p)}`;
const item = (p: string, plural: string, name: string) =>
  `${project(p)}/${plural}/${encodeURIComponent(name)}`;

/** The REST API, one function per call the UI makes. */
export const api = {
  authConfig: () => call<AuthConfig>('GET', '/v1/auth/config'),
  /** Starts a session (the server sets an HttpOnly cookie); a wrong token is an error here. */
  login: (token: string) =>
    call<Identity>('POST', '/v1/auth/login', { token }, { report401: false }),
  logout: () => call<unknown>('POST', '/v1/auth/logout', undefined, { report401: false }),
  whoami: () => call<Identity>('GET', '/v1/auth/whoami'),
  permissions: (projectName: string) =>
    call<Permissions>('GET', `${project(projectName)}/permissions`),
  /** The newest events; `filter` narrows to one object's (`{kind: 'Freight', name}`). */
  events: (projectName: string, limit: number, filter: { kind?: string; name?: string } = {}) =>
    call<{ items: AuditEvent[] }>(
      'GET',
      `${project(projectName)}/events?${new URLSearchParams({ limit: String(limit), ...filter }).toString()}`,
    ),
  list: <T extends Resource>(plural: string, projectName?: string) =>
    call<List<T>>('GET', projectName ? `${project(projectName)}/${plural}` : `/v1/${plural}`),
  get: <T extends Resource>(projectName: string, plural: string, name: string) =>
    call<T>('GET', item(projectName, plural, name)),
  getProject: (name: string) => call<Resource>('GET', `/v1/projects/${encodeURIComponent(name)}`),
  availability: (projectName: string, stage: string) =>
    call<{ items: Availability[] }>('GET', `${item(projectName, 'stages', stage)}/freight`),
  plan: (projectName: string, stage: string, freight: string) =>
    call<PromotionPlan>('POST', `${item(projectName, 'stages', stage)}/plan`, { freight }),
  promote: (projectName: string, stage: string, freight: string) =>
    call<Resource>('POST', `${project(projectName)}/promotions`, {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Promotion',
      metadata: { namespace: projectName },
      spec: { stage, freight },
    }),
  abort: (projectName: string, promotion: string) =>
    call<Resource>('POST', `${item(projectName, 'promotions', promotion)}/abort`),
  approve: (projectName: string, freight: string, stage: string) =>
    call<Resource>('POST', `${item(projectName, 'freight', freight)}/approve`, { stage }),
  verify: (projectName: string, stage: string) =>
    call<Resource>('POST', `${item(projectName, 'stages', stage)}/verification`),
  rollback: (projectName: string, stage: string) =>
    call<{ promotion: Resource; to: Resource }>(
      'POST',
      `${item(projectName, 'stages', stage)}/rollback`,
      {},
    ),
  resume: (projectName: string, stage: string) =>
    call<Resource>('POST', `${item(projectName, 'stages', stage)}/resume`, {}),
  /** Answers the token the Warehouse echoes in `status.lastHandledRefresh` once it looked. */
  refresh: (projectName: string, warehouse: string) =>
    call<{ token: string; warehouse: Resource }>(
      'POST',
      `${item(projectName, 'warehouses', warehouse)}/refresh`,
    ),
  freeze: (projectName: string, reason: string) =>
    call<Resource>('POST', `${project(projectName)}/freeze`, { reason }),
  unfreeze: (projectName: string) => call<Resource>('POST', `${project(projectName)}/unfreeze`),
  logs: (projectName: string, promotion: string) =>
    call<{ entries: LogEntry[] }>('GET', `${item(projectName, 'promotions', promotion)}/logs`),
};
