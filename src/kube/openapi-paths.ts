import type { KubeResource } from './kube-resources.js';
import { DELETE_OPTIONS, PATCH, ref, STATUS, type Schema } from './openapi-meta.js';
import { gvkOf, type KindSchemas } from './openapi-schemas.js';

/**
 * The paths of the OpenAPI documents: for each resource, its collection, object, status and
 * all-namespaces paths with the operations its verbs allow, as kube-apiserver declares them
 * for custom resources (operation ids, `x-kubernetes-action`, `x-kubernetes-group-version-kind`,
 * and the query parameters each operation takes). `kubectl explain` finds a kind through
 * these paths, and kubectl leaves field validation to the server when PATCH declares
 * `fieldValidation`. Rendered in OpenAPI v3 and Swagger 2.0 form.
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

/** A resource's path items in OpenAPI v3 form, by path. */
export function v3Paths(member: KindSchemas): Record<string, Schema> {
  const tag = tagOf(member.resource);
  return Object.fromEntries(
    pathsOf(member).map((item) => [
      item.path,
      pathObject(item, (operation) => v3Operation(operation, tag), v3Parameter),
    ]),
  );
}

/** A resource's path items in Swagger 2.0 form, by path. */
export function v2Paths(member: KindSchemas): Record<string, Schema> {
  const tag = tagOf(member.resource);
  return Object.fromEntries(
    pathsOf(member).map((item) => [
      item.path,
      pathObject(item, (operation) => v2Operation(operation, tag), v2Parameter),
    ]),
  );
}
