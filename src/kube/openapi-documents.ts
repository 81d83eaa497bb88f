import { createHash } from 'node:crypto';
import { gantryVersion } from '../version.js';
import type { KubeResource } from './kube-resources.js';
import { DELETE_OPTIONS, PATCH, ref, STATUS, type Schema } from './openapi-meta.js';
import { swaggerToProtobuf } from './openapi-v2-protobuf.js';
import { buildOpenApiSchemas, gvkOf, type KindSchemas } from './openapi-schemas.js';

/**
 * The OpenAPI documents kube-apiserver serves, for Gantry's kinds: `/openapi/v2` (Swagger
 * 2.0, every group version in one document) and `/openapi/v3` (an index of one OpenAPI 3.0
 * document per group version, each linked with the hash of its content so clients cache it).
 * Paths carry each operation's `x-kubernetes-action` and `x-kubernetes-group-version-kind`
 * and the query parameters kube-apiserver declares: `kubectl explain` finds a kind through
 * them, and kubectl leaves field validation to the server when PATCH declares
 * `fieldValidation`.
 */

type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  type: 'string' | 'boolean' | 'integer';
}

const query = (name: string, type: Parameter['type'], description: string): [string, Parameter] => [
  name,
  { name, in: 'query', type, description },
];

/** The query parameters kube-apiserver declares, in its order of declaration. */
const PARAMETERS = new Map<string, Parameter>([
  query(
    'allowWatchBookmarks',
    'boolean',
    'With watch: also send BOOKMARK events, carrying only a newer resourceVersion.',
  ),
  query('continue', 'string', 'The continue token of the previous page, to get the next one.'),
  query('dryRun', 'string', 'All: check the request without changing anything.'),
  query('fieldManager', 'string', 'The name of the actor making the change, for managed fields.'),
  query('fieldSelector', 'string', 'Only the objects whose fields match, e.g. metadata.name=dev.'),
  query(
    'fieldValidation',
    'string',
    'Ignore, Warn or Strict: what the server does with unknown or duplicate fields in the body.',
  ),
  query(
    'force',
    'boolean',
    'Server-side apply: take over fields other managers own instead of failing.',
  ),
  query('gracePeriodSeconds', 'integer', 'Seconds to wait before deleting; 0 deletes at once.'),
  query(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Delete an object that cannot be read. Not supported by Gantry.',
  ),
  query('labelSelector', 'string', 'Only the objects whose labels match, e.g. app=web,tier!=db.'),
  query('limit', 'integer', 'At most this many objects; the rest through continue.'),
  query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  query('pretty', 'string', 'If true, the output is indented.'),
  query(
    'propagationPolicy',
    'string',
    'Orphan, Background or Foreground: what happens to dependents.',
  ),
  query(
    'resourceVersion',
    'string',
    'Which version of the data may be served (see resourceVersionMatch); with watch, where to start.',
  ),
  query(
    'resourceVersionMatch',
    'string',
    'Exact or NotOlderThan: how resourceVersion applies to a list.',
  ),
  query(
    'sendInitialEvents',
    'boolean',
    'With watch: start with the current objects as ADDED events, then a bookmark.',
  ),
  query('timeoutSeconds', 'integer', 'End a list or watch call after this many seconds.'),
  query(
    'watch',
    'boolean',
    'Stream changes to the objects (ADDED, MODIFIED, DELETED) instead of listing them.',
  ),
]);

const LIST = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const WRITE = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE = [
  'dryRun',
  'gracePeriodSeconds',
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'orphanDependents',
  'propagationPolicy',
];

interface Operation {
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  parameters: string[];
  body?: { schema: string; types: string[] };
  /** Status code → the definition returned. */
  responses: Record<string, string>;
  gvk: { group: string; version: string; kind: string };
}

