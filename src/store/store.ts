import type { LabelSelector } from '../api/label-selector.js';
import type { ObjectKey, Resource, StoredResource } from '../api/resource.js';

/**
 * The Store port: durable, versioned storage of Gantry objects with a change feed.
 *
 * Contract (checked by `store.contract.ts`, which every implementation runs):
 * - Every write gets a new, strictly increasing `resourceVersion` (decimal string) shared by
 *   all kinds; a write that changes nothing produces no version and no event.
 * - `write` is atomic: all operations of one call commit together or none do, and later
 *   operations see the effects of earlier ones.
 * - A write carrying a `resourceVersion` that is not the stored one fails with Conflict.
 * - Content (everything but metadata and status) and status are written separately; a
 *   content change bumps `generation`, a status or label/annotation change does not.
 * - `watch` delivers every change after the given version exactly once, in version order,
 *   across restarts of the store, as long as the history has not been compacted away
 *   (then it fails with Expired and the client lists again).
 */
export interface Store {
  get(key: ObjectKey): Promise<StoredResource | undefined>;
  list(kind: string, options?: ListOptions): Promise<ListResult>;
  /**
   * `list`, with each item as its stored JSON text: lets the API answer large lists without
   * parsing and re-serialising every object.
   */
  listJson(kind: string, options?: ListOptions): Promise<ListJsonResult>;
  write(ops: WriteOp[], options?: WriteOptions): Promise<WriteResult[]>;
  watch(options: WatchOptions): AsyncIterable<WatchEvent>;
  /** The newest resourceVersion committed. */
  currentResourceVersion(): Promise<string>;
  /**
   * Takes the lease `name` for `holder` for `ttlMs` when it is free, released or run out (or
   * already `holder`'s: a restarted replica takes its leases back at once); undefined while
   * another holder's lease has not run out. Every take hands out a new epoch, larger than any
   * before it, for any lease: the fencing token that `WriteOptions.fence` carries. Replicas
   * sharing a store divide work with leases (one replica runs a Stage's Promotions). Expiry is
   * judged by the store's clock, so replicas' clocks may differ.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /**
   * Extends the lease for `ttlMs` from now if it is still this one (same holder, same epoch),
   * even if it ran out meanwhile and nobody took it; false once another take happened, even if
   * that holder gave it up since: renewal never silently re-takes a lease.
   */
  renewLease(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if it is still this one, so another replica need not wait for it to run out. */
  releaseLease(lease: Lease): Promise<void>;
  close(): Promise<void>;
}

/** A lease as taken: `epoch` identifies this take of it (a fencing token). */
export interface Lease {
  name: string;
  holder: string;
  epoch: number;
  /**
   * The epoch of the take before this one (whoever held it), absent when the lease was never
   * taken: a holder that remembers its own last take knows from it whether anybody else held
   * the lease in between (and so may have written under it).
   */
  previousEpoch?: number | undefined;
}

export interface ListOptions {
  /** Only this project's objects; omit for all (and for cluster-scoped kinds). */
  namespace?: string | undefined;
  labelSelector?: LabelSelector | undefined;
  /** Page size; omit for everything. */
  limit?: number | undefined;
  /** The `continue` token of the previous page. */
  continue?: string | undefined;
}

export interface ListJsonResult {
  items: string[];
  resourceVersion: string;
  continue?: string | undefined;
}

export interface ListResult {
  items: StoredResource[];
  /** The store's version when the page was read: watch from here to follow the list. */
  resourceVersion: string;
  /** Present when more items follow. */
  continue?: string | undefined;
}

export interface WriteOptions {
  /** Plan and check everything, then roll back: nothing is stored and no event is sent. */
  dryRun?: boolean | undefined;
  /**
   * Write on behalf of this lease: the write commits only while the lease is still this take
   * (same holder and epoch), checked inside the write's transaction, so a replica that lost
   * its lease (paused past it, cut off) can never overwrite what the new holder did. Otherwise
   * it fails with LeaseLost and changes nothing.
   */
  fence?: Lease | undefined;
  /**
   * With `fence`: gives that lease back in the write's own transaction once the write has
   * succeeded (as `releaseLease` does), where releasing it afterwards took a transaction of its
   * own (a Promotion's last write: issue 17). Nothing is released when the write fails, nor by
   * a dry run.
   */
  releaseFence?: boolean | undefined;
  /**
   * Commit without waiting for the disk (SQLite; PostgreSQL commits as it is configured to).
   * The write survives the process being killed at any moment, as every commit does; only a
   * power loss (or the machine's crash) before the store's next flush can undo it, and with it
   * every write after it: the store flushes within 50 ms, and every write made without this
   * flag flushes all those before it. For writes their maker makes again when they are undone
   * (a controller's: it derives them from what the store holds), never for one a client is
   * answered about (docs/architecture.md, Durability).
   */
  deferFlush?: boolean | undefined;
}

/**
 * Where an operation came from, so an error it raises can name the input document and field
 * (`document 2 (Warehouse "api"): metadata.namespace: …`).
 */
export interface OpSource {
  document: number;
  path?: string | undefined;
}

/**
 * Makes an op depend on an earlier one of the same batch (`op` is its index in the batch): a
 * record of a change written in the change's own transaction (the audit trail), when only the
 * write can tell whether anything changed.
 */
export interface WriteCondition {
  op: number;
  outcome: WriteOutcome;
}

/** A check run inside the write's transaction with the object before and after the change. */
export type WriteCheck = (before: StoredResource | undefined, after: Resource) => void;

export type WriteOp = WriteOpBody & { source?: OpSource | undefined };

type WriteOpBody =
  /**
   * Create; fails with AlreadyExists if the object exists. With `when`, only if an earlier op
   * of the batch had the given outcome; otherwise it answers `unchanged` and writes nothing.
   */
  | { op: 'create'; object: Resource; check?: WriteCheck; when?: WriteCondition | undefined }
  /**
   * Replace content, labels and annotations of an existing object (status is kept);
   * fails with NotFound if it does not exist.
   */
  | { op: 'update'; object: Resource; check?: WriteCheck }
  /** Create, or update as above. The result says created, configured or unchanged. */
  | { op: 'apply'; object: Resource; check?: WriteCheck }
  | { op: 'updateStatus'; key: ObjectKey; status: unknown; resourceVersion?: string | undefined }
  /** Merge into labels and annotations; a null value removes the key. */
  | {
      op: 'patchMetadata';
      key: ObjectKey;
      labels?: Record<string, string | null> | undefined;
      annotations?: Record<string, string | null> | undefined;
      resourceVersion?: string | undefined;
    }
  | { op: 'delete'; key: ObjectKey; resourceVersion?: string | undefined }
  /** Delete every object in a namespace (a project's contents), of every kind. */
  | { op: 'deleteNamespace'; namespace: string }
  /** Fails with NotFound (using `message`) unless the object exists at this point of the batch. */
  | { op: 'assertExists'; key: ObjectKey; message: string }
  /**
   * Fails with Conflict (using `message`) if another object of the kind in the namespace
   * carries `label=value` at this point of the batch. Keeps aliases unique.
   */
  | {
      op: 'assertLabelUnique';
      kind: string;
      namespace: string;
      label: string;
      value: string;
      exceptName: string;
      message: string;
    };

export type WriteOutcome = 'created' | 'configured' | 'unchanged' | 'deleted' | 'checked';

export interface WriteResult {
  outcome: WriteOutcome;
  /** The object after the write (before it, for deletions); absent for assertions. */
  object?: StoredResource | undefined;
  /** Set for deleteNamespace: every object removed. */
  deleted?: StoredResource[] | undefined;
}

export interface WatchOptions {
  /** Kinds to follow; omit for all. */
  kinds?: string[] | undefined;
  namespace?: string | undefined;
  /** Deliver events strictly after this version. Omit to start from now. */
  fromResourceVersion?: string | undefined;
  signal: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  /** The object after the change; for DELETED, the last state with the deletion's version. */
  object: StoredResource;
  resourceVersion: string;
}
