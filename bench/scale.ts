/**
 * Scale on one server (docs/benchmarks.md, issue 17): one new Freight through 1,000
 * auto-promoting Stages, chained (s0 → s1 → … → s999) and fanned out (s0 → 999 Stages), on an
 * in-process Gantry on SQLite. Each Stage's Promotion runs one cheap step (compose-output), so
 * what is measured is Gantry's control work: controllers, store, change feed.
 *
 * Figures, for the first Freight (a server just started) and the next (a running pipeline): the
 * server process's CPU (process.cpuUsage, user + system) and wall time from the Freight's
 * creation until every Stage runs it (target < 5 s of CPU), and `/healthz` latency
 * probed every 10 ms over HTTP by a separate process, so that the probes are never delayed by
 * this process's own work (target p99 < 100 ms).
 *
 * GANTRY_SCALE_STAGES changes the number of Stages (default 1000); GANTRY_SCALE_SHAPES picks
 * `chain`, `fanout` or both (default). GANTRY_SCALE_PROFILE=DIR writes a V8 CPU profile of the
 * measured part (`DIR/<shape>-<freight>.cpuprofile`, for Chrome's DevTools or speedscope).
 * GANTRY_SCALE_WARMUP=N (default 0) first sends a Freight through N Stages of the same shape in
 * another project of the same server, to measure a server that has run these paths before.
 */
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FreightStatus } from '../src/api/freight.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { adminAuth } from './admin-auth.js';
import { figures } from './figures.js';

const api = 'kargo.akuity.io/v1alpha1';
const STAGES = Number(process.env.GANTRY_SCALE_STAGES ?? 1000);
const SHAPES = (process.env.GANTRY_SCALE_SHAPES ?? 'chain,fanout').split(',');
const PROFILE = process.env.GANTRY_SCALE_PROFILE;
const WARMUP = Number(process.env.GANTRY_SCALE_WARMUP ?? 0);
const { report, print } = figures({ figure: 62, value: 26 });

/** Starts a V8 CPU profile when GANTRY_SCALE_PROFILE is set; the returned function writes it. */
async function profile(shape: string): Promise<() => Promise<void>> {
  if (!PROFILE) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile: taken } = await session.post('Profiler.stop');
    mkdirSync(PROFILE, { recursive: true });
    writeFileSync(join(PROFILE, `${shape}.cpuprofile`), JSON.stringify(taken));
    session.disconnect();
  };
}

/** The prober: a separate process that GETs /healthz every 10 ms and reports latencies. */
const PROBER = `
const url = process.argv[2];
const latencies = [];
let failures = 0;
let stopping = false;
process.on('message', () => { stopping = true; });
(async () => {
  process.send({ ready: true });
  while (!stopping) {
    const started = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(20000) });
      await response.arrayBuffer();
      if (!response.ok) failures++;
    } catch { failures++; }
    const took = performance.now() - started;
    latencies.push(took);
    if (took < 10) await new Promise((resolve) => setTimeout(resolve, 10 - took));
  }
  process.send({ latencies, failures }, () => process.exit(0));
})();
`;

interface Probes {
  latencies: number[];
  failures: number;
}

async function startProber(url: string, dir: string): Promise<() => Promise<Probes>> {
  const script = join(dir, 'prober.mjs');
  writeFileSync(script, PROBER);
  const child = fork(script, [`${url}/healthz`], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  return () =>
    new Promise<Probes>((resolve) => {
      child.once('message', (message) => resolve(message as Probes));
      child.send('stop');
    });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** The Stages of one shape: s0 takes Freight from the Warehouse; the rest from s0 or their predecessor. */
function stages(shape: string, project: string, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: api,
    kind: 'Stage',
    metadata: { name: `s${i}`, namespace: project },
    spec: {
      requestedFreight: [
        {
          origin: { kind: 'Warehouse', name: 'app' },
          sources:
            i === 0 ? { direct: true } : { stages: [shape === 'chain' ? `s${i - 1}` : 's0'] },
        },
      ],
      promotionTemplate: { spec: { steps: [{ uses: 'compose-output', config: { ok: true } }] } },
    },
  }));
}

