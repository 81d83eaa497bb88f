import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  mergePatch,
  requestedRevisions,
  sourcesOf,
  type FakeApplication,
  type FakeArgoCdControlPlane,
} from './fake-argocd-control-plane.js';

/**
 * The fake Argo CD's API server front door: the `/api/v1/applications` REST routes over the
 * shared control plane (test/fake-argocd.ts documents the model). Errors are Argo CD's gRPC
 * gateway JSON, `{"error", "code", "message"}`.
 */

const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 429: 8, 500: 13 };

export async function handleArgoCdRestRequest(
  plane: FakeArgoCdControlPlane,
  token: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const raw = await readBody(req);
  let body: any;
  if (raw !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      plane.requests.push({ method: req.method ?? '', path: url.pathname + url.search });
      fail(res, 400, 'request body is not JSON');
      return;
    }
  }
  plane.requests.push({
    method: req.method ?? '',
    path: url.pathname + url.search,
    ...(body === undefined ? {} : { body }),
  });

  const auth = req.headers.authorization;
  if (auth === undefined) {
    fail(res, 401, 'no session information');
    return;
  }
  if (auth !== `Bearer ${token}`) {
    fail(res, 401, 'invalid session: token signature is invalid');
    return;
  }
  const fault = plane.takeFault();
  if (fault !== undefined) {
    fail(res, fault.status, fault.message);
    return;
  }

  const match = /^\/api\/v1\/applications(?:\/([^/]+)(\/sync)?)?$/.exec(url.pathname);
  if (match === null) {
    fail(res, 404, `no route for ${url.pathname}`);
    return;
  }
  const name = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
  const isSync = match[2] !== undefined;
  const namespace =
    url.searchParams.get('appNamespace') ||
    (typeof body?.appNamespace === 'string' && body.appNamespace !== ''
      ? (body.appNamespace as string)
      : undefined) ||
    (req.method === 'PUT' && typeof body?.metadata?.namespace === 'string'
      ? (body.metadata.namespace as string)
      : plane.namespace);

  if (name === undefined) {
    if (req.method !== 'GET') {
      fail(res, 405, `method ${req.method} not allowed`, 12);
      return;
    }
    let items;
    try {
      items = plane.list(namespace, url.searchParams.get('selector') ?? '');
    } catch (err) {
      fail(res, 400, (err as Error).message);
      return;
    }
    // The real server's protobuf JSON omits an empty list.
    send(res, 200, items.length === 0 ? { metadata: {} } : { metadata: {}, items });
    return;
  }

  const app = plane.get(namespace, name);
  if (app === undefined) {
    fail(res, 404, `applications.argoproj.io "${name}" not found`);
    return;
  }
  if (isSync) {
    if (req.method !== 'POST') {
      fail(res, 405, `method ${req.method} not allowed`, 12);
      return;
    }
    if (plane.operationInProgress(app)) {
      fail(res, 400, 'another operation is already in progress', 9);
      return;
    }
    plane.sync(app, syncOperation(app, body ?? {}));
    send(res, 200, app);
    return;
  }
  switch (req.method) {
    case 'GET':
      if (url.searchParams.has('refresh')) plane.refreshes++;
      send(res, 200, app);
      return;
    case 'PUT': {
      if (typeof body?.spec !== 'object' || body.spec === null) {
        fail(res, 400, 'application spec is required');
        return;
      }
      // The API server takes spec, labels and annotations from the body, nothing else.
      const metadata = { ...app.metadata };
      if (body.metadata?.labels !== undefined) metadata.labels = body.metadata.labels;
      if (body.metadata?.annotations !== undefined) {
        metadata.annotations = body.metadata.annotations;
      }
      send(res, 200, plane.write({ ...app, metadata, spec: body.spec }));
      return;
    }
    case 'PATCH': {
      if (body?.patchType !== 'merge' || typeof body.patch !== 'string') {
        fail(res, 400, `unsupported patch type ${JSON.stringify(body?.patchType)}`);
        return;
      }
      let patch: any;
      try {
        patch = JSON.parse(body.patch);
      } catch {
        fail(res, 400, 'error unmarshaling patch: invalid JSON');
        return;
      }
      const patched = mergePatch({ metadata: app.metadata, spec: app.spec }, patch) as any;
      send(
        res,
        200,
        plane.write({ ...app, metadata: patched.metadata ?? {}, spec: patched.spec ?? {} }),
      );
      return;
    }
    default:
      fail(res, 405, `method ${req.method} not allowed`, 12);
  }
}

/**
 * The operation `POST …/sync` records: the requested revision(s) (`revisions` with optional
 * 1-based `sourcePositions`, or `revision`), each defaulting to the source's targetRevision;
 * the API server's own account as initiator; `infos` as `info`.
 */
function syncOperation(app: FakeApplication, body: Record<string, any>): Record<string, any> {
  const multi = Array.isArray(app.spec.sources) && app.spec.sources.length > 0;
  const revisions = requestedRevisions(body, sourcesOf(app));
  return {
    sync: {
      ...(multi ? { revisions } : { revision: revisions[0] ?? '' }),
      prune: body.prune === true,
    },
    initiatedBy: { username: 'admin' },
    ...(Array.isArray(body.infos) && body.infos.length > 0 ? { info: body.infos } : {}),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, message: string, code?: number): void {
  send(res, status, { error: message, code: code ?? GRPC_CODE[status] ?? 14, message });
}
