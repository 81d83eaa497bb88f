import { deepEqualJson } from '../api/canonical-json.js';
import { kindInfo } from '../api/kinds.js';
import { GantryError, inputError, isGantryError, type FieldIssue } from '../errors.js';
import { applySchemaOf, type FieldType } from './apply-schema.js';
import { FieldSet, fieldElement, pathString } from './field-set.js';
import type { KubeResource } from './kube-resources.js';
import {
  capUpdateManagers,
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  managedIdentity,
  managedTime,
  type ManagedEntry,
  type Managers,
} from './managed-fields.js';
import {
  compareValues,
  isObject,
  mergeValues,
  removeItems,
  toFieldSet,
  withNamedFields,
  withoutNulls,
  withoutPrefixes,
  type Comparison,
} from './structured-merge.js';

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`): field managers, their
 * `metadata.managedFields` (FieldsV1) and conflicts, as kube-apiserver does it
 * (k8s.io/apimachinery/pkg/util/managedfields/internal and
 * sigs.k8s.io/structured-merge-diff/merge/update.go), with the merge rules of apply-schema.ts.
 * docs/kubernetes-api.md "Server-side apply" says what users see.
 */
export interface ApplyOptions {
  resource: KubeResource;
  /** The request's `fieldManager` (required for apply). */
  manager: string;
  /** `force=true`: take fields other managers own instead of failing with a conflict. */
  force: boolean;
  now: Date;
  /** `status` when applying to the status subresource: only `.status` is applied and owned. */
  subresource?: string;
  /** The merge schema; the resource kind's (apply-schema.ts) when absent. */
  schema?: FieldType;
}

/** Metadata the server sets: never taken from an applied configuration, never owned. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
];

/** stripmeta.go: paths no manager owns. */
const STRIPPED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName']
    .concat(['generation', 'managedFields', 'resourceVersion'])
    .map((name) => [fieldElement('metadata'), fieldElement(name)]),
);

const STATUS = FieldSet.of([fieldElement('status')]);
const BEFORE_FIRST_APPLY = 'before-first-apply';
const CURRENT_OPERATION = 'current-operation';
/** kube-apiserver's limit on `fieldManager` (ValidateFieldManager). */
const MAX_MANAGER_LENGTH = 128;

/**
 * The object after `manager` applies `applied` (the request's configuration) to `live`
 * (undefined: the apply creates it), with `metadata.managedFields` updated. Throws a
 * Conflict naming the fields and their managers when `applied` would change fields another
 * manager owns and `force` is off.
 */
export function serverSideApply(
  live: Record<string, unknown> | undefined,
  applied: Record<string, unknown>,
  options: ApplyOptions,
): Record<string, unknown> {
  const { resource, force, now, subresource } = options;
  const manager = checkManager(options.manager);
  const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  checkApplied(applied, apiVersion, resource.kind);
  const schema = options.schema ?? applySchemaOf(resource.kind);
  const ignored = ignoredFields(resource.status, subresource);
  const liveObject = withoutManaged(live ?? { apiVersion, kind: resource.kind });
  const config = configOf(applied, resource.status, subresource);

  const managers = decodeManagedFields(metadataOf(live)['managedFields']);
  // skipnonapplied.go: an object no one manages yet is first owned, as it is, by an updater.
  if (live && managers.size === 0)
    recordUpdate(
      { apiVersion, kind: resource.kind },
      liveObject,
      managers,
      { manager: BEFORE_FIRST_APPLY, apiVersion, subresource },
      { schema, ignored, now },
    );

  const applier: ManagedEntry = {
    manager,
    operation: 'Apply',
    apiVersion,
    subresource,
    fields: new FieldSet(),
  };
  const id = managedIdentity(applier);
  const previous = managers.get(id);
  // The configuration's own set first: it also checks list keys and duplicates.
  const fields = ignored(toFieldSet(config, schema, false));
  let merged = mergeValues(liveObject, config, schema);
  managers.set(id, { ...applier, time: previous?.time, fields });
  merged = prune(merged, managers, previous?.fields, schema);
  // Defaulted before it is compared with the live object, which is stored defaulted: applying
  // what is there already, without the defaults, changes nothing and takes nothing.
  const result = withDefaults(resource.kind, withoutNulls(merged) as Record<string, unknown>);
  settle(liveObject, result, managers, id, force, ignored, schema);
  const entry = managers.get(id)!;
  entry.fields = entry.fields.difference(STRIPPED);

  // managedfieldsupdater.go: the applier's time moves only when the object changed.
  if (!deepEqualJson(result, liveObject)) entry.time = managedTime(now);
  const managedFields = encodeManagedFields(managers);
  return {
    ...result,
    metadata: {
      ...metadataOf(result),
      ...(managedFields.length > 0 ? { managedFields } : {}),
    },
  };
}

/**
 * `metadata.managedFields` after a write that is not an apply (create, update, patch) by
 * `manager`: the fields the write set or changed become that manager's (operation `Update`),
 * and no longer any other manager's.
 */
export function managedFieldsAfterUpdate(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  manager: string,
  now: Date,
  subresource?: string,
  schema?: FieldType,
): Array<Record<string, unknown>> {
  const kept = metadataOf(before)['managedFields'];
  const keep = Array.isArray(kept) ? (kept as Array<Record<string, unknown>>) : [];
  const apiVersion = typeof after['apiVersion'] === 'string' ? after['apiVersion'] : '';
  const kind = typeof after['kind'] === 'string' ? after['kind'] : '';
  try {
    const managers = managersForUpdate(before, after, subresource);
    const hasStatus = kindInfo(kind)?.statusSchema !== undefined;
    // Compared defaulted, as the live object is stored: a write that leaves out what the
    // server fills in (kubectl's merge patch replacing a list whole) takes nothing.
    recordUpdate(
      withoutManaged(before ?? { apiVersion, kind }),
      withoutManaged(withDefaults(kind, after)),
      managers,
      { manager: manager || 'unknown', apiVersion, subresource },
      {
        schema: schema ?? applySchemaOf(kind),
        ignored: ignoredFields(hasStatus, subresource),
        now,
      },
    );
    capUpdateManagers(managers);
    return encodeManagedFields(managers);
  } catch (err) {
    // fieldmanager.go UpdateNoErrors: a write is never refused over its bookkeeping; the
    // managed fields stay as they were.
    if (isGantryError(err, 'Invalid')) return keep;
    throw err;
  }
}

/**
 * fieldmanager.go decodeLiveOrNew: a write may set managedFields itself (an empty list resets
 * them); when it sends none or ones that do not decode, the live object's are kept. Writes to
 * a subresource always keep the live ones.
 */
function managersForUpdate(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  subresource: string | undefined,
): Managers {
  const live = () => {
    try {
      return decodeManagedFields(metadataOf(before)['managedFields']);
    } catch {
      return new Map() as Managers;
    }
  };
  if (subresource) return live();
  const sent = metadataOf(after)['managedFields'];
  if (Array.isArray(sent)) {
    const reset =
      sent.length === 0 ||
      (sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0);
    if (reset) return new Map();
    try {
      const decoded = decodeManagedFields(sent);
      if (decoded.size > 0) return decoded;
    } catch {
      // Not decodable: fall back to the live object's.
    }
  }
  return live();
}

/**
 * merge/update.go Updater.Update with managedfieldsupdater.go: what changed from `live` to
 * `next` becomes `who`'s (with its time), and no other manager's.
 */
function recordUpdate(
  live: Record<string, unknown>,
  next: Record<string, unknown>,
  managers: Managers,
  who: { manager: string; apiVersion: string; subresource: string | undefined },
  context: { schema: FieldType; ignored: Ignored; now: Date },
): void {
  const self = `\u0000${CURRENT_OPERATION}`;
  const comparison = settle(live, next, managers, self, true, context.ignored, context.schema);
  const taken = context.ignored(comparison.modified.union(comparison.added)).difference(STRIPPED);
  if (taken.empty()) return;
  const entry: ManagedEntry = { ...who, operation: 'Update', fields: taken };
  const id = managedIdentity(entry);
  const previous = managers.get(id);
  managers.set(id, {
    ...entry,
    fields: previous ? taken.union(previous.fields) : taken,
    time: managedTime(context.now),
  });
}

/**
 * merge/update.go Updater.update: the fields `next` changes are taken from every manager but
 * `workflow` — a conflict unless forced — and fields it removes are no one's any more.
 */
function settle(
  live: unknown,
  next: unknown,
  managers: Managers,
  workflow: string,
  force: boolean,
  ignored: Ignored,
  schema: FieldType,
): Comparison {
  const raw = compareValues(live, next, schema);
  const comparison: Comparison = {
    added: ignored(raw.added),
    modified: ignored(raw.modified),
    removed: ignored(raw.removed),
  };
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, entry] of managers) {
    if (id === workflow) continue;
    const taken = entry.fields.intersection(changed);
    if (!taken.empty()) conflicts.set(id, taken);
  }
  if (!force && conflicts.size > 0) throw conflictError(managers, conflicts);
  for (const [id, entry] of [...managers]) {
    if (id === workflow) continue;
    const fields = entry.fields
      .difference(conflicts.get(id) ?? new FieldSet())
      .difference(comparison.removed);
    if (fields.empty()) managers.delete(id);
    else entry.fields = fields;
  }
  return comparison;
}

/**
 * merge/update.go Updater.prune: a field the applier applied last time and omits now is
 * removed, unless another manager (or the applier's new configuration) owns it.
 */
function prune(
  merged: unknown,
  managers: Managers,
  last: FieldSet | undefined,
  schema: FieldType,
): unknown {
  if (!last || last.empty()) return merged;
  const lastSet = withNamedFields(last, schema);
  let pruned = removeItems(merged, lastSet, schema);
  // addBackOwnedItems: what any manager owns stays.
  let managed = new FieldSet();
  for (const entry of managers.values()) managed = managed.union(entry.fields);
  const mergedSet = withNamedFields(toFieldSet(merged, schema), schema);
  const prunedSet = withNamedFields(toFieldSet(pruned, schema), schema);
  pruned = removeItems(
    merged,
    mergedSet.difference(prunedSet.union(withNamedFields(managed, schema))),
    schema,
  );
  // addBackDanglingItems: only what the applier owned before goes.
  const kept = withNamedFields(toFieldSet(pruned, schema), schema);
  return removeItems(merged, mergedSet.difference(kept).intersection(lastSet), schema);
}

/** conflict.go NewConflictError: kube-apiserver's 409 and its FieldManagerConflict causes. */
function conflictError(managers: Managers, conflicts: Map<string, FieldSet>): GantryError {
  const found: Array<{ manager: string; path: string }> = [];
  for (const id of [...conflicts.keys()].sort()) {
    const entry = managers.get(id)!;
    for (const path of conflicts.get(id)!.paths())
      found.push({ manager: describeManager(entry), path: pathString(path) });
  }
  let message: string;
  if (found.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${found[0]!.manager}: ${found[0]!.path}`;
  } else {
    const lines: string[] = [];
    for (const manager of [...new Set(found.map((c) => c.manager))].sort()) {
      lines.push(`conflicts with ${manager}:`);
      for (const c of found) if (c.manager === manager) lines.push(`- ${c.path}`);
    }
    message = `Apply failed with ${found.length} conflicts: ${lines.join('\n')}`;
  }
  const issues: FieldIssue[] = found.map((c) => ({
    path: c.path,
    message: `conflict with ${c.manager}`,
  }));
  return new GantryError('Conflict', message, { issues });
}

