/**
 * Bounded work on one server (issue 17, docs/benchmarks.md), on SQLite, in process:
 *   - 1,000 new Freight without an alias, one request each, with 7,000 Freight present
 *   - a 3,000-document apply while /healthz is probed and another writer writes
 *   - a Promotion of 40 steps each printing 900 KB (messages and outputs): object sizes, the
 *     database's size and /healthz throughout
 *   - sustained load (rounds of concurrent reads and writes): heap after GC and RSS per round
 * Figures are wall clock and the process's CPU time (process.cpuUsage), since the machine is
 * shared. Run with `npm run bench` or `node --import tsx bench/bounded.ts`.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type BetterSqlite3 from 'better-sqlite3';
import { resolveServerConfig } from '../src/config.js';
import { LOG_DATABASE } from '../src/engine/promotion-logs.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { until } from '../test/in-process-cli.js';
import { figures } from './figures.js';
import { refusedAddress } from '../test/refused-address.js';

const api = 'kargo.akuity.io/v1alpha1';
/** The image registry every Warehouse here names: loopback, refusing (nothing leaves the machine). */
const refused = await refusedAddress();
const REGISTRY = refused.host;
const ROUNDS = Number(process.env.BOUNDED_ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.BOUNDED_ROUND_SECONDS ?? 10);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const table = figures({ figure: 58, value: 30 });

/** The event loop's longest delay during the last probeHealth. */
let lastLoopDelayMs = 0;

