import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ObjectKey, StoredResource } from '../../api/resource.js';
import { leaseLostError } from '../../errors.js';
import { EventFeed, type EventQuery } from '../event-feed.js';
import { cacheKey, PageBuilder, type ListRow } from '../list-pages.js';
import { deepFreeze, ObjectCache } from '../object-cache.js';
import { ListCache } from '../list-cache.js';
import { pendingMigrations } from '../migrations.js';
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
} from '../store.js';
import { planWrites, type StoreSnapshot, type WritePlan } from '../write-planner.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { type SyncFile, WalFlusher } from './wal-flusher.js';
import {
  assembled,
  assembledText,
  recordChange,
  storedForm,
  type Prepare,
} from './freight-records.js';
import { ALIAS_LABEL } from '../../api/labels.js';
import { yieldToEventLoop } from '../../event-loop.js';

/** The subset of better-sqlite3 this store uses, described structurally. */
interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface SqliteTransaction<T, A extends unknown[] = []> {
  (...args: A): T;
  immediate(...args: A): T;
  deferred(...args: A): T;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(sql: string): unknown;
  transaction<T, A extends unknown[] = []>(fn: (...args: A) => T): SqliteTransaction<T, A>;
  close(): void;
}

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. */
  path: string;
  now?: () => Date;
  newUid?: () => string;
  /** How many past events the change history keeps for watchers resuming (default 20,000). */
  historyLimit?: number;
  pollIntervalMs?: number;
  onError?: (err: unknown) => void;
  /** How the WAL is flushed after deferred writes (default fs.fdatasync; tests record it). */
  syncFile?: SyncFile | undefined;
}

/** A row's text and which Freight records are kept apart from it (`freight-records.ts`). */
interface Row {
  body: string;
  apart: number;
}
interface EventRow extends Row {
  rv: number;
  type: WatchEvent['type'];
}
interface StateRow {
  rv: number;
  compacted_rv: number;
}

const COMPACT_EVERY_MS = 60_000;
/** The longest a write committed without a flush waits for one (WriteOptions.deferFlush). */
export const FLUSH_WITHIN_MS = 50;
/** The most versions of history one compaction transaction drops. */
const COMPACT_BATCH = 2_000;
/** Rows a list reads per statement on the reader connection, a turn of the event loop between. */
const READ_CHUNK = 500;
/** The page size of a new database file. */
export const PAGE_BYTES = 16 * 1024;
/** The most objects whose current version the store keeps in memory (`#versions`). */
const MAX_KNOWN_VERSIONS = 100_000;

/**
 * The embedded store: one SQLite file in WAL mode. A client's write commits with
 * `synchronous=FULL`, so it is on disk before it is acknowledged; controllers' writes and lease
 * operations commit without waiting for the disk and are flushed soon after (`#synced`,
 * WriteOptions.deferFlush). A killed process reopens with every commit.
 * better-sqlite3 is synchronous: each write batch runs in one `BEGIN IMMEDIATE` transaction
 * without yielding, which also serialises versions.
 */
export class SqliteStore implements Store {
  readonly #db: SqliteDatabase;
  readonly #feed: EventFeed;
  readonly #now: () => Date;
  readonly #newUid: () => string;
  readonly #historyLimit: number;
  readonly #statements = new Map<string, SqliteStatement>();
  readonly #cache = new ObjectCache();
  readonly #lists = new ListCache();
  /**
   * The store's version as this process last left or saw it: when the database's moved
   * without us (another process wrote to the file), the list cache is dropped.
   */
  #knownRv = -1;
  readonly #compactTimer: NodeJS.Timeout;
  #closed = false;
  /** Flushes the WAL after writes that did not wait for the disk (WriteOptions.deferFlush). */
  readonly #flusher: WalFlusher | undefined;
  /** The file, for the reader connection (none for ':memory:', which one connection owns). */
  readonly #path: string;
  #reader: { db: SqliteDatabase; statements: Map<string, SqliteStatement> } | undefined;
  /** Lists on the reader run one at a time (each holds its read transaction across turns). */
  #readerQueue: Promise<unknown> = Promise.resolve();
  /**
   * Runs its argument in a transaction: wrapped once, as `transaction` builds a new wrapper on
   * every call (a few µs each, for every list and write).
   */
  readonly #transaction: SqliteTransaction<unknown, [() => unknown]>;
  /** A lease take's transaction, wrapped once. */
  readonly #take: SqliteTransaction<Lease | undefined, [string, string, number]>;

