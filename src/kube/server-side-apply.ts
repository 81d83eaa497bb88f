import { inputError } from '../errors.js';
import type { KubeResource } from './kube-resources.js';

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`): field managers, their
 * `metadata.managedFields` (FieldsV1) and conflicts, as kube-apiserver does it.
 *
 * INTERFACE ONLY, for issue 18's helpers working in parallel: the writes route calls these;
 * the server-side apply work replaces the bodies. Not served until then.
 */
export interface ApplyOptions {
  resource: KubeResource;
  /** The request's `fieldManager` (required for apply). */
  manager: string;
  /** `force=true`: take fields other managers own instead of failing with a conflict. */
  force: boolean;
  now: Date;
}

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
  void live;
  void applied;
  void options;
  throw inputError('server-side apply is not served yet');
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
): Array<Record<string, unknown>> {
  void after;
  void manager;
  void now;
  void subresource;
  const metadata = before?.['metadata'] as { managedFields?: Array<Record<string, unknown>> };
  return metadata?.managedFields ?? [];
}
