/**
 * Many Warehouses on one monorepo (docs/benchmarks.md, issue 17; akuity/kargo#5899):
 *   - a 15,000-commit repository with 237 directories, served over loopback by the tests' git
 *     HTTP server (`git http-backend`), and 57 Warehouses subscribing to it, each with its own
 *     includePaths (plain, glob: and regex:, some with excludePaths);
 *   - first Freight for all 57, from the apply: target < 3 s;
 *   - one commit touching a few paths, then one signed GitHub push webhook: time until the
 *     Warehouses it concerns have new Freight (target < 1 s), and the same for a webhook that
 *     lists no files, which refreshes all 57 (target < 1 s);
 *   - fetches counted at the git server: one per refresh, however many Warehouses.
 * Gantry runs in this process, the git server in a child process (this script again, with
 * `--serve-git`), so their CPU is told apart. CPU is reported beside wall time because the
 * machine is shared: Gantry's (this process, with the benchmark's polling every 20 ms), the
 * git processes Gantry ran, and the git server's (its Node side and its git processes), from
 * /proc.
 */
import { createHmac } from 'node:crypto';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import type { WarehouseStatus } from '../src/api/warehouse.js';
import { importCommits, type PlannedCommit } from '../test/fast-import-repo.js';
import { startGitServer } from '../test/git-server.js';
import { adminAuth } from './admin-auth.js';
import { figures } from './figures.js';

const api = 'kargo.akuity.io/v1alpha1';
const COMMITS = 15_000;
const WAREHOUSES = 57;
const SECRET = 'monorepo-hook-secret';
const { report, print } = figures({ figure: 62, value: 30 });