  constructor(db: SqliteDatabase, options: SqliteStoreOptions) {
    this.#db = db;
    this.#path = options.path;
    this.#now = options.now ?? (() => new Date());
    this.#newUid = options.newUid ?? randomUUID;
    this.#historyLimit = options.historyLimit ?? 20_000;
    this.#flusher =
      options.path === ':memory:'
        ? undefined
        : new WalFlusher({
            walPath: `${options.path}-wal`,
            withinMs: FLUSH_WITHIN_MS,
            onError: options.onError ?? (() => undefined),
            syncFile: options.syncFile,
          });
    // Between writes that wait for the disk (`#synced`).
    this.#stmt('PRAGMA synchronous = NORMAL').run();
    this.#transaction = db.transaction((body: () => unknown) => body());
    this.#take = db.transaction((name: string, holder: string, ttlMs: number) =>
      this.#takeLease(name, holder, ttlMs),
    );
    this.#feed = new EventFeed({
      history: {
        readEvents: (query) => Promise.resolve(this.#readEvents(query)),
        currentResourceVersion: () => Promise.resolve(this.#state().rv),
        compactedThrough: () => Promise.resolve(this.#state().compacted_rv),
      },
      pollIntervalMs: options.pollIntervalMs,
      onError: options.onError,
    });
    this.#compactInTurns();
    this.#compactTimer = setInterval(() => this.#compactInTurns(), COMPACT_EVERY_MS);
    this.#compactTimer.unref();
  }

