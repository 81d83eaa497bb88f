import type { Availability, List, LogEntry, PromotionPlan, Resource } from './types.js';

/** An API call that did not succeed: the server's one-line message, and its status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
    const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw new ApiError(
      typeof message === 'string' ? message : `${method} ${path}: HTTP ${response.status}`,
      response.status,
    );
  }
  return json as T;
}

const project = (p: string) => `/v1/projects/${encodeURIComponent(p)}`;
const item = (p: string, plural: string, name: string) =>
  `${project(p)}/${plural}/${encodeURIComponent(name)}`;

/** The REST API, one function per call the UI makes. */
export const api = {
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
  refresh: (projectName: string, warehouse: string) =>
    call<Resource>('POST', `${item(projectName, 'warehouses', warehouse)}/refresh`),
  freeze: (projectName: string, reason: string) =>
    call<Resource>('POST', `${project(projectName)}/freeze`, { reason }),
  unfreeze: (projectName: string) => call<Resource>('POST', `${project(projectName)}/unfreeze`),
  logs: (projectName: string, promotion: string) =>
    call<{ entries: LogEntry[] }>('GET', `${item(projectName, 'promotions', promotion)}/logs`),
};