/** ValidatePatchOptions and ValidateFieldManager, as kube-apiserver words them. */
function checkManager(manager: string): string {
  if (manager === '') throw inputError('fieldManager: Required value: is required for apply patch');
  if (manager.length > MAX_MANAGER_LENGTH)
    throw inputError(`fieldManager: Too long: may not be more than ${MAX_MANAGER_LENGTH} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(manager))
    throw inputError('fieldManager: Invalid value: must only contain printable characters');
  return manager;
}

/** structuredmerge.go Apply's checks on the applied configuration. */
function checkApplied(applied: Record<string, unknown>, apiVersion: string, kind: string): void {
  if (applied['apiVersion'] !== apiVersion)
    throw inputError(
      `Incorrect version specified in apply patch. Specified patch version: ${text(applied['apiVersion'])}, expected: ${apiVersion}`,
    );
  if (applied['kind'] !== kind)
    throw inputError(
      `the kind of the applied object (${text(applied['kind'])}) does not match the resource (${kind})`,
    );
  if (!isObject(applied['metadata'])) throw inputError('metadata: Required value');
  if (applied['metadata']['managedFields'] !== undefined)
    throw inputError('metadata.managedFields must be nil');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}

/**
 * The part of an applied configuration that is applied: without server-set metadata, and
 * without `.status` on the main resource of a kind with a status subresource (or only
 * apiVersion, kind, metadata and `.status` on that subresource).
 */
function configOf(
  applied: Record<string, unknown>,
  hasStatus: boolean,
  subresource: string | undefined,
): Record<string, unknown> {
  const metadata = { ...metadataOf(applied) };
  for (const field of SERVER_METADATA) delete metadata[field];
  if (subresource === 'status') {
    return {
      apiVersion: applied['apiVersion'],
      kind: applied['kind'],
      metadata: { name: metadata['name'], namespace: metadata['namespace'] },
      ...(applied['status'] !== undefined ? { status: applied['status'] } : {}),
    };
  }
  const config: Record<string, unknown> = { ...applied, metadata };
  if (hasStatus) delete config['status'];
  return config;
}

/** A filter of the fields an apply or update may not take (the strategy's reset fields). */
type Ignored = (set: FieldSet) => FieldSet;

/**
 * The main resource of a kind with a status subresource never takes `.status`; the status
 * subresource takes nothing else (apiextensions-apiserver's strategies reset the rest).
 */
function ignoredFields(hasStatus: boolean, subresource: string | undefined): Ignored {
  if (subresource === 'status') return (set) => onlyUnder(set, fieldElement('status'));
  return hasStatus ? (set) => withoutPrefixes(set, STATUS) : (set) => set;
}

function onlyUnder(set: FieldSet, element: string): FieldSet {
  const out = new FieldSet();
  if (set.isMember(element)) out.insert([element]);
  for (const path of set.withPrefix(element).paths()) out.insert([element, ...path]);
  return out;
}

/**
 * The object with its kind's defaults (Kargo's, which Gantry's schemas carry), as
 * kube-apiserver defaults a custom resource from its CRD; unchanged when it does not validate
 * (ResourceService then says why).
 */
function withDefaults(kind: string, object: Record<string, unknown>): Record<string, unknown> {
  const parsed = kindInfo(kind)?.schema.safeParse(object);
  return parsed?.success ? (parsed.data as Record<string, unknown>) : object;
}

function metadataOf(object: Record<string, unknown> | undefined): Record<string, unknown> {
  const metadata = object?.['metadata'];
  return isObject(metadata) ? metadata : {};
}

function withoutManaged(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...metadataOf(object) };
  delete metadata['managedFields'];
  return { ...object, ...(isObject(object['metadata']) ? { metadata } : {}) };
}
