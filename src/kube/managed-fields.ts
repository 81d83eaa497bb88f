import { inputError } from '../errors.js';
import { FieldSet } from './field-set.js';

/**
 * `metadata.managedFields` (meta/v1 ManagedFieldsEntry) read into field sets per manager and
 * written back, as k8s.io/apimachinery/pkg/util/managedfields/internal/managedfields.go does:
 * one entry per manager identity, which is (manager, operation, subresource) for appliers and
 * (manager, operation, apiVersion, subresource) for updaters; entries sorted by operation,
 * time, manager, apiVersion and subresource.
 */
export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  /** RFC 3339, seconds; absent when the manager never changed the object. */
  time?: string | undefined;
  subresource?: string | undefined;
  fields: FieldSet;
}

/** Managed fields by manager identity (managedIdentity). */
export type Managers = Map<string, ManagedEntry>;

/** BuildManagerIdentifier: the JSON of the entry without fields and time (and apiVersion for Apply). */
export function managedIdentity(
  entry: Pick<ManagedEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  return JSON.stringify({
    manager: entry.manager,
    operation: entry.operation,
    ...(entry.operation === 'Update' && entry.apiVersion ? { apiVersion: entry.apiVersion } : {}),
    ...(entry.subresource ? { subresource: entry.subresource } : {}),
  });
}

/** How conflicts name a manager (conflict.go printManager): `"kubectl-edit" using v1`. */
export function describeManager(entry: ManagedEntry): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') text += ` using ${entry.apiVersion}`;
  return text;
}

/** Decodes `metadata.managedFields`; a Status 400 naming the entry when one is not valid. */
export function decodeManagedFields(value: unknown): Managers {
  const managers: Managers = new Map();
  if (value === undefined || value === null) return managers;
  if (!Array.isArray(value)) throw inputError('metadata.managedFields must be a list');
  value.forEach((raw: unknown, i) => {
    const where = `metadata.managedFields[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw inputError(`${where} must be an object`);
    const entry = raw as Record<string, unknown>;
    const operation = entry['operation'];
    if (operation !== 'Apply' && operation !== 'Update')
      throw inputError(`${where}.operation must be \`Apply\` or \`Update\``);
    const apiVersion = entry['apiVersion'];
    if (typeof apiVersion !== 'string' || apiVersion === '')
      throw inputError(`${where}.apiVersion must not be empty`);
    if (entry['fieldsType'] !== 'FieldsV1')
      throw inputError(
        entry['fieldsType'] === undefined
          ? `missing fieldsType in managed fields entry ${i}`
          : `invalid fieldsType ${JSON.stringify(entry['fieldsType'])} in managed fields entry ${i}`,
      );
    const decoded: ManagedEntry = {
      manager: stringOr(entry['manager'], ''),
      operation,
      apiVersion,
      time: typeof entry['time'] === 'string' ? entry['time'] : undefined,
      subresource: typeof entry['subresource'] === 'string' ? entry['subresource'] : undefined,
      fields: FieldSet.fromFieldsV1(entry['fieldsV1'] ?? {}),
    };
    managers.set(managedIdentity(decoded), decoded);
  });
  return managers;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The `metadata.managedFields` list of these managers, in kube-apiserver's order. */
export function encodeManagedFields(managers: Managers): Array<Record<string, unknown>> {
  const entries = [...managers.values()].filter((entry) => !entry.fields.empty());
  entries.sort(
    (p, q) =>
      compare(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compare(p.manager, q.manager) ||
      compare(p.apiVersion, q.apiVersion) ||
      compare(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries.map((entry) => ({
    manager: entry.manager,
    operation: entry.operation,
    apiVersion: entry.apiVersion,
    ...(entry.time ? { time: entry.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: entry.fields.toFieldsV1(),
    ...(entry.subresource ? { subresource: entry.subresource } : {}),
  }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function seconds(time: string | undefined): number {
  if (!time) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** metav1.Time's form: RFC 3339 in UTC, whole seconds. */
export function managedTime(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** kube-apiserver keeps at most this many Update entries (fieldmanager.go DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;

/**
 * capmanagers.go: when there are more Update entries than the cap, the oldest are merged into
 * one `ancient-changes` entry per apiVersion.
 */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers.entries()]
    .filter(([, entry]) => entry.operation === 'Update')
    .sort(([idA, a], [idB, b]) => seconds(a.time) - seconds(b.time) || compare(idA, idB));
  let length = updaters.length;
  const firstOfVersion = new Map<string, string>();
  for (const [id, entry] of updaters) {
    if (length <= max) break;
    const bucket: ManagedEntry = {
      manager: 'ancient-changes',
      operation: 'Update',
      apiVersion: entry.apiVersion,
      fields: new FieldSet(),
    };
    const bucketId = managedIdentity(bucket);
    const first = firstOfVersion.get(entry.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(entry.apiVersion, id);
      continue;
    }
    const existing = managers.get(bucketId);
    const base = existing ?? managers.get(first)!;
    if (!existing) managers.delete(first);
    managers.set(bucketId, {
      ...bucket,
      fields: entry.fields.union(base.fields),
      time: entry.time,
    });
    managers.delete(id);
    length--;
  }
}
