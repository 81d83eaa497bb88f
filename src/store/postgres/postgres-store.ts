import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ObjectKey, StoredResource } from '../../api/resource.js';
import { inputError, leaseLostError, unavailableError } from '../../errors.js';
import { EventFeed, type EventQuery } from '../event-feed.js';
import { cacheKey, PageBuilder, type ListRow } from '../list-pages.js';
import { ObjectCache } from '../object-cache.js';
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
import {
  keyId,
  planWrites,
  type PlannedChange,
  type StoreSnapshot,
  type WritePlan,
} from '../write-planner.js';
import { postgresMigrations } from './postgres-migrations.js';
import { redactUrl } from '../../api/redact-url.js';
import { ALIAS_LABEL } from '../../api/labels.js';

/** The subset of node-postgres this store uses, described structurally. */
interface QueryResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
}
interface Queryable {
  query(text: string, params?: unknown[]): Promise<QueryResult>;
}
interface PoolClient extends Queryable {
  release(err?: Error | boolean): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
}
interface Pool extends Queryable {
  connect(): Promise<PoolClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}
interface ListenClient extends Queryable {
  connect(): Promise<void>;
  end(): Promise<void>;
  on(event: 'notification' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}
interface PgModule {
  Pool: new (config: {
    connectionString: string;
    max?: number;
    connectionTimeoutMillis?: number;
    keepAlive?: boolean;
  }) => Pool;
  Client: new (config: {
    connectionString: string;
    connectionTimeoutMillis?: number;
    keepAlive?: boolean;
  }) => ListenClient;
}

export interface PostgresStoreOptions {
  /** A `postgres://` connection string. */
  url: string;
  now?: () => Date;
  newUid?: () => string;
  historyLimit?: number;
  pollIntervalMs?: number;
  poolSize?: number;
  onError?: (err: unknown) => void;
}

const CHANNEL = 'gantry_events';
const COMPACT_EVERY_MS = 60_000;
/** Lists of at most this many rows are read in one statement (see #scan). */
const SHORT_PAGE = 100;
/** How long opening a connection may take before the store counts as unavailable. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Provisional versions (see write): far above any real version (those stay below 2^52) and
 * below 2^53, so they are exact numbers in JavaScript; each transaction has a slot of its own.
 */
const PROVISIONAL_BASE = 2 ** 52;
const SLOT_SIZE = 2 ** 24;
/** Serialises schema migrations of replicas starting together. */
const MIGRATION_LOCK = 72_417_001;

/**
 * The store for several replicas. Versions come from the single `store_state` row, which a
 * write locks at its very end (in the message that commits it, see write): versions are handed
 * out in commit order, so a watcher reading "events after N" can never see N+2 commit before
 * N+1 (the usual pitfall of sequence-based change feeds), and a list's version read with its
 * rows in one snapshot covers exactly the writes it shows. Everything else a write does runs
 * before, concurrently with other writers, under advisory locks on what it touches (rowLocksOf;
 * docs/adr/0004-change-feed-without-a-global-lock.md). Watchers are woken by LISTEN/NOTIFY and
 * also poll, so a dropped notification only delays an event.
 *
 * The database going away is weather: every operation fails with Unavailable (never crashes
 * the process: connections broken while checked out are caught and discarded), the pool
 * reconnects on the next operation, and the LISTEN connection is re-established with backoff.
 */
export class PostgresStore implements Store {
  readonly #pool: Pool;
  #listener: ListenClient | undefined;
  readonly #connectListener: () => Promise<ListenClient>;
  #closing = false;
  readonly #feed: EventFeed;
  readonly #now: () => Date;
  readonly #newUid: () => string;
  readonly #historyLimit: number;
  readonly #compactTimer: NodeJS.Timeout;
  readonly #onError: (err: unknown) => void;
  readonly #cache = new ObjectCache();
  /** The pool, answering connection failures with Unavailable. */
  readonly #pooled: Queryable = { query: (text, params) => this.#query(text, params) };

