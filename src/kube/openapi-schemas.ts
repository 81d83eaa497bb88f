import { z } from 'zod';
import { KUBE_RESOURCES, type KubeResource } from './kube-resources.js';
import { fieldDescription, KIND_DESCRIPTIONS } from './openapi-descriptions.js';
import {
  describedRef,
  LIST_META,
  META_DEFINITIONS,
  OBJECT_META,
  ref,
  type Schema,
} from './openapi-meta.js';

/**
 * The OpenAPI schema of every served kind, generated from Gantry's zod schemas (src/api) and
 * shaped as kube-apiserver publishes custom resources: structural schemas (every field
 * typed, free-form parts marked `x-kubernetes-preserve-unknown-fields`), `metadata` a
 * reference to meta/v1 ObjectMeta, int-or-string fields marked `x-kubernetes-int-or-string`,
 * Kargo's list types (`x-kubernetes-list-type`/`-map-keys`), and each kind and its list
 * tagged with `x-kubernetes-group-version-kind`. Definition names reverse the group, as
 * kube-apiserver names CRDs: `io.akuity.kargo.v1alpha1.Stage`; core kinds are
 * `io.k8s.api.core.v1.Secret`. Schemas are in OpenAPI v3 form (refs to
 * `#/components/schemas/…`); openapi-documents.ts derives v2 from them.
 */

/** The definition name of a kind served in `group`/`version`. */
export function definitionName(group: string, version: string, kind: string): string {
  const prefix = group === '' ? 'io.k8s.api.core' : group.split('.').reverse().join('.');
  return `${prefix}.${version}.${kind}`;
}

export function gvkOf(resource: KubeResource) {
  return { group: resource.group, kind: resource.kind, version: resource.version };
}

/**
 * Kargo's CRDs' list semantics, by field path as in openapi-descriptions.ts (a key also
 * matches where it ends a longer path): conditions are a map keyed by type, and so on.
 */
const LIST_TYPES: Record<string, Schema> = {
  'status.conditions': {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  },
  'spec.promotionWindows': {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
  },
  'autoRollback.onVerification': { 'x-kubernetes-list-type': 'set' },
  'autoRollback.onPromotion': { 'x-kubernetes-list-type': 'set' },
  matchExpressions: { 'x-kubernetes-list-type': 'atomic' },
  'matchExpressions[].values': { 'x-kubernetes-list-type': 'atomic' },
};

function listType(path: string): Schema {
  for (const [key, marks] of Object.entries(LIST_TYPES))
    if (path === key || path.endsWith(`.${key}`)) return marks;
  return {};
}

/** zod's JSON Schema (draft 2020-12), as far as this converter reads it. */
interface JsonSchema {
  type?: string | string[];
  description?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

const SAFE = Number.MAX_SAFE_INTEGER;
const PRESERVE: Schema = { 'x-kubernetes-preserve-unknown-fields': true };
/** Formats OpenAPI clients know; zod's others (e.g. `regex`) are dropped. */
const FORMATS = new Set(['date-time', 'date', 'email', 'uri', 'uuid', 'byte', 'int32', 'int64']);

function isAny(schema: JsonSchema | boolean | undefined): boolean {
  return schema === true || (typeof schema === 'object' && Object.keys(schema).length === 0);
}

/** One zod JSON Schema node as a structural OpenAPI v3 schema; `path` as in the tables. */
function structural(node: JsonSchema, kind: string, path: string): Schema {
  const description = node.description ?? fieldDescription(kind, path);
  const described = description ? { description } : {};
  const union = node.anyOf ?? node.oneOf;
  if (union) {
    const types = new Set(union.map((option) => option.type));
    if (types.has('null') && union.length === 2) {
      const other = union.find((option) => option.type !== 'null')!;
      return { ...structural(other, kind, path), ...described, nullable: true };
    }
    if (types.size === 2 && types.has('string') && (types.has('integer') || types.has('number')))
      return {
        ...described,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
        'x-kubernetes-int-or-string': true,
      };
    return { ...described, ...PRESERVE };
  }
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  const nullable = types.includes('null');
  const type = types.find((t) => t !== 'null');
  if (!type) return { ...described, ...PRESERVE };
  const out: Schema = { type: type === 'number' ? 'number' : type, ...described };
  if (nullable) out['nullable'] = true;
  if (node.const !== undefined) out['enum'] = [node.const];
  if (node.enum) out['enum'] = node.enum;
  if (node.default !== undefined) out['default'] = node.default;
  if (node.format && FORMATS.has(node.format)) out['format'] = node.format;
  if (node.pattern) out['pattern'] = node.pattern;
  for (const key of ['minLength', 'maxLength', 'minItems', 'maxItems'] as const)
    if (node[key] !== undefined) out[key] = node[key];
  if (node.minimum !== undefined && node.minimum > -SAFE) out['minimum'] = node.minimum;
  if (node.maximum !== undefined && node.maximum < SAFE) out['maximum'] = node.maximum;
  if (node.exclusiveMinimum !== undefined) {
    out['minimum'] = node.exclusiveMinimum;
    out['exclusiveMinimum'] = true;
  }
  if (node.exclusiveMaximum !== undefined) {
    out['maximum'] = node.exclusiveMaximum;
    out['exclusiveMaximum'] = true;
  }
  if (type === 'array') {
    out['items'] = node.items ? structural(node.items, kind, `${path}[]`) : PRESERVE;
    Object.assign(out, listType(path));
  }
  if (type === 'object') {
    const properties = Object.entries(node.properties ?? {});
    if (properties.length > 0)
      out['properties'] = Object.fromEntries(
        properties.map(([name, child]) => [
          name,
          structural(child, kind, path ? `${path}.${name}` : name),
        ]),
      );
    if (node.required && node.required.length > 0) out['required'] = node.required;
    const values = node.additionalProperties;
    if (values && typeof values === 'object' && !isAny(values))
      out['additionalProperties'] = structural(values, kind, `${path}{}`);
    else if (properties.length === 0 && values !== false) Object.assign(out, PRESERVE);
  }
  return out;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** A Namespace, as Projects are served in core v1 (not a Gantry kind: no zod schema). */
function namespaceSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        properties: {
          finalizers: { type: 'array', items: { type: 'string' } },
        },
      },
      status: { type: 'object', properties: { phase: { type: 'string' } } },
    },
  };
}

