import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredResource } from '../../api/resource.js';
import { handOverOneChange } from '../plain-copy.js';
import type { WatchEvent } from '../store.js';
import { OPEN } from './freight-records.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const api = 'kargo.akuity.io/v1alpha1';
type Records = Record<string, Record<string, unknown>>;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function databasePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-freight-records-'));
  dirs.push(dir);
  return join(dir, 'gantry.db');
}

const key = { kind: 'Freight', namespace: 'demo', name: 'f1' };

/** A record copied with `key` set (or removed), handed over as a controller's hop hands it. */
function hop(record: Record<string, unknown> | undefined, name: string, value: unknown): object {
  const copy: Record<string, unknown> = {};
  for (const member in record) if (Object.hasOwn(record, member)) copy[member] = record[member];
  if (value === undefined) delete copy[name];
  else copy[name] = value;
  if (record) handOverOneChange(copy, record, name);
  return copy;
}

function records(object: StoredResource | undefined): Records {
  return (object?.status ?? {}) as Records;
}

/** The JSON text of every version the writes made, by version. */
async function writeHistory(store: SqliteStore): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  const remember = (object: StoredResource | undefined) => {
    if (object) versions.set(object.metadata.resourceVersion, JSON.stringify(object));
    return object!;
  };
  let freight = remember(
    (
      await store.write([
        {
          op: 'create',
          object: {
            apiVersion: api,
            kind: 'Freight',
            metadata: { name: 'f1', namespace: 'demo' },
            origin: { kind: 'Warehouse', name: 'w' },
          },
        },
      ])
    )[0]!.object,
  );
  const status = async (next: Record<string, unknown>) => {
    freight = remember(
      (
        await store.write([
          {
            op: 'updateStatus',
            key,
            status: next,
            resourceVersion: freight.metadata.resourceVersion,
          },
        ])
      )[0]!.object,
    );
  };
  // Hops, as controllers write them: one member at a time, handed over.
  for (let index = 0; index < 5; index++) {
    const current = records(freight);
    await status({
      ...current,
      currentlyIn: hop(current.currentlyIn, `s${index}`, {}),
      verifiedIn: hop(current.verifiedIn, `s${index}`, {
        verifiedAt: `2026-12-07T00:00:0${index}Z`,
      }),
    });
  }
  let current = records(freight);
  // A member leaves, one changes in place, one named like a number comes first.
  await status({ ...current, currentlyIn: hop(current.currentlyIn, 's1', undefined) });
  current = records(freight);
  await status({
    ...current,
    verifiedIn: hop(current.verifiedIn, 's2', { verifiedAt: 'later', longestSoak: '1h' }),
  });
  current = records(freight);
  await status({ ...current, currentlyIn: hop(current.currentlyIn, '42', {}) });
  // Whole statuses, as a user's write gives them: approvals, a member back, another order.
  current = records(freight);
  await status({
    ...current,
    approvedFor: { s9: {}, 's"é': { at: 1 } },
    currentlyIn: { ...current.currentlyIn, s1: {} },
  });
  current = records(freight);
  await status({
    verifiedIn: {
      s4: current.verifiedIn!.s4,
      s0: { verifiedAt: 'again' },
      s3: current.verifiedIn!.s3,
    },
    approvedFor: {},
    currentlyIn: current.currentlyIn!,
    note: 'the order of the fields too',
  });
  current = records(freight);
  // A record dropped, then the whole status.
  await status({ currentlyIn: current.currentlyIn!, verifiedIn: current.verifiedIn! });
  await status({ message: 'no records' });
  await status({ currentlyIn: { back: {} } });
  return versions;
}