  get(key: ObjectKey): Promise<StoredResource | undefined> {
    // A foreign write since this process last looked makes the versions it knows unsure.
    this.#noticeForeignWrites(this.#stateThisTurn().rv);
    return Promise.resolve(this.#get(key));
  }

  /**
   * The state row for a read outside a transaction, asked once per turn of the event loop (a
   * hop made 16 gets, 14 µs each to ask; issue 17). The answer is forgotten on the next tick
   * (`process.nextTick`), which Node runs once the microtasks queued so far, and those they
   * queue, have run, before any other callback of the event loop: nothing from outside the
   * process arrives within a turn, so no reader in it can know of another process's write
   * that this answer misses.
   */
  #stateThisTurn(): StateRow {
    if (this.#turnState) return this.#turnState;
    const state = this.#state();
    this.#turnState = state;
    process.nextTick(this.#forgetTurnState);
    return state;
  }

  readonly #forgetTurnState = (): void => {
    this.#turnState = undefined;
  };

  #turnState: StateRow | undefined;

  list(kind: string, options: ListOptions = {}): Promise<ListResult> {
    const { namespace } = options;
    // A whole project's objects of a kind, the list controllers make on every event: from the
    // list cache, which this process's writes keep current.
    const cacheable =
      namespace !== undefined &&
      !options.limit &&
      !options.continue &&
      !options.labelSelector?.length;
    // Bodies are read only for objects the cache does not hold at their version: listing
    // 1,000 unchanged Stages then copies no JSON text out of SQLite.
    const read = () => {
      const state = this.#state();
      this.#noticeForeignWrites(state.rv);
      if (cacheable) {
        const items = this.#lists.get(kind, namespace);
        if (items) return { items, resourceVersion: String(state.rv) };
      }
      const { page, resourceVersion } = this.#scan(kind, options, false);
      const result = page.parsedResult(resourceVersion, kind, this.#cache, (ns, name) => {
        const row = this.#stmt(
          'SELECT body, apart FROM resources WHERE kind = ? AND namespace = ? AND name = ?',
        ).get(kind, ns, name) as Row;
        return assembledText(this.#prepare, row.body, row.apart);
      });
      if (cacheable) this.#lists.put(kind, namespace, result.items);
      return result;
    };
    return Promise.resolve(this.#transaction.deferred(read) as ListResult);
  }

  /**
   * Drops what this process knows of the store's current state (the list cache, the objects'
   * current versions) when the store's version moved without this process writing.
   */
  #noticeForeignWrites(rv: number): void {
    if (rv === this.#knownRv) return;
    this.#lists.clear();
    this.#versions.clear();
    this.#knownRv = rv;
  }

  /**
   * Each object's current version as this process wrote or read it, valid while nobody else
   * writes to the file (`#noticeForeignWrites` empties it): a get then finds the object in
   * the cache without asking SQLite for its version (a lookup a get, 23 a chain hop; issue 17).
   */
  readonly #versions = new Map<string, string>();

  #knowVersion(id: string, rv: string | undefined): void {
    if (rv === undefined) {
      this.#versions.delete(id);
      return;
    }
    // Bounded: past this many objects it starts again (each forgotten one costs a lookup).
    if (this.#versions.size >= MAX_KNOWN_VERSIONS && !this.#versions.has(id))
      this.#versions.clear();
    this.#versions.set(id, rv);
  }

  /**
   * Stored JSON text, for lists served as they are. On a database file they are read on a
   * read-only connection of their own, in one read transaction held across turns of the event
   * loop, READ_CHUNK rows at a time: the snapshot stays consistent (WAL lets this connection's
   * writers go on meanwhile) and a list of 10,000 objects no longer holds the loop while it
   * copies 9 MB out of SQLite (issue 17).
   */
  listJson(kind: string, options: ListOptions = {}): Promise<ListJsonResult> {
    const reader = this.#readerConnection();
    if (!reader) {
      const read = () => {
        const { page, resourceVersion } = this.#scan(kind, options);
        return page.result(resourceVersion);
      };
      return Promise.resolve(this.#transaction.deferred(read) as ListJsonResult);
    }
    const run = this.#readerQueue.then(async () => {
      reader.db.exec('BEGIN');
      try {
        const statement = (sql: string) => {
          let prepared = reader.statements.get(sql);
          if (!prepared) reader.statements.set(sql, (prepared = reader.db.prepare(sql)));
          return prepared;
        };
        // The first read fixes the snapshot: the version and every page below are as of it.
        const { rv } = statement('SELECT rv FROM store_state WHERE id = 1').get() as StateRow;
        const page = new PageBuilder(options);
        const { sql, params } = scanQuery(kind, options, true);
        const chunk = Math.min(page.chunk, READ_CHUNK);
        for (;;) {
          const { namespace, name } = page.cursor;
          const rows = statement(sql).all(
            ...params,
            namespace,
            namespace,
            name,
            chunk,
          ) as ListRow[];
          if (rows.some((row) => page.add(withRecords(statement, row))) || rows.length < chunk)
            break;
          await yieldToEventLoop();
        }
        return page.result(String(rv));
      } finally {
        reader.db.exec('COMMIT');
      }
    });
    this.#readerQueue = run.catch(() => undefined);
    return run;
  }