  constructor(
    pool: Pool,
    listener: ListenClient,
    options: PostgresStoreOptions,
    connectListener: () => Promise<ListenClient>,
  ) {
    this.#pool = pool;
    this.#connectListener = connectListener;
    this.#now = options.now ?? (() => new Date());
    this.#newUid = options.newUid ?? randomUUID;
    this.#historyLimit = options.historyLimit ?? 20_000;
    this.#onError = options.onError ?? (() => undefined);
    this.#feed = new EventFeed({
      history: {
        readEvents: (query) => this.#readEvents(query),
        currentResourceVersion: async () => (await this.#state(this.#pooled)).rv,
        compactedThrough: async () => (await this.#state(this.#pooled)).compactedRv,
      },
      pollIntervalMs: options.pollIntervalMs,
      onError: options.onError,
    });
    this.#adoptListener(listener);
    this.#compactTimer = setInterval(() => {
      this.compact().catch((err: unknown) => this.#onError(err));
    }, COMPACT_EVERY_MS);
    this.#compactTimer.unref();
  }

  async get(key: ObjectKey): Promise<StoredResource | undefined> {
    const { rows } = await this.#query(
      'SELECT rv, body FROM resources WHERE kind = $1 AND namespace = $2 AND name = $3',
      [key.kind, key.namespace, key.name],
    );
    const row = rows[0];
    if (!row) return undefined;
    return this.#cache.parse(
      cacheKey(key.kind, key.namespace, key.name),
      String(row.rv),
      row.body as string,
    );
  }

  async list(kind: string, options: ListOptions = {}): Promise<ListResult> {
    const { page, resourceVersion } = await this.#scan(kind, options);
    return page.parsedResult(resourceVersion, kind, this.#cache);
  }

  async listJson(kind: string, options: ListOptions = {}): Promise<ListJsonResult> {
    const { page, resourceVersion } = await this.#scan(kind, options);
    return page.result(resourceVersion);
  }

  /**
   * One page, read in one snapshot so the version matches the rows (watching from it misses
   * nothing). A short page (a project's Roles, a Stage's Promotions: most reads) comes from one
   * statement, which is one snapshot by itself: one round trip instead of four (BEGIN, version,
   * rows, COMMIT). A longer one is read again in a repeatable-read transaction.
   */
  async #scan(
    kind: string,
    options: ListOptions,
  ): Promise<{ page: PageBuilder; resourceVersion: string }> {
    return (
      (await this.#scanShort(kind, options)) ??
      this.#transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) =>
        this.#list(client, kind, options),
      )
    );
  }

  /** The page, when one statement of at most SHORT_PAGE rows holds all of it. */
  async #scanShort(
    kind: string,
    options: ListOptions,
  ): Promise<{ page: PageBuilder; resourceVersion: string } | undefined> {
    const page = new PageBuilder(options);
    const limit = Math.min(page.chunk, SHORT_PAGE);
    const byNamespace = options.namespace !== undefined;
    const params: unknown[] = [kind, page.cursor.namespace, page.cursor.name, limit];
    if (byNamespace) params.push(options.namespace);
    const alias = byNamespace ? aliasFilter(options, params) : '';
    const { rows } = await this.#query(
      `SELECT s.rv AS store_rv, r.namespace, r.name, r.rv, r.labels, r.body
       FROM store_state s LEFT JOIN LATERAL (
         SELECT namespace, name, rv, labels, body FROM resources
         WHERE kind = $1 ${byNamespace ? 'AND namespace = $5' : ''} ${alias}
           AND (namespace, name) > ($2, $3)
         ORDER BY namespace, name LIMIT $4
       ) r ON true
       WHERE s.id = 1
       ORDER BY r.namespace, r.name`,
      params,
    );
    const resourceVersion = String((rows[0] as { store_rv: string }).store_rv);
    const found = rows.filter((row) => (row as { name: string | null }).name !== null);
    for (const row of found)
      if (page.add(row as unknown as ListRow)) return { page, resourceVersion };
    return found.length < limit ? { page, resourceVersion } : undefined;
  }

  /**
   * One batch in one transaction. Everything but the version numbers is done concurrently
   * with other writers: the fence check, advisory locks on what the batch touches (rowLocksOf:
   * its keys, their namespaces, the label values it asserts unique; taken in one fixed order),
   * the reads the planner needs, planning, and storing rows and events. Those carry
   * provisional versions from a slot of the transaction's own (PROVISIONAL_BASE + slot ×
   * SLOT_SIZE + 1, + 2, …), invisible to everyone until commit. Then one message, two
   * statements: the first takes the `store_state` row and the batch's range of real versions
   * and renumbers the batch's rows and events (and the versions inside their bodies) with
   * them, the second is COMMIT. So versions are still handed out in commit order (the change
   * feed stays gap-free and a list's version still covers exactly what it read), but the global
   * lock is held for the time PostgreSQL takes to run that one message: no round trip to this
   * process, whose event loop may be busy, happens while it is held
   * (docs/adr/0004-change-feed-without-a-global-lock.md).
   */
  async write(ops: WriteOp[], options: WriteOptions = {}): Promise<WriteResult[]> {
    let committed = false;
    const plan = await this.#transaction(
      'BEGIN',
      async (client) => {
        // Shares the lease row's lock until commit: a take of the lease waits for this write,
        // so the new holder sees it, and a write after the take finds the new epoch.
        if (options.fence) await checkFence(client, options.fence);
        const locks = rowLocksOf(ops);
        const { rows: slots } = await client.query(
          `SELECT nextval('provisional_version_slots') AS slot, count(l.locked) AS locks FROM (
           SELECT CASE WHEN x THEN pg_advisory_xact_lock(k)::text
                  ELSE pg_advisory_xact_lock_shared(k)::text END AS locked
           FROM unnest($1::bigint[], $2::boolean[]) AS t(k, x)) l`,
          [locks.keys, locks.exclusive],
        );
        const provisional =
          PROVISIONAL_BASE + Number((slots[0] as { slot: string }).slot) * SLOT_SIZE;
        // Read after the locks, each statement in a new snapshot: whoever held them has committed.
        const snapshot = await this.#prefetch(client, ops);
        const planned = planWrites(ops, {
          snapshot,
          currentResourceVersion: options.dryRun ? (await this.#state(client)).rv : provisional,
          now: this.#now(),
          newUid: this.#newUid,
        });
        if (options.dryRun) throw new DryRunDone(planned.results);
        if (options.fence && options.releaseFence) await releaseIn(client, options.fence);
        const count = planned.changes.length;
        if (count === 0) return planned;
        if (count >= SLOT_SIZE)
          throw inputError(
            `one write may change at most ${SLOT_SIZE - 1} objects; this one changes ${count}: split it`,
          );
        await this.#stage(client, planned.changes);
        // The simple query protocol (no parameters) is what takes two statements in one
        // message; everything spliced in is a number computed here or a constant.
        const results = (await client.query(
          `WITH state AS (
           UPDATE store_state SET rv = rv + ${count} WHERE id = 1 RETURNING rv - ${count} AS base
         ), renumbered AS (
           UPDATE resources SET rv = state.base + (resources.rv - ${provisional}),
             body = replace(body, '"resourceVersion":"' || resources.rv || '"',
                            '"resourceVersion":"' || (state.base + (resources.rv - ${provisional})) || '"')
           FROM state WHERE resources.rv > ${provisional} AND resources.rv <= ${provisional + count}
         ), recorded AS (
           UPDATE events SET rv = state.base + (events.rv - ${provisional}),
             body = replace(body, '"resourceVersion":"' || events.rv || '"',
                            '"resourceVersion":"' || (state.base + (events.rv - ${provisional})) || '"')
           FROM state WHERE events.rv > ${provisional} AND events.rv <= ${provisional + count}
         )
         SELECT state.base, pg_notify('${CHANNEL}', (state.base + ${count})::text) FROM state;
         COMMIT`,
        )) as unknown as QueryResult[];
        committed = true;
        const base = Number((results[0]!.rows[0] as { base: string }).base);
        renumber(planned, provisional, base);
        return planned;
      },
      () => committed,
    ).catch((err: unknown) => {
      if (err instanceof DryRunDone) return { results: err.results, changes: [] };
      throw err;
    });
    if (plan.changes.length > 0) this.#feed.notify();
    return plan.results;
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    return this.#feed.subscribe(options);
  }

  async currentResourceVersion(): Promise<string> {
    return String((await this.#state(this.#pooled)).rv);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const { rows } = await this.#query(
      `INSERT INTO leases (name, holder, expires_at, epoch)
       VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond', nextval('lease_epochs'))
       ON CONFLICT (name) DO UPDATE
         SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, epoch = EXCLUDED.epoch,
             previous_epoch = leases.epoch
       WHERE leases.holder IN ('', EXCLUDED.holder) OR leases.expires_at <= clock_timestamp()
       RETURNING epoch, previous_epoch`,
      [name, holder, ttlMs],
    );
    // previous_epoch is set from the row the update locked (the latest take), never from an
    // older snapshot: a take in between cannot go unseen.
    const row = rows[0] as { epoch: string; previous_epoch: string | null } | undefined;
    if (!row) return undefined;
    return {
      name,
      holder,
      epoch: Number(row.epoch),
      previousEpoch: row.previous_epoch === null ? undefined : Number(row.previous_epoch),
    };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    const { rowCount } = await this.#query(
      `UPDATE leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
       WHERE name = $1 AND holder = $2 AND epoch = $3`,
      [lease.name, lease.holder, lease.epoch, ttlMs],
    );
    return rowCount === 1;
  }

  async releaseLease(lease: Lease): Promise<void> {
    await releaseIn(this.#pooled, lease);
  }

  /** Drops change history beyond the retention limit. Runs periodically; public for tests. */
  async compact(): Promise<void> {
    await this.#transaction('BEGIN', async (client) => {
      const state = await this.#state(client, true);
      const horizon = state.rv - this.#historyLimit;
      if (horizon <= state.compactedRv) return;
      await client.query('DELETE FROM events WHERE rv <= $1', [horizon]);
      await client.query('UPDATE store_state SET compacted_rv = $1 WHERE id = 1', [horizon]);
    });
  }

  /**
   * Runs `work` in a transaction on one pooled connection; rolls back if it throws. Commits
   * after it, unless `committedByWork` says the work's last statement did.
   */
  async #transaction<T>(
    begin: string,
    work: (client: PoolClient) => Promise<T>,
    committedByWork: () => boolean = () => false,
  ): Promise<T> {
    const client = await this.#pool.connect().catch((err: unknown) => {
      throw storeError(err);
    });
    // A connection that breaks while checked out emits 'error' on its client, which nothing
    // else listens to then: without this the process would die of an unhandled 'error' event.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query(begin);
      const result = await work(client);
      if (!committedByWork()) await client.query('COMMIT');
      return result;
    } catch (err) {
      if (!broken && !isConnectionError(err)) await client.query('ROLLBACK').catch(() => undefined);
      throw storeError(err);
    } finally {
      client.off('error', onError);
      // A broken connection is discarded, not handed to the next caller.
      client.release(broken ?? false);
    }
  }

  /** One statement on any pooled connection, with connection failures reported as Unavailable. */
  async #query(text: string, params?: unknown[]): Promise<QueryResult> {
    try {
      return await this.#pool.query(text, params);
    } catch (err) {
      throw storeError(err);
    }
  }

  /** Listens for change notifications on `listener`; when it breaks, connects a new one. */
  #adoptListener(listener: ListenClient): void {
    this.#listener = listener;
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (err) this.#onError(storeError(err));
      if (this.#listener === listener) this.#listener = undefined;
      void listener.end().catch(() => undefined);
      void this.#relisten();
    };
    listener.on('notification', () => this.#feed.notify());
    listener.on('error', (err) => onLost(err));
    listener.on('end', () => onLost());
  }

  /** Reconnects the LISTEN connection with backoff (0.1 s doubling to 5 s) until it works. */
  async #relisten(): Promise<void> {
    for (let delay = 100; !this.#closing; delay = Math.min(delay * 2, 5_000)) {
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (this.#closing) return;
      try {
        const listener = await this.#connectListener();
        if (this.#closing) {
          await listener.end().catch(() => undefined);
          return;
        }
        this.#adoptListener(listener);
        // Whatever was committed while nobody listened is read now, not at the next poll.
        this.#feed.notify();
        return;
      } catch (err) {
        this.#onError(storeError(err));
      }
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#compactTimer);
    this.#feed.close();
    await this.#listener?.end().catch(() => undefined);
    await this.#pool.end();
  }

  async #state(db: Queryable, lock = false): Promise<{ rv: number; compactedRv: number }> {
    const { rows } = await db.query(
      `SELECT rv, compacted_rv FROM store_state WHERE id = 1${lock ? ' FOR UPDATE' : ''}`,
    );
    const row = rows[0] as { rv: string; compacted_rv: string };
    return { rv: Number(row.rv), compactedRv: Number(row.compacted_rv) };
  }

  /**
   * Reads, inside the write transaction, everything the planner may ask about, so the
   * planner can run synchronously like it does over SQLite.
   */
  async #prefetch(client: PoolClient, ops: WriteOp[]): Promise<StoreSnapshot> {
    const keys = new Map<string, ObjectKey>();
    const namespaces = new Set<string>();
    const labelQueries: Array<{ kind: string; namespace: string; label: string; value: string }> =
      [];
    for (const op of ops) {
      switch (op.op) {
        case 'create':
        case 'update':
        case 'apply': {
          const key = {
            kind: op.object.kind,
            namespace: op.object.metadata.namespace ?? '',
            name: op.object.metadata.name,
          };
          keys.set(keyId(key), key);
          break;
        }
        case 'deleteNamespace':
          namespaces.add(op.namespace);
          break;
        case 'assertLabelUnique':
          labelQueries.push(op);
          break;
        default:
          keys.set(keyId(op.key), op.key);
      }
    }
    const objects = new Map<string, StoredResource>();
    if (keys.size > 0) {
      const list = [...keys.values()];
      const { rows } = await client.query(
        `SELECT body FROM resources WHERE (kind, namespace, name) IN (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`,
        [list.map((k) => k.kind), list.map((k) => k.namespace), list.map((k) => k.name)],
      );
      for (const row of rows) {
        const object = parseBody(row);
        objects.set(
          keyId({
            kind: object.kind,
            namespace: object.metadata.namespace ?? '',
            name: object.metadata.name,
          }),
          object,
        );
      }
    }
    const byNamespace = new Map<string, StoredResource[]>();
    for (const namespace of namespaces) {
      const { rows } = await client.query('SELECT body FROM resources WHERE namespace = $1', [
        namespace,
      ]);
      byNamespace.set(namespace, rows.map(parseBody));
    }
    const byLabel = new Map<string, StoredResource[]>();
    for (const q of labelQueries) {
      // The alias has an index of its own (migration 5), usable only with the key written out.
      const { rows } =
        q.label === ALIAS_LABEL
          ? await client.query(ALIAS_LOOKUP_SQL, [q.kind, q.namespace, q.value])
          : await client.query(
              'SELECT body FROM resources WHERE kind = $1 AND namespace = $2 AND labels ->> $3 = $4',
              [q.kind, q.namespace, q.label, q.value],
            );
      byLabel.set(labelQueryId(q.kind, q.namespace, q.label, q.value), rows.map(parseBody));
    }
    return {
      get: (key) => objects.get(keyId(key)),
      listNamespace: (namespace) => byNamespace.get(namespace) ?? [],
      findByLabel: (kind, namespace, label, value) =>
        byLabel.get(labelQueryId(kind, namespace, label, value)) ?? [],
    };
  }

  /** Stores the batch's rows and events under their provisional versions, in one statement. */
  async #stage(client: PoolClient, changes: PlannedChange[]): Promise<void> {
    // Only the final state of each key is written: one statement may not touch a row twice.
    const finalState = new Map<string, PlannedChange>();
    for (const change of changes) finalState.set(keyId(change.key), change);
    const upserts = [...finalState.values()].filter((c) => c.after);
    const deletes = [...finalState.values()].filter((c) => !c.after);
    await client.query(
      `WITH deleted AS (
         DELETE FROM resources WHERE (kind, namespace, name) IN (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
       ), upserted AS (
         INSERT INTO resources (kind, namespace, name, uid, rv, labels, body)
         SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::jsonb[], $10::text[])
         ON CONFLICT (kind, namespace, name) DO UPDATE
           SET uid = excluded.uid, rv = excluded.rv, labels = excluded.labels, body = excluded.body
       )
       INSERT INTO events (rv, type, kind, namespace, body)
       SELECT * FROM unnest($11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[])`,
      [
        deletes.map((c) => c.key.kind),
        deletes.map((c) => c.key.namespace),
        deletes.map((c) => c.key.name),
        upserts.map((c) => c.key.kind),
        upserts.map((c) => c.key.namespace),
        upserts.map((c) => c.key.name),
        upserts.map((c) => c.after!.metadata.uid),
        upserts.map((c) => c.after!.metadata.resourceVersion),
        upserts.map((c) => JSON.stringify(c.after!.metadata.labels ?? {})),
        upserts.map((c) => JSON.stringify(c.after)),
        changes.map((c) => c.event.resourceVersion),
        changes.map((c) => c.event.type),
        changes.map((c) => c.key.kind),
        changes.map((c) => c.key.namespace),
        changes.map((c) => JSON.stringify(c.event.object)),
      ],
    );
  }

  async #list(
    client: PoolClient,
    kind: string,
    options: ListOptions,
  ): Promise<{ page: PageBuilder; resourceVersion: string }> {
    const resourceVersion = String((await this.#state(client)).rv);
    const page = new PageBuilder(options);
    const byNamespace = options.namespace !== undefined;
    for (;;) {
      const params: unknown[] = [kind, page.cursor.namespace, page.cursor.name, page.chunk];
      if (byNamespace) params.push(options.namespace);
      const alias = byNamespace ? aliasFilter(options, params) : '';
      const sql = `SELECT namespace, name, rv, labels, body FROM resources
        WHERE kind = $1 ${byNamespace ? 'AND namespace = $5' : ''} ${alias}
          AND (namespace, name) > ($2, $3)
        ORDER BY namespace, name LIMIT $4`;
      const { rows } = await client.query(sql, params);
      for (const row of rows)
        if (page.add(row as unknown as ListRow)) return { page, resourceVersion };
      if (rows.length < page.chunk) return { page, resourceVersion };
    }
  }

  async #readEvents(query: EventQuery): Promise<WatchEvent[]> {
    const conditions = ['rv > $1'];
    const params: unknown[] = [query.after];
    if (query.upTo !== undefined) {
      params.push(query.upTo);
      conditions.push(`rv <= $${params.length}`);
    }
    if (query.kinds) {
      params.push(query.kinds);
      conditions.push(`kind = ANY($${params.length}::text[])`);
    }
    if (query.namespace !== undefined) {
      params.push(query.namespace);
      conditions.push(`namespace = $${params.length}`);
    }
    params.push(query.limit);
    const { rows } = await this.#query(
      `SELECT rv, type, body FROM events WHERE ${conditions.join(' AND ')} ORDER BY rv LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => ({
      type: row.type as WatchEvent['type'],
      object: parseBody(row),
      resourceVersion: String(row.rv),
    }));
  }
}

/**
 * Gives the plan's objects, events and results their real versions: `base` + n for the
 * provisional `provisional` + n (objects shared between changes and results are renumbered
 * once; versions outside the batch's range, such as a deleted object's, stay).
 */
function renumber(plan: WritePlan, provisional: number, base: number): void {
  const real = (version: string): string => {
    const n = Number(version);
    return n > provisional && n < provisional + SLOT_SIZE
      ? String(base + (n - provisional))
      : version;
  };
  const fix = (object: StoredResource | null | undefined) => {
    if (object) object.metadata.resourceVersion = real(object.metadata.resourceVersion);
  };
  for (const change of plan.changes) {
    fix(change.after);
    fix(change.event.object);
    change.event.resourceVersion = real(change.event.resourceVersion);
  }
  for (const result of plan.results) {
    fix(result.object);
    for (const object of result.deleted ?? []) fix(object);
  }
  plan.lastResourceVersion = base + plan.changes.length;
}

/** Ends a dry-run write's transaction by rolling it back, carrying the planned results out. */
class DryRunDone extends Error {
  constructor(readonly results: WriteResult[]) {
    super('dry run');
  }
}

/**
 * Connects to PostgreSQL, brings the schema up to date and starts listening for changes.
 * The `pg` module is loaded here, so nothing else pays for it.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const require = createRequire(import.meta.url);
  const pg = require('pg') as PgModule;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  // An idle pooled connection that breaks (the server restarted) is dropped by the pool.
  pool.on('error', (err) => options.onError?.(storeError(err)));
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw describeConnectionError(err, options.url);
  }
  const connectListener = async (): Promise<ListenClient> => {
    const listener = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // Until the store adopts it, an error only fails the connect below.
    listener.on('error', () => undefined);
    try {
      await listener.connect();
      await listener.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      await listener.end().catch(() => undefined);
      throw err;
    }
    return listener;
  };
  let listener: ListenClient;
  try {
    listener = await connectListener();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw describeConnectionError(err, options.url);
  }
  return new PostgresStore(pool, listener, options, connectListener);
}

async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query('SELECT version FROM schema_migrations');
    for (const migration of pendingMigrations(
      postgresMigrations,
      rows.map((r) => Number(r.version)),
    )) {
      for (const statement of migration.statements) await client.query(statement);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function describeConnectionError(err: unknown, url: string): unknown {
  if (typeof err === 'object' && err !== null && 'name' in err && err.name === 'GantryError')
    return err;
  const message = err instanceof Error ? err.message : String(err);
  return unavailableError(`cannot open the PostgreSQL store at ${redactUrl(url)}: ${message}`, err);
}

/**
 * The advisory locks a batch takes before it reads: each key it touches (exclusive: creates of
 * one name, and updates of one object, wait for each other, so the read after the lock sees
 * the other's commit; shared for a key it only asserts exists, so writes into one project do
 * not wait for each other, while a delete of the project waits for them), the namespace of each key (shared; exclusive for deleteNamespace, so a
 * namespace being emptied takes no new objects meanwhile), and each `label=value` it asserts
 * unique (exclusive: two batches giving the same alias run one after the other). Locks are
 * 64-bit hashes (a collision only makes two writers wait for each other), sorted so every
 * transaction takes them in the same order and none can deadlock with another.
 */
export function rowLocksOf(ops: WriteOp[]): { keys: string[]; exclusive: boolean[] } {
  const locks = new Map<bigint, boolean>();
  const add = (text: string, exclusive: boolean) => {
    const key = createHash('sha256').update(text).digest().readBigInt64BE(0);
    locks.set(key, exclusive || (locks.get(key) ?? false));
  };
  const addKey = (key: ObjectKey, exclusive = true) => {
    add(`key\u0000${keyId(key)}`, exclusive);
    if (key.namespace !== '') add(`namespace\u0000${key.namespace}`, false);
  };
  for (const op of ops) {
    switch (op.op) {
      case 'create':
      case 'update':
      case 'apply':
        addKey({
          kind: op.object.kind,
          namespace: op.object.metadata.namespace ?? '',
          name: op.object.metadata.name,
        });
        break;
      case 'deleteNamespace':
        add(`namespace\u0000${op.namespace}`, true);
        break;
      case 'assertLabelUnique':
        add(`label\u0000${labelQueryId(op.kind, op.namespace, op.label, op.value)}`, true);
        break;
      case 'assertExists':
        // Shared: every write into a project asserts the project exists; deleting it waits.
        addKey(op.key, false);
        break;
      default:
        addKey(op.key);
    }
  }
  const sorted = [...locks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { keys: sorted.map(([key]) => String(key)), exclusive: sorted.map(([, x]) => x) };
}

/** Frees the lease if it is still this take (in the client's transaction, if it is in one). */
async function releaseIn(client: Queryable, lease: Lease): Promise<void> {
  // The row stays (holder '' means free): epochs only grow, so a stale holder never matches.
  await client.query(
    `UPDATE leases SET holder = '', expires_at = '-infinity'
     WHERE name = $1 AND holder = $2 AND epoch = $3`,
    [lease.name, lease.holder, lease.epoch],
  );
}

/** Throws LeaseLost unless `fence` is still the lease's current take; locks the lease row. */
async function checkFence(client: PoolClient, fence: Lease): Promise<void> {
  const { rows } = await client.query(
    'SELECT holder, epoch FROM leases WHERE name = $1 FOR SHARE',
    [fence.name],
  );
  const row = rows[0] as { holder: string; epoch: string } | undefined;
  if (row?.holder !== fence.holder || Number(row.epoch) !== fence.epoch)
    throw leaseLostError(
      `the lease "${fence.name}" was taken by another replica since this one took it (epoch ${fence.epoch}); the write was refused`,
    );
}

/**
 * node-postgres's and the server's ways of saying the connection is gone or cannot be made:
 * socket errors, SQLSTATE class 08 (connection exception), 57P01-57P03 (the server shutting
 * down or starting), 53300 (too many connections), and the pool's own connect timeout.
 */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const raw = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  if (
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/.test(
      code,
    ) ||
    /^(08...|57P0[123]|53300)$/.test(code)
  )
    return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection ended unexpectedly/i.test(
    message,
  );
}

/** A failure of the database connection as Unavailable (503); anything else unchanged. */
function storeError(err: unknown): unknown {
  if (!isConnectionError(err)) return err;
  return unavailableError(
    `the store is unavailable (PostgreSQL: ${err instanceof Error ? err.message : String(err)}); try again shortly`,
    err,
  );
}

function parseBody(row: Record<string, unknown>): StoredResource {
  return JSON.parse(row.body as string) as StoredResource;
}

function labelQueryId(kind: string, namespace: string, label: string, value: string): string {
  return [kind, namespace, label, value].join('\u0000');
}

/** A project's Freight by alias: the expression of the index of postgres-migrations.ts 5. */
const ALIAS_EXPRESSION = `(labels ->> '${ALIAS_LABEL}')`;

/** One project's Freight by alias ($1 kind, $2 namespace, $3 alias), through that index. */
export const ALIAS_LOOKUP_SQL = `SELECT body FROM resources WHERE kind = $1 AND namespace = $2 AND ${ALIAS_EXPRESSION} = $3`;

/**
 * The SQL condition (and its parameter, appended to `params`) that narrows a list to the alias
 * an equality selector asks for (`alias=quiet-quokka`), so that finding one Freight by alias
 * reads one row, not the project's Freight; the page builder still checks the whole selector.
 */
function aliasFilter(options: ListOptions, params: unknown[]): string {
  const wanted = (options.labelSelector ?? []).find(
    (r) => r.key === ALIAS_LABEL && r.operator === 'In' && r.values.length === 1,
  );
  if (!wanted) return '';
  params.push(wanted.values[0]);
  return `AND ${ALIAS_EXPRESSION} = $${params.length}`;
}
