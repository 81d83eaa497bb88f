import type { ObjectKey, StoredResource } from '../api/resource.js';
import { isGantryError } from '../errors.js';
import type {
  Lease,
  ListJsonResult,
  ListOptions,
  ListResult,
  Store,
  WatchEvent,
  WatchOptions,
  WriteOp,
  WriteOptions,
  WriteResult,
} from '../store/store.js';
import { leaseKind, type Metrics } from './metrics.js';

/** What a lease this replica holds looks like to the decorator. */
interface Held {
  kind: string;
  /** By this process's clock: after this, the lease may have run out unrenewed. */
  expiresAt: number;
}

/**
 * The Store port, measured: every call's duration by operation and outcome, unavailable
 * errors, open watches, and the leases this replica holds, loses and takes over. Delegates
 * every call unchanged (it adds no behaviour), so it wraps any Store, outermost in main.ts.
 *
 * Leases are judged from this replica's calls: one is held from a granted acquire until it is
 * released, refused, or its time runs out unrenewed; a refused acquire of one held is a lost
 * lease; a granted acquire of one that was refused the last time this replica asked is a
 * takeover (its holder stopped renewing it, or gave it up).
 */
export class MeteredStore implements Store {
  readonly #inner: Store;
  readonly #metrics: Metrics;
  readonly #now: () => number;
  readonly #held = new Map<string, Held>();
  /** Leases this replica last found held by another replica. */
  readonly #refused = new Set<string>();

  constructor(inner: Store, metrics: Metrics, options: { now?: () => number } = {}) {
    this.#inner = inner;
    this.#metrics = metrics;
    this.#now = options.now ?? Date.now;
  }

  /** The leases this replica holds now, by kind (for the `gantry_leases_held` gauge). */
  heldLeases(): ReadonlyMap<string, number> {
    const now = this.#now();
    const counts = new Map<string, number>();
    for (const [name, held] of this.#held) {
      if (held.expiresAt <= now) this.#held.delete(name);
      else counts.set(held.kind, (counts.get(held.kind) ?? 0) + 1);
    }
    return counts;
  }

  get(key: ObjectKey): Promise<StoredResource | undefined> {
    return this.#measure('get', () => this.#inner.get(key));
  }

  list(kind: string, options?: ListOptions): Promise<ListResult> {
    return this.#measure('list', () => this.#inner.list(kind, options));
  }

  listJson(kind: string, options?: ListOptions): Promise<ListJsonResult> {
    return this.#measure('listJson', () => this.#inner.listJson(kind, options));
  }

  write(ops: WriteOp[], options?: WriteOptions): Promise<WriteResult[]> {
    const written = this.#measure('write', () => this.#inner.write(ops, options));
    const released = options?.releaseFence && !options.dryRun ? options.fence : undefined;
    if (!released) return written;
    return written.then((results) => {
      this.#held.delete(released.name);
      return results;
    });
  }

  async *watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    this.#metrics.watchOpened();
    try {
      yield* this.#inner.watch(options);
    } finally {
      this.#metrics.watchClosed();
    }
  }

  currentResourceVersion(): Promise<string> {
    return this.#measure('currentResourceVersion', () => this.#inner.currentResourceVersion());
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const lease = await this.#measure('acquireLease', () =>
      this.#inner.acquireLease(name, holder, ttlMs),
    );
    this.#leaseAnswered(name, lease !== undefined, ttlMs);
    return lease;
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    const renewed = await this.#measure('renewLease', () => this.#inner.renewLease(lease, ttlMs));
    this.#leaseAnswered(lease.name, renewed, ttlMs);
    return renewed;
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.#measure('releaseLease', () => this.#inner.releaseLease(lease));
    this.#held.delete(lease.name);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** Books what the store answered to this replica's acquire (or renewal) of a lease. */
  #leaseAnswered(name: string, granted: boolean, ttlMs: number): void {
    const kind = leaseKind(name);
    if (granted) {
      if (this.#refused.delete(name)) this.#metrics.leaseTakenOver(kind);
      this.#held.set(name, { kind, expiresAt: this.#now() + ttlMs });
      return;
    }
    if (this.#held.delete(name)) this.#metrics.leaseLost(kind);
    this.#refused.add(name);
  }

  /**
   * Times `call` (its whole wait, so the figure includes any queueing behind other work). No
   * async frame of its own: one callback pair on the inner promise is all a call costs extra.
   */
  #measure<T>(op: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (err) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrown as thrown
      pending = Promise.reject(err);
    }
    return pending.then(
      (result) => {
        this.#metrics.storeOperation(op, 'ok', (performance.now() - started) / 1000);
        return result;
      },
      (err: unknown) => {
        this.#metrics.storeOperation(op, outcomeOf(err), (performance.now() - started) / 1000);
        throw err;
      },
    );
  }
}

/** `ok`'s counterpart: the error's code in snake case (`not_found`), or `error`. */
function outcomeOf(err: unknown): string {
  if (!isGantryError(err)) return 'error';
  return err.code.replace(/[a-z](?=[A-Z])/g, '$&_').toLowerCase();
}
