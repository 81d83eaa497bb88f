import { deepEqualJson } from '../api/canonical-json.js';
import { annotationsBytes, describeBytes, INPUT_LIMITS } from '../api/input-limits.js';
import { formatTimestamp } from '../api/timestamp.js';
import {
  contentOf,
  describeKey,
  type ObjectKey,
  type Resource,
  type StoredResource,
} from '../api/resource.js';
import {
  alreadyExistsError,
  conflictError,
  GantryError,
  isGantryError,
  notFoundError,
  tooLargeError,
} from '../errors.js';
import { plainCopy } from './plain-copy.js';
import { storedLength } from './stored-size.js';
import type { WatchEvent, WriteOp, WriteResult } from './store.js';

/**
 * What a backend can read inside its write transaction. The planner never sees rows or SQL:
 * backends answer these three questions from the committed state (the planner layers the
 * batch's own earlier changes on top).
 */
export interface StoreSnapshot {
  get(key: ObjectKey): StoredResource | undefined;
  listNamespace(namespace: string): StoredResource[];
  findByLabel(kind: string, namespace: string, label: string, value: string): StoredResource[];
}

export interface PlannedChange {
  key: ObjectKey;
  /**
   * The object to store, or null to remove it. Plain JSON data (what parsing `body` gives) when
   * the snapshot's objects are: a backend may keep it as its parsed copy instead of parsing.
   */
  after: StoredResource | null;
  /**
   * The length of `after`'s JSON text (UTF-16 units, as `JSON.stringify(after).length`), found
   * when its size was checked without making the text; 0 when `after` is null.
   */
  length: number;
  event: WatchEvent;
}

export interface WritePlan {
  results: WriteResult[];
  changes: PlannedChange[];
  /** The version of the last change, or the starting version when nothing changed. */
  lastResourceVersion: number;
}

export interface PlanContext {
  snapshot: StoreSnapshot;
  /** The newest committed version; changes get the following numbers. */
  currentResourceVersion: number;
  now: Date;
  newUid: () => string;
}

/**
 * Computes the effect of a batch of write operations, shared by every Store implementation
 * so they agree on versions, generations, outcomes and errors. Pure apart from the injected
 * clock and uid generator; throws a GantryError to abort the whole batch.
 */
