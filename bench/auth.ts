/**
 * What authentication and authorization cost (docs/benchmarks.md), on SQLite and on
 * PostgreSQL: one store with 10,000 Stages, served over real HTTP (`listen`) by apps built
 * with `createApi`, differing only in their auth services:
 *   - baseline: a bench-only stand-in that lets every request through as the server itself,
 *     checking nothing, and a ResourceService without an audit trail (a request as it was
 *     before auth existed);
 *   - baseline + audit: the same, with the audit trail (its share of a write);
 *   - the real Authenticator, Authorizer and audit trail, asked by three callers: the system
 *     admin token, a project token whose rights come from a Role object, and a single sign-on
 *     user (a UI session) whose rights come from a Role bound to their group claim.
 * Targets: auth adds < 5% to the median `GET` of 10,000 Stages, and < 1 ms to the p50 of a
 * write (`PUT` of one Stage). Also reported: a batch of 1,000 unchanged Stages, authorized
 * document by document. Callers are interleaved round by round (in a shuffled order), each with
 * its own server and connection, so the machine's load falls on all alike; the overhead is the
 * median over rounds of (caller − baseline) in the same round, in wall time and in the CPU
 * time of the process (client and server). Warm-up rounds first.
 */
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KARGO_RBAC_API_VERSION } from '../src/api/api-versions.js';
import { ApiTokens } from '../src/auth/api-tokens.js';
import { Authenticator, type Authentication } from '../src/auth/authenticator.js';
import { Authorizer, storeRoleSource, type Decision } from '../src/auth/authorizer.js';
import { systemPrincipal } from '../src/auth/principal.js';
import { SESSION_COOKIE, Sessions } from '../src/auth/sessions.js';
import type { Role } from '../src/api/role.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { PromotionLogs } from '../src/engine/promotion-logs.js';
import { silentLogger } from '../src/logger.js';
import { ResourceService } from '../src/resources/resource-service.js';
import { createApi, type AppOptions } from '../src/server/app.js';
import { listen, type RunningServer } from '../src/server/http-server.js';
import { openEncryptingStore, secretsKey } from '../src/store/encrypting-store.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { startPostgres } from '../test/postgres.js';
import { figures, median } from './figures.js';

const api = 'kargo.akuity.io/v1alpha1';
const PROJECT = 'bench';
const STAGES = 10_000;
const LIST_ROUNDS = 61;
const LIST_WARM_UP = 5;
const WRITE_ROUNDS = 401;
const WRITE_WARM_UP = 30;
const BATCH_ROUNDS = 15;
const BATCH_WARM_UP = 2;
const stage = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: api,
  kind: 'Stage',
  metadata: { name, namespace: PROJECT, labels: { tier: 'bench', ...labels } },
  spec: {
    requestedFreight: [
      { origin: { kind: 'Warehouse', name: 'web' }, sources: { stages: ['upstream'] } },
    ],
    promotionTemplate: {
      spec: { steps: [{ task: { name: 'promote' }, vars: [{ name: 'envDir', value: name }] }] },
    },
  },
});

const role = (name: string, group: string, rules?: Role['rules']) => ({
  apiVersion: KARGO_RBAC_API_VERSION,
  kind: 'Role',
  metadata: { name, namespace: PROJECT },
  claims: [{ name: 'groups', values: [group] }],
  ...(rules ? { rules } : {}),
});

/** Bench-only stand-in: every request is the server itself; nothing is looked up. */
class EveryoneIsTheServer extends Authenticator {
  override authenticate(): Promise<Authentication> {
    return Promise.resolve({ principal: systemPrincipal('bench-baseline'), via: 'bearer' });
  }
}

/** Bench-only stand-in: allows everything without checking (and never reads a Role). */
class AllowEverything extends Authorizer {
  constructor() {
    super({ roles: { roles: () => Promise.reject(new Error('the baseline reads no Roles')) } });
  }

  override decide(): Promise<Decision> {
    return Promise.resolve({ allowed: true, reason: '' });
  }

  override require(): Promise<void> {
    return Promise.resolve();
  }
}

/** A caller: a server to ask and the credentials to send. */
interface Caller {
  name: string;
  url: string;
  headers: Record<string, string>;
}

function apiOf(
  store: Store,
  dataDir: string,
  shutdown: AbortSignal,
  auth: AppOptions['auth'],
  withAudit: boolean,
): Hono {
  return createApi({
    service: new ResourceService({ store, audit: withAudit ? auth.audit : undefined }),
    store,
    logger: silentLogger,
    shutdown,
    storeKind: 'bench',
    logs: new PromotionLogs(dataDir),
    auth,
  }).app;
}

/** One request: its wall time, and the CPU time the process spent meanwhile (both in ms). */
interface Sample {
  wall: number;
  cpu: number;
}