interface PathItem {
  path: string;
  params: Array<'namespace' | 'name'>;
  operations: Operation[];
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

/** `KargoAkuityIoV1alpha1`, `CoreV1`: kube-apiserver's operation-id infix. */
function operationInfix(resource: KubeResource): string {
  const words = resource.group === '' ? ['core'] : resource.group.split(/[.-]/);
  return [...words, resource.version].map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** The paths of one resource, with the operations its verbs allow. */
function pathsOf({ resource, name, listName }: KindSchemas): PathItem[] {
  const has = (verb: string) => resource.verbs.includes(verb);
  const prefix =
    resource.group === ''
      ? `/api/${resource.version}`
      : `/apis/${resource.group}/${resource.version}`;
  const infix = operationInfix(resource);
  const scope = resource.namespaced ? 'Namespaced' : '';
  const op = (
    method: Method,
    action: Action,
    verb: string,
    description: string,
    parameters: string[],
    responses: Record<string, string>,
    body?: Operation['body'],
    suffix = '',
  ): Operation => ({
    method,
    action,
    operationId: `${verb}${infix}${suffix === 'ForAllNamespaces' ? '' : scope}${resource.kind}${suffix}`,
    description,
    parameters,
    responses,
    gvk: gvkOf(resource),
    ...(body ? { body } : {}),
  });
  // Built-in kinds take strategic merge patches too; custom resources (Kargo's kinds) do not.
  const patchTypes =
    resource.group === ''
      ? [...PATCH_TYPES, 'application/strategic-merge-patch+json']
      : PATCH_TYPES;
  const collection = resource.namespaced
    ? `${prefix}/namespaces/{namespace}/${resource.plural}`
    : `${prefix}/${resource.plural}`;
  const params: PathItem['params'] = resource.namespaced ? ['namespace'] : [];
  const kind = resource.kind;
  const items: PathItem[] = [
    {
      path: collection,
      params,
      operations: [
        ...(has('list')
          ? [
              op('get', 'list', 'list', `list or watch objects of kind ${kind}`, LIST, {
                '200': listName,
              }),
            ]
          : []),
        ...(has('create')
          ? [
              op(
                'post',
                'post',
                'create',
                `create a ${kind}`,
                WRITE,
                { '200': name, '201': name, '202': name },
                { schema: name, types: ['*/*'] },
              ),
            ]
          : []),
        ...(has('deletecollection')
          ? [
              op(
                'delete',
                'deletecollection',
                'deletecollection',
                `delete a collection of ${kind}`,
                [...LIST, ...DELETE].sort(),
                { '200': STATUS },
                { schema: DELETE_OPTIONS, types: ['*/*'] },
              ),
            ]
          : []),
      ],
    },
    {
      path: `${collection}/{name}`,
      params: [...params, 'name'],
      operations: [
        ...(has('get')
          ? [op('get', 'get', 'read', `read the specified ${kind}`, [], { '200': name })]
          : []),
        ...(has('update')
          ? [
              op(
                'put',
                'put',
                'replace',
                `replace the specified ${kind}`,
                WRITE,
                { '200': name, '201': name },
                { schema: name, types: ['*/*'] },
              ),
            ]
          : []),
        ...(has('delete')
          ? [
              op(
                'delete',
                'delete',
                'delete',
                `delete a ${kind}`,
                DELETE,
                { '200': STATUS, '202': STATUS },
                { schema: DELETE_OPTIONS, types: ['*/*'] },
              ),
            ]
          : []),
        ...(has('patch')
          ? [
              op(
                'patch',
                'patch',
                'patch',
                `partially update the specified ${kind}`,
                [...WRITE, 'force'],
                { '200': name, '201': name },
                { schema: PATCH, types: patchTypes },
              ),
            ]
          : []),
      ],
    },
  ];
  if (resource.status)
    items.push({
      path: `${collection}/{name}/status`,
      params: [...params, 'name'],
      operations: [
        op(
          'get',
          'get',
          'read',
          `read status of the specified ${kind}`,
          [],
          { '200': name },
          undefined,
          'Status',
        ),
        op(
          'put',
          'put',
          'replace',
          `replace status of the specified ${kind}`,
          WRITE,
          { '200': name, '201': name },
          { schema: name, types: ['*/*'] },
          'Status',
        ),
        op(
          'patch',
          'patch',
          'patch',
          `partially update status of the specified ${kind}`,
          [...WRITE, 'force'],
          { '200': name, '201': name },
          { schema: PATCH, types: patchTypes },
          'Status',
        ),
      ],
    });
  // Lists of a namespaced kind across every namespace.
  if (resource.namespaced && has('list'))
    items.push({
      path: `${prefix}/${resource.plural}`,
      params: [],
      operations: [
        op(
          'get',
          'list',
          'list',
          `list or watch objects of kind ${kind}`,
          LIST,
          { '200': listName },
          undefined,
          'ForAllNamespaces',
        ),
      ],
    });
  return items;
}

const PATH_PARAMETERS: Record<'namespace' | 'name', Parameter> = {
  namespace: {
    name: 'namespace',
    in: 'path',
    type: 'string',
    description: 'The namespace: the Project.',
  },
  name: { name: 'name', in: 'path', type: 'string', description: 'The name of the object.' },
};

const RESPONSE_TYPES = ['application/json', 'application/yaml'];
const DESCRIPTIONS: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

function v3Parameter(p: Parameter): Schema {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    ...(p.in === 'path' ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

function v2Parameter(p: Parameter): Schema {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    type: p.type,
    uniqueItems: true,
    ...(p.in === 'path' ? { required: true } : {}),
  };
}

function extensions(operation: Operation): Schema {
  return {
    'x-kubernetes-action': operation.action,
    'x-kubernetes-group-version-kind': operation.gvk,
  };
}

function v3Operation(operation: Operation, tag: string): Schema {
  const content = (schema: string) =>
    Object.fromEntries(RESPONSE_TYPES.map((type) => [type, { schema: ref(schema) }]));
  return {
    tags: [tag],
    description: operation.description,
    operationId: operation.operationId,
    parameters: operation.parameters.map((name) => v3Parameter(PARAMETERS.get(name)!)),
    ...(operation.body
      ? {
          requestBody: {
            content: Object.fromEntries(
              operation.body.types.map((type) => [type, { schema: ref(operation.body!.schema) }]),
            ),
            required: operation.method !== 'delete',
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(operation.responses).map(([code, schema]) => [
          code,
          { description: DESCRIPTIONS[code], content: content(schema) },
        ]),
      ),
      '401': { description: 'Unauthorized' },
    },
    ...extensions(operation),
  };
}

function v2Operation(operation: Operation, tag: string): Schema {
  const body = operation.body;
  return {
    tags: [tag],
    description: operation.description,
    operationId: operation.operationId,
    consumes: body ? body.types : ['*/*'],
    produces: RESPONSE_TYPES,
    schemes: ['https'],
    parameters: [
      ...(body
        ? [
            {
              name: 'body',
              in: 'body',
              ...(operation.method === 'delete' ? {} : { required: true }),
              schema: { $ref: `#/definitions/${body.schema}` },
            },
          ]
        : []),
      ...operation.parameters.map((name) => v2Parameter(PARAMETERS.get(name)!)),
    ],
    responses: {
      ...Object.fromEntries(
        Object.entries(operation.responses).map(([code, schema]) => [
          code,
          { description: DESCRIPTIONS[code], schema: { $ref: `#/definitions/${schema}` } },
        ]),
      ),
      '401': { description: 'Unauthorized' },
    },
    ...extensions(operation),
  };
}

/** kube-apiserver's tag for a group version's operations: `kargoAkuityIo_v1alpha1`, `core_v1`. */
function tagOf(resource: KubeResource): string {
  const group =
    resource.group === ''
      ? 'core'
      : resource.group.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
  return `${group}_${resource.version}`;
}

function pathObject(
  item: PathItem,
  render: (operation: Operation) => Schema,
  parameter: (p: Parameter) => Schema,
): Schema {
  return {
    ...Object.fromEntries(
      item.operations.map((operation) => [operation.method, render(operation)]),
    ),
    parameters: [
      ...item.params.map((name) => parameter(PATH_PARAMETERS[name])),
      parameter(PARAMETERS.get('pretty')!),
    ],
  };
}

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
    const paths: Record<string, Schema> = {};
    for (const member of members)
      for (const item of pathsOf(member))
        paths[item.path] = pathObject(
          item,
          (operation) => v3Operation(operation, tagOf(member.resource)),
          v3Parameter,
        );
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
  const v2Paths: Record<string, Schema> = {};
  for (const member of kinds)
    for (const item of pathsOf(member))
      v2Paths[item.path] = pathObject(
        item,
        (operation) => v2Operation(operation, tagOf(member.resource)),
        v2Parameter,
      );
  const swagger = {
    swagger: '2.0',
    info,
    paths: v2Paths,
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
