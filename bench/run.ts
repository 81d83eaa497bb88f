/**
 * Benchmarks for the figures the foundation promises (docs/benchmarks.md), run on SQLite and
 * on a real PostgreSQL against the built `gantry` command, as users run it:
 *   - `gantry apply` of 1,000 Stages in one file          target < 2 s
 *   - `get` of a 10,000-object list (API and CLI)           target < 300 ms
 *   - a watch with 50 subscribers sees every event          target: all, in order
 *   - server idle memory                                    target < 150 MB RSS
 * Run with `npm run bench` (it builds first). Timings are medians of several runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/free-port.js';
import { startPostgres } from '../test/postgres.js';
import { sseReader } from '../test/sse.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GANTRY = join(ROOT, 'bin', 'gantry.js');
const api = 'kargo.akuity.io/v1alpha1';

interface Row {
  store: string;
  figure: string;
  value: string;
  target: string;
  ok: boolean;
}

const stage = (name: string) => ({
  apiVersion: api,
  kind: 'Stage',
  metadata: {
    name,
    namespace: 'bench',
    labels: { tier: name.endsWith('0') ? 'ten' : 'other' } as Record<string, string>,
  },
  spec: {
    requestedFreight: [
      { origin: { kind: 'Warehouse', name: 'web' }, sources: { stages: ['upstream'] } },
    ],
    promotionTemplate: {
      spec: { steps: [{ task: { name: 'promote' }, vars: [{ name: 'envDir', value: name }] }] },
    },
  },
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeCli(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [GANTRY, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsed = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`gantry ${args.join(' ')} failed: ${result.stderr.toString()}`);
  return elapsed;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * Starts `gantry server` on an empty data dir and answers its URL and the initial admin token
 * it wrote there (what the CLI on the same machine signs in with).
 */
async function startServer(
  dataDir: string,
  args: string[],
): Promise<{ url: string; token: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      GANTRY,
      'server',
      '--port',
      String(port),
      '--log-level',
      'warn',
      '--data-dir',
      dataDir,
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return {
        url,
        token: readFileSync(join(dataDir, 'initial-admin-token'), 'utf8').trim(),
        child,
      };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

async function request(url: string, token: string, method: string, body?: unknown): Promise<any> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: any = await response.json();
  if (!response.ok) throw new Error(`${method} ${url}: ${JSON.stringify(json)}`);
  return json;
}

