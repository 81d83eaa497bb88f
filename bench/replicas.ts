/**
 * API throughput with one and with three `gantry server` replicas on one real PostgreSQL
 * (issue 17, "Throughput"): real processes (test/gantry-process.ts) on a database of
 * test/postgres.ts, driven over HTTP with the admin token.
 *   - writes/s: WRITERS concurrent clients, spread round-robin over the replicas, each creating
 *     ConfigMaps and then updating each one once (a create and an update per object) for
 *     PHASE_MS;
 *   - reads/s: READERS concurrent clients GETting those ConfigMaps one by one for PHASE_MS;
 *   - watch latency across replicas: a watch (SSE) on the last replica, writes one at a time on
 *     the first; the time from the write's acknowledgement to the event (0 when the event came
 *     first), p50 and p99 over WATCH_SAMPLES writes;
 *   - CPU per write: the CPU time of the replicas and of the database's backends (from /proc)
 *     over the write phase, divided by the writes (and, apart, this process's: the clients);
 *   - lock waits: pg_locks sampled while writing (the mean number of backends waiting, by the
 *     kind of lock they wait for), where the global write lock shows up as "transactionid" or
 *     "tuple" waits behind the holder of the store_state row.
 * Wall-clock figures depend on what else the machine runs; CPU per write much less so.
 * Target: writes/s with three replicas >= 2x one replica.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../test/postgres.js';
import { startGantryServer, type GantryServerProcess } from '../test/gantry-process.js';
import { sseReader } from '../test/sse.js';
import { cpuQuota, cpuQuotaSupport, type CpuQuota } from './cpu-quota.js';
import { figures } from './figures.js';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 10_000);
const WRITERS = 24;
const READERS = 24;
const WATCH_SAMPLES = 200;
const PROJECT = 'bench';
/**
 * The CPU each replica gets in the "one node per replica" phases (GANTRY_BENCH_REPLICA_CORES):
 * replicas exist to spread the work over machines, and on this 2-core machine one unlimited
 * replica with its database and the clients already uses both cores, so three unlimited
 * replicas can only share the same two. A quarter core each leaves room for three of them,
 * the database and the clients, so what the ratio then shows is whether anything shared (a
 * lock, the database) stops writes from growing with replicas.
 */
const REPLICA_CORES = Number(process.env.GANTRY_BENCH_REPLICA_CORES ?? 0.25);

interface PhaseResult {
  replicas: number;
  cores: number | undefined;
  writesPerSecond: number;
  writeCpuMsPerWrite: number;
  serverCpuMsPerWrite: number;
  databaseCpuMsPerWrite: number;
  writeErrors: number;
  clientCpuMsPerWrite: number;
  readsPerSecond: number;
  readCpuMsPerRead: number;
  watchP50: number;
  watchP99: number;
  lockWaits: string;
}

/** utime + stime of a process in ms (0 when it is gone). */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function api(
  server: GantryServerProcess,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function configMap(name: string, value: string) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: PROJECT },
    data: { value },
  };
}

/** The CPU of the database's backends serving `database`, by pid (for differences). */
async function backendCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1',
    [database],
  );
  return new Map(rows.map((row) => [row.pid, cpuMsOf(row.pid)]));
}

function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

