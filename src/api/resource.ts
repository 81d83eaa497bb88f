/**
 * The shape every Gantry object shares, whatever its kind: Kubernetes-style `apiVersion`,
 * `kind`, `metadata`, an optional `status`, and kind-specific content (`spec`, or Freight's
 * top-level artifact lists). Everything that is not metadata or status is the object's
 * "content": the part users own, whose changes bump `metadata.generation`.
 */
export interface ResourceMeta {
  name: string;
  namespace?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
  generation?: number | undefined;
  creationTimestamp?: string | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  [field: string]: unknown;
}

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: ResourceMeta;
  status?: unknown;
  [field: string]: unknown;
}

/** Metadata as the store returns it: every server-managed field is present. */
export interface StoredMeta extends ResourceMeta {
  namespace?: string | undefined;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: string;
}

export interface StoredResource extends Resource {
  metadata: StoredMeta;
}

/** Identifies one object. `namespace` is the project name, or '' for cluster-scoped kinds. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

export function keyOf(resource: Resource): ObjectKey {
  return {
    kind: resource.kind,
    namespace: resource.metadata.namespace ?? '',
    name: resource.metadata.name,
  };
}

/** `Stage "dev" in project "demo"`, for messages. */
export function describeKey(key: ObjectKey): string {
  return key.namespace === ''
    ? `${key.kind} "${key.name}"`
    : `${key.kind} "${key.name}" in project "${key.namespace}"`;
}

const NON_CONTENT_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** The user-owned part of an object: everything but apiVersion, kind, metadata and status. */
export function contentOf(resource: Resource): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(resource)) {
    if (!NON_CONTENT_FIELDS.has(field)) content[field] = value;
  }
  return content;
}