/** A figure, also printed at once (the table comes at the end). */
function report(figure: string, value: string, target: string, ok: boolean): void {
  console.error(`${figure}: ${value}`);
  table.report(figure, value, target, ok);
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/**
 * Probes /healthz back to back until stopped; answers each probe's latency. The event loop's
 * longest delay meanwhile is printed too (the probes and the server share the loop).
 */
function probeHealth(url: string): { stop: () => Promise<number[]> } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const latencies: number[] = [];
  let running = true;
  let failed = 0;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      // A connection the server closed as idle just then is reset: that probe does not count.
      const answered = await fetch(`${url}/healthz`).then(
        (r) => r.text().then(() => true),
        () => false,
      );
      if (answered) latencies.push(performance.now() - start);
      else failed++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      if (failed > 0) console.error(`(${failed} /healthz probes were reset)`);
      delay.disable();
      lastLoopDelayMs = delay.max / 1e6;
      return latencies;
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-bounded-'));
  const dataDir = join(dir, 'data');
  const gantry = await startGantry(
    resolveServerConfig({ port: '0', dataDir, minWarehouseInterval: '1h' }, {}),
    silentLogger,
  );
  // BOUNDED_ONLY=aliases,apply,loud,load runs some of them.
  const only = new Set((process.env.BOUNDED_ONLY ?? 'aliases,apply,loud,load').split(','));
  try {
    if (only.has('aliases')) await freightAliases(gantry);
    if (only.has('apply')) await bigApply(gantry);
    if (only.has('loud')) await loudPromotion(gantry, dataDir);
    if (only.has('load')) await sustainedLoad(gantry);
  } finally {
    await gantry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  table.print('Bounded work on one server (SQLite, in process)');
}

function client(gantry: RunningGantry) {
  const headers = {
    authorization: `Bearer ${gantry.adminToken}`,
    'content-type': 'application/json',
  };
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${gantry.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}

const freight = (project: string, index: number) => ({
  apiVersion: api,
  kind: 'Freight',
  metadata: { name: `f${index}`, namespace: project },
  origin: { kind: 'Warehouse', name: 'web' },
  images: [{ repoURL: `${REGISTRY}/acme/web`, tag: `1.0.${index}`, digest: `sha256:${index}` }],
});

/** 1,000 new Freight, one request each, into `project` (which has `present` already). */
async function thousandFreight(
  gantry: RunningGantry,
  project: string,
  present: number,
): Promise<{ wall: number; cpu: number }> {
  const call = client(gantry);
  await call('PUT', '/v1/resources', {
    items: [
      { apiVersion: api, kind: 'Project', metadata: { name: project } },
      {
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: 'web', namespace: project },
        spec: { subscriptions: [{ image: { repoURL: `${REGISTRY}/acme/web` } }] },
      },
    ],
  });
  for (let start = 0; start < present; start += 500)
    await call('PUT', '/v1/resources?force=true', {
      items: Array.from({ length: Math.min(500, present - start) }, (_, i) =>
        freight(project, start + i),
      ),
    });
  const cpu = process.cpuUsage();
  const began = performance.now();
  for (let index = present; index < present + 1_000; index++)
    await call('PUT', '/v1/resources?force=true', { items: [freight(project, index)] });
  return { wall: performance.now() - began, cpu: cpuMs(cpu) };
}

async function freightAliases(gantry: RunningGantry): Promise<void> {
  const empty = await thousandFreight(gantry, 'aliases-empty', 0);
  const full = await thousandFreight(gantry, 'aliases', 7_000);
  const describe = (run: { wall: number; cpu: number }) =>
    `${(run.wall / 1000).toFixed(1)} s (CPU ${(run.cpu / 1000).toFixed(1)} s)`;
  report(
    '1,000 new Freight (one request each), none present',
    describe(empty),
    'information',
    true,
  );
  // The process's CPU includes this benchmark's own HTTP client, the same in both runs.
  const ratio = full.cpu / empty.cpu;
  report(
    '1,000 new Freight (one request each), 7,000 present',
    `${describe(full)}, ${ratio.toFixed(2)}× CPU`,
    'was 29.7 s; < 2× none present',
    ratio < 2,
  );
}

async function bigApply(gantry: RunningGantry): Promise<void> {
  const call = client(gantry);
  const project = 'apply';
  await call('PUT', '/v1/resources', {
    items: [
      { apiVersion: api, kind: 'Project', metadata: { name: project } },
      {
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: 'web', namespace: project },
        spec: { subscriptions: [{ image: { repoURL: `${REGISTRY}/acme/web` } }] },
      },
    ],
  });
  const documents = Array.from({ length: 3_000 }, (_, i) => ({
    apiVersion: api,
    kind: 'Stage',
    metadata: { name: `s${i}`, namespace: project },
    spec: {
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    },
  }));
  const probes = probeHealth(gantry.url);
  // Another writer, writing one small object after another throughout.
  const writes: number[] = [];
  let applying = true;
  const writer = (async () => {
    for (let n = 0; applying; n++) {
      const start = performance.now();
      // A connection the server closed as idle just then is reset: that write does not count.
      const written = await call('PUT', `/v1/projects/${project}/configmaps/c${n % 10}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `c${n % 10}`, namespace: project },
        data: { n: String(n) },
      }).then(
        () => true,
        (err: Error) => {
          if ((err.cause as { code?: string } | undefined)?.code !== 'ECONNRESET') throw err;
          return false;
        },
      );
      if (written) writes.push(performance.now() - start);
    }
  })();
  const cpu = process.cpuUsage();
  const began = performance.now();
  await call('PUT', '/v1/resources', { items: documents });
  const wall = performance.now() - began;
  const cpuSpent = cpuMs(cpu);
  applying = false;
  await writer;
  const latencies = await probes.stop();
  report(
    '3,000-document apply',
    `${(wall / 1000).toFixed(1)} s (CPU ${(cpuSpent / 1000).toFixed(1)} s)`,
    'information',
    true,
  );
  report(
    '  /healthz during it: max, p99 (probes)',
    `${Math.round(Math.max(...latencies))}, ${Math.round(percentile(latencies, 99))} ms (${latencies.length})`,
    'p99 < 100 ms',
    percentile(latencies, 99) < 100,
  );
  report(
    '  event loop: longest delay',
    `${Math.round(lastLoopDelayMs)} ms`,
    '< 100 ms',
    lastLoopDelayMs < 100,
  );
  report(
    '  another writer during it: max, p99 (writes)',
    `${Math.round(Math.max(...writes))}, ${Math.round(percentile(writes, 99))} ms (${writes.length})`,
    'was blocked 4–6 s; max < 1 s',
    Math.max(...writes) < 1_000,
  );
}

async function loudPromotion(gantry: RunningGantry, dataDir: string): Promise<void> {
  const call = client(gantry);
  const project = 'loud';
  // 40 steps of 900 KB: half fail with a 900 KB message, half output 900 KB; all continue.
  const steps = Array.from({ length: 40 }, (_, i) =>
    i % 2 === 0
      ? {
          uses: 'fail',
          as: `fail${i}`,
          continueOnError: true,
          config: { message: `\${{ "begin " + repeat("x", 900000) + " end" }}` },
        }
      : {
          uses: 'compose-output',
          as: `out${i}`,
          continueOnError: true,
          config: { big: `\${{ repeat("y", 900000) }}` },
        },
  );
  await call('PUT', '/v1/resources?force=true', {
    items: [
      { apiVersion: api, kind: 'Project', metadata: { name: project } },
      {
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: 'web', namespace: project },
        spec: { subscriptions: [{ image: { repoURL: `${REGISTRY}/acme/web` } }] },
      },
      freight(project, 1),
      {
        apiVersion: api,
        kind: 'Stage',
        metadata: { name: 'dev', namespace: project },
        spec: {
          requestedFreight: [
            { origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } },
          ],
          promotionTemplate: { spec: { steps } },
        },
      },
    ],
  });
  const list = (await call('GET', `/v1/projects/${project}/freight`)) as {
    items: Array<{ metadata: { name: string } }>;
  };
  const freightName = list.items[0]!.metadata.name;
  /** Runs one Promotion of the Stage to its end. */
  const promote = async (): Promise<{ status?: { phase?: string } } | undefined> => {
    let last: { status?: { phase?: string } } | undefined;
    const created = (await call('PUT', '/v1/resources', {
      items: [
        {
          apiVersion: api,
          kind: 'Promotion',
          metadata: { name: 'loud', namespace: project },
          spec: { stage: 'dev', freight: freightName },
        },
      ],
    })) as { items: Array<{ name: string }> };
    const name = created.items[0]!.name;
    await until(
      async () => {
        const promotion = (await call('GET', `/v1/projects/${project}/promotions/${name}`)) as {
          status?: { phase?: string };
        };
        last = promotion;
        return ['Succeeded', 'Failed', 'Errored'].includes(promotion.status?.phase ?? '');
      },
      'the loud Promotion to finish',
      300,
      200,
    );
    return last;
  };
  // Once first, unmeasured: under tsx the first run also compiles the modules it loads.
  await promote();
  const probes = probeHealth(gantry.url);
  const cpu = process.cpuUsage();
  const began = performance.now();
  const promotion = await promote();
  const wall = performance.now() - began;
  const cpuSpent = cpuMs(cpu);
  const latencies = await probes.stop();
  const stage = await call('GET', `/v1/projects/${project}/stages/dev`);
  const kib = (value: unknown) => Math.round(Buffer.byteLength(JSON.stringify(value)) / 1024);
  const dbBytes = readdirSync(dataDir)
    .filter((name) => name.endsWith('.db') || name.endsWith('.db-wal'))
    .reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);
  const logBytes = keptLogBytes(dataDir, project);
  const logFileBytes = diskUsage(join(dataDir, 'logs'));
  report(
    '40 steps of 900 KB: Promotion ended',
    `${promotion?.status?.phase} in ${(wall / 1000).toFixed(1)} s (CPU ${(cpuSpent / 1000).toFixed(1)} s)`,
    'information',
    true,
  );
  report(
    '  Promotion, Stage objects',
    `${kib(promotion)}, ${kib(stage)} KiB`,
    'was 36 MB; < 1.5 MiB',
    kib(promotion) < 1536 && kib(stage) < 1536,
  );
  report(
    '  database (whole server so far), its log (log database file)',
    `${Math.round(dbBytes / 1024 / 1024)} MiB, ${(logBytes / 1024 / 1024).toFixed(1)} MiB (${(logFileBytes / 1024 / 1024).toFixed(1)} MiB)`,
    'was 1.7 GB; log < 6 MiB',
    logBytes < 6 * 1024 * 1024,
  );
  report(
    '  /healthz throughout: max, p99 (probes)',
    `${Math.round(Math.max(...latencies))}, ${Math.round(percentile(latencies, 99))} ms (${latencies.length})`,
    'was 192 s; p99 < 100 ms',
    percentile(latencies, 99) < 100,
  );
  report(
    '  event loop: longest delay',
    `${Math.round(lastLoopDelayMs)} ms`,
    '< 100 ms',
    lastLoopDelayMs < 100,
  );
}

/** Bytes of the project's Promotion logs kept in the log database (each line with its newline). */
function keptLogBytes(dataDir: string, project: string): number {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const db = new Database(join(dataDir, 'logs', LOG_DATABASE), { readonly: true });
  try {
    const row = db
      .prepare(
        'SELECT SUM(LENGTH(CAST(entry AS BLOB)) + 1) AS bytes FROM log_lines WHERE project = ?',
      )
      .get(project) as { bytes: number | null };
    return row.bytes ?? 0;
  } finally {
    db.close();
  }
}

function diskUsage(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? diskUsage(full) : statSync(full).size;
  }
  return total;
}

async function sustainedLoad(gantry: RunningGantry): Promise<void> {
  const call = client(gantry);
  const project = 'load';
  await call('PUT', '/v1/resources', {
    items: [
      { apiVersion: api, kind: 'Project', metadata: { name: project } },
      ...Array.from({ length: 50 }, (_, i) => ({
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: `w${i}`, namespace: project },
        spec: {
          interval: '24h',
          subscriptions: [{ image: { repoURL: `${REGISTRY}/acme/w${i}` } }],
        },
      })),
    ],
  });
  const memory = () => {
    gc();
    gc();
    const usage = process.memoryUsage();
    return { heap: usage.heapUsed / 1024 / 1024, rss: usage.rss / 1024 / 1024 };
  };
  const before = memory();
  let requests = 0;
  let failures = 0;
  const after: Array<{ heap: number; rss: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const end = Date.now() + ROUND_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: 32 }, async (_, worker) => {
        for (let n = 0; Date.now() < end; n++) {
          try {
            await oneRequest(worker, n);
            requests++;
          } catch {
            failures++;
          }
        }
      }),
    );
    after.push(memory());
  }
  async function oneRequest(worker: number, n: number): Promise<void> {
    const kind = (worker + n) % 4;
    if (kind === 0)
      await fetch(`${gantry.url}/healthz`).then(
        (r) => r.text(),
        () => '',
      );
    else if (kind === 1) await call('GET', `/v1/projects/${project}/warehouses`);
    else if (kind === 2) await call('GET', `/v1/projects/${project}/warehouses/w${n % 50}`);
    else {
      // A watch opened and dropped, as a browser tab that comes and goes.
      const aborting = new AbortController();
      const response = await fetch(`${gantry.url}/v1/projects/${project}/warehouses?watch=true`, {
        headers: { authorization: `Bearer ${gantry.adminToken}` },
        signal: aborting.signal,
      });
      await response.body!.getReader().read();
      aborting.abort();
    }
  }
  const last = after.at(-1)!;
  report(
    `sustained load: ${ROUNDS} × ${ROUND_SECONDS} s, requests`,
    `${requests} (${Math.round(requests / (ROUNDS * ROUND_SECONDS))}/s), ${failures} failed`,
    'information',
    true,
  );
  report(
    '  heap after GC: before → each round',
    `${before.heap.toFixed(0)} → ${after.map((m) => m.heap.toFixed(0)).join(', ')} MB`,
    'flat: last round < first + 10 MB',
    last.heap < after[0]!.heap + 10,
  );
  report(
    '  RSS: before → each round',
    `${before.rss.toFixed(0)} → ${after.map((m) => m.rss.toFixed(0)).join(', ')} MB`,
    'was 148 → 662 MB; information',
    true,
  );
}

try {
  await main();
} finally {
  await refused.close();
}
