import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/postgres.js';
import { isGantryError } from '../../errors.js';
import type { Resource } from '../../api/resource.js';
import { describeStoreContract } from '../store.contract.js';
import type { Store, WatchEvent, WriteOp } from '../store.js';
import {
  ALIAS_LOOKUP_SQL,
  openPostgresStore,
  rowLocksOf,
  type PostgresStore,
} from './postgres-store.js';
import pg from 'pg';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

describeStoreContract('postgres', async () => {
  const url = await postgres.createDatabase();
  let current: PostgresStore = await openPostgresStore({ url, pollIntervalMs: 50 });
  let limit = 20_000;
  const reopen = async (): Promise<Store> => {
    await current.close();
    current = await openPostgresStore({ url, pollIntervalMs: 50, historyLimit: limit });
    return current;
  };
  return {
    store: current,
    reopen,
    compactTo: async (keep: number) => {
      limit = keep;
      const store = (await reopen()) as PostgresStore;
      await store.compact();
      return store;
    },
    destroy: () => current.close(),
  };
});

describe('PostgresStore with several replicas', () => {
  it('hands out versions in commit order and shows every replica every write', async () => {
    const url = await postgres.createDatabase();
    const a = await openPostgresStore({ url, pollIntervalMs: 50 });
    const b = await openPostgresStore({ url, pollIntervalMs: 50 });
    try {
      const start = await a.currentResourceVersion();
      const controller = new AbortController();
      const seen: number[] = [];
      const watching = (async () => {
        for await (const event of a.watch({
          fromResourceVersion: start,
          signal: controller.signal,
        })) {
          seen.push(Number(event.resourceVersion));
          if (seen.length === 80) break;
        }
      })();
      const writer = (store: PostgresStore, prefix: string) =>
        Promise.all(
          Array.from({ length: 4 }, async (_, worker) => {
            for (let i = 0; i < 10; i++) {
              await store.write([
                {
                  op: 'create',
                  object: {
                    apiVersion: 'kargo.akuity.io/v1alpha1',
                    kind: 'Stage',
                    metadata: { name: `${prefix}-${worker}-${i}`, namespace: 'demo' },
                    spec: {},
                  },
                },
              ]);
            }
          }),
        );
      await Promise.all([writer(a, 'a'), writer(b, 'b')]);
      const timeout = setTimeout(() => controller.abort(), 5_000);
      await watching;
      clearTimeout(timeout);
      expect(seen).toEqual(Array.from({ length: 80 }, (_, i) => Number(start) + i + 1));
      expect((await b.list('Stage')).items).toHaveLength(80);
    } finally {
      await a.close();
      await b.close();
    }
  });

  /** Two stores (replicas) on one fresh database. */
  const twoReplicas = async () => {
    const url = await postgres.createDatabase();
    return [
      await openPostgresStore({ url, pollIntervalMs: 50 }),
      await openPostgresStore({ url, pollIntervalMs: 50 }),
    ] as const;
  };
  const stage = (name: string, namespace = 'demo', extra: Partial<Resource> = {}): Resource => ({
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: { name, namespace },
    spec: {},
    ...extra,
  });
  /** Every outcome of the writes, run all at once: 'ok' or the error's code. */
  const race = (writes: Array<() => Promise<unknown>>) =>
    Promise.all(
      writes.map((write) =>
        write().then(
          () => 'ok',
          (err: unknown) => (isGantryError(err) ? err.code : String(err)),
        ),
      ),
    );
  /** The change history from `after` up to the store's current version. */
  const history = async (store: PostgresStore, after: string): Promise<WatchEvent[]> => {
    const until = Number(await store.currentResourceVersion());
    const events: WatchEvent[] = [];
    if (until === Number(after)) return events;
    const controller = new AbortController();
    for await (const event of store.watch({
      fromResourceVersion: after,
      signal: controller.signal,
    })) {
      events.push(event);
      if (Number(event.resourceVersion) >= until) break;
    }
    return events;
  };

  it('lets exactly one of several replicas racing to create one name create it', async () => {
    const [a, b] = await twoReplicas();
    try {
      for (const name of ['x', 'y', 'z']) {
        const outcomes = await race(
          [a, b, a, b].map((store) => () => store.write([{ op: 'create', object: stage(name) }])),
        );
        expect(outcomes.sort()).toEqual(['AlreadyExists', 'AlreadyExists', 'AlreadyExists', 'ok']);
      }
      expect((await b.list('Stage')).items.map((s) => s.metadata.name)).toEqual(['x', 'y', 'z']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps a label unique (an alias) when replicas assert and give it at once', async () => {
    const [a, b] = await twoReplicas();
    try {
      const withAlias = (name: string): WriteOp[] => [
        {
          op: 'assertLabelUnique',
          kind: 'Stage',
          namespace: 'demo',
          label: 'alias',
          value: 'shared',
          exceptName: name,
          message: 'the alias "shared" is taken',
        },
        {
          op: 'create',
          object: stage(name, 'demo', {
            metadata: { name, namespace: 'demo', labels: { alias: 'shared' } },
          }),
        },
      ];
      const outcomes = await race(
        ['p', 'q', 'r', 's'].map((name, i) => () => (i % 2 ? a : b).write(withAlias(name))),
      );
      expect(outcomes.sort()).toEqual(['Conflict', 'Conflict', 'Conflict', 'ok']);
      const stages = (await a.list('Stage')).items;
      expect(stages.filter((s) => s.metadata.labels?.alias === 'shared')).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses all but one of concurrent updates from the same resourceVersion', async () => {
    const [a, b] = await twoReplicas();
    try {
      for (const name of ['dev', 'qa', 'prod']) {
        const [created] = await a.write([{ op: 'create', object: stage(name) }]);
        const rv = created!.object!.metadata.resourceVersion;
        const outcomes = await race(
          [1, 2, 3, 4, 5, 6].map(
            (v) => () =>
              (v % 2 ? a : b).write([
                {
                  op: 'update',
                  object: stage(name, 'demo', {
                    metadata: { name, namespace: 'demo', resourceVersion: rv },
                    spec: { v },
                  }),
                },
              ]),
          ),
        );
        expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome === 'Conflict')).toHaveLength(5);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('deletes a namespace as of its own version while another replica writes into it', async () => {
    const [a, b] = await twoReplicas();
    try {
      // Enough objects that the deletion takes a while, and writers have time to cut in.
      await a.write(
        Array.from({ length: 300 }, (_, i) => ({
          op: 'create',
          object: stage(`old-${i}`, 'gone'),
        })),
      );
      const start = await a.currentResourceVersion();
      // Writers create objects in the namespace before, during and after the deletion.
      let deleting: Promise<unknown> | undefined;
      let created = 0;
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          for (let i = 0; !deleting || i < 10; i++) {
            await b.write([{ op: 'create', object: stage(`new-${worker}-${i}`, 'gone') }]);
            created++;
            deleting ??= a.write([{ op: 'deleteNamespace', namespace: 'gone' }]);
            if (i === 9) await deleting;
          }
        }),
      );
      await deleting;
      const events = await history(a, start);
      const deletions = events
        .filter((e) => e.type === 'DELETED')
        .map((e) => Number(e.resourceVersion));
      expect(deletions.length).toBeGreaterThanOrEqual(300);
      const deletedAt = Math.max(...deletions);
      // Versions of one batch are consecutive: nothing committed in the middle of the deletion.
      expect(deletedAt - Math.min(...deletions) + 1).toBe(deletions.length);
      // What survived was created after the deletion; all that was created before it is gone.
      const survivors = (await b.list('Stage', { namespace: 'gone' })).items;
      for (const object of survivors)
        expect(Number(object.metadata.resourceVersion)).toBeGreaterThan(deletedAt);
      const createdBefore = events.filter(
        (e) => e.type === 'ADDED' && Number(e.resourceVersion) < deletedAt,
      );
      expect(deletions.length).toBe(300 + createdBefore.length);
      expect(survivors.length + createdBefore.length).toBe(created);
      expect(survivors.length).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('takes its advisory locks in one order whatever the batch, stronger mode winning', () => {
    const key = { kind: 'Stage', namespace: 'demo', name: 'dev' };
    const forward = rowLocksOf([
      { op: 'delete', key },
      { op: 'deleteNamespace', namespace: 'demo' },
      { op: 'create', object: stage('qa') },
    ]);
    const backward = rowLocksOf([
      { op: 'create', object: stage('qa') },
      { op: 'deleteNamespace', namespace: 'demo' },
      { op: 'delete', key },
    ]);
    expect(forward).toEqual(backward);
    // dev, qa and the namespace (exclusive, though the keys in it take it shared).
    expect(forward.keys).toHaveLength(3);
    expect(forward.exclusive).toEqual([true, true, true]);
    const sorted = forward.keys.map(BigInt);
    expect([...sorted].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(sorted);
    expect(rowLocksOf([{ op: 'create', object: stage('qa') }]).exclusive.sort()).toEqual([
      false,
      true,
    ]);
    const asserted = rowLocksOf([{ op: 'assertExists', key, message: 'no dev' }]);
    expect(asserted.exclusive).toEqual([false, false]);
  });
});

describe('PostgresStore alias index', () => {
  it("finds a Freight by alias through the alias's index, and lists by alias", async () => {
    const url = await postgres.createDatabase();
    const store = await openPostgresStore({ url, pollIntervalMs: 50 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const ops: WriteOp[] = Array.from({ length: 2_000 }, (_, i) => ({
        op: 'create',
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `f${i}`,
            namespace: 'p',
            labels: { 'kargo.akuity.io/alias': `alias-${i}` },
          },
        },
      }));
      await store.write(ops);
      await client.query('ANALYZE resources');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${ALIAS_LOOKUP_SQL}`, [
        'ConfigMap',
        'p',
        'alias-1234',
      ]);
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('resources_by_alias');
      const { items } = await store.list('ConfigMap', {
        namespace: 'p',
        labelSelector: [{ key: 'kargo.akuity.io/alias', operator: 'In', values: ['alias-1234'] }],
      });
      expect(items.map((item) => item.metadata.name)).toEqual(['f1234']);
    } finally {
      await client.end();
      await store.close();
    }
  });
});
