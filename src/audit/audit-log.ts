import type { ObjectKey } from '../api/resource.js';
import { formatTimestamp } from '../api/timestamp.js';
import { createUlidGenerator } from '../ids/ulid.js';
import type { Store, WriteCondition, WriteOp } from '../store/store.js';

/** The store kind holding audit events; internal, served only by the audit API. */
export const AUDIT_EVENT_KIND = 'AuditEvent';

/** One state change and who made it. Never holds a Secret's values. */
export interface AuditEvent {
  /** ULID: sorts by time. */
  id: string;
  time: string;
  /** `token:ci`, `email:ana@example.com`, `system:auto-promotion`, … */
  actor: string;
  /** `create`, `update`, `delete`, `promote`, `approve`, `freeze`, `rollback`, … */
  action: string;
  kind: string;
  /** The project; empty for cluster-scoped objects. */
  project: string;
  name: string;
  /** A short description (a freeze's reason, the Freight approved). */
  message?: string | undefined;
}

export type AuditEntry = Omit<AuditEvent, 'id' | 'time'>;

/**
 * The audit trail: every state change a user, a token or the server itself makes, kept in
 * the store (so every replica sees one trail) and bounded by garbage collection.
 */
export class AuditLog {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #ulid: () => string;

  constructor(options: { store: Store; now?: () => Date; ulid?: () => string }) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
    this.#ulid = options.ulid ?? createUlidGenerator();
  }

  /**
   * The write that records `entry`, to add to the batch that makes the change (one
   * transaction: no second commit). With `when`, only if that op of the batch had that outcome.
   */
  op(entry: AuditEntry, when?: WriteCondition): WriteOp {
    const id = this.#ulid().toLowerCase();
    const event: AuditEvent = { id, time: formatTimestamp(this.#now()), ...entry };
    return {
      op: 'create',
      object: {
        apiVersion: 'gantry.io/v1',
        kind: AUDIT_EVENT_KIND,
        metadata: {
          name: id,
          namespace: entry.project,
          labels: { 'gantry.io/actor': labelSafe(entry.actor) },
        },
        spec: event,
      },
      ...(when ? { when } : {}),
    };
  }

  async record(entries: AuditEntry[]): Promise<void> {
    if (entries.length > 0) await this.#store.write(entries.map((entry) => this.op(entry)));
  }

  /**
   * Newest first. `project` undefined: every project (the caller filters what it may see).
   * `kind` and `name` narrow to the events of one object (a Freight's approvals, a Stage's
   * verifications); `limit` applies after every filter.
   */
  async list(filter: {
    project?: string | undefined;
    actor?: string | undefined;
    kind?: string | undefined;
    name?: string | undefined;
    limit?: number | undefined;
  }): Promise<AuditEvent[]> {
    const { items } = await this.#store.list(AUDIT_EVENT_KIND, {
      namespace: filter.project,
      labelSelector: filter.actor
        ? [{ key: 'gantry.io/actor', operator: 'In', values: [labelSafe(filter.actor)] }]
        : undefined,
    });
    const events = items
      .map((item) => item.spec as AuditEvent)
      .filter(
        (event) =>
          (filter.actor === undefined || event.actor === filter.actor) &&
          (filter.kind === undefined || event.kind === filter.kind) &&
          (filter.name === undefined || event.name === filter.name),
      )
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return filter.limit === undefined ? events : events.slice(0, filter.limit);
  }

  /** Keeps the newest `keep` events, deleting the rest; answers how many went. */
  async prune(keep: number): Promise<number> {
    const { items } = await this.#store.list(AUDIT_EVENT_KIND, {});
    if (items.length <= keep) return 0;
    const sorted = items.sort((a, b) => (a.metadata.name < b.metadata.name ? 1 : -1));
    const old = sorted.slice(keep);
    for (let i = 0; i < old.length; i += 500)
      await this.#store.write(
        old.slice(i, i + 500).map((item) => ({
          op: 'delete' as const,
          key: {
            kind: AUDIT_EVENT_KIND,
            namespace: item.metadata.namespace ?? '',
            name: item.metadata.name,
          },
        })),
      );
    return old.length;
  }
}

/** An actor as a label value (labels allow a narrower alphabet): for lookups only. */
function labelSafe(actor: string): string {
  return (
    actor
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 63)
      .replace(/[^A-Za-z0-9]+$/, '') || 'x'
  );
}

export function auditKeyOf(key: ObjectKey): Pick<AuditEntry, 'kind' | 'project' | 'name'> {
  return { kind: key.kind, project: key.namespace, name: key.name };
}
