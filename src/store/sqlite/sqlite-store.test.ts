import { fdatasync, fstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isGantryError } from '../../errors.js';
import { describeStoreContract } from '../store.contract.js';
import type { Store } from '../store.js';
import {
  FLUSH_WITHIN_MS,
  labelLookupSql,
  openSqliteStore,
  PAGE_BYTES,
  SqliteStore,
} from './sqlite-store.js';
import type { SyncFile } from './wal-flusher.js';
import { ALIAS_LABEL } from '../../api/labels.js';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

describeStoreContract('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
  const path = join(dir, 'gantry.db');
  let current: SqliteStore = openSqliteStore({ path, pollIntervalMs: 50 });
  let limit = 20_000;
  const reopen = async (): Promise<Store> => {
    await current.close();
    current = openSqliteStore({ path, pollIntervalMs: 50, historyLimit: limit });
    return current;
  };
  return Promise.resolve({
    store: current,
    reopen,
    compactTo: (keep: number) => {
      limit = keep;
      return reopen();
    },
    destroy: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('SqliteStore schema', () => {
  it('refuses a database written by a newer Gantry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const path = join(dir, 'gantry.db');
    const store = openSqliteStore({ path });
    await store.close();
    const { createRequire } = await import('node:module');
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (p: string) => {
      exec(sql: string): void;
      close(): void;
    };
    const db = new Database(path);
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')");
    db.close();
    let err: unknown;
    try {
      openSqliteStore({ path });
    } catch (e) {
      err = e;
    }
    expect(isGantryError(err, 'Unavailable')).toBe(true);
    expect((err as Error).message).toContain('schema version 99');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('SqliteStore alias index', () => {
  it("finds a Freight by alias through the alias's index, not the project's Freight", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const path = join(dir, 'gantry.db');
    const store = openSqliteStore({ path });
    await store.close();
    const { createRequire } = await import('node:module');
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (p: string) => {
      prepare(sql: string): { all(...params: unknown[]): Array<{ detail: string }> };
      close(): void;
    };
    const db = new Database(path);
    try {
      // On this WITHOUT ROWID table SQLite's planner, left alone, takes the primary key's
      // (kind, namespace) range: every Freight of the project, labels parsed one by one.
      const plan = (sql: string, ...params: unknown[]) =>
        db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((row) => row.detail)
          .join('; ');
      expect(plan(labelLookupSql(ALIAS_LABEL), 'Freight', 'p', 'quiet-quokka')).toContain(
        'USING INDEX resources_by_alias',
      );
      expect(plan(labelLookupSql('team'), 'Freight', 'p', '$."team"', 'a')).not.toContain(
        'resources_by_alias',
      );
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SqliteStore long lists', () => {
  it('reads a long list in turns, as of one version, while writes go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const store = openSqliteStore({ path: join(dir, 'gantry.db') });
    const configMap = (name: string, value: string) => ({
      op: 'apply' as const,
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: 'p' },
        data: { value },
      },
    });
    try {
      await store.write(
        Array.from({ length: 3_000 }, (_, i) => configMap(`c${String(i).padStart(4, '0')}`, 'old')),
      );
      const before = Number(await store.currentResourceVersion());
      // Writes land while the list reads: between its pages, on the writer's connection.
      let writes = 0;
      const writing = (async () => {
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve) => setImmediate(resolve));
          await store.write([configMap('c0000', `new-${i}`), configMap(`z${i}`, 'added')]);
          writes++;
        }
      })();
      const list = await store.listJson('ConfigMap', { namespace: 'p' });
      const writesWhileListing = writes;
      await writing;
      // The list gave the writes turns while it read…
      expect(writesWhileListing).toBeGreaterThan(0);
      // …and shows exactly the version it names: the 3,000, unchanged.
      expect(list.resourceVersion).toBe(String(before));
      expect(list.items).toHaveLength(3_000);
      expect(
        list.items.map((text) => (JSON.parse(text) as { data: { value: string } }).data.value),
      ).toEqual(Array.from({ length: 3_000 }, () => 'old'));
      const after = await store.listJson('ConfigMap', { namespace: 'p' });
      expect(after.items).toHaveLength(3_005);
      expect(Number(after.resourceVersion)).toBe(before + 10);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SqliteStore compaction', () => {
  it('drops a long backlog of history in short batches, each its own transaction', async () => {
    const store = openSqliteStore({ path: ':memory:', historyLimit: 10 });
    try {
      const start = Number(await store.currentResourceVersion());
      for (let round = 0; round < 5; round++)
        await store.write(
          Array.from({ length: 1_000 }, (_, i) => ({
            op: 'apply' as const,
            object: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: `c${i}`, namespace: 'p' },
              data: { round: String(round) },
            },
          })),
        );
      const batches: boolean[] = [];
      for (let more = true; more;) batches.push((more = store.compact()));
      // 5,000 versions beyond the limit of 10: 2,000 at a time.
      expect(batches).toEqual([true, true, false]);
      const latest = Number(await store.currentResourceVersion());
      expect(latest - start).toBe(5_000);
      let err: unknown;
      try {
        for await (const event of store.watch({
          fromResourceVersion: String(latest - 20),
          signal: new AbortController().signal,
        })) {
          void event;
          break;
        }
      } catch (e) {
        err = e;
      }
      expect(isGantryError(err, 'Expired')).toBe(true);
      const recent: string[] = [];
      const controller = new AbortController();
      for await (const event of store.watch({
        fromResourceVersion: String(latest - 5),
        signal: controller.signal,
      })) {
        recent.push(event.resourceVersion);
        if (recent.length === 5) controller.abort();
      }
      expect(recent).toEqual([1, 2, 3, 4, 5].map((n) => String(latest - 5 + n)));
    } finally {
      await store.close();
    }
  });
});

/**
 * A store over a file whose statements record the `synchronous` level they ran under (1
 * NORMAL: no flush at commit; 2 FULL: the commit waits for the disk), by table written.
 */
async function storeRecordingFlushes() {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
  const path = join(dir, 'gantry.db');
  await openSqliteStore({ path }).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const byTable = new Map<string, Set<unknown>>();
  let versionAsks = 0;
  const wrapped = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string) => {
        const statement = target.prepare(sql);
        if (sql === 'PRAGMA data_version')
          return { get: () => (versionAsks++, statement.get()) } as unknown as typeof statement;
        const table = /(?:UPDATE|INTO|FROM)\s+(leases|resources|events|store_state)\b/.exec(
          sql,
        )?.[1];
        if (!table || !/^\s*(UPDATE|INSERT|DELETE)/.test(sql)) return statement;
        const record = () => {
          const level = target.pragma('synchronous', { simple: true });
          byTable.set(table, (byTable.get(table) ?? new Set()).add(level));
        };
        return {
          run: (...p: unknown[]) => (record(), statement.run(...p)),
          get: (...p: unknown[]) => (record(), statement.get(...p)),
          all: (...p: unknown[]) => (record(), statement.all(...p)),
        };
      };
    },
  });
  const errors: unknown[] = [];
  // Each flush: whether it synced the WAL file (by inode: the file the store opened).
  const syncs: boolean[] = [];
  let failSyncs = 0;
  const syncFile: SyncFile = (fd, done) => {
    syncs.push(fstatSync(fd).ino === statSync(`${path}-wal`).ino);
    if (failSyncs > 0) {
      failSyncs--;
      done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      return;
    }
    fdatasync(fd, done);
  };
  const store = new SqliteStore(wrapped, {
    path,
    onError: (err) => errors.push(err),
    syncFile,
  });
  return {
    store,
    db,
    path,
    errors,
    byTable,
    /** How often the store asked SQLite whether another process wrote to the file. */
    versionAsks: () => versionAsks,
    /** The flushes of the WAL so far: true for each that synced the WAL file. */
    flushes: () => syncs,
    /** Makes the next `count` flushes fail as a failing disk does. */
    failNextSyncs: (count: number) => (failSyncs = count),
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const configMapOp = (name: string) => ({
  op: 'create' as const,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'p' } },
});

