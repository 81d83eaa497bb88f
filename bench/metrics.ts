/**
 * What metrics cost (docs/benchmarks.md, docs/operations.md#metrics), in process on SQLite:
 *   - a scrape of `/metrics` that samples 1,000 Stages and 20,000 Promotions from the store
 *     (the Stage gauges), its CPU time and the longest the event loop was blocked meanwhile;
 *     and a scrape within the sample interval (the last sample answered)
 *   - what MeteredStore adds to one store `get`, and httpMetrics + MeteredStore to one request
 *     (`GET /healthz` and `GET` of one Stage, through `createApi`'s `app.request`)
 *   - the heap a PrometheusMetrics with the process metrics takes
 * Targets: a sampled scrape < 1 s CPU and blocks the event loop < 100 ms; a cached scrape
 * < 20 ms; < 5 µs per store call and < 50 µs per request. CPU time is the process's
 * (`process.cpuUsage`), wall time is reported beside it: the machine is shared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, testAuth } from '../test/auth-fixtures.js';
import { PromotionLogs } from '../src/engine/promotion-logs.js';
import { silentLogger } from '../src/logger.js';
import { MeteredStore } from '../src/metrics/metered-store.js';
import { noMetrics } from '../src/metrics/metrics.js';
import { PrometheusMetrics } from '../src/metrics/prometheus-metrics.js';
import { ResourceService } from '../src/resources/resource-service.js';
import { createApp } from '../src/server/app.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store, WriteOp } from '../src/store/store.js';
import { figures, median } from './figures.js';

const api = 'kargo.akuity.io/v1alpha1';
const PROJECTS = 10;
const STAGES_PER_PROJECT = 100;
const PROMOTIONS_PER_STAGE = 20;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Runs `work` and returns its CPU and wall time (ms). */
async function timed(work: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await work();
  return { cpu: cpuMs(cpu), wall: performance.now() - wall };
}

