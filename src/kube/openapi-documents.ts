import { createHash } from 'node:crypto';
import { gantryVersion } from '../version.js';
import type { KubeResource } from './kube-resources.js';
import { DELETE_OPTIONS, PATCH, STATUS, type Schema } from './openapi-meta.js';
import { v2Paths, v3Paths } from './openapi-paths.js';
import { buildOpenApiSchemas, type KindSchemas } from './openapi-schemas.js';
import { swaggerToProtobuf } from './openapi-v2-protobuf.js';

/**
 * The OpenAPI documents kube-apiserver serves, for Gantry's kinds: `/openapi/v2` (Swagger
 * 2.0, every group version in one document) and `/openapi/v3` (an index of one OpenAPI 3.0
 * document per group version, each linked with the hash of its content so clients cache it).
 * The paths are openapi-paths.ts's; the schemas openapi-schemas.ts's.
 */

/** The definitions `roots` refer to, transitively (every $ref must resolve in the document). */
function referenced(roots: string[], definitions: Record<string, Schema>): Record<string, Schema> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object')
        for (const [key, value] of Object.entries(node))
          if (key === '$ref' && typeof value === 'string')
            visit(value.replace(/^#\/components\/schemas\//, ''));
          else walk(value);
    };
    walk(definitions[name]);
  };
  roots.forEach(visit);
  return Object.fromEntries([...seen].sort().map((name) => [name, definitions[name]!]));
}

/** A v3 schema in Swagger 2.0 form: refs to `#/definitions/`, no anyOf or nullable. */
export function toV2(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toV2);
  if (!node || typeof node !== 'object') return node;
  const schema = node as Schema;
  const allOf = schema['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1) {
    const { allOf: _, ...rest } = schema;
    void _;
    return toV2({ ...rest, ...(allOf[0] as Schema) });
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'anyOf') continue;
    if (key === '$ref' && typeof value === 'string')
      out[key] = value.replace('#/components/schemas/', '#/definitions/');
    else out[key] = toV2(value);
  }
  return out;
}

const SECURITY_V3 = {
  BearerToken: {
    type: 'apiKey',
    description: 'Bearer token: an API token, as `Authorization: Bearer <token>`.',
    name: 'authorization',
    in: 'header',
  },
};

export interface OpenApiDocument {
  /** The serialized document, and kube-apiserver's hash of it (sha512, upper-case hex). */
  body: string | Buffer;
  etag: string;
}

export interface OpenApiDocuments {
  v2: OpenApiDocument;
  /** The same, as gnostic protobuf (what client-go asks for). */
  v2Protobuf: OpenApiDocument;
  /** `/openapi/v3`: the index of group versions with their hashes. */
  v3Index: OpenApiDocument;
  /** By index path: `apis/kargo.akuity.io/v1alpha1`, `api/v1`. */
  v3: ReadonlyMap<string, OpenApiDocument>;
}

function documentOf(value: unknown): OpenApiDocument {
  return hashed(JSON.stringify(value));
}

function hashed(body: string | Buffer): OpenApiDocument {
  return { body, etag: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

/** The v3 index path of a resource's group version: `apis/{group}/{version}` or `api/v1`. */
export function groupVersionPath(resource: KubeResource): string {
  return resource.group === ''
    ? `api/${resource.version}`
    : `apis/${resource.group}/${resource.version}`;
}

let built: OpenApiDocuments | undefined;

/**
 * The documents of the served resources, built on first use and kept: they depend only on
 * the code (the kinds' schemas), so every app in the process shares them.
 */
export function openApiDocuments(): OpenApiDocuments {
  built ??= buildOpenApiDocuments();
  return built;
}

/** Builds every document of `resources` (KUBE_RESOURCES by default). */
export function buildOpenApiDocuments(resources?: readonly KubeResource[]): OpenApiDocuments {
  const { kinds, definitions } = buildOpenApiSchemas(resources);
  const info = { title: 'Gantry', version: `v1.32.0+gantry-${gantryVersion()}` };
  const byGroupVersion = new Map<string, KindSchemas[]>();
  for (const kind of kinds) {
    const key = groupVersionPath(kind.resource);
    byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), kind]);
  }
  const v3 = new Map<string, OpenApiDocument>();
  for (const [key, members] of byGroupVersion) {
    const paths = Object.assign({}, ...members.map(v3Paths)) as Record<string, Schema>;
    const roots = [...members.flatMap((m) => [m.name, m.listName]), STATUS, DELETE_OPTIONS, PATCH];
    v3.set(
      key,
      documentOf({
        openapi: '3.0.0',
        info,
        paths,
        components: { schemas: referenced(roots, definitions), securitySchemes: SECURITY_V3 },
        security: [{ BearerToken: [] }],
      }),
    );
  }
  const v3Index = documentOf({
    paths: Object.fromEntries(
      [...v3].map(([key, document]) => [
        key,
        { serverRelativeURL: `/openapi/v3/${key}?hash=${document.etag}` },
      ]),
    ),
  });
  const swagger = {
    swagger: '2.0',
    info,
    paths: Object.assign({}, ...kinds.map(v2Paths)) as Record<string, Schema>,
    definitions: toV2(definitions),
    securityDefinitions: SECURITY_V3,
    security: [{ BearerToken: [] }],
  };
  return {
    v2: documentOf(swagger),
    v2Protobuf: hashed(swaggerToProtobuf(swagger)),
    v3Index,
    v3,
  };
}