describe('SqliteStore leases', () => {
  it('commits lease operations without a flush, and every data write with one', async () => {
    const { store, db, byTable, flushes, cleanUp } = await storeRecordingFlushes();
    const lease = await store.acquireLease('l', 'me', 60_000);
    expect(lease).toBeDefined();
    expect(await store.renewLease(lease!, 60_000)).toBe(true);
    await store.write([configMapOp('a')], { fence: lease });
    await store.releaseLease(lease!);
    expect(byTable.get('leases')).toEqual(new Set([1]));
    expect(byTable.get('resources')).toEqual(new Set([2]));
    expect(byTable.get('events')).toEqual(new Set([2]));
    // Between writes that wait for the disk the connection rests at NORMAL.
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    await store.close();
    // Nothing was left unflushed, so closing flushed nothing more.
    expect(flushes()).toEqual([]);
    cleanUp();
  });
});

describe('SqliteStore turns', () => {
  it('asks whether another process wrote once a turn, however many reads await each other in it', async () => {
    const { store, versionAsks, cleanUp } = await storeRecordingFlushes();
    await store.write([configMapOp('a')]);
    const key = { kind: 'ConfigMap', namespace: 'p', name: 'a' };
    const before = versionAsks();
    for (let i = 0; i < 5; i++) expect((await store.get(key))?.metadata.name).toBe('a');
    expect(versionAsks() - before).toBe(1);
    // The next turn of the event loop may follow something from outside: it asks again.
    await new Promise((resolve) => setImmediate(resolve));
    await store.get(key);
    expect(versionAsks() - before).toBe(2);
    await store.close();
    cleanUp();
  });
});

