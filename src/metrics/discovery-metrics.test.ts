import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFRESH_ANNOTATION } from '../api/labels.js';
import type { WarehouseStatus } from '../api/warehouse.js';
import { WarehouseController } from '../controllers/warehouse-controller.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import type { DiscoveredImages } from '../sources/discovery.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

const api = 'kargo.akuity.io/v1alpha1';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('discovery metrics, from a Warehouse discovered in process', () => {
  let store: SqliteStore;
  let controller: WarehouseController | undefined;

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 10 });
  });
  afterEach(async () => {
    await controller?.stop();
    await store.close();
  });

  const status = async () =>
    ((await store.get({ kind: 'Warehouse', namespace: 'demo', name: 'w' }))?.status ??
      {}) as WarehouseStatus;
  /** Waits for `done` (the deadline only detects a hang). */
  const until = async (done: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 30_000; !(await done());) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('counts runs by outcome, failed subscriptions and the Freight made', async () => {
    const service = new ResourceService({ store });
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    let calls = 0;
    controller = new WarehouseController({
      store,
      service,
      logger: silentLogger,
      replicaId: 'replica-a',
      minIntervalMs: 0,
      metrics,
      credentials: () => Promise.resolve(undefined),
      discoverers: {
        // The first run finds an image; the next one fails.
        image: (sub): Promise<DiscoveredImages> => {
          calls++;
          if (calls > 1) return Promise.reject(new Error('registry answered 503'));
          return Promise.resolve({
            repoURL: sub.repoURL,
            references: [{ tag: '1.0.0', digest: DIGEST }],
          });
        },
        chart: () => Promise.reject(new Error('no charts here')),
        git: () => Promise.reject(new Error('no git here')),
      },
    });
    await controller.start();
    await service.apply({
      mode: 'apply',
      documents: [
        { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
        {
          apiVersion: api,
          kind: 'Warehouse',
          metadata: { name: 'w', namespace: 'demo' },
          spec: { interval: '1h', subscriptions: [{ image: { repoURL: '127.0.0.1:1/app' } }] },
        },
      ],
    });
    // Each run reports before it writes the Warehouse's status: wait for the status.
    await until(async () => !!(await status()).lastFreightID);
    await store.write([
      {
        op: 'patchMetadata',
        key: { kind: 'Warehouse', namespace: 'demo', name: 'w' },
        annotations: { [REFRESH_ANNOTATION]: 'again' },
      },
    ]);
    await until(async () =>
      ((await status()).conditions ?? []).some((c) => c.reason === 'DiscoveryFailed'),
    );

    const text = await metrics.exposition();
    expect(text).toContain(
      'gantry_discovery_runs_total{project="demo",warehouse="w",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'gantry_discovery_runs_total{project="demo",warehouse="w",outcome="failed"} 1',
    );
    expect(text).toContain('gantry_discovery_errors_total{project="demo",warehouse="w"} 1');
    expect(text).toContain('gantry_freight_created_total{project="demo",warehouse="w"} 1');
    expect(text).toContain('gantry_discovery_duration_seconds_count{project="demo"} 2');
  });
});
