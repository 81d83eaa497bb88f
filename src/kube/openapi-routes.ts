import type { Context } from 'hono';
import { notFoundError } from '../errors.js';
import type { RouteGuard } from '../server/guarded-routes.js';
import { openApiDocuments, type OpenApiDocument } from './openapi-documents.js';

/**
 * `/openapi/v2` and `/openapi/v3` as kube-apiserver serves them (k8s.io/kube-openapi's
 * handlers): v2 as JSON or as the protobuf client-go asks for, v3 as JSON, an ETag on every document answered with 304 when the client has it, and
 * v3 group-version documents addressed by the hash of their content (`?hash=`): a current
 * hash is cached for good, a stale one redirects to the current document. Any signed-in
 * caller may read them, as any authenticated user may read discovery in Kubernetes.
 */
export function registerOpenApiRoutes(routes: RouteGuard): void {
  // Built on the first request, not at start: most processes (and tests) never ask.
  const documents = () => openApiDocuments();
  routes.get('/openapi/v2', { kind: 'authenticated' }, (c) => {
    c.header('Vary', 'Accept');
    const type = v2Type(c.req.header('accept'));
    if (!type) return notAcceptable(c);
    return type === PROTOBUF
      ? serve(c, documents().v2Protobuf, PROTOBUF)
      : serve(c, documents().v2, 'application/json');
  });
  routes.get('/openapi/v3', { kind: 'authenticated' }, (c) =>
    serve(c, documents().v3Index, 'application/json'),
  );
  const groupVersion = (c: Context, key: string) => {
    const document = documents().v3.get(key);
    if (!document) throw notFoundError('the server could not find the requested resource');
    if (!acceptsJson(c.req.header('accept'))) return notAcceptable(c);
    const hash = c.req.query('hash');
    if (hash !== undefined && hash !== document.etag)
      return c.redirect(`/openapi/v3/${key}?hash=${document.etag}`, 301);
    if (hash !== undefined) {
      c.header('Cache-Control', 'public, immutable');
      c.header('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
    }
    c.header('Vary', 'Accept');
    return serve(c, document, 'application/json');
  };
  routes.get('/openapi/v3/api/:version', { kind: 'authenticated' }, (c) =>
    groupVersion(c, `api/${c.req.param('version')}`),
  );
  routes.get('/openapi/v3/apis/:group/:version', { kind: 'authenticated' }, (c) =>
    groupVersion(c, `apis/${c.req.param('group')}/${c.req.param('version')}`),
  );
}

/** What kube-openapi answers protobuf with; clients ask with either name ('@' is client-go's). */
const PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const PROTOBUF_TYPES = [PROTOBUF, 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf'];

function mediaTypes(accept: string | undefined): string[] {
  return (accept || '*/*').split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
}

/** Whether an Accept header allows JSON (absent, `*\/*`, `application/*`, `application/json`). */
export function acceptsJson(accept: string | undefined): boolean {
  return mediaTypes(accept).some((type) =>
    ['*/*', 'application/*', 'application/json'].includes(type),
  );
}

/** `/openapi/v2`'s answer to an Accept header, in the client's order: JSON or protobuf. */
function v2Type(accept: string | undefined): string | undefined {
  for (const type of mediaTypes(accept)) {
    if (PROTOBUF_TYPES.includes(type)) return PROTOBUF;
    if (['*/*', 'application/*', 'application/json'].includes(type)) return 'application/json';
  }
  return undefined;
}

function notAcceptable(c: Context) {
  return c.body(null, 406);
}

function serve(c: Context, document: OpenApiDocument, contentType: string) {
  const etag = `"${document.etag}"`;
  c.header('ETag', etag);
  const match = c.req.header('if-none-match');
  if (match && match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*'))
    return c.body(null, 304);
  c.header('Content-Type', contentType);
  return c.body(
    typeof document.body === 'string' ? document.body : new Uint8Array(document.body),
    200,
  );
}