async function timed(caller: Caller, path: string, init: RequestInit = {}): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const response = await fetch(`${caller.url}${path}`, {
    ...init,
    headers: { ...caller.headers, ...(init.headers as Record<string, string> | undefined) },
  });
  const body = await response.arrayBuffer();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (!response.ok)
    throw new Error(
      `${caller.name}: ${init.method ?? 'GET'} ${path} answered ${response.status}: ${Buffer.from(body).toString()}`,
    );
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Runs `one` for every caller, round by round, in a new order each round (shuffled by a fixed
 * seed, so no caller always follows the same one); answers each caller's samples after the
 * warm-up rounds.
 */
async function interleaved(
  callers: readonly Caller[],
  rounds: number,
  warmUp: number,
  one: (caller: Caller, round: number) => Promise<Sample>,
): Promise<Map<string, Sample[]>> {
  const samples = new Map(callers.map((c) => [c.name, [] as Sample[]]));
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < warmUp + rounds; round++) {
    const order = [...callers];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const caller of order) {
      const sample = await one(caller, round);
      if (round >= warmUp) samples.get(caller.name)!.push(sample);
    }
  }
  return samples;
}

/** A caller's median and its overhead: the median over rounds of (caller − baseline). */
function compare(
  samples: Map<string, Sample[]>,
  caller: string,
  measure: keyof Sample,
): { median: number; added: number } {
  const mine = samples.get(caller)!.map((s) => s[measure]);
  const base = samples.get('baseline')!.map((s) => s[measure]);
  return { median: median(mine), added: median(mine.map((ms, i) => ms - base[i]!)) };
}

const signed = (n: number, digits: number) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;