describe('SqliteStore deferred flushes', () => {
  /** The window's timers in the tests' hands (real timers otherwise). */
  const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('commits a deferred write without a flush, and flushes it within the window', async () => {
    const { store, db, byTable, flushes, cleanUp } = await storeRecordingFlushes();
    await store.write([configMapOp('a')], { deferFlush: true });
    expect(byTable.get('resources')).toEqual(new Set([1]));
    expect(byTable.get('events')).toEqual(new Set([1]));
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    // The flush: the WAL file, which holds the write, synced off the event loop.
    await vi.waitFor(() => expect(flushes()).toEqual([true]));
    // Another deferred write has another flush; a dry run has none.
    await store.write([configMapOp('b')], { deferFlush: true });
    await store.write([configMapOp('c')], { deferFlush: true, dryRun: true });
    await vi.waitFor(() => expect(flushes()).toEqual([true, true]));
    await store.close();
    expect(flushes()).toEqual([true, true]);
    cleanUp();
  });

  it('needs no flush of its own after a write that waited for the disk', async () => {
    fakeTimers();
    const { store, flushes, cleanUp } = await storeRecordingFlushes();
    await store.write([configMapOp('a')], { deferFlush: true });
    // A client's write flushes the WAL, the deferred write before it included.
    await store.write([configMapOp('b')]);
    await vi.advanceTimersByTimeAsync(FLUSH_WITHIN_MS);
    expect(flushes()).toEqual([]);
    // A write with nothing to change flushes nothing: the deferred one before it still is.
    await store.write([configMapOp('c')], { deferFlush: true });
    await store.write([], {});
    await vi.advanceTimersByTimeAsync(FLUSH_WITHIN_MS);
    expect(flushes()).toEqual([true]);
    await store.close();
    cleanUp();
  });

  it('flushes what is left when it closes, and keeps it after a restart', async () => {
    fakeTimers();
    const { store, path, flushes, cleanUp } = await storeRecordingFlushes();
    await store.write([configMapOp('a')], { deferFlush: true });
    expect(flushes()).toEqual([]);
    await store.close();
    expect(flushes()).toEqual([true]);
    const reopened = openSqliteStore({ path });
    const kept = await reopened.get({ kind: 'ConfigMap', namespace: 'p', name: 'a' });
    expect(kept?.metadata.name).toBe('a');
    await reopened.close();
    cleanUp();
  });

  it('tries a failed flush again, and says why it failed', async () => {
    fakeTimers();
    const { store, errors, flushes, failNextSyncs, cleanUp } = await storeRecordingFlushes();
    await store.write([configMapOp('a')], { deferFlush: true });
    failNextSyncs(1);
    await vi.advanceTimersByTimeAsync(FLUSH_WITHIN_MS);
    await vi.waitFor(() => expect(errors.length).toBe(1));
    expect(String(errors[0])).toContain('EIO');
    // The commit is still unflushed: the next flush covers it.
    await vi.advanceTimersByTimeAsync(FLUSH_WITHIN_MS);
    await vi.waitFor(() => expect(flushes()).toEqual([true, true]));
    await store.close();
    expect(errors.length).toBe(1);
    cleanUp();
  });
});