async function until(check: () => Promise<boolean>, what: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the store has seen no change for `quietMs` (the controllers are idle). */
async function settled(gantry: RunningGantry, quietMs: number): Promise<void> {
  let last = await gantry.store.currentResourceVersion();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await gantry.store.currentResourceVersion();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

async function measure(shape: string, dir: string): Promise<void> {
  const gantry = await startGantry(
    resolveServerConfig({ port: '0', dataDir: join(dir, shape), minWarehouseInterval: '1h' }, {}),
    silentLogger,
  );
  try {
    const auth = adminAuth(gantry);
    const apply = async (documents: unknown[]) => {
      const response = await fetch(`${gantry.url}/v1/resources?force=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ items: documents }),
      });
      if (!response.ok) throw new Error(`apply: ${response.status} ${await response.text()}`);
    };
    /** A project of `count` auto-promoting Stages of the shape, and its Warehouse. */
    const project = async (name: string, count: number) => {
      await apply([
        { apiVersion: api, kind: 'Project', metadata: { name } },
        {
          apiVersion: api,
          kind: 'ProjectConfig',
          metadata: { name, namespace: name },
          spec: {
            promotionPolicies: [{ stageSelector: { name: 'glob:*' }, autoPromotionEnabled: true }],
          },
        },
        {
          apiVersion: api,
          kind: 'Warehouse',
          metadata: { name: 'app', namespace: name },
          spec: {
            freightCreationPolicy: 'Manual',
            subscriptions: [{ image: { repoURL: '127.0.0.1:9/scale/app' } }],
          },
        },
      ]);
      const all = stages(shape, name, count);
      for (let i = 0; i < count; i += 250) await apply(all.slice(i, i + 250));
    };
    /** Creates Freight `number` of the project and waits until every one of its `count` Stages runs it. */
    const promoteEverywhere = async (name: string, count: number, number = 1) => {
      const freightName = `f${number}`;
      const tag = `${number}.0.0`;
      await apply([
        {
          apiVersion: api,
          kind: 'Freight',
          metadata: { name: freightName, namespace: name },
          origin: { kind: 'Warehouse', name: 'app' },
          images: [{ repoURL: '127.0.0.1:9/scale/app', tag }],
        },
      ]);
      // The Freight's status names every Stage that runs it: one small read per poll.
      let shown = Date.now();
      const everywhere = async () => {
        // Freight is named after its contents (its fingerprint): found by its image's tag.
        const freight = (await gantry.store.list('Freight', { namespace: name })).items.find(
          (item) => (item as { images?: Array<{ tag: string }> }).images?.[0]?.tag === tag,
        );
        const inStages = Object.keys(
          (freight?.status as FreightStatus | undefined)?.currentlyIn ?? {},
        ).length;
        if (Date.now() - shown > 10_000) {
          shown = Date.now();
          process.stderr.write(`  ${name}: ${freightName} is in ${inStages} of ${count} Stages\n`);
        }
        return inStages === count;
      };
      await until(everywhere, `the Freight in all ${count} Stages of ${name}`, 600);
    };
    if (WARMUP > 0) {
      // The same work on a small project first, so that what is measured is a server whose
      // JIT has compiled these paths once (a running server's steady state), not the compiling.
      await project(`${shape}-warmup`, WARMUP);
      await settled(gantry, 1_000);
      await promoteEverywhere(`${shape}-warmup`, WARMUP);
    }
    await project(shape, STAGES);
    await settled(gantry, 1_000);
    const label = shape === 'chain' ? `chain of ${STAGES}` : `fan-out 1 → ${STAGES - 1}`;
    /** Measures sending Freight `number` through every Stage. */
    const measured = async (number: number, what: string) => {
      const stopProbing = await startProber(gantry.url, dir);
      // What answering the probes (and idling) costs, to tell it apart from the work measured.
      const idleFrom = process.cpuUsage();
      const idleStarted = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const idle = process.cpuUsage(idleFrom);
      const idleCpuPerMs = (idle.user + idle.system) / 1000 / (performance.now() - idleStarted);
      const stopProfiling = await profile(`${shape}-${number}`);
      const start = process.cpuUsage();
      const started = performance.now();
      await promoteEverywhere(shape, STAGES, number);
      const used = process.cpuUsage(start);
      const wall = performance.now() - started;
      await stopProfiling();
      const probes = await stopProbing();
      const cpu = (used.user + used.system) / 1e6;
      report(`${label}: ${what}, server CPU`, `${cpu.toFixed(2)} s`, '< 5 s', cpu < 5);
      report(
        '  of which answering /healthz and idling (as measured idle)',
        `${((idleCpuPerMs * wall) / 1000).toFixed(2)} s`,
        '',
        true,
      );
      report(
        `  wall time`,
        `${(wall / 1000).toFixed(2)} s`,
        '(other agents share the cores)',
        true,
      );
      const p99 = percentile(probes.latencies, 99);
      report(
        `  /healthz every 10 ms (${probes.latencies.length} probes), p50 / p99 / max`,
        `${percentile(probes.latencies, 50).toFixed(1)} / ${p99.toFixed(1)} / ${Math.max(...probes.latencies).toFixed(0)} ms`,
        'p99 < 100 ms',
        p99 < 100 && probes.failures === 0,
      );
      if (probes.failures) report('  /healthz failures', `${probes.failures}`, '0', false);
    };
    // The first Freight on a server just started (its JIT compiles the paths as it goes), then
    // the next one, as a running pipeline sees every new Freight: each hop then also takes the
    // Stage out of the previous Freight's status.
    await measured(1, 'the first Freight in every Stage');
    await settled(gantry, 1_000);
    await measured(2, 'the next Freight in every Stage');
  } finally {
    await gantry.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-scale-'));
try {
  for (const shape of SHAPES) await measure(shape, dir);
  print('scale on one server:');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