  #readerConnection():
    { db: SqliteDatabase; statements: Map<string, SqliteStatement> } | undefined {
    if (this.#path === ':memory:' || this.#closed) return undefined;
    if (!this.#reader) {
      const require = createRequire(import.meta.url);
      const Database = require('better-sqlite3') as new (
        path: string,
        options: { readonly: boolean; fileMustExist: boolean },
      ) => SqliteDatabase;
      const db = new Database(this.#path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      this.#reader = { db, statements: new Map() };
    }
    return this.#reader;
  }

  write(ops: WriteOp[], options: WriteOptions = {}): Promise<WriteResult[]> {
    try {
      const run = () => {
        if (options.fence) this.#checkFence(options.fence);
        const state = this.#state();
        this.#noticeForeignWrites(state.rv);
        const plan = planWrites(ops, {
          snapshot: this.#snapshot,
          currentResourceVersion: state.rv,
          now: this.#now(),
          newUid: this.#newUid,
        });
        if (options.dryRun) return { ...plan, changes: [] };
        if (options.fence && options.releaseFence) this.#releaseIn(options.fence);
        // Each Freight as it stood before each change of the batch, for its records' rows.
        const latest = new Map<string, StoredResource | null>();
        for (const change of plan.changes) {
          const { kind, namespace, name } = change.key;
          const rv = Number(change.event.resourceVersion);
          if (kind === 'Freight') {
            const id = cacheKey(kind, namespace, name);
            const before = latest.has(id) ? latest.get(id) : this.#get(change.key);
            recordChange(this.#prepare, namespace, name, before ?? undefined, change.after, rv);
            latest.set(id, change.after);
          }
          const stored = change.after && storedForm(change.after);
          if (change.after && stored) {
            this.#stmt(
              `INSERT INTO resources (kind, namespace, name, uid, rv, labels, body, apart) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (kind, namespace, name) DO UPDATE SET uid = excluded.uid, rv = excluded.rv, labels = excluded.labels, body = excluded.body, apart = excluded.apart`,
            ).run(
              kind,
              namespace,
              name,
              change.after.metadata.uid,
              Number(change.after.metadata.resourceVersion),
              JSON.stringify(change.after.metadata.labels ?? {}),
              stored.text,
              stored.apart,
            );
          } else {
            this.#stmt('DELETE FROM resources WHERE kind = ? AND namespace = ? AND name = ?').run(
              kind,
              namespace,
              name,
            );
          }
          // Most events carry the object as stored: serialise it once.
          const event =
            change.event.object === change.after && stored
              ? stored
              : storedForm(change.event.object);
          this.#stmt(
            'INSERT INTO events (rv, type, kind, namespace, body, apart) VALUES (?, ?, ?, ?, ?, ?)',
          ).run(rv, change.event.type, kind, namespace, event.text, event.apart);
        }
        if (plan.changes.length > 0) {
          this.#stmt('UPDATE store_state SET rv = ? WHERE id = 1').run(plan.lastResourceVersion);
        }
        return plan;
      };
      const deferred = options.deferFlush === true && !options.dryRun;
      const plan = (
        deferred
          ? this.#transaction.immediate(run)
          : this.#synced(() => this.#transaction.immediate(run))
      ) as WritePlan;
      if (plan.changes.length > 0) {
        this.#committed(deferred);
        this.#committedState({ rv: plan.lastResourceVersion });
        this.#knownRv = plan.lastResourceVersion;
        // The planner's objects are what parsing the stored text would give: they are frozen
        // and kept as the cache's, the list cache's and the change feed's copies, so nothing
        // this process just wrote is parsed back (issue 17).
        const events: WatchEvent[] = [];
        for (const change of plan.changes) {
          const { kind, namespace, name } = change.key;
          const stored =
            change.after &&
            this.#cache.put(
              cacheKey(kind, namespace, name),
              change.after.metadata.resourceVersion,
              change.after,
              change.length,
            );
          this.#lists.changed(kind, namespace, name, stored ?? undefined);
          this.#knowVersion(cacheKey(kind, namespace, name), stored?.metadata.resourceVersion);
          const object =
            change.event.object === change.after ? stored! : deepFreeze(change.event.object);
          events.push({ ...change.event, object });
        }
        this.#feed.committed(events);
      }
      return this.#handBack(plan.results);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Resolves a committed write on a later turn of the event loop, one write per turn, in
   * order. SQLite answers synchronously, so without this a sequence of writes (a Promotion's
   * status saves) ran as one unbroken chain of microtasks, and with many at once (1,000
   * Promotions started by one Freight) every turn ran all of them: requests waited seconds
   * (issue 17). One per turn lets I/O in between any two.
   */
  #handBack<T>(value: T): Promise<T> {
    return new Promise((resolve) => {
      this.#handBacks.push(() => resolve(value));
      if (this.#handBacks.length === 1) setImmediate(this.#handBackNext);
    });
  }

  readonly #handBacks: Array<() => void> = [];
  readonly #handBackNext = (): void => {
    this.#handBacks.shift()?.();
    if (this.#handBacks.length > 0) setImmediate(this.#handBackNext);
  };

  /**
   * Books a commit. One made with a flush (`synchronous=FULL` syncs the whole WAL) made every
   * commit before it durable; one made without has the WAL flushed within FLUSH_WITHIN_MS
   * (none in memory: nothing there outlives the process).
   */
  #committed(deferred: boolean): void {
    if (deferred) this.#flusher?.deferred();
    else this.#flusher?.flushed();
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    return this.#feed.subscribe(options);
  }

