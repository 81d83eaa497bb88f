import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/postgres.js';
import { describeStoreContract } from '../store.contract.js';
import type { Store } from '../store.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';

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
});
