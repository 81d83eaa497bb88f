/**
 * The cost of the store's writes and change events (docs/benchmarks.md, "Scale on one server",
 * issue 17), without controllers: the store traffic of one Freight's hop through N chained
 * Stages, replayed on a SQLite store on disk, wrapped as main.ts wraps it for the controllers
 * (MeteredStore, deferringFlushes: their writes flushed within 50 ms, not each on its own), with
 * two watchers following every change (as the controllers and one API watch do) and the
 * project's Stage and Freight lists cached (as controllers list them on every event).
 *
 * One hop, as the controllers write it (controllers/stage-hop.test.ts): a Promotion created
 * with its audit record; the Stage's lease taken; its outcome with the Stage's and the
 * Freight's records of it (the Freight names every Stage it has been in, in `currentlyIn` and
 * `verifiedIn`, so it grows to N entries of each), which also gives the lease back. A quick
 * step's start is saved with its end, so there is no Running save. Figures: CPU (process.cpuUsage, user + system) and wall time per
 * hop, and per lease take + release.
 *
 * GANTRY_STORE_HOPS changes N (default 1000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectKey } from '../src/api/resource.js';
import { MeteredStore } from '../src/metrics/metered-store.js';
import { PrometheusMetrics } from '../src/metrics/prometheus-metrics.js';
import { deferringFlushes } from '../src/store/deferred-flush.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { withEntry } from '../src/controllers/with-entry.js';
import { figures } from './figures.js';

const HOPS = Number(process.env.GANTRY_STORE_HOPS ?? 1000);
const api = 'kargo.akuity.io/v1alpha1';
const namespace = 'scale';
const { report, print } = figures({ figure: 62, value: 14 });

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function follow(store: Store, signal: AbortSignal, seen: { count: number }): Promise<void> {
  try {
    for await (const event of store.watch({ signal })) {
      if (event.object.kind === 'Freight') seen.count++;
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-store-writes-'));
  const metrics = new PrometheusMetrics({ defaultMetrics: false });
  const store = deferringFlushes(
    new MeteredStore(openSqliteStore({ path: join(dir, 'gantry.db') }), metrics),
  );
  const stop = new AbortController();
  try {
    await store.write([
      { op: 'create', object: { apiVersion: api, kind: 'Project', metadata: { name: namespace } } },
    ]);
    await store.write(
      Array.from({ length: HOPS }, (_, i) => ({
        op: 'create' as const,
        object: {
          apiVersion: api,
          kind: 'Stage',
          metadata: { name: `s${i}`, namespace },
          spec: { requestedFreight: [{ origin: { kind: 'Warehouse', name: 'w' } }] },
        },
      })),
    );
    await store.write([
      {
        op: 'create',
        object: {
          apiVersion: api,
          kind: 'Freight',
          metadata: { name: 'f1', namespace },
          origin: { kind: 'Warehouse', name: 'w' },
        },
      },
    ]);
    await store.list('Stage', { namespace });
    await store.list('Freight', { namespace });
    await store.list('Promotion', { namespace });
    const seen = { count: 0 };
    const watchers = [follow(store, stop.signal, seen), follow(store, stop.signal, seen)];
    const freightKey: ObjectKey = { kind: 'Freight', namespace, name: 'f1' };

    const startCpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < HOPS; i++) {
      const stageKey: ObjectKey = { kind: 'Stage', namespace, name: `s${i}` };
      const name = `s${i}.01jbench${String(i).padStart(6, '0')}.f1`;
      const promotionKey: ObjectKey = { kind: 'Promotion', namespace, name };
      const at = `2026-01-01T00:00:00Z`;
      await store.write([
        {
          op: 'assertExists',
          key: { kind: 'Project', namespace: '', name: namespace },
          message: 'no project',
        },
        { op: 'assertExists', key: stageKey, message: 'no Stage' },
        {
          op: 'create',
          object: {
            apiVersion: api,
            kind: 'Promotion',
            metadata: { name, namespace },
            spec: { stage: `s${i}`, freight: 'f1', steps: [{ uses: 'compose-output' }] },
          },
        },
        {
          op: 'create',
          object: {
            apiVersion: 'gantry.io/v1',
            kind: 'AuditEvent',
            metadata: { name: `01jbench${String(i).padStart(6, '0')}`, namespace },
            spec: {
              time: at,
              actor: 'system:auto-promotion',
              verb: 'create',
              kind: 'Promotion',
              name,
            },
          },
        },
      ]);
      const lease = await store.acquireLease(`promotions/${namespace}/s${i}`, 'me', 30_000);
      if (!lease) throw new Error('the lease was not granted');
      const reference = { name: 'f1', origin: { kind: 'Warehouse', name: 'w' } };
      const step = { alias: 'step-1', startedAt: at, errorCount: 0, status: 'Running' };
      const running = { phase: 'Running', startedAt: at, currentStep: 0, freight: reference };
      const marked = (await store.get(stageKey))!;
      const freight = (await store.get(freightKey))!;
      const records = (freight.status ?? {}) as Record<string, Record<string, unknown>>;
      await store.write(
        [
          {
            op: 'updateStatus',
            key: stageKey,
            status: {
              lastPromotion: { name, finishedAt: at, status: { phase: 'Succeeded' } },
              freightHistory: [{ items: { 'Warehouse/w': reference } }],
            },
            resourceVersion: marked.metadata.resourceVersion,
          },
          {
            op: 'updateStatus',
            key: freightKey,
            status: {
              ...records,
              currentlyIn: withEntry(records.currentlyIn, `s${i}`, { since: at }),
              verifiedIn: withEntry(records.verifiedIn, `s${i}`, { verifiedAt: at }),
            },
            resourceVersion: freight.metadata.resourceVersion,
          },
          {
            op: 'updateStatus',
            key: promotionKey,
            status: {
              ...running,
              phase: 'Succeeded',
              finishedAt: at,
              stepExecutionMetadata: [{ ...step, status: 'Succeeded', finishedAt: at }],
            },
          },
        ],
        { fence: lease, releaseFence: true },
      );
    }
    const hopCpu = cpuMs(process.cpuUsage(startCpu));
    const hopWall = performance.now() - started;

    const leaseCpuFrom = process.cpuUsage();
    const leaseStarted = performance.now();
    for (let i = 0; i < HOPS; i++) {
      const lease = await store.acquireLease(`bench/${i % 10}`, 'me', 30_000);
      if (lease) await store.releaseLease(lease);
    }
    const leaseCpu = cpuMs(process.cpuUsage(leaseCpuFrom));
    const leaseWall = performance.now() - leaseStarted;
    // Every Freight event reaches both watchers (at most a poll interval late).
    const deadline = performance.now() + 10_000;
    while (seen.count < 2 * HOPS && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    stop.abort();
    await Promise.all(watchers);

    report(
      `one hop's store traffic (2 writes, 1 lease), ${HOPS} hops: CPU per hop`,
      `${(hopCpu / HOPS).toFixed(2)} ms`,
      '',
      true,
    );
    report(
      '  wall time per hop',
      `${(hopWall / HOPS).toFixed(2)} ms`,
      '(other agents share the cores)',
      true,
    );
    report(
      '  Freight events the two watchers received',
      String(seen.count),
      `${2 * HOPS}`,
      seen.count === 2 * HOPS,
    );
    report(
      'a lease taken and given back: CPU',
      `${((leaseCpu / HOPS) * 1000).toFixed(0)} µs`,
      '',
      true,
    );
    report('  wall time', `${((leaseWall / HOPS) * 1000).toFixed(0)} µs`, '', true);
    print('store writes (SQLite on disk, MeteredStore, two watchers):');
  } finally {
    stop.abort();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