const services = Array.from({ length: WAREHOUSES }, (_, i) => `services/svc-${pad(i, 2)}`);
const directories = [
  ...services,
  ...Array.from({ length: 100 }, (_, i) => `libs/lib-${pad(i, 3)}`),
  ...Array.from({ length: 50 }, (_, i) => `docs/area-${pad(i, 2)}`),
  ...Array.from({ length: 30 }, (_, i) => `infra/env-${pad(i, 2)}`),
];
const FILES = ['values.yaml', 'Chart.yaml', 'README.md', 'src/main.go', 'config/app.yaml'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A small seeded generator (mulberry32): the same repository on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every file once in the first commit, then commits of one to three files each. */
function plan(): PlannedCommit[] {
  const next = random(17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const start = Math.floor(Date.now() / 1000) - COMMITS * 60;
  const everything = Object.fromEntries(
    directories.flatMap((dir) => FILES.map((file) => [`${dir}/${file}`, `${dir}\n`])),
  );
  const commits: PlannedCommit[] = [{ message: 'Initial layout', when: start, files: everything }];
  for (let i = 1; i < COMMITS; i++) {
    const files: Record<string, string> = {};
    const count = 1 + Math.floor(next() * 3);
    for (let f = 0; f < count; f++) {
      const area = next();
      const dir =
        area < 0.4
          ? pick(services)
          : area < 0.7
            ? pick(directories.slice(57, 157))
            : pick(directories.slice(157));
      files[`${dir}/${pick(FILES)}`] = `change ${i}\n`;
    }
    commits.push({ message: `Change ${i}`, when: start + i * 60, files });
  }
  return commits;
}

/** The Warehouses: three shapes of path filters, each on its own service. */
function warehouse(i: number, repoURL: string) {
  const service = services[i]!;
  const git =
    i % 3 === 0
      ? { includePaths: [service] }
      : i % 3 === 1
        ? { includePaths: [`glob:${service}/**`], excludePaths: ['glob:**/*.md'] }
        : { includePaths: [`regex:^${service}/`, `libs/lib-${pad(i, 3)}`] };
  return {
    apiVersion: api,
    kind: 'Warehouse',
    metadata: { name: `w${pad(i, 2)}`, namespace: 'mono' },
    spec: { interval: '1h', subscriptions: [{ git: { repoURL, ...git } }] },
  };
}

interface Cpu {
  gantry: number;
  git: number;
  server: number;
}

/**
 * CPU seconds from /proc: this process (Gantry), the child processes it reaped (Gantry's
 * git), and the git server process with the children it reaped (http-backend, upload-pack).
 */
function cpu(server: ChildProcess): Cpu {
  const read = (pid: number | string) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const at = (n: number) => Number(fields[n - 3]) / 100; // USER_HZ on Linux
    return { self: at(14) + at(15), children: at(16) + at(17) };
  };
  const own = read('self');
  const git = read(server.pid!);
  // The server process is reaped only at the end: until then this process's children are
  // Gantry's git processes alone.
  return { gantry: own.self, git: own.children, server: git.self + git.children };
}

function cpuSince(server: ChildProcess, before: Cpu): string {
  const now = cpu(server);
  const d = (key: keyof Cpu) => (now[key] - before[key]).toFixed(2);
  return `${d('gantry')} + git ${d('git')} s; server ${d('server')} s`;
}

/** Polls every 20 ms: often enough for the figures, rarely enough to cost little CPU. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function warehouses(
  gantry: RunningGantry,
): Promise<Array<{ name: string; status: WarehouseStatus }>> {
  return (await gantry.store.list('Warehouse', { namespace: 'mono' })).items.map((w) => ({
    name: w.metadata.name,
    status: w.status ?? {},
  }));
}

type ServerMessage =
  | { type: 'ready'; url: string }
  | { type: 'fetches'; count: number; listings: number }
  | { type: 'committed'; id: string };

/** The git server's side (`--serve-git`): makes the repository, serves it, answers the parent. */
async function serveGit(): Promise<void> {
  const server = await startGitServer();
  const bare = join(server.root, 'repos', 'mono.git');
  const t = performance.now();
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  importCommits(bare, plan());
  // Packed as a hosted repository would be, so the first fetch measures the clone only.
  execFileSync('git', ['repack', '-adq'], { cwd: bare });
  console.error(`(made ${COMMITS} commits in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  const send = (message: ServerMessage) => process.send!(message);
  process.on('message', (message: { type: string; files?: Record<string, string> }) => {
    if (message.type === 'fetches') {
      send({
        type: 'fetches',
        count: server.requests.filter((r) => r.command === 'fetch').length,
        listings: server.requests.filter((r) => r.command === 'ls-refs').length,
      });
      server.requests.length = 0;
    } else if (message.type === 'commit') {
      const [id] = importCommits(bare, [
        { message: 'Change', when: Math.floor(Date.now() / 1000), files: message.files ?? {} },
      ]);
      send({ type: 'committed', id: id! });
    } else if (message.type === 'stop') {
      void server.stop().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', url: `${server.url}/mono.git` });
}

/** Sends `message` to the git server and waits for its answer. */
function ask<T extends ServerMessage['type']>(
  server: ChildProcess,
  message: { type: string; files?: Record<string, string> },
  answer: T,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve) => {
    const listen = (reply: ServerMessage) => {
      if (reply.type !== answer) return;
      server.off('message', listen);
      resolve(reply as Extract<ServerMessage, { type: T }>);
    };
    server.on('message', listen);
    if (message.type !== 'ready') server.send(message);
  });
}

type GitCounts = ReturnType<RunningGantry['stats']>['gitDiscovery'];

/** What the server answered (fetches, ref listings) and the git processes Gantry ran. */
function reportRequests(
  served: { count: number; listings: number },
  before: GitCounts,
  after: GitCounts,
): void {
  report(
    '  server: fetches, ref listings',
    `${served.count}, ${served.listings}`,
    'one fetch',
    served.count === 1,
  );
  report(
    '  Gantry: ls-remote, fetch, git log processes',
    `${after.lsRemotes - before.lsRemotes}, ${after.fetches - before.fetches}, ${after.gitLogs - before.gitLogs}`,
    'for reference',
    true,
  );
}

async function run(server: ChildProcess, repoURL: string, dir: string): Promise<void> {
  /** Fetches and ref listings (each ls-remote, each fetch) the server answered since last asked. */
  const fetches = () => ask(server, { type: 'fetches' }, 'fetches');
  let t: number;

  const gantry = await startGantry(
    resolveServerConfig({ port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' }, {}),
    silentLogger,
  );
  try {
    const auth = adminAuth(gantry);
    const apply = (items: unknown[]) =>
      fetch(`${gantry.url}/v1/resources`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ items }),
      }).then(async (response) => {
        if (!response.ok)
          throw new Error(`apply answered ${response.status}: ${await response.text()}`);
      });
    await apply([
      { apiVersion: api, kind: 'Project', metadata: { name: 'mono' } },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'hooks', namespace: 'mono' },
        stringData: { secret: SECRET },
      },
      {
        apiVersion: api,
        kind: 'ProjectConfig',
        metadata: { name: 'mono', namespace: 'mono' },
        spec: { webhookReceivers: [{ name: 'github', github: { secretRef: { name: 'hooks' } } }] },
      },
    ]);
    let hookPath: string | undefined;
    await waitFor(async () => {
      const config = await gantry.store.get({
        kind: 'ProjectConfig',
        namespace: 'mono',
        name: 'mono',
      });
      hookPath = (config?.status as { webhookReceivers?: Array<{ path?: string }> } | undefined)
        ?.webhookReceivers?.[0]?.path;
      return hookPath !== undefined;
    });

    // First Freight for all.
    await fetches();
    let before = cpu(server);
    const gitBefore = gantry.stats().gitDiscovery;
    t = performance.now();
    await apply(Array.from({ length: WAREHOUSES }, (_, i) => warehouse(i, repoURL)));
    // Done when every Warehouse reports its Freight (its status is written after the Freight).
    await waitFor(async () => {
      const all = await warehouses(gantry);
      return all.length === WAREHOUSES && all.every((w) => w.status.lastFreightID);
    });
    const firstMs = performance.now() - t;
    const firstCpu = cpuSince(server, before);
    const firstFetches = await fetches();
    const firstGit = gantry.stats().gitDiscovery;
    report(
      `${WAREHOUSES} Warehouses, ${COMMITS.toLocaleString('en')} commits: first Freight for all`,
      `${(firstMs / 1000).toFixed(2)} s`,
      '< 3 s',
      firstMs < 3_000,
    );
    report('  CPU: Gantry + its git processes; git server', firstCpu, 'for reference', true);
    reportRequests(firstFetches, gitBefore, firstGit);

    const deliver = async (files: string[] | undefined) => {
      const body = JSON.stringify({
        ref: 'refs/heads/main',
        repository: { clone_url: repoURL, full_name: 'acme/mono' },
        ...(files ? { commits: [{ added: [], modified: files, removed: [] }] } : {}),
      });
      const response = await fetch(`${gantry.url}${hookPath}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
        body,
      });
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      return ((await response.json()) as { refreshed?: string[] }).refreshed ?? [];
    };

    // A push touching a few paths, announced with its files: only the Warehouses it concerns
    // are refreshed; each of them makes new Freight.
    for (const [label, listFiles] of [
      ['webhook naming the files', true],
      ['webhook without files (refreshes all 57)', false],
    ] as const) {
      const round = label.startsWith('webhook naming') ? 1 : 2;
      const touched = [
        `services/svc-${pad(3 * round, 2)}/values.yaml`,
        `services/svc-${pad(3 * round + 1, 2)}/config/app.yaml`,
        `libs/lib-${pad(3 * round + 2, 3)}/values.yaml`,
      ];
      const { id } = await ask(
        server,
        {
          type: 'commit',
          files: Object.fromEntries(touched.map((path) => [path, `round ${round}\n`])),
        },
        'committed',
      );
      const expectNew = new Set([
        `w${pad(3 * round, 2)}`,
        `w${pad(3 * round + 1, 2)}`,
        `w${pad(3 * round + 2, 2)}`,
      ]);
      const last = new Map((await warehouses(gantry)).map((w) => [w.name, w.status.lastFreightID]));
      await fetches();
      before = cpu(server);
      const git0 = gantry.stats().gitDiscovery;
      t = performance.now();
      const refreshed = await deliver(listFiles ? touched : undefined);
      // The Warehouses it concerns have new Freight, and every other one refreshed is done.
      const others = refreshed.filter((name) => !expectNew.has(name));
      await waitFor(async () => {
        for (const name of [...expectNew, ...others]) {
          const w = await gantry.store.get({ kind: 'Warehouse', namespace: 'mono', name });
          const status = (w?.status ?? {}) as WarehouseStatus;
          const done = expectNew.has(name)
            ? status.lastFreightID !== last.get(name)
            : status.lastHandledRefresh === w?.metadata.annotations?.['kargo.akuity.io/refresh'];
          if (!done) return false;
        }
        return true;
      });
      const ms = performance.now() - t;
      const after = await warehouses(gantry);
      const changed = after.filter((w) => w.status.lastFreightID !== last.get(w.name)).length;
      const git1 = gantry.stats().gitDiscovery;
      report(
        `${label}: ${refreshed.length} refreshed, ${changed} new Freight`,
        `${ms.toFixed(0)} ms`,
        '< 1 s',
        ms < 1_000 && changed === expectNew.size && id !== '',
      );
      report(
        '  CPU: Gantry + its git processes; git server',
        cpuSince(server, before),
        'for reference',
        true,
      );
      const roundFetches = await fetches();
      reportRequests(roundFetches, git0, git1);
    }
  } finally {
    await gantry.stop();
  }
}

if (process.argv.includes('--serve-git')) {
  await serveGit();
} else {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-monorepo-'));
  const server = fork(fileURLToPath(import.meta.url), ['--serve-git'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { url } = await ask(server, { type: 'ready' }, 'ready');
    await run(server, url, dir);
    print(
      `many Warehouses on one monorepo (git over loopback HTTP, Gantry in process; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores):`,
    );
  } finally {
    server.send({ type: 'stop' });
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