/** Every figure on one store (wrapped for encryption at rest, as main.ts does). */
async function benchStore(label: string, backend: Store, dir: string): Promise<void> {
  const { report, print } = figures({ figure: 52, value: 32 });
  const shutdown = new AbortController();
  const store = await openEncryptingStore(backend, secretsKey(randomBytes(32)));
  const servers: RunningServer[] = [];
  try {
    // Auth wired as main.ts wires it.
    const tokens = new ApiTokens({ store });
    const sessions = new Sessions({ store });
    const audit = new AuditLog({ store });
    const authorizer = new Authorizer({
      roles: storeRoleSource(store),
    });
    const requestGuard = { allowedHosts: [], allowedOrigins: [] };
    const real: AppOptions['auth'] = {
      authenticator: new Authenticator({ tokens, sessions }),
      authorizer,
      tokens,
      sessions,
      audit,
      requestGuard,
    };
    const standIn: AppOptions['auth'] = {
      ...real,
      authenticator: new EveryoneIsTheServer({ tokens, sessions }),
      authorizer: new AllowEverything(),
    };

    // The data: one project of 10,000 Stages and the Roles a project has.
    const setup = new ResourceService({ store });
    await setup.apply({
      mode: 'apply',
      documents: [
        { apiVersion: api, kind: 'Project', metadata: { name: PROJECT } },
        role('kargo-admin', 'bench-admins'),
        role('kargo-promoter', 'bench-promoters'),
        role('kargo-viewer', 'bench-viewers'),
        role('bench-editor', 'bench-devs', [
          { verbs: ['get', 'list', 'watch', 'create', 'update'], resources: ['stages'] },
        ]),
      ],
    });
    for (let chunk = 0; chunk < STAGES / 1000; chunk++)
      await setup.apply({
        mode: 'apply',
        documents: Array.from({ length: 1000 }, (_, i) => stage(`s${chunk * 1000 + i}`)),
      });

    const adminToken = (
      await tokens.create({ name: 'bench-admin', role: 'kargo-admin', createdBy: 'bench' })
    ).token;
    const projectToken = (
      await tokens.create({
        name: 'bench-ci',
        project: PROJECT,
        role: 'bench-editor',
        createdBy: 'bench',
      })
    ).token;
    const session = await sessions.create({
      kind: 'user',
      principal: {
        kind: 'user',
        actor: 'email:dev@example.com',
        subject: 'dev',
        email: 'dev@example.com',
        claims: { email: ['dev@example.com'], groups: ['bench-devs'] },
      },
    });

    const apps = {
      baseline: apiOf(store, dir, shutdown.signal, standIn, false),
      baselineAudit: apiOf(store, dir, shutdown.signal, standIn, true),
      real: apiOf(store, dir, shutdown.signal, real, true),
    };
    /** Each caller has its own server, so each has its own kept-alive connection. */
    const connect = async (name: string, app: Hono, headers: Record<string, string>) => {
      const server = await listen(app, { host: '127.0.0.1', port: 0 });
      servers.push(server);
      return { name, url: server.url, headers };
    };
    // Every caller sends credentials; the stand-in ignores them, so the bytes on the wire match.
    const asAdmin = { authorization: `Bearer ${adminToken}` };
    const callers: Caller[] = [
      await connect('baseline', apps.baseline, asAdmin),
      await connect('baseline + audit', apps.baselineAudit, asAdmin),
      await connect('system admin token', apps.real, asAdmin),
      await connect('project token, Role object', apps.real, {
        authorization: `Bearer ${projectToken}`,
      }),
      await connect('SSO user session, Role by claim', apps.real, {
        cookie: `${SESSION_COOKIE}=${session}`,
      }),
    ];
    const authCallers = callers.slice(2);

    // GET 10,000 Stages: no write, so the audit trail plays no part (baseline + audit skipped).
    const listCallers = callers.filter((c) => c.name !== 'baseline + audit');
    const lists = await interleaved(listCallers, LIST_ROUNDS, LIST_WARM_UP, (caller) =>
      timed(caller, `/v1/projects/${PROJECT}/stages`),
    );
    const listWall = compare(lists, 'baseline', 'wall').median;
    const listCpu = compare(lists, 'baseline', 'cpu').median;
    report(
      `GET ${STAGES.toLocaleString('en')} Stages, baseline (median of ${LIST_ROUNDS})`,
      `${listWall.toFixed(1)} ms (CPU ${listCpu.toFixed(1)} ms)`,
      '',
      true,
    );
    for (const caller of authCallers) {
      const wall = compare(lists, caller.name, 'wall');
      const cpu = compare(lists, caller.name, 'cpu');
      const share = (wall.added / listWall) * 100;
      report(
        `  ${caller.name}`,
        `${signed(share, 1)}% (CPU ${signed((cpu.added / listCpu) * 100, 1)}%)`,
        '< +5%',
        share < 5,
      );
    }

    // A write: PUT of one Stage with a changed label (an update: a store write, and an audit
    // event where there is a trail). Each caller updates its own Stages.
    const writes = await interleaved(callers, WRITE_ROUNDS, WRITE_WARM_UP, (caller, round) => {
      const index = callers.indexOf(caller) * 1000 + (round % 1000);
      return timed(caller, `/v1/projects/${PROJECT}/stages/s${index}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(stage(`s${index}`, { round: String(round) })),
      });
    });
    const writeWall = compare(writes, 'baseline', 'wall').median;
    const writeCpu = compare(writes, 'baseline', 'cpu').median;
    report(
      `PUT one Stage, baseline (p50 of ${WRITE_ROUNDS})`,
      `${writeWall.toFixed(2)} ms (CPU ${writeCpu.toFixed(2)} ms)`,
      '',
      true,
    );
    for (const caller of callers.slice(1)) {
      const wall = compare(writes, caller.name, 'wall');
      const cpu = compare(writes, caller.name, 'cpu');
      const isAuth = authCallers.includes(caller);
      report(
        `  ${caller.name}`,
        `${signed(wall.added, 2)} ms (CPU ${signed(cpu.added, 2)} ms)`,
        isAuth ? '< +1 ms' : '(its share)',
        !isAuth || wall.added < 1,
      );
    }

    // A batch: `gantry apply` of 1,000 Stages, unchanged (each document is still authorized,
    // and nothing is written, so this is authorization alone). Each caller its own 1,000.
    const batches = await interleaved(callers, BATCH_ROUNDS, BATCH_WARM_UP, (caller) => {
      const first = callers.indexOf(caller) * 1000;
      return timed(caller, '/v1/resources', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          items: Array.from({ length: 1000 }, (_, i) => stage(`s${first + i}`)),
        }),
      });
    });
    const batchWall = compare(batches, 'baseline', 'wall').median;
    const batchCpu = compare(batches, 'baseline', 'cpu').median;
    report(
      `apply 1,000 unchanged Stages, baseline (median of ${BATCH_ROUNDS})`,
      `${batchWall.toFixed(0)} ms (CPU ${batchCpu.toFixed(0)} ms)`,
      '',
      true,
    );
    for (const caller of authCallers) {
      const wall = compare(batches, caller.name, 'wall');
      const cpu = compare(batches, caller.name, 'cpu');
      report(
        `  ${caller.name}`,
        `${signed((wall.added / batchWall) * 100, 1)}% (CPU ${signed((cpu.added / batchCpu) * 100, 1)}%)`,
        '(reported)',
        true,
      );
    }
  } finally {
    shutdown.abort();
    await Promise.all(servers.map((server) => server.close()));
    await store.close();
  }
  print(`authentication and authorization (${label}, over HTTP):`);
}

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-auth-'));
const postgres = await startPostgres();
try {
  await benchStore('SQLite', openSqliteStore({ path: join(dir, 'gantry.db') }), dir);
  await benchStore(
    'PostgreSQL',
    await openPostgresStore({ url: await postgres.createDatabase() }),
    dir,
  );
} finally {
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