async function phase(
  postgres: TestPostgres,
  replicas: number,
  cores?: number,
): Promise<PhaseResult> {
  const url = await postgres.createDatabase();
  const database = new URL(url).pathname.slice(1);
  const dirs: string[] = [];
  const servers: GantryServerProcess[] = [];
  const quotas: CpuQuota[] = [];
  const admin = new pg.Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  try {
    for (let i = 0; i < replicas; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-replica-'));
      dirs.push(dir);
      // Every replica needs the first one's secrets key (docs/security.md).
      if (i > 0) copyFileSync(join(dirs[0]!, 'secrets.key'), join(dir, 'secrets.key'));
      const server = await startGantryServer(['--store', url, '--data-dir', dir], 0);
      servers.push(server);
      if (cores !== undefined) {
        const quota = cpuQuota(`gantry-bench-replica-${i}`, cores);
        quotas.push(quota);
        quota.add(server.child.pid!);
      }
    }
    const token = servers[0]!.adminToken!;
    const created = await api(servers[0]!, 'POST', '/v1/projects', token, {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Project',
      metadata: { name: PROJECT },
    });
    if (!created.ok) throw new Error(`creating the project: ${await created.text()}`);
    // Every replica answers before the clock starts.
    for (const server of servers) {
      const response = await api(server, 'GET', `/v1/projects/${PROJECT}/configmaps`, token);
      if (!response.ok) throw new Error(`replica ${server.url}: ${response.status}`);
    }

    // Writes.
    const names: string[] = [];
    let writes = 0;
    let writeErrors = 0;
    let firstError = '';
    const waits = new Map<string, number>();
    let samples = 0;
    const serverCpuBefore = servers.map((s) => cpuMsOf(s.child.pid!));
    const dbCpuBefore = await backendCpu(admin, database);
    const clientCpuBefore = process.cpuUsage();
    const writeStart = performance.now();
    const writeEnd = writeStart + PHASE_MS;
    const sampling = (async () => {
      while (performance.now() < writeEnd) {
        const { rows } = await admin.query<{ locktype: string; n: string }>(
          `SELECT locktype, count(*) AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE NOT l.granted AND a.datname = $1 GROUP BY locktype`,
          [database],
        );
        samples++;
        for (const row of rows)
          waits.set(row.locktype, (waits.get(row.locktype) ?? 0) + Number(row.n));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const server = servers[writer % servers.length]!;
        for (let i = 0; performance.now() < writeEnd; i++) {
          const name = `cm-${writer}-${i}`;
          const create = await api(
            server,
            'POST',
            `/v1/projects/${PROJECT}/configmaps`,
            token,
            configMap(name, 'a'),
          );
          if (create.ok) writes++;
          else {
            writeErrors++;
            firstError ||= `${create.status} ${await create.text()}`;
            continue;
          }
          await create.arrayBuffer().catch(() => undefined);
          names.push(name);
          if (performance.now() >= writeEnd) break;
          const update = await api(
            server,
            'PUT',
            `/v1/projects/${PROJECT}/configmaps/${name}`,
            token,
            configMap(name, 'b'),
          );
          if (update.ok) writes++;
          else {
            writeErrors++;
            firstError ||= `${update.status} ${await update.text()}`;
          }
          await update.arrayBuffer().catch(() => undefined);
        }
      }),
    );
    const writeSeconds = (performance.now() - writeStart) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    await sampling;
    const serverCpu = servers
      .map((s, i) => cpuMsOf(s.child.pid!) - serverCpuBefore[i]!)
      .reduce((a, b) => a + b, 0);
    const dbCpu = cpuSpent(dbCpuBefore, await backendCpu(admin, database));
    if (firstError) console.error(`  ${replicas} replica(s): first write error: ${firstError}`);

    // Reads.
    let reads = 0;
    const readCpuBefore = servers.map((s) => cpuMsOf(s.child.pid!));
    const readDbBefore = await backendCpu(admin, database);
    const readStart = performance.now();
    const readEnd = readStart + PHASE_MS;
    await Promise.all(
      Array.from({ length: READERS }, async (_, reader) => {
        const server = servers[reader % servers.length]!;
        for (let i = reader; performance.now() < readEnd; i += READERS) {
          const name = names[i % names.length]!;
          const response = await api(
            server,
            'GET',
            `/v1/projects/${PROJECT}/configmaps/${name}`,
            token,
          );
          await response.arrayBuffer();
          if (response.ok) reads++;
        }
      }),
    );
    const readSeconds = (performance.now() - readStart) / 1000;
    const readCpu =
      servers.map((s, i) => cpuMsOf(s.child.pid!) - readCpuBefore[i]!).reduce((a, b) => a + b, 0) +
      cpuSpent(readDbBefore, await backendCpu(admin, database));

    // Watch latency: write on the first replica, watch on the last.
    const writer = servers[0]!;
    const watcher = servers[servers.length - 1]!;
    const watchResponse = await api(
      watcher,
      'GET',
      `/v1/projects/${PROJECT}/configmaps?watch=true`,
      token,
    );
    const events = sseReader(watchResponse.body!);
    const latencies: number[] = [];
    for (let i = 0; i < WATCH_SAMPLES; i++) {
      const name = `watched-${i}`;
      let seenAt = 0;
      const seen = (async () => {
        for (;;) {
          const event = await events.json(10_000);
          if (event.object.metadata.name === name) {
            seenAt = performance.now();
            return;
          }
        }
      })();
      const response = await api(
        writer,
        'POST',
        `/v1/projects/${PROJECT}/configmaps`,
        token,
        configMap(name, 'w'),
      );
      await response.arrayBuffer();
      const acknowledged = performance.now();
      await seen;
      latencies.push(Math.max(0, seenAt - acknowledged));
    }
    await events.close();

    const lockWaits =
      [...waits.entries()].map(([type, n]) => `${type} ${(n / samples).toFixed(1)}`).join(', ') ||
      'none';
    return {
      replicas,
      cores,
      writesPerSecond: writes / writeSeconds,
      writeCpuMsPerWrite: (serverCpu + dbCpu) / writes,
      serverCpuMsPerWrite: serverCpu / writes,
      databaseCpuMsPerWrite: dbCpu / writes,
      writeErrors,
      clientCpuMsPerWrite: (clientCpu.user + clientCpu.system) / 1000 / writes,
      readsPerSecond: reads / readSeconds,
      readCpuMsPerRead: readCpu / reads,
      watchP50: percentile(latencies, 50),
      watchP99: percentile(latencies, 99),
      lockWaits,
    };
  } finally {
    await admin.end();
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    for (const quota of quotas) quota.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const postgres = await startPostgres();
try {
  const quotaMissing = cpuQuotaSupport();
  const results = [await phase(postgres, 1), await phase(postgres, 3)];
  if (!quotaMissing) {
    results.push(await phase(postgres, 1, REPLICA_CORES), await phase(postgres, 3, REPLICA_CORES));
  }
  const table = figures({ figure: 60, value: 12 });
  for (const result of results) {
    const n =
      `${result.replicas} replica${result.replicas > 1 ? 's' : ''}` +
      (result.cores === undefined ? '' : ` of ${result.cores} core`);
    table.report(`${n}: writes/s`, result.writesPerSecond.toFixed(0), '', true);
    table.report(
      `${n}: CPU per write (replicas + database)`,
      `${result.writeCpuMsPerWrite.toFixed(2)} ms`,
      `(${result.serverCpuMsPerWrite.toFixed(2)} + ${result.databaseCpuMsPerWrite.toFixed(2)} ms)`,
      true,
    );
    table.report(
      `${n}: CPU per write of this benchmark's clients`,
      `${result.clientCpuMsPerWrite.toFixed(2)} ms`,
      '',
      true,
    );
    table.report(`${n}: failed writes`, String(result.writeErrors), '0', result.writeErrors === 0);
    table.report(`${n}: backends waiting for a lock (mean)`, '', result.lockWaits, true);
    table.report(`${n}: reads/s`, result.readsPerSecond.toFixed(0), '', true);
    table.report(`${n}: CPU per read`, `${result.readCpuMsPerRead.toFixed(2)} ms`, '', true);
    table.report(`${n}: watch latency p50`, `${result.watchP50.toFixed(1)} ms`, '', true);
    table.report(`${n}: watch latency p99`, `${result.watchP99.toFixed(1)} ms`, '', true);
  }
  const [one, three, oneNode, threeNodes] = results;
  const shared = three!.writesPerSecond / one!.writesPerSecond;
  table.report(
    "writes/s, 3 replicas / 1, sharing this machine's 2 cores",
    `${shared.toFixed(2)}x`,
    '(bound by the cores)',
    true,
  );
  if (oneNode && threeNodes) {
    const ratio = threeNodes.writesPerSecond / oneNode.writesPerSecond;
    table.report(
      `writes/s, 3 replicas / 1, ${REPLICA_CORES} core each`,
      `${ratio.toFixed(2)}x`,
      '>= 2x',
      ratio >= 2,
    );
  } else {
    table.report(
      'writes/s, 3 replicas / 1, a CPU quota each',
      'not measured',
      quotaMissing!,
      false,
    );
  }
  table.print(
    `API throughput on PostgreSQL, 1 and 3 replicas (${WRITERS} writers, ${READERS} readers, ${PHASE_MS / 1000} s phases)`,
  );
} finally {
  await postgres.stop();
}