async function benchStore(
  label: string,
  dataDir: string,
  serverArgs: string[],
  dir: string,
): Promise<Row[]> {
  const rows: Row[] = [];
  const { url, token, child } = await startServer(dataDir, serverArgs);
  const env = { GANTRY_SERVER: url, GANTRY_TOKEN: token };
  const auth = { authorization: `Bearer ${token}` };
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = rssMb(child.pid!);
    rows.push({
      store: label,
      figure: 'server idle memory (RSS)',
      value: `${idle.toFixed(0)} MB`,
      target: '< 150 MB',
      ok: idle < 150,
    });

    await request(`${url}/v1/projects`, token, 'POST', {
      apiVersion: api,
      kind: 'Project',
      metadata: { name: 'bench' },
    });
    const file = join(dir, `stages-${label}.yaml`);
    writeFileSync(
      file,
      Array.from({ length: 1000 }, (_, i) => JSON.stringify(stage(`s${i}`))).join('\n---\n'),
    );
    const create = timeCli(['apply', '-f', file], env);
    rows.push({
      store: label,
      figure: 'apply 1,000 Stages (create)',
      value: `${create.toFixed(0)} ms`,
      target: '< 2000 ms',
      ok: create < 2000,
    });
    const again = median([1, 2, 3].map(() => timeCli(['apply', '-f', file], env)));
    rows.push({
      store: label,
      figure: 'apply 1,000 Stages (unchanged)',
      value: `${again.toFixed(0)} ms`,
      target: '< 2000 ms',
      ok: again < 2000,
    });

    for (let chunk = 1; chunk < 10; chunk++) {
      const items = Array.from({ length: 1000 }, (_, i) => stage(`s${chunk * 1000 + i}`));
      await request(`${url}/v1/resources`, token, 'PUT', { items });
    }
    const list = await request(`${url}/v1/projects/bench/stages`, token, 'GET');
    if (list.items.length !== 10_000)
      throw new Error(`expected 10,000 Stages, got ${list.items.length}`);
    const apiTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const response = await fetch(`${url}/v1/projects/bench/stages`, { headers: auth });
      await response.arrayBuffer();
      apiTimes.push(performance.now() - start);
    }
    const apiList = median(apiTimes);
    const tableTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const response = await fetch(`${url}/v1/projects/bench/stages?as=table`, {
        headers: auth,
      });
      await response.arrayBuffer();
      tableTimes.push(performance.now() - start);
    }
    const apiTable = median(tableTimes);
    rows.push({
      store: label,
      figure: 'GET 10,000-object list as a table (API)',
      value: `${apiTable.toFixed(0)} ms`,
      target: '< 300 ms',
      ok: apiTable < 300,
    });
    rows.push({
      store: label,
      figure: 'GET 10,000-object list (API)',
      value: `${apiList.toFixed(0)} ms`,
      target: '< 300 ms',
      ok: apiList < 300,
    });
    const nodeStartup = median(
      [1, 2, 3, 4, 5].map(() => {
        const start = performance.now();
        spawnSync(process.execPath, ['-e', '0']);
        return performance.now() - start;
      }),
    );
    rows.push({
      store: label,
      figure: 'for scale: a bare `node -e 0` on this machine',
      value: `${nodeStartup.toFixed(0)} ms`,
      target: 'report',
      ok: true,
    });
    const cliJson = median(
      [1, 2, 3].map(() => timeCli(['get', 'stages', '--project', 'bench', '-o', 'json'], env)),
    );
    rows.push({
      store: label,
      figure: 'gantry get 10,000 Stages -o json',
      value: `${cliJson.toFixed(0)} ms`,
      target: 'report',
      ok: true,
    });
    const cliTable = median(
      [1, 2, 3].map(() => timeCli(['get', 'stages', '--project', 'bench'], env)),
    );
    rows.push({
      store: label,
      figure: 'gantry get 10,000 Stages (table)',
      value: `${cliTable.toFixed(0)} ms`,
      target: 'report',
      ok: true,
    });

    // spawnSync blocked the event loop for seconds, in which the server closed the idle
    // keep-alive connections: let fetch see that before it reuses one for a watch.
    await new Promise((resolve) => setTimeout(resolve, 100));
    // 50 watchers, 200 changes: every watcher must see all 200, in order.
    const from = list.metadata.resourceVersion as string;
    const watchers = await Promise.all(
      Array.from({ length: 50 }, async () =>
        sseReader(
          (
            await fetch(`${url}/v1/projects/bench/stages?watch=true&resourceVersion=${from}`, {
              headers: auth,
            })
          ).body!,
        ),
      ),
    );
    const written: string[] = [];
    const writeStart = performance.now();
    // Stage updates as a user makes them (status belongs to the controllers: no user may write it).
    for (let i = 0; i < 200; i++) {
      const changed = stage(`s${i}`);
      changed.metadata.labels.round = String(i);
      const updated = await request(`${url}/v1/projects/bench/stages/s${i}`, token, 'PUT', changed);
      written.push(updated.metadata.resourceVersion);
    }
    const writeEnd = performance.now();
    let complete = 0;
    let lastArrival = 0;
    // The server's controllers may write Stages too (statuses of Stages still being looked
    // at): such events count apart; ours must all arrive, in order.
    const ours = new Set(written);
    let others = 0;
    await Promise.all(
      watchers.map(async (watcher) => {
        const seen: string[] = [];
        while (seen.length < written.length) {
          const event = await watcher.json(10_000);
          if (ours.has(event.id!)) seen.push(event.id!);
          else others++;
        }
        lastArrival = Math.max(lastArrival, performance.now());
        if (seen.join() === written.join()) complete++;
        await watcher.close();
      }),
    );
    rows.push({
      store: label,
      figure: '50 watchers × 200 events: watchers that saw all, in order',
      value: `${complete}/50`,
      target: '50/50',
      ok: complete === 50,
    });
    rows.push({
      store: label,
      figure: '50 watchers: events of other writers in between (all watchers)',
      value: `${others}`,
      target: 'report',
      ok: true,
    });
    rows.push({
      store: label,
      figure: '50 watchers: last event delivered after the last write',
      value: `${(lastArrival - writeEnd).toFixed(0)} ms`,
      target: 'report',
      ok: true,
    });
    rows.push({
      store: label,
      figure: '200 Stage updates while 50 watch',
      value: `${(writeEnd - writeStart).toFixed(0)} ms`,
      target: 'report',
      ok: true,
    });
    const loaded = rssMb(child.pid!);
    rows.push({
      store: label,
      figure: 'server memory after the runs (RSS)',
      value: `${loaded.toFixed(0)} MB`,
      target: 'report',
      ok: true,
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-'));
  const postgres = await startPostgres();
  const rows: Row[] = [];
  try {
    rows.push(...(await benchStore('sqlite', join(dir, 'data'), [], dir)));
    rows.push(
      ...(await benchStore(
        'postgres',
        join(dir, 'pg'),
        ['--store', await postgres.createDatabase()],
        dir,
      )),
    );
  } finally {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map((r) => r.figure.length));
  console.log(`${'store'.padEnd(9)} ${'figure'.padEnd(width)}  ${'value'.padStart(9)}  target`);
  for (const row of rows) {
    console.log(
      `${row.store.padEnd(9)} ${row.figure.padEnd(width)}  ${row.value.padStart(9)}  ${row.target}${row.ok ? '' : '  MISSED'}`,
    );
  }
  if (rows.some((row) => !row.ok)) process.exitCode = 1;
}

await main();
