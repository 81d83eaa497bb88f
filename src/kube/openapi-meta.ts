/**
 * The k8s.io/apimachinery meta/v1 definitions every published kind refers to (ObjectMeta,
 * ListMeta, Status, DeleteOptions, Patch, …), under the names kube-apiserver publishes them
 * by, so that clients resolving `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` find it.
 * The shapes are Kubernetes'; the descriptions are Gantry's own.
 */
export type Schema = Record<string, unknown>;

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;

/** A reference to a definition, in OpenAPI v3 form (openapi-documents.ts rewrites it for v2). */
export function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

/** kube-apiserver's form for a described reference in v3: a one-element allOf. */
export function describedRef(name: string, description: string): Schema {
  return { allOf: [ref(name)], description };
}

const string = (description: string): Schema => ({ type: 'string', description });
const int64 = (description: string): Schema => ({ type: 'integer', format: 'int64', description });
const stringMap = (description: string): Schema => ({
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
  description,
});
const time = (description: string): Schema => describedRef(`${META}.Time`, description);

export const META_DEFINITIONS: Readonly<Record<string, Schema>> = {
  [OBJECT_META]: {
    description:
      'Metadata every persisted object has: its identity, labels and annotations, and what the server tracks about it.',
    type: 'object',
    properties: {
      annotations: stringMap(
        'Free-form key/value data tools attach to the object; not used to select objects.',
      ),
      creationTimestamp: time('When the object was created. Set by the server, read-only.'),
      deletionGracePeriodSeconds: int64(
        'Seconds the object has left to terminate gracefully once deletion was requested. Read-only.',
      ),
      deletionTimestamp: time(
        'When deletion of the object was requested. Set by the server, read-only.',
      ),
      finalizers: {
        type: 'array',
        items: { type: 'string', default: '' },
        description:
          'Names of the parties that must finish their cleanup before the object is deleted.',
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: string(
        'A prefix from which the server makes a unique name when name is empty.',
      ),
      generation: int64(
        "A number the server increases whenever the object's desired state changes. Read-only.",
      ),
      labels: stringMap('Key/value pairs used to organise and select objects (label selectors).'),
      managedFields: {
        type: 'array',
        items: ref(`${META}.ManagedFieldsEntry`),
        description: 'Which field manager (client) set which fields, for server-side apply.',
        'x-kubernetes-list-type': 'atomic',
      },
      name: string(
        'The name of the object, unique among objects of its kind in its namespace. Cannot be changed.',
      ),
      namespace: string(
        'The namespace of the object: for Gantry, the Project it belongs to. Empty for cluster-wide kinds.',
      ),
      ownerReferences: {
        type: 'array',
        items: ref(`${META}.OwnerReference`),
        description:
          'The objects this object depends on; it is garbage-collected when they are all gone.',
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
      resourceVersion: string(
        'An opaque version of the object, changed by every write; send it back to update only the version you read.',
      ),
      selfLink: string('Deprecated and always empty.'),
      uid: string(
        'A unique identifier the server gives the object at creation, never reused. Read-only.',
      ),
    },
  },
  [`${META}.Time`]: {
    description: 'A timestamp in RFC 3339 form, e.g. 2025-01-31T12:00:00Z.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}.FieldsV1`]: {
    description: 'A set of fields, encoded as a JSON tree (server-side apply).',
    type: 'object',
  },
  [`${META}.ManagedFieldsEntry`]: {
    description: 'The fields one field manager owns, and how it set them.',
    type: 'object',
    properties: {
      apiVersion: string('The version of the object the fields are expressed in.'),
      fieldsType: string('The format of fieldsV1: always FieldsV1.'),
      fieldsV1: describedRef(`${META}.FieldsV1`, 'The fields owned.'),
      manager: string('The name of the field manager.'),
      operation: string('Apply or Update: how the manager set the fields.'),
      subresource: string('The subresource written (e.g. status), or empty for the object.'),
      time: time('When the manager last changed these fields.'),
    },
  },
  [`${META}.OwnerReference`]: {
    description: 'A reference to an object that owns this one.',
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: {
      apiVersion: string('The API version of the owner.'),
      blockOwnerDeletion: {
        type: 'boolean',
        description: 'Whether the owner waits for this object to be deleted first.',
      },
      controller: { type: 'boolean', description: 'Whether the owner is the managing controller.' },
      kind: string('The kind of the owner.'),
      name: string('The name of the owner.'),
      uid: string('The uid of the owner.'),
    },
    'x-kubernetes-map-type': 'atomic',
  },
  [LIST_META]: {
    description: 'Metadata of a list: its version and where the next page starts.',
    type: 'object',
    properties: {
      continue: string(
        'Set when the list was cut short by limit: pass it as continue to get the next page.',
      ),
      remainingItemCount: int64('How many items are left after this page, when known.'),
      resourceVersion: string(
        'The version of the collection this list was read at; watch from it to see what follows.',
      ),
      selfLink: string('Deprecated and always empty.'),
    },
  },
  [STATUS]: {
    description: 'The result of a request that returns no object, e.g. an error.',
    type: 'object',
    properties: {
      apiVersion: string('The versioned schema of this object.'),
      code: { type: 'integer', format: 'int32', description: 'The HTTP status code.' },
      details: describedRef(`${META}.StatusDetails`, 'More about the error, when there is more.'),
      kind: string('Status.'),
      message: string('What happened, for people.'),
      metadata: describedRef(LIST_META, 'Standard list metadata.'),
      reason: string(
        'A CamelCase reason for the failure (NotFound, Conflict, Invalid, …), for programs.',
      ),
      status: string('Success or Failure.'),
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  },
  [`${META}.StatusDetails`]: {
    description: 'The object an error is about and its causes.',
    type: 'object',
    properties: {
      causes: {
        type: 'array',
        items: ref(`${META}.StatusCause`),
        description: 'The individual problems, e.g. one per invalid field.',
        'x-kubernetes-list-type': 'atomic',
      },
      group: string('The group of the object.'),
      kind: string('The kind of the object.'),
      name: string('The name of the object.'),
      retryAfterSeconds: {
        type: 'integer',
        format: 'int32',
        description: 'Seconds to wait before retrying, when the error is temporary.',
      },
      uid: string('The uid of the object.'),
    },
  },
  [`${META}.StatusCause`]: {
    description: 'One problem with a request.',
    type: 'object',
    properties: {
      field: string('The field at fault, e.g. spec.requestedFreight[0].origin.'),
      message: string('What is wrong, for people.'),
      reason: string('A CamelCase reason, for programs.'),
    },
  },
  [DELETE_OPTIONS]: {
    description: 'Options of a delete request.',
    type: 'object',
    properties: {
      apiVersion: string('The versioned schema of this object.'),
      dryRun: {
        type: 'array',
        items: { type: 'string', default: '' },
        description: 'All: check the request without deleting anything.',
        'x-kubernetes-list-type': 'atomic',
      },
      gracePeriodSeconds: int64('Seconds to wait before deleting; 0 deletes at once.'),
      ignoreStoreReadErrorWithClusterBreakingPotential: {
        type: 'boolean',
        description: 'Delete an object that cannot be read. Not supported by Gantry.',
      },
      kind: string('DeleteOptions.'),
      orphanDependents: { type: 'boolean', description: 'Deprecated: use propagationPolicy.' },
      preconditions: describedRef(`${META}.Preconditions`, 'Delete only if these still hold.'),
      propagationPolicy: string('Orphan, Background or Foreground: what happens to dependents.'),
    },
  },
  [`${META}.Preconditions`]: {
    description: 'Conditions an object must meet for an operation to proceed.',
    type: 'object',
    properties: {
      resourceVersion: string('The object must still have this resourceVersion.'),
      uid: string('The object must still have this uid.'),
    },
  },
  [PATCH]: {
    description:
      'A patch: JSON patch, JSON merge patch or a server-side apply configuration, as the Content-Type says.',
    type: 'object',
  },
};