export function planWrites(ops: WriteOp[], context: PlanContext): WritePlan {
  const overlay = new Map<string, StoredResource | null>();
  const changes: PlannedChange[] = [];
  let rv = context.currentResourceVersion;
  const timestamp = formatTimestamp(context.now);

  const current = (key: ObjectKey): StoredResource | undefined => {
    const id = keyId(key);
    if (overlay.has(id)) return overlay.get(id) ?? undefined;
    return context.snapshot.get(key);
  };

  const record = (
    key: ObjectKey,
    after: StoredResource | null,
    type: WatchEvent['type'],
    eventObject: StoredResource,
    before?: StoredResource,
  ) => {
    const length = after ? checkStoredSize(key, after, before) : 0;
    overlay.set(keyId(key), after);
    changes.push({
      key,
      after,
      length,
      event: { type, object: eventObject, resourceVersion: String(rv) },
    });
  };

  const remove = (existing: StoredResource): StoredResource => {
    rv += 1;
    const gone = withMeta(existing, { resourceVersion: String(rv) });
    record(keyOfStored(existing), null, 'DELETED', gone);
    return existing;
  };

  const results: WriteResult[] = [];
  const apply = (op: WriteOp): WriteResult => {
    switch (op.op) {
      case 'create':
      case 'update':
      case 'apply': {
        if (op.op === 'create' && op.when) {
          const earlier = op.when.op < results.length ? results[op.when.op] : undefined;
          if (!earlier)
            throw new Error(`a write op depends on op ${op.when.op}, which is not before it`);
          if (earlier.outcome !== op.when.outcome) return { outcome: 'unchanged' };
        }
        const key = keyOfResource(op.object);
        const before = current(key);
        if (op.op === 'create' && before)
          throw alreadyExistsError(`${describeKey(key)} already exists`);
        if (op.op === 'update' && !before) throw notFoundError(`${describeKey(key)} not found`);
        checkPrecondition(key, before, op.object.metadata.resourceVersion);
        op.check?.(before, op.object);
        if (!before) {
          rv += 1;
          const created = buildCreated(op.object, key, String(rv), timestamp, context.newUid());
          record(key, created, 'ADDED', created);
          return { outcome: 'created', object: created };
        }
        const next = buildUpdated(before, op.object, String(rv + 1));
        if (!next) return { outcome: 'unchanged', object: before };
        rv += 1;
        record(key, next, 'MODIFIED', next, before);
        return { outcome: 'configured', object: next };
      }
      case 'updateStatus': {
        const before = requireExisting(current(op.key), op.key);
        checkPrecondition(op.key, before, op.resourceVersion);
        // Every writer's messages are bounded here, where all status writes pass (TEXT_LIMITS),
        // in the one walk that copies the status and finds whether it changed.
        const status = plainCopy(op.status, before.status, true);
        if (status === before.status) return { outcome: 'unchanged', object: before };
        rv += 1;
        const next: StoredResource = { ...withMeta(before, { resourceVersion: String(rv) }) };
        if (status === undefined) delete next.status;
        else next.status = status;
        record(op.key, next, 'MODIFIED', next, before);
        return { outcome: 'configured', object: next };
      }
      case 'patchMetadata': {
        const before = requireExisting(current(op.key), op.key);
        checkPrecondition(op.key, before, op.resourceVersion);
        const labels = mergeMap(before.metadata.labels, op.labels);
        const annotations = mergeMap(before.metadata.annotations, op.annotations);
        if (
          deepEqualJson(labels ?? {}, before.metadata.labels ?? {}) &&
          deepEqualJson(annotations ?? {}, before.metadata.annotations ?? {})
        ) {
          return { outcome: 'unchanged', object: before };
        }
        rv += 1;
        const next = withMeta(before, { resourceVersion: String(rv), labels, annotations });
        record(op.key, next, 'MODIFIED', next, before);
        return { outcome: 'configured', object: next };
      }
      case 'delete': {
        const before = requireExisting(current(op.key), op.key);
        checkPrecondition(op.key, before, op.resourceVersion);
        return { outcome: 'deleted', object: remove(before) };
      }
      case 'deleteNamespace': {
        const inNamespace = new Map<string, StoredResource>();
        for (const object of context.snapshot.listNamespace(op.namespace)) {
          inNamespace.set(keyId(keyOfStored(object)), object);
        }
        for (const [id, object] of overlay) {
          if (object && object.metadata.namespace === op.namespace) inNamespace.set(id, object);
          else if (!object) inNamespace.delete(id);
        }
        const deleted = [...inNamespace.values()].map(remove);
        return { outcome: 'deleted', deleted };
      }
      case 'assertExists': {
        if (!current(op.key)) throw notFoundError(op.message);
        return { outcome: 'checked' };
      }
      case 'assertLabelUnique': {
        const holders = new Map<string, StoredResource>();
        for (const object of context.snapshot.findByLabel(
          op.kind,
          op.namespace,
          op.label,
          op.value,
        )) {
          holders.set(object.metadata.name, object);
        }
        for (const [id, object] of overlay) {
          const [kind, namespace, name] = id.split('\u0000') as [string, string, string];
          if (kind !== op.kind || namespace !== op.namespace) continue;
          if (object && object.metadata.labels?.[op.label] === op.value) holders.set(name, object);
          else holders.delete(name);
        }
        holders.delete(op.exceptName);
        if (holders.size > 0) throw conflictError(op.message);
        return { outcome: 'checked' };
      }
    }
  };

  for (const op of ops) {
    try {
      results.push(apply(op));
    } catch (err) {
      throw attributed(err, op);
    }
  }
  return { results, changes, lastResourceVersion: rv };
}

/**
 * Kubernetes' bounds on one object, held for every write that passes here (users' and
 * controllers' alike): the whole object as stored (etcd's request limit) and its annotations.
 */
function checkStoredSize(
  key: ObjectKey,
  object: StoredResource,
  before: StoredResource | undefined,
): number {
  const maxObject = INPUT_LIMITS.maxObjectBytes;
  const length = storedLength(object, before);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most objects need no byte count.
  const bytes = length * 3 > maxObject ? Buffer.byteLength(JSON.stringify(object)) : length;
  if (bytes > maxObject) {
    throw tooLargeError(
      `${describeKey(key)} would be ${bytes} bytes stored; one object may be at most ${maxObject} bytes (${describeBytes(maxObject)}, as in Kubernetes): keep large data in git or an artifact, not in the object`,
    );
  }
  const maxAnnotations = INPUT_LIMITS.maxAnnotationsBytes;
  const annotations = annotationsBytes(object.metadata.annotations);
  if (annotations > maxAnnotations) {
    throw tooLargeError(
      `the annotations of ${describeKey(key)} would be ${annotations} bytes (keys and values together); at most ${maxAnnotations} bytes (${describeBytes(maxAnnotations)}, as in Kubernetes)`,
    );
  }
  return length;
}

/** The error, carrying the document and field of the operation that raised it. */
function attributed(err: unknown, op: WriteOp): unknown {
  if (!op.source || !isGantryError(err) || err.issues.length > 0) return err;
  return new GantryError(err.code, err.message, {
    cause: err.cause,
    issues: [{ document: op.source.document, path: op.source.path ?? '', message: err.message }],
  });
}

export function keyId(key: ObjectKey): string {
  return `${key.kind}\u0000${key.namespace}\u0000${key.name}`;
}