/** The fields kube-apiserver never marks required, whatever the schema says. */
const NEVER_REQUIRED = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** The definition of one kind. */
function kindDefinition(resource: KubeResource): Schema {
  const { kind } = resource;
  const source =
    resource.kind === 'Namespace' ? namespaceSchema() : jsonSchemaOf(resource.gantry.schema);
  const properties = { ...source.properties };
  const status = resource.kind === 'Namespace' ? undefined : resource.gantry.statusSchema;
  if (status) properties['status'] = jsonSchemaOf(status);
  // apiVersion and kind as kube-apiserver publishes them: plain strings.
  properties['apiVersion'] = { type: 'string' };
  properties['kind'] = { type: 'string' };
  const converted = structural({ ...source, properties, required: [] }, kind, '');
  const fields = converted['properties'] as Record<string, Schema>;
  fields['metadata'] = describedRef(OBJECT_META, fieldDescription(kind, 'metadata')!);
  const required = (source.required ?? []).filter((field) => !NEVER_REQUIRED.has(field));
  return {
    description: KIND_DESCRIPTIONS[kind],
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))),
    ...(required.length > 0 ? { required } : {}),
    'x-kubernetes-group-version-kind': [gvkOf(resource)],
  };
}

/** The definition of a kind's list (`StageList`). */
function listDefinition(resource: KubeResource, itemName: string): Schema {
  return {
    description: `A list of ${resource.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: fieldDescription(resource.kind, 'apiVersion') },
      items: {
        type: 'array',
        items: ref(itemName),
        description: `The ${resource.kind} objects.`,
      },
      kind: { type: 'string', description: fieldDescription(resource.kind, 'kind') },
      metadata: describedRef(LIST_META, 'Standard list metadata: version and paging.'),
    },
    'x-kubernetes-group-version-kind': [{ ...gvkOf(resource), kind: `${resource.kind}List` }],
  };
}

export interface KindSchemas {
  resource: KubeResource;
  /** The kind's definition name, and its list's. */
  name: string;
  listName: string;
}

export interface OpenApiSchemas {
  kinds: KindSchemas[];
  /** Every definition: the kinds, their lists, and the meta/v1 ones they refer to. */
  definitions: Record<string, Schema>;
}

/** Every served kind's schemas (built once: they are static). */
export function buildOpenApiSchemas(
  resources: readonly KubeResource[] = KUBE_RESOURCES,
): OpenApiSchemas {
  const definitions: Record<string, Schema> = { ...META_DEFINITIONS };
  const kinds = resources.map((resource) => {
    const name = definitionName(resource.group, resource.version, resource.kind);
    const listName = `${name}List`;
    definitions[name] = kindDefinition(resource);
    definitions[listName] = listDefinition(resource, name);
    return { resource, name, listName };
  });
  return { kinds, definitions };
}
