/**
 * The Kubernetes API's figures (issue 18), against a Gantry serving HTTPS in this process
 * with 1,000 Stages in one project, in the same run:
 *   - `kubectl get stages` (server-side Table) and `kubectl get stages -o json`, beside
 *     `gantry get stages` and `gantry get stages -o json` (the built CLI, as users run it);
 *     medians of 3 runs after a warm-up (kubectl's discovery cache filled), wall time and CPU
 *     (the client process's user+system, from /usr/bin/time; the server's, this process's);
 *   - a watch event → kubectl prints it: `kubectl get stages -w --output-watch-events`
 *     running, a Stage's label changed in the store, until kubectl prints its MODIFIED row;
 *     the median of 5.
 * Run with `npm run bench` (it builds first), or `node --import tsx bench/kube.ts` after
 * `npm run build`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubectlHarness } from '../test/kubectl-harness.js';
import { adminToken } from './admin-auth.js';
import { figures, median } from './figures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GANTRY = join(ROOT, 'bin', 'gantry.js');
const api = 'kargo.akuity.io/v1alpha1';
const STAGES = 1000;
const RUNS = 3;
const WATCH_EVENTS = 5;

interface Timed {
  wallMs: number;
  /** The client process's user + system CPU. */
  clientCpuMs: number;
  /** This process's (the server's) user + system CPU meanwhile. */
  serverCpuMs: number;
  out: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'gantry-bench-kube-'));

/** Runs a command under /usr/bin/time without blocking the server in this process. */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  const timeFile = join(scratch, 'time');
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${err}`);
  const [user = 0, system = 0] = readFileSync(timeFile, 'utf8')
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  return {
    wallMs,
    clientCpuMs: (user + system) * 1000,
    serverCpuMs: (cpu.user + cpu.system) / 1000,
    out,
  };
}

async function medianOf(run: () => Promise<Timed>, check: (out: string) => boolean) {
  const warm = await run();
  if (!check(warm.out)) throw new Error(`unexpected output: ${warm.out.slice(0, 300)}`);
  const runs: Timed[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run());
  return {
    wall: median(runs.map((r) => r.wallMs)),
    client: median(runs.map((r) => r.clientCpuMs)),
    server: median(runs.map((r) => r.serverCpuMs)),
  };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'gantry.js')))
    throw new Error('the gantry CLI is not built: run `npm run build` (npm run bench does)');
  const harness = await startKubectlHarness();
  const { report, print } = figures({ figure: 62, value: 34 });
  try {
    const { store } = harness.gantry;
    await store.write([
      { op: 'create', object: { apiVersion: api, kind: 'Project', metadata: { name: 'bench' } } },
    ]);
    for (let chunk = 0; chunk < STAGES; chunk += 500)
      await store.write(
        Array.from({ length: 500 }, (_, i) => ({
          op: 'create' as const,
          object: {
            apiVersion: api,
            kind: 'Stage',
            metadata: { name: `s${chunk + i}`, namespace: 'bench' },
            spec: {
              requestedFreight: [
                { origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } },
              ],
            },
          },
        })),
      );
    // The Stage controller writes each Stage's status once: measure after it has.
    for (;;) {
      const { items } = await store.list('Stage', { namespace: 'bench' });
      if (items.every((s) => (s.status as { conditions?: unknown[] } | undefined)?.conditions))
        break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const kubectlFlags = [
      '--kubeconfig',
      harness.kubeconfig,
      '--cache-dir',
      join(harness.dir, 'kube-cache'),
      '-n',
      'bench',
    ];
    const kubectl = (...args: string[]) => timed('kubectl', [...kubectlFlags, ...args]);
    const gantry = (...args: string[]) =>
      timed(process.execPath, [GANTRY, ...args, '--project', 'bench'], {
        GANTRY_SERVER: harness.gantry.url,
        GANTRY_TOKEN: adminToken(harness.gantry),
        GANTRY_CONFIG: join(scratch, 'no-config'),
        NODE_EXTRA_CA_CERTS: join(harness.dir, 'cert.pem'),
      });
    const rows = (out: string) => out.trim().split('\n').length === STAGES + 1;
    const items = (out: string) =>
      (JSON.parse(out) as { items: unknown[] }).items.length === STAGES;
    const cases: Array<[string, () => Promise<Timed>, (out: string) => boolean]> = [
      ['kubectl get stages (table)', () => kubectl('get', 'stages'), rows],
      ['gantry get stages (table)', () => gantry('get', 'stages'), rows],
      ['kubectl get stages -o json', () => kubectl('get', 'stages', '-o', 'json'), items],
      ['gantry get stages -o json', () => gantry('get', 'stages', '-o', 'json'), items],
    ];
    for (const [figure, run, check] of cases) {
      const m = await medianOf(run, check);
      report(
        `${figure}, 1,000 Stages`,
        `${m.wall.toFixed(0)} ms (cpu ${m.client.toFixed(0)}+${m.server.toFixed(0)})`,
        'report: wall (cpu client+server)',
        true,
      );
    }

    // A watch event → kubectl prints it.
    const watcher = spawn(
      'kubectl',
      [...kubectlFlags, 'get', 'stages', '-w', '--output-watch-events'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let printed = '';
    let errors = '';
    const waiters: Array<() => void> = [];
    watcher.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      for (const wake of waiters.splice(0)) wake();
    });
    watcher.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const printedLine = async (pattern: RegExp) => {
      const deadline = Date.now() + 30_000;
      while (!pattern.test(printed)) {
        if (Date.now() > deadline)
          throw new Error(`kubectl did not print ${pattern}: ${errors || printed.slice(-300)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 1000);
        });
      }
    };
    try {
      await printedLine(new RegExp(`^ADDED\\s+s${STAGES - 1}\\s`, 'm'));
      const latencies: number[] = [];
      for (let i = 0; i < WATCH_EVENTS; i++) {
        const start = performance.now();
        await store.write([
          {
            op: 'patchMetadata',
            key: { kind: 'Stage', namespace: 'bench', name: `s${i}` },
            labels: { round: String(i) },
          },
        ]);
        await printedLine(new RegExp(`^MODIFIED\\s+s${i}\\s`, 'm'));
        latencies.push(performance.now() - start);
      }
      report(
        'a Stage changes → kubectl get -w prints it (median of 5)',
        `${median(latencies).toFixed(0)} ms`,
        'report',
        true,
      );
    } finally {
      watcher.kill('SIGTERM');
    }
  } finally {
    await harness.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  print(`Kubernetes API, HTTPS in process, ${STAGES} Stages in one project (cpu in ms):`);
}

await main();