describe('SqliteStore list cache', () => {
  const configMap = (name: string, value: string) => ({
    op: 'apply' as const,
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'p' },
      data: { value },
    },
  });
  const values = async (store: Store) =>
    (await store.list('ConfigMap', { namespace: 'p' })).items.map(
      (item) => `${item.metadata.name}=${(item as { data?: { value?: string } }).data?.value}`,
    );

  it("keeps a project's list current through its own writes, creates and deletes", async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.write([configMap('b', '1'), configMap('d', '1')]);
    expect(await values(store)).toEqual(['b=1', 'd=1']);
    await store.write([configMap('b', '2'), configMap('a', '1'), configMap('c', '1')]);
    await store.write([{ op: 'delete', key: { kind: 'ConfigMap', namespace: 'p', name: 'd' } }]);
    expect(await values(store)).toEqual(['a=1', 'b=2', 'c=1']);
    // The same objects as a fresh read (the list cache holds no stale version).
    const listed = (await store.list('ConfigMap', { namespace: 'p' })).items;
    const fresh = (await store.list('ConfigMap', { namespace: 'p', limit: 10 })).items;
    expect(listed).toEqual(fresh);
    expect(listed.map((item) => item.metadata.resourceVersion)).toEqual(
      fresh.map((item) => item.metadata.resourceVersion),
    );
    await store.close();
  });

  it('makes a new file with 16 KiB pages, and keeps the page size of an existing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const fresh = join(dir, 'fresh.db');
    const store = openSqliteStore({ path: fresh });
    await store.write([configMap('a', '1')]);
    await store.close();
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return db.pragma('page_size', { simple: true });
      } finally {
        db.close();
      }
    };
    expect(pageSize(fresh)).toBe(PAGE_BYTES);
    // A file made with SQLite's default pages (an earlier Gantry's) opens and stays as it is.
    const older = join(dir, 'older.db');
    const made = new Database(older);
    made.pragma('journal_mode = WAL');
    made.exec('CREATE TABLE kept (id INTEGER)');
    made.close();
    const reopened = openSqliteStore({ path: older });
    await reopened.write([configMap('a', '1')]);
    expect(await values(reopened)).toEqual(['a=1']);
    await reopened.close();
    expect(pageSize(older)).toBe(4096);
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees what another process wrote to the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const path = join(dir, 'gantry.db');
    const mine = openSqliteStore({ path });
    const other = openSqliteStore({ path });
    await mine.write([configMap('a', '1')]);
    expect(await values(mine)).toEqual(['a=1']);
    await other.write([configMap('a', '2'), configMap('b', '1')]);
    expect(await values(mine)).toEqual(['a=2', 'b=1']);
    await mine.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets what another process changed or deleted since, and refuses writes over its changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const path = join(dir, 'gantry.db');
    const mine = openSqliteStore({ path });
    const other = openSqliteStore({ path });
    const key = (name: string) => ({ kind: 'ConfigMap', namespace: 'p', name });
    const data = async (store: Store, name: string) =>
      (await store.get(key(name)))?.data as Record<string, string> | undefined;
    const [a] = await mine.write([configMap('a', '1')]);
    await mine.write([configMap('b', '1')]);
    // Known to this process from its own writes: served without reading the rows.
    expect(await data(mine, 'a')).toEqual({ value: '1' });
    await other.write([
      {
        op: 'update',
        object: { ...configMap('a', '2').object, metadata: { ...a!.object!.metadata } },
      },
    ]);
    await other.write([{ op: 'delete', key: key('b') }]);
    expect(await data(mine, 'a')).toEqual({ value: '2' });
    expect(await mine.get(key('b'))).toBeUndefined();
    // A write from the version it knew is a conflict, not a silent overwrite.
    const stale = mine.write([
      {
        op: 'update',
        object: { ...configMap('a', '3').object, metadata: { ...a!.object!.metadata } },
      },
    ]);
    await expect(stale).rejects.toSatisfy((err: unknown) => isGantryError(err, 'Conflict'));
    // Its own delete is seen at once too.
    await mine.write([{ op: 'delete', key: key('a') }]);
    expect(await mine.get(key('a'))).toBeUndefined();
    await mine.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what it wrote as its parsed copy: reads and events give that object, frozen', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.write([configMap('a', '1')]);
    await store.list('ConfigMap', { namespace: 'p' });
    const controller = new AbortController();
    const watch = store.watch({ fromResourceVersion: '1', signal: controller.signal });
    const events = watch[Symbol.asyncIterator]();
    // Once one event arrived the watcher follows live changes.
    const started = events.next();
    await store.write([configMap('b', '1')]);
    await started;
    const event = events.next();
    const key = { kind: 'ConfigMap', namespace: 'p', name: 'a' };
    const [result] = await store.write([{ op: 'updateStatus', key, status: { seen: [1, 2] } }]);
    const written = result!.object!;
    expect(Object.isFrozen(written)).toBe(true);
    expect(Object.isFrozen((written.status as { seen: number[] }).seen)).toBe(true);
    // Not parsed back from the text it stored: the very same object everywhere.
    expect(await store.get(key)).toBe(written);
    expect((await store.list('ConfigMap', { namespace: 'p' })).items[0]).toBe(written);
    expect((await event).value).toEqual(expect.objectContaining({ object: written }));
    controller.abort();
    await store.close();
  });

  it("delivers another process's writes between its own, in version order", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const path = join(dir, 'gantry.db');
    const mine = openSqliteStore({ path, pollIntervalMs: 60_000 });
    const other = openSqliteStore({ path });
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of mine.watch({
        fromResourceVersion: '0',
        signal: controller.signal,
      })) {
        seen.push(`${event.resourceVersion}:${event.object.metadata.name}`);
        if (seen.length === 4) return;
      }
    })();
    await mine.write([configMap('a', '1')]);
    await other.write([configMap('b', '1'), configMap('c', '1')]);
    await mine.write([configMap('d', '1')]);
    await watching;
    expect(seen).toEqual(['1:a', '2:b', '3:c', '4:d']);
    controller.abort();
    await mine.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands a write back on a later turn of the event loop, already committed', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    let turned = false;
    setImmediate(() => (turned = true));
    const writing = store.write([configMap('a', '1')]);
    expect(await values(store)).toEqual(['a=1']);
    await writing;
    expect(turned).toBe(true);
    await store.close();
  });

  it('hands concurrent writes back one per turn, so other work runs between any two', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.write([configMap(`c${i}`, '1')])));
    done = true;
    expect(turns).toBeGreaterThanOrEqual(50);
    await store.close();
  });
});