  currentResourceVersion(): Promise<string> {
    return Promise.resolve(String(this.#state().rv));
  }

  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return Promise.resolve(this.#take.immediate(name, holder, ttlMs));
  }

  #takeLease(name: string, holder: string, ttlMs: number): Lease | undefined {
    const now = this.#now().getTime();
    // The next epoch, drawn only while nobody else holds the lease (read back by a statement of
    // its own: `RETURNING` makes SQLite build a table for the answer, slower than a lookup).
    const { changes } = this.#stmt(
      `UPDATE store_state SET lease_epoch = lease_epoch + 1 WHERE id = 1 AND NOT EXISTS (
           SELECT 1 FROM leases WHERE name = ? AND holder <> '' AND holder <> ? AND expires_at > ?)`,
    ).run(name, holder, now);
    if (changes === 0) return;
    const { lease_epoch: epoch } = this.#stmt(
      'SELECT lease_epoch FROM store_state WHERE id = 1',
    ).get() as { lease_epoch: number };
    const before = this.#stmt('SELECT epoch FROM leases WHERE name = ?').get(name) as
      { epoch: number } | undefined;
    this.#stmt(
      `INSERT INTO leases (name, holder, expires_at, epoch) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, epoch = excluded.epoch`,
    ).run(name, holder, now + ttlMs, epoch);
    return { name, holder, epoch, previousEpoch: before?.epoch };
  }

  renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    const { changes } = this.#stmt(
      'UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND epoch = ?',
    ).run(this.#now().getTime() + ttlMs, lease.name, lease.holder, lease.epoch);
    return Promise.resolve(changes === 1);
  }

  releaseLease(lease: Lease): Promise<void> {
    this.#releaseIn(lease);
    return Promise.resolve();
  }

  /** Frees the lease if it is still this take (in the caller's transaction, if any). */
  #releaseIn(lease: Lease): void {
    // The row stays (holder '' means free): epochs only grow, so a stale holder can never
    // match a later take.
    this.#stmt(
      `UPDATE leases SET holder = '', expires_at = 0 WHERE name = ? AND holder = ? AND epoch = ?`,
    ).run(lease.name, lease.holder, lease.epoch);
  }

  /**
   * Runs a write that waits for the disk (`synchronous = FULL` for its commit, which syncs the
   * WAL): a client's write, and the flush of controllers' writes. The connection otherwise
   * stays at `synchronous = NORMAL`, so that the writes made most often need no switch (two
   * statements a write; issue 17): controllers' writes (WriteOptions.deferFlush) and lease
   * takes, renewals and releases. Those survive this process being killed, as every commit does
   * in WAL mode; only a power loss may undo them before the next flush. That loses no guarantee
   * for leases: a power loss also ends every process using the file (SQLite shares it only on
   * one machine), so no holder of an undone take is left to write; and the WAL keeps commits in
   * order, so the flush of any later write, such as one fenced by that take, makes the take
   * durable first. An epoch that a durable write ever carried is therefore never handed out
   * again. Compacting history needs no flush either: undone, it is done again.
   */
  #synced<T>(operation: () => T): T {
    this.#stmt('PRAGMA synchronous = FULL').run();
    try {
      return operation();
    } finally {
      this.#stmt('PRAGMA synchronous = NORMAL').run();
    }
  }

  /** Throws LeaseLost unless `fence` is still the lease's current take. */
  #checkFence(fence: Lease): void {
    const row = this.#stmt('SELECT holder, epoch FROM leases WHERE name = ?').get(fence.name) as
      { holder: string; epoch: number } | undefined;
    if (row?.holder !== fence.holder || row.epoch !== fence.epoch)
      throw leaseLostError(
        `the lease "${fence.name}" was taken by another replica since this one took it (epoch ${fence.epoch}); the write was refused`,
      );
  }

  /**
   * Drops change history beyond the retention limit, at most COMPACT_BATCH versions per
   * transaction (a big backlog in one DELETE held the event loop for a quarter of a second);
   * returns whether more remain. Runs periodically; public for tests.
   */
  compact(): boolean {
    const state = this.#state();
    const target = state.rv - this.#historyLimit;
    const horizon = Math.min(target, state.compacted_rv + COMPACT_BATCH);
    if (horizon <= state.compacted_rv) return false;
    this.#db
      .transaction(() => {
        this.#stmt('DELETE FROM events WHERE rv <= ?').run(horizon);
        // Freight records no remaining event was current for.
        this.#stmt('DELETE FROM freight_records WHERE rv_to <= ?').run(horizon);
        this.#stmt('UPDATE store_state SET compacted_rv = ? WHERE id = 1').run(horizon);
      })
      .immediate();
    this.#committedState({ compacted_rv: horizon });
    return horizon < target;
  }

  /** Compacts batch by batch, giving the event loop a turn between batches. */
  #compactInTurns(): void {
    if (this.#closed || !this.compact()) return;
    setImmediate(() => this.#compactInTurns());
  }

  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#compactTimer);
    this.#feed.close();
    // A list still reading on the reader finishes first; what is unflushed is flushed first.
    const reader = this.#reader;
    this.#reader = undefined;
    return Promise.all([this.#readerQueue, this.#flusher?.close()]).then(() => {
      reader?.db.close();
      this.#db.close();
    });
  }

  readonly #snapshot: StoreSnapshot = {
    get: (key) => this.#get(key),
    listNamespace: (namespace) =>
      (
        this.#stmt('SELECT body, apart FROM resources WHERE namespace = ?').all(namespace) as Row[]
      ).map((row) => assembled(this.#prepare, row.body, row.apart)),
    // The alias's own index, named: on this WITHOUT ROWID table SQLite's planner otherwise
    // prefers the primary key's (kind, namespace) range and reads every Freight of the project
    // (6 ms per new Freight with 8,000 present; a microsecond with the index).
    findByLabel: (kind, namespace, label, value) =>
      (
        this.#stmt(labelLookupSql(label)).all(
          kind,
          namespace,
          ...labelParams(label),
          value,
        ) as Row[]
      ).map((row) => assembled(this.#prepare, row.body, row.apart)),
  };

  /**
   * One object, as current as the caller's last `#noticeForeignWrites` (a get's, or the write
   * transaction's, in which nobody else can commit).
   */
  #get(key: ObjectKey): StoredResource | undefined {
    const id = cacheKey(key.kind, key.namespace, key.name);
    const known = this.#versions.get(id);
    const current = known === undefined ? undefined : this.#cache.peek(id, known);
    if (current) return current;
    // The version first: the body (a Freight's status names every Stage it has been in) is
    // copied out of SQLite only when the cache does not hold that version.
    const found = this.#stmt(
      'SELECT rv FROM resources WHERE kind = ? AND namespace = ? AND name = ?',
    ).get(key.kind, key.namespace, key.name) as { rv: number } | undefined;
    if (!found) return undefined;
    this.#knowVersion(id, String(found.rv));
    const cached = this.#cache.peek(id, String(found.rv));
    if (cached) return cached;
    const row = this.#stmt(
      'SELECT rv, body, apart FROM resources WHERE kind = ? AND namespace = ? AND name = ?',
    ).get(key.kind, key.namespace, key.name) as (Row & { rv: number }) | undefined;
    if (!row) return undefined;
    return this.#cache.parse(id, String(row.rv), assembledText(this.#prepare, row.body, row.apart));
  }

  /** Reads one page (inside the caller's read transaction, for a consistent version). */
  #scan(
    kind: string,
    options: ListOptions,
    withBodies = true,
  ): { page: PageBuilder; resourceVersion: string } {
    const resourceVersion = String(this.#state().rv);
    const page = new PageBuilder(options);
    const { sql, params } = scanQuery(kind, options, withBodies);
    for (;;) {
      const { namespace, name } = page.cursor;
      const rows = this.#stmt(sql).all(
        ...params,
        namespace,
        namespace,
        name,
        page.chunk,
      ) as ListRow[];
      for (const row of rows)
        if (page.add(withRecords(this.#prepare, row))) return { page, resourceVersion };
      if (rows.length < page.chunk) return { page, resourceVersion };
    }
  }

  #readEvents(query: EventQuery): WatchEvent[] {
    const conditions = ['rv > ?'];
    const params: unknown[] = [query.after];
    if (query.upTo !== undefined) {
      conditions.push('rv <= ?');
      params.push(query.upTo);
    }
    if (query.kinds) {
      conditions.push(`kind IN (${query.kinds.map(() => '?').join(', ')})`);
      params.push(...query.kinds);
    }
    if (query.namespace !== undefined) {
      conditions.push('namespace = ?');
      params.push(query.namespace);
    }
    params.push(query.limit);
    const rows = this.#stmt(
      `SELECT rv, type, body, apart FROM events WHERE ${conditions.join(' AND ')} ORDER BY rv LIMIT ?`,
    ).all(...params) as EventRow[];
    return rows.map((row) => ({
      type: row.type,
      // A deleted Freight's records as they were before the deletion closed them.
      object: assembled(
        this.#prepare,
        row.body,
        row.apart,
        row.type === 'DELETED' ? row.rv - 1 : row.rv,
      ),
      resourceVersion: String(row.rv),
    }));
  }

  /**
   * The store's state row. Read again only when another connection has committed since this
   * one last looked (SQLite's `data_version` says so: a cheaper statement than the read, and
   * a chain hop asks 16 times; issue 17); this connection's own commits update it here.
   */
  #state(): StateRow {
    const { data_version: dataVersion } = this.#stmt('PRAGMA data_version').get() as {
      data_version: number;
    };
    const seen = this.#stateSeen;
    if (seen?.dataVersion === dataVersion) return seen.row;
    const row = this.#stmt(
      'SELECT rv, compacted_rv FROM store_state WHERE id = 1',
    ).get() as StateRow;
    this.#stateSeen = { row, dataVersion };
    return row;
  }

  /** The state row as this connection last read or wrote it, and the file's data version then. */
  #stateSeen: { row: StateRow; dataVersion: number } | undefined;

  /** Records a change this connection committed to the state row. */
  #committedState(change: Partial<StateRow>): void {
    const seen = this.#stateSeen;
    if (seen) seen.row = { ...seen.row, ...change };
    this.#turnState = undefined;
  }

  readonly #prepare = (sql: string): SqliteStatement => this.#stmt(sql);

  #stmt(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * Opens (creating if needed) the SQLite store at `options.path` and brings its schema up to
 * date. better-sqlite3 is loaded here, not at import time, so commands that never open a
 * store (the CLI client) never load the native module.
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3') as new (path: string) => SqliteDatabase;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  try {
    // A new file gets 16 KiB pages (an existing one keeps its own: SQLite changes page sizes
    // only of empty files). Objects are JSON of a few to a hundred KB (a Freight names every
    // Stage it has been in); with 4 KiB pages, committing a 100 KB object took half again as
    // much CPU, one WAL frame per page (issue 17). Small writes cost the same.
    db.pragma(`page_size = ${PAGE_BYTES}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteStore(db, options);
}

function migrate(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = (
    db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>
  ).map((row) => row.version);
  for (const migration of pendingMigrations(sqliteMigrations, applied)) {
    db.transaction(() => {
      for (const statement of migration.statements) db.exec(statement);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

/** A listed row with its Freight records put back into its text. */
function withRecords(prepare: Prepare, row: ListRow & { apart?: number }): ListRow {
  return row.apart ? { ...row, body: assembledText(prepare, row.body, row.apart) } : row;
}

/** A JSON path selecting one object key, whatever characters it holds (`$."a.b/c"`). */
function jsonPathForKey(key: string): string {
  return `$.${JSON.stringify(key)}`;
}

/**
 * The SQL reading one label of a row. The alias label is spelled in the statement, so that its
 * expression index (`resources_by_alias`, migration 4) is used; any other key is bound
 * (`labelParams`), so users' selectors never add prepared statements.
 */
/**
 * A list's keyset query: its SQL and its leading parameters, to which a page adds the cursor
 * (namespace twice, name) and the row limit.
 */
function scanQuery(
  kind: string,
  options: ListOptions,
  withBodies: boolean,
): { sql: string; params: unknown[] } {
  const byNamespace = options.namespace !== undefined;
  // Equality requirements (`alias=quiet-quokka`) are filtered in SQL too, so finding one
  // object by label parses no JSON in JavaScript; the page builder checks the whole selector.
  const equal = (options.labelSelector ?? []).filter(
    (r) => r.operator === 'In' && r.values.length === 1,
  );
  // A project's Freight by alias: its index, not the (namespace, name) order's.
  const byAlias = byNamespace && equal.some((r) => r.key === ALIAS_LABEL);
  const sql = `SELECT namespace, name, rv, labels, ${withBodies ? 'body, apart' : "'' AS body, 0 AS apart"} FROM resources
    ${byAlias ? 'INDEXED BY resources_by_alias' : ''}
    WHERE kind = ? ${byNamespace ? 'AND namespace = ?' : ''}
      ${equal.map((r) => `AND ${labelExpression(r.key)} = ?`).join(' ')}
      AND (namespace > ? OR (namespace = ? AND name > ?))
    ORDER BY namespace, name LIMIT ?`;
  const params: unknown[] = byNamespace ? [kind, options.namespace] : [kind];
  for (const requirement of equal)
    params.push(...labelParams(requirement.key), requirement.values[0]);
  return { sql, params };
}

/** The objects of one kind and namespace whose label `key` has one value (`?`s: kind, namespace, labelParams, value). */
export function labelLookupSql(key: string): string {
  return `SELECT body, apart FROM resources ${key === ALIAS_LABEL ? 'INDEXED BY resources_by_alias' : ''}
    WHERE kind = ? AND namespace = ? AND ${labelExpression(key)} = ?`;
}

function labelExpression(key: string): string {
  return key === ALIAS_LABEL
    ? `json_extract(labels, '$."${ALIAS_LABEL}"')`
    : 'json_extract(labels, ?)';
}

function labelParams(key: string): string[] {
  return key === ALIAS_LABEL ? [] : [jsonPathForKey(key)];
}