describe('SqliteStore: a Freight’s per-Stage records apart from its text', () => {
  it('reads every version back as written: get, list, listJson and the history of a watch', async () => {
    const path = databasePath();
    let store = openSqliteStore({ path });
    const versions = await writeHistory(store);
    const last = [...versions.values()].at(-1)!;
    await store.close();

    // A store that never saw the writes: everything comes from the file.
    store = openSqliteStore({ path });
    expect(JSON.stringify(await store.get(key))).toBe(last);
    expect(
      (await store.list('Freight', { namespace: 'demo' })).items.map((i) => JSON.stringify(i)),
    ).toEqual([last]);
    expect((await store.listJson('Freight')).items).toEqual([last]);
    expect((await store.listJson('Freight', { namespace: 'demo', limit: 1 })).items).toEqual([
      last,
    ]);

    await store.write([{ op: 'delete', key }]);
    const events = await collect(store, versions.size + 1);
    expect(events.slice(0, -1).map((e) => [e.resourceVersion, JSON.stringify(e.object)])).toEqual([
      ...versions,
    ]);
    const deleted = events.at(-1)!;
    expect(deleted.type).toBe('DELETED');
    // The last state, with the deletion's version.
    expect(JSON.parse(JSON.stringify(deleted.object))).toEqual({
      ...JSON.parse(last),
      metadata: { ...JSON.parse(last).metadata, resourceVersion: deleted.resourceVersion },
    });
    await store.close();
  });

  it('writes one member a hop, and keeps none of them in the Freight’s text', async () => {
    const path = databasePath();
    const store = openSqliteStore({ path });
    let freight = (
      await store.write([
        {
          op: 'create',
          object: { apiVersion: api, kind: 'Freight', metadata: { name: 'f1', namespace: 'demo' } },
        },
      ])
    )[0]!.object!;
    const db = new Database(path, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    for (let index = 0; index < 100; index++) {
      const current = records(freight);
      const before = count('SELECT count(*) AS n FROM freight_records');
      freight = (
        await store.write([
          {
            op: 'updateStatus',
            key,
            status: { ...current, currentlyIn: hop(current.currentlyIn, `stage-${index}`, {}) },
          },
        ])
      )[0]!.object!;
      expect(count('SELECT count(*) AS n FROM freight_records') - before).toBe(1);
    }
    const row = db.prepare("SELECT body, apart FROM resources WHERE kind = 'Freight'").get() as {
      body: string;
      apart: number;
    };
    expect(row.body).not.toContain('stage-');
    expect(JSON.parse(row.body).status).toEqual({ currentlyIn: {} });
    expect(row.apart).toBe(1);
    const event = db.prepare('SELECT body FROM events ORDER BY rv DESC LIMIT 1').get() as {
      body: string;
    };
    expect(event.body).not.toContain('stage-');
    // The Stage leaving: its member's row is closed, none added.
    const current = records(freight);
    await store.write([
      {
        op: 'updateStatus',
        key,
        status: { ...current, currentlyIn: hop(current.currentlyIn, 'stage-0', undefined) },
      },
    ]);
    expect(count(`SELECT count(*) AS n FROM freight_records WHERE rv_to = ${OPEN}`)).toBe(99);
    expect(count('SELECT count(*) AS n FROM freight_records')).toBe(100);
    db.close();
    await store.close();
  });

  it('drops the rows of members that no remaining change event needs when it compacts', async () => {
    const path = databasePath();
    let store = openSqliteStore({ path });
    const versions = await writeHistory(store);
    await store.close();
    const keep = 4;
    store = openSqliteStore({ path, historyLimit: keep });
    while (store.compact());
    const db = new Database(path, { readonly: true });
    const { rv } = db.prepare('SELECT rv, compacted_rv FROM store_state').get() as { rv: number };
    const horizon = rv - keep;
    expect(
      (
        db.prepare('SELECT count(*) AS n FROM freight_records WHERE rv_to <= ?').get(horizon) as {
          n: number;
        }
      ).n,
    ).toBe(0);
    expect(
      (db.prepare('SELECT count(*) AS n FROM freight_records').get() as { n: number }).n,
    ).toBeGreaterThan(0);
    db.close();
    // What remains of the history still reads as written.
    const events = await collect(store, keep, String(horizon));
    expect(events.map((e) => [e.resourceVersion, JSON.stringify(e.object)])).toEqual(
      [...versions].slice(-keep),
    );
    await store.close();
  });

  it('closes the records of a project’s Freight when the project goes', async () => {
    const path = databasePath();
    const store = openSqliteStore({ path });
    await writeHistory(store);
    await store.write([{ op: 'deleteNamespace', namespace: 'demo' }]);
    const db = new Database(path, { readonly: true });
    expect(
      (
        db.prepare(`SELECT count(*) AS n FROM freight_records WHERE rv_to = ${OPEN}`).get() as {
          n: number;
        }
      ).n,
    ).toBe(0);
    db.close();
    // A Freight of the same name starts with no records.
    await store.write([
      {
        op: 'create',
        object: { apiVersion: api, kind: 'Freight', metadata: { name: 'f1', namespace: 'demo' } },
      },
    ]);
    await store.write([{ op: 'updateStatus', key, status: { currentlyIn: { only: {} } } }]);
    await store.close();
    const reopened = openSqliteStore({ path });
    expect((await reopened.get(key))?.status).toEqual({ currentlyIn: { only: {} } });
    await reopened.close();
  });

  it('moves the records of Freight that an older version stored whole, and reads its history as it was', async () => {
    const path = databasePath();
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const migration of sqliteMigrations.filter((m) => m.version <= 4)) {
      for (const statement of migration.statements) db.exec(statement);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        'then',
      );
    }
    const whole = {
      apiVersion: api,
      kind: 'Freight',
      metadata: {
        name: 'f1',
        namespace: 'demo',
        uid: 'u1',
        resourceVersion: '7',
        generation: 1,
        creationTimestamp: '2026-12-01T00:00:00Z',
      },
      status: {
        currentlyIn: { b: {}, a: { since: 'x' }, '7': {} },
        verifiedIn: {
          a: {
            verifiedAt: '2026-12-01T00:00:00Z',
            longestSoak: '10m',
            flag: true,
            none: null,
            count: 3,
            ratio: 0.5,
            text: 'é "q"',
          },
        },
        approvedFor: {},
        message: 'kept',
      },
    };
    const text = JSON.stringify(whole);
    db.prepare("INSERT INTO resources VALUES ('Freight', 'demo', 'f1', 'u1', 7, '{}', ?)").run(
      text,
    );
    db.prepare("INSERT INTO events VALUES (7, 'ADDED', 'Freight', 'demo', ?)").run(text);
    db.prepare('UPDATE store_state SET rv = 7').run();
    db.close();

    const store = openSqliteStore({ path });
    expect(JSON.stringify(await store.get(key))).toBe(text);
    const raw = new Database(path, { readonly: true });
    const row = raw.prepare('SELECT body, apart FROM resources').get() as {
      body: string;
      apart: number;
    };
    expect(row.apart).toBe(7);
    expect(JSON.parse(row.body).status).toEqual({
      currentlyIn: {},
      verifiedIn: {},
      approvedFor: {},
      message: 'kept',
    });
    raw.close();
    // Its old event still reads whole; the next hop changes one member.
    const current = (await store.get(key))!;
    await store.write([
      {
        op: 'updateStatus',
        key,
        status: { ...records(current), currentlyIn: hop(records(current).currentlyIn, 'c', {}) },
      },
    ]);
    const events = await collect(store, 2, '6');
    expect(JSON.stringify(events[0]!.object)).toBe(text);
    expect(Object.keys(records(events[1]!.object).currentlyIn!)).toEqual(['7', 'b', 'a', 'c']);
    await store.close();
    const reopened = openSqliteStore({ path });
    expect(records(await reopened.get(key))).toEqual({
      ...whole.status,
      currentlyIn: { ...whole.status.currentlyIn, c: {} },
    });
    await reopened.close();
  });
});

async function collect(store: SqliteStore, count: number, from = '0'): Promise<WatchEvent[]> {
  const controller = new AbortController();
  const events: WatchEvent[] = [];
  for await (const event of store.watch({
    kinds: ['Freight'],
    fromResourceVersion: from,
    signal: controller.signal,
  })) {
    events.push(event);
    if (events.length === count) break;
  }
  controller.abort();
  return events;
}