export function keyOfStored(object: StoredResource): ObjectKey {
  return {
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}

function keyOfResource(object: Resource): ObjectKey {
  return {
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}

function requireExisting(object: StoredResource | undefined, key: ObjectKey): StoredResource {
  if (!object) throw notFoundError(`${describeKey(key)} not found`);
  return object;
}

function checkPrecondition(
  key: ObjectKey,
  before: StoredResource | undefined,
  expected: string | undefined,
): void {
  if (expected === undefined || expected === '') return;
  if (!before) {
    throw conflictError(
      `${describeKey(key)} does not exist, but the write expected resourceVersion ${expected}`,
    );
  }
  if (before.metadata.resourceVersion !== expected) {
    throw conflictError(
      `${describeKey(key)} was modified (resourceVersion ${before.metadata.resourceVersion}, the write expected ${expected}): read it again and retry`,
    );
  }
}

function buildCreated(
  input: Resource,
  key: ObjectKey,
  resourceVersion: string,
  timestamp: string,
  uid: string,
): StoredResource {
  const metadata: StoredResource['metadata'] = {
    name: key.name,
    ...(key.namespace === '' ? {} : { namespace: key.namespace }),
    uid,
    resourceVersion,
    generation: 1,
    creationTimestamp: timestamp,
    ...(isNonEmpty(input.metadata.labels) ? { labels: plainMap(input.metadata.labels) } : {}),
    ...(isNonEmpty(input.metadata.annotations)
      ? { annotations: plainMap(input.metadata.annotations) }
      : {}),
    ...(hasManagedFields(input.metadata.managedFields)
      ? { managedFields: plainCopy(input.metadata.managedFields, undefined) }
      : {}),
  };
  return {
    apiVersion: input.apiVersion,
    kind: input.kind,
    metadata,
    ...(plainCopy(contentOf(input), undefined) as Record<string, unknown>),
  };
}

/** The updated object, or undefined when the input changes nothing the store keeps. */
function buildUpdated(
  before: StoredResource,
  input: Resource,
  resourceVersion: string,
): StoredResource | undefined {
  const oldContent = contentOf(before);
  // The new content as stored, sharing what did not change with the old.
  const newContent = plainCopy(contentOf(input), oldContent) as Record<string, unknown>;
  const contentChanged = newContent !== oldContent;
  const labels = input.metadata.labels ?? {};
  const annotations = input.metadata.annotations ?? {};
  // Field ownership (the Kubernetes API's metadata.managedFields) is replaced only by a write
  // that carries it; other writes keep it.
  const managedFields =
    'managedFields' in input.metadata
      ? input.metadata.managedFields
      : before.metadata.managedFields;
  const metaChanged =
    !deepEqualJson(labels, before.metadata.labels ?? {}) ||
    !deepEqualJson(annotations, before.metadata.annotations ?? {}) ||
    !deepEqualJson(managedFields ?? [], before.metadata.managedFields ?? []) ||
    input.apiVersion !== before.apiVersion;
  if (!contentChanged && !metaChanged) return undefined;
  const metadata: StoredResource['metadata'] = {
    ...before.metadata,
    resourceVersion,
    generation: before.metadata.generation + (contentChanged ? 1 : 0),
  };
  setOrDelete(metadata, 'labels', isNonEmpty(labels) ? plainMap(labels) : undefined);
  setOrDelete(metadata, 'annotations', isNonEmpty(annotations) ? plainMap(annotations) : undefined);
  setOrDelete(
    metadata,
    'managedFields',
    hasManagedFields(managedFields) ? plainCopy(managedFields, undefined) : undefined,
  );
  const next: StoredResource = {
    apiVersion: input.apiVersion,
    kind: before.kind,
    metadata,
    ...newContent,
  };
  if (before.status !== undefined) next.status = before.status;
  return next;
}

function hasManagedFields(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function withMeta(
  object: StoredResource,
  changes: Partial<StoredResource['metadata']>,
): StoredResource {
  const metadata = { ...object.metadata };
  for (const [field, value] of Object.entries(changes)) setOrDelete(metadata, field, value);
  return { ...object, metadata: metadata };
}

function mergeMap(
  base: Record<string, string> | undefined,
  patch: Record<string, string | null> | undefined,
): Record<string, string> | undefined {
  if (!patch) return base;
  const merged: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return isNonEmpty(merged) ? merged : undefined;
}

function setOrDelete(target: Record<string, unknown>, field: string, value: unknown): void {
  if (value === undefined) delete target[field];
  else target[field] = value;
}

function plainMap(map: Record<string, string>): Record<string, string> {
  return plainCopy(map, undefined) as Record<string, string>;
}

function isNonEmpty(map: Record<string, unknown> | undefined): map is Record<string, unknown> {
  return map !== undefined && Object.keys(map).length > 0;
}
