import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  APPLICATION_API_VERSION,
  mergePatch,
  type FakeApplication,
  type FakeArgoCdControlPlane,
} from './fake-argocd-control-plane.js';

/**
 * The fake Argo CD's Kubernetes front door: kube-apiserver serving the `applications.argoproj.io`
 * v1alpha1 custom resource (no status subresource, as Argo CD's CRD has none) over the shared
 * control plane. test/fake-argocd.ts documents what is modelled.
 */

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const MERGE_PATCH = 'application/merge-patch+json';

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export async function handleKubernetesRequest(
  plane: FakeArgoCdControlPlane,
  token: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const method = req.method ?? '';
  const contentType = req.headers['content-type']?.split(';')[0]?.trim();
  const raw = await readBody(req);
  let body: any;
  let malformed = false;
  if (raw !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      malformed = true;
    }
  }
  plane.requests.push({
    method,
    path: url.pathname + url.search,
    ...(body === undefined ? {} : { body }),
    ...(contentType === undefined ? {} : { contentType }),
  });

  if (req.headers.authorization !== `Bearer ${token}`) {
    status(res, 401, 'Unauthorized');
    return;
  }
  const fault = plane.takeFault();
  if (fault !== undefined) {
    status(res, fault.status, fault.message);
    return;
  }
  if (malformed) {
    status(res, 400, 'the body of the request could not be decoded as JSON');
    return;
  }

  const discovery = discoveryDocument(url.pathname, req.headers.host ?? '');
  if (discovery !== undefined) {
    if (method !== 'GET')
      status(res, 405, `the server does not allow this method on ${url.pathname}`);
    else send(res, 200, discovery);
    return;
  }

  const match =
    /^\/apis\/argoproj\.io\/v1alpha1\/(?:namespaces\/([^/]+)\/)?applications(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
  if (match === null) {
    status(res, 404, 'the server could not find the requested resource');
    return;
  }
  const namespace = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
  const name = match[2] === undefined ? undefined : decodeURIComponent(match[2]);

  if (name === undefined) {
    if (method !== 'GET') {
      status(res, 405, `${method} is not supported on a collection by the fake`);
      return;
    }
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      status(res, 400, 'watch is not supported by the fake');
      return;
    }
    let items: FakeApplication[];
    try {
      items = plane.list(namespace, url.searchParams.get('labelSelector') ?? '');
    } catch (err) {
      status(res, 400, (err as Error).message);
      return;
    }
    send(res, 200, {
      apiVersion: APPLICATION_API_VERSION,
      kind: 'ApplicationList',
      metadata: { resourceVersion: plane.resourceVersion },
      items,
    });
    return;
  }
  if (namespace === undefined) {
    status(res, 404, 'the server could not find the requested resource');
    return;
  }

  const app = plane.get(namespace, name);
  if (app === undefined) {
    status(res, 404, `applications.argoproj.io "${name}" not found`, { name });
    return;
  }
  const conflict = () =>
    status(
      res,
      409,
      `Operation cannot be fulfilled on applications.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name },
    );

  switch (method) {
    case 'GET':
      send(res, 200, app);
      return;
    case 'PATCH': {
      if (contentType !== MERGE_PATCH) {
        status(
          res,
          415,
          `the body of the request was in an unknown format - accepted media types include: ${MERGE_PATCH} (the fake models merge patches only)`,
        );
        return;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        status(res, 400, 'error decoding patch: a merge patch must be a JSON object');
        return;
      }
      const wantedVersion = body.metadata?.resourceVersion;
      if (wantedVersion !== undefined && wantedVersion !== app.metadata.resourceVersion) {
        conflict();
        return;
      }
      const patched = mergePatch(app, body) as FakeApplication;
      const invalid = validate(patched);
      if (invalid !== undefined) {
        status(res, 422, `Application.argoproj.io "${name}" is invalid: ${invalid}`, { name });
        return;
      }
      send(res, 200, plane.write(patched));
      return;
    }
    case 'PUT': {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        status(res, 400, 'the body of the request must be an Application object');
        return;
      }
      if (body.metadata?.name !== name) {
        status(
          res,
          400,
          `the name of the object (${String(body.metadata?.name)}) does not match the name on the URL (${name})`,
        );
        return;
      }
      // Custom resources allow no unconditional update.
      if (
        typeof body.metadata.resourceVersion !== 'string' ||
        body.metadata.resourceVersion === ''
      ) {
        status(
          res,
          422,
          `Application.argoproj.io "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
          { name },
        );
        return;
      }
      if (body.metadata.resourceVersion !== app.metadata.resourceVersion) {
        conflict();
        return;
      }
      const invalid = validate(body as FakeApplication);
      if (invalid !== undefined) {
        status(res, 422, `Application.argoproj.io "${name}" is invalid: ${invalid}`, { name });
        return;
      }
      send(
        res,
        200,
        plane.write({ ...(body as FakeApplication), metadata: { ...body.metadata, namespace } }),
      );
      return;
    }
    default:
      status(res, 405, `${method} is not supported on an Application by the fake`);
  }
}

/** The few schema rules the fake enforces, as the CRD's OpenAPI schema would. */
function validate(app: FakeApplication): string | undefined {
  if (typeof app.spec !== 'object' || app.spec === null || Array.isArray(app.spec)) {
    return 'spec: Required value';
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = app.metadata?.[field];
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      return `metadata.${field}: Invalid value: must be a map of strings`;
    }
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') {
        return `metadata.${field}.${k}: Invalid value: must be a string`;
      }
    }
  }
  return undefined;
}

/** Just enough discovery (`/version`, `/api`, `/apis`, the argoproj.io group) for clients. */
function discoveryDocument(path: string, host: string): unknown {
  const groupVersion = { groupVersion: `${GROUP}/${VERSION}`, version: VERSION };
  const group = {
    name: GROUP,
    versions: [groupVersion],
    preferredVersion: groupVersion,
  };
  switch (path) {
    case '/version':
      return {
        major: '1',
        minor: '30',
        gitVersion: 'v1.30.0-fake-argocd',
        platform: `${process.platform}/${process.arch}`,
      };
    case '/api':
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
      };
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [group] };
    case `/apis/${GROUP}`:
      return { kind: 'APIGroup', apiVersion: 'v1', ...group };
    case `/apis/${GROUP}/${VERSION}`:
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${GROUP}/${VERSION}`,
        resources: [
          {
            name: 'applications',
            singularName: 'application',
            namespaced: true,
            kind: 'Application',
            verbs: ['get', 'list', 'patch', 'update'],
            shortNames: ['app', 'apps'],
          },
        ],
      };
    default:
      return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** An error as kube-apiserver sends it: a `Status` object. */
function status(
  res: ServerResponse,
  code: number,
  message: string,
  details?: { name: string },
): void {
  send(res, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'Unknown',
    ...(details === undefined
      ? {}
      : { details: { name: details.name, group: GROUP, kind: 'applications' } }),
    code,
  });
}