async function seed(store: Store): Promise<void> {
  for (let p = 0; p < PROJECTS; p++) {
    const project = `p${p}`;
    const ops: WriteOp[] = [
      { op: 'create', object: { apiVersion: api, kind: 'Project', metadata: { name: project } } },
    ];
    for (let s = 0; s < STAGES_PER_PROJECT; s++) {
      const stage = `s${s}`;
      ops.push({
        op: 'create',
        object: {
          apiVersion: api,
          kind: 'Stage',
          metadata: { name: stage, namespace: project },
          spec: {
            requestedFreight: [
              { origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } },
            ],
            promotionTemplate: { spec: { steps: [{ uses: 'compose-output', config: {} }] } },
          },
        },
      });
      for (let n = 0; n < PROMOTIONS_PER_STAGE; n++)
        ops.push({
          op: 'create',
          object: {
            apiVersion: api,
            kind: 'Promotion',
            metadata: { name: `${stage}.${String(n).padStart(3, '0')}`, namespace: project },
            spec: { stage, freight: 'f', steps: [{ uses: 'compose-output', config: {} }] },
          },
        });
    }
    await store.write(ops);
    const statuses: WriteOp[] = [];
    for (let s = 0; s < STAGES_PER_PROJECT; s++) {
      statuses.push({
        op: 'updateStatus',
        key: { kind: 'Stage', namespace: project, name: `s${s}` },
        status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Verified' }] },
      });
      for (let n = 0; n < PROMOTIONS_PER_STAGE; n++)
        statuses.push({
          op: 'updateStatus',
          key: {
            kind: 'Promotion',
            namespace: project,
            name: `s${s}.${String(n).padStart(3, '0')}`,
          },
          status: { phase: n === PROMOTIONS_PER_STAGE - 1 ? 'Running' : 'Succeeded' },
        });
    }
    await store.write(statuses);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-metrics-'));
  const inner = openSqliteStore({ path: join(dir, 'gantry.db') });
  const out = figures({ figure: 62, value: 24 });
  try {
    await seed(inner);

    // Heap of the adapter with the process metrics, after one exposition.
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const metrics = new PrometheusMetrics({ sampleIntervalMs: 10_000 });
    const store = new MeteredStore(inner, metrics);
    metrics.sampleFrom({ store, leases: () => store.heldLeases() });
    await new PrometheusMetrics({ defaultMetrics: true }).exposition();
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;

    // A sampled scrape, then scrapes within the interval.
    const sampled: Array<{ cpu: number; wall: number; blocked: number }> = [];
    for (let round = 0; round < 5; round++) {
      const fresh = new PrometheusMetrics({ defaultMetrics: false });
      fresh.sampleFrom({ store: inner });
      // The longest gap between ticks of a 1 ms timer: how long the event loop was held.
      let last = performance.now();
      let blocked = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        blocked = Math.max(blocked, now - last);
        last = now;
      }, 1);
      const time = await timed(() => fresh.exposition());
      await new Promise((resolve) => setTimeout(resolve, 5));
      clearInterval(ticker);
      sampled.push({ ...time, blocked });
    }
    const text = await metrics.exposition();
    const cached: number[] = [];
    const cachedWall: number[] = [];
    for (let round = 0; round < 21; round++) {
      const time = await timed(() => metrics.exposition());
      cached.push(time.cpu);
      cachedWall.push(time.wall);
    }
    const sampleCpu = median(sampled.map((s) => s.cpu));
    const blocked = median(sampled.map((s) => s.blocked));
    out.report(
      'sampled scrape, 1,000 Stages + 20,000 Promotions (CPU)',
      `${sampleCpu.toFixed(0)} ms`,
      '< 1,000 ms',
      sampleCpu < 1_000,
    );
    out.report('  its wall time', `${median(sampled.map((s) => s.wall)).toFixed(0)} ms`, '', true);
    out.report(
      '  longest event-loop block during it',
      `${blocked.toFixed(0)} ms`,
      '< 100 ms',
      blocked < 100,
    );
    out.report(
      'scrape within the sample interval (CPU)',
      `${median(cached).toFixed(1)} ms`,
      '< 20 ms',
      median(cached) < 20,
    );
    out.report('  its wall time', `${median(cachedWall).toFixed(1)} ms`, '', true);
    out.report('  exposition size', `${(text.length / 1024).toFixed(0)} KB`, '', true);
    out.report(
      'heap of PrometheusMetrics with process metrics',
      `${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MB`,
      '',
      true,
    );

    // One store call: raw vs metered, in alternating blocks so that the machine's load falls
    // on both alike; CPU summed per side.
    const key = { kind: 'Stage', namespace: 'p0', name: 's1' };
    const metered = new MeteredStore(inner, metrics);
    const block = async (target: Store, calls: number) => {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      for (let i = 0; i < calls; i++) await target.get(key);
      return { cpu: cpuMs(cpu), wall: performance.now() - wall };
    };
    const totals = { raw: { cpu: 0, wall: 0 }, metered: { cpu: 0, wall: 0 } };
    const BLOCKS = 200;
    const CALLS = 500;
    await block(inner, 5_000);
    await block(metered, 5_000);
    for (let b = 0; b < BLOCKS; b++) {
      for (const [side, target] of [
        ['raw', inner],
        ['metered', metered],
      ] as const) {
        const used = await block(target, CALLS);
        totals[side].cpu += used.cpu;
        totals[side].wall += used.wall;
      }
    }
    const perCall = (ms: number) => (ms * 1000) / (BLOCKS * CALLS);
    const storeDelta = perCall(totals.metered.cpu - totals.raw.cpu);
    out.report(
      `MeteredStore, added to one get (CPU; get ${perCall(totals.raw.cpu).toFixed(1)} µs)`,
      `${storeDelta.toFixed(2)} µs`,
      '< 5 µs',
      storeDelta < 5,
    );
    out.report(
      '  wall',
      `${perCall(totals.metered.wall - totals.raw.wall).toFixed(2)} µs`,
      '',
      true,
    );

    // One request: the app without metrics vs with httpMetrics and MeteredStore.
    const fixture = await testAuth(inner);
    const appOf = (withMetrics: boolean) => {
      const target: Store = withMetrics ? new MeteredStore(inner, metrics) : inner;
      return createApp({
        auth: fixture.auth,
        service: new ResourceService({ store: target }),
        store: target,
        logger: silentLogger,
        shutdown: new AbortController().signal,
        storeKind: 'sqlite',
        logs: new PromotionLogs(dir),
        metrics: withMetrics ? metrics : noMetrics,
        exposition: metrics,
      });
    };
    const plain = appOf(false);
    const measured = appOf(true);
    const headers = bearer(fixture.adminToken);
    const perRequest = async (app: ReturnType<typeof createApp>, path: string) => {
      const requests = 2_000;
      const time = await timed(async () => {
        for (let i = 0; i < requests; i++) {
          const response = await app.request(path, { headers });
          if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
          await response.arrayBuffer();
        }
      });
      return { cpu: (time.cpu * 1000) / requests, wall: (time.wall * 1000) / requests };
    };
    for (const path of ['/healthz', '/v1/projects/p0/stages/s1']) {
      const delta: number[] = [];
      const deltaWall: number[] = [];
      const base: number[] = [];
      for (let round = 0; round < 7; round++) {
        const without = await perRequest(plain, path);
        const withMetrics = await perRequest(measured, path);
        delta.push(withMetrics.cpu - without.cpu);
        deltaWall.push(withMetrics.wall - without.wall);
        base.push(without.cpu);
      }
      out.report(
        `metrics added to GET ${path} (CPU; request ${median(base).toFixed(0)} µs)`,
        `${median(delta).toFixed(1)} µs`,
        '< 50 µs',
        median(delta) < 50,
      );
      out.report('  wall', `${median(deltaWall).toFixed(1)} µs`, '', true);
    }
  } finally {
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  }
  out.print('Metrics (SQLite, in process)');
}

await main();
