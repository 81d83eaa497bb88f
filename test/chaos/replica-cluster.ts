import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { PromotionStatus } from '../../src/api/promotion.js';
import { startGantryServer, type GantryServerProcess } from '../gantry-process.js';
import { startGitServer, type TestGitServer } from '../git-server.js';
import { cliAgainst, until, type CliResult } from '../in-process-cli.js';
import { startPostgres, type TestPostgres } from '../postgres.js';

/**
 * Real `gantry server` replicas on one real PostgreSQL, promoting into a real git repository
 * (git over `git http-backend`): what the chaos suite (replicas.chaos.ts) and the fault
 * benchmark (bench/faults.ts) kill, pause and cut off. Project `chaos`: a Warehouse of the
 * `source` repository (Freight made by hand) and Stage `dev`, whose Promotions clone `gitops`,
 * write the Freight's name into env/dev/freight.txt, commit and push.
 */
export const PROJECT = 'chaos';
const STAGE_LEASE = 'promotions/chaos/dev';

export interface Replica {
  index: number;
  dataDir: string;
  /** Its name in the store's leases. */
  id: string;
  process: GantryServerProcess;
  /** Set while it is down on purpose (killed, or paused): the test's CLI uses another. */
  killed: boolean;
}

export interface ReplicaCluster {
  postgres: TestPostgres;
  databaseUrl: string;
  git: TestGitServer;
  replicas: Replica[];
  adminToken: string;
  /** The CLI, signed in as admin, against any replica that is up. */
  cli(args: string[]): Promise<CliResult>;
  /** A replica that is up. */
  live(): Replica;
  /** The replica holding Stage dev's lease, while one does. */
  holder(): Promise<Replica | undefined>;
  /** New Freight (a made-up commit of the source repository) and a Promotion of it to dev. */
  promoteNew(label: string): Promise<{ freight: string; promotion: string }>;
  promotionStatus(name: string): Promise<PromotionStatus | undefined>;
  /** Waits for the Promotion to end and answers its status. */
  finished(name: string): Promise<PromotionStatus | undefined>;
  kill(replica: Replica): Promise<void>;
  /** Starts a killed replica again (same data directory, so the same replica). */
  restart(replica: Replica): Promise<void>;
  commitsOnMain(): number;
  /** The Freight the gitops repository's main says dev runs. */
  promotedFreight(): string;
  /** A client of the database, for looking at leases and connections. */
  query<T extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startReplicaCluster(options: {
  replicas: number;
  leaseDuration: string;
}): Promise<ReplicaCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-chaos-'));
  // Durable: the outage crashes PostgreSQL, and no acknowledged write may be lost to it.
  const postgres = await startPostgres({ durable: true });
  const databaseUrl = await postgres.createDatabase();
  const git = await startGitServer();
  const gitopsUrl = git.createRepo('gitops', { 'env/dev/freight.txt': 'none\n' });
  const sourceUrl = git.createRepo('source', { 'README.md': 'the application\n' });
  const secretsKey = randomBytes(32).toString('base64');
  const replicas: Replica[] = [];
  const startReplica = async (index: number): Promise<Replica> => {
    const dataDir = join(dir, `replica-${index}`);
    const process = await startGantryServer(
      [
        '--store',
        databaseUrl,
        '--data-dir',
        dataDir,
        '--lease-duration',
        options.leaseDuration,
        '--min-warehouse-interval',
        '1h',
      ],
      0,
      { GANTRY_SECRETS_KEY: secretsKey },
    );
    const id = readFileSync(join(dataDir, 'replica-id'), 'utf8').trim();
    return { index, dataDir, id, process, killed: false };
  };
  // One replica first: it makes the initial admin; the others share the store with it.
  replicas.push(await startReplica(0));
  const adminToken = replicas[0]!.process.adminToken!;
  for (let index = 1; index < options.replicas; index++) replicas.push(await startReplica(index));
  let db = new pg.Client({ connectionString: databaseUrl });
  const connect = async () => {
    db = new pg.Client({ connectionString: databaseUrl });
    db.on('error', () => undefined); // an outage stops the server under it
    await db.connect();
  };
  await connect();

  const live = () => replicas.find((r) => !r.killed && r.process.child.exitCode === null)!;
  const cli = cliAgainst(() => ({ url: live().process.url, adminToken }), PROJECT);
  const promotionStatus = async (name: string) =>
    (
      JSON.parse((await cli(['get', 'promotion', name, '-o', 'json'])).out || '{}') as {
        status?: PromotionStatus;
      }
    ).status;
  const query = async <T extends pg.QueryResultRow>(text: string, params?: unknown[]) => {
    try {
      return (await db.query<T>(text, params)).rows;
    } catch {
      // The connection did not survive an outage: once more on a new one.
      await db.end().catch(() => undefined);
      await connect();
      return (await db.query<T>(text, params)).rows;
    }
  };

  const manifests = join(dir, 'chaos.yaml');
  writeFileSync(manifests, pipeline(gitopsUrl, sourceUrl));
  const applied = await cli(['apply', '-f', manifests]);
  if (applied.code !== 0) throw new Error(`applying the chaos project failed: ${applied.err}`);

  return {
    postgres,
    databaseUrl,
    git,
    replicas,
    adminToken,
    cli,
    live,
    query,
    async holder() {
      const [row] = await query<{ holder: string; expired: boolean }>(
        'SELECT holder, expires_at <= clock_timestamp() AS expired FROM leases WHERE name = $1',
        [STAGE_LEASE],
      );
      if (!row || row.expired) return undefined;
      return replicas.find((r) => r.id === row.holder);
    },
    async promoteNew(label) {
      const created = await cli([
        'create',
        'freight',
        '--warehouse',
        'source',
        '--commit',
        `${sourceUrl}@${randomBytes(20).toString('hex')}`,
        '--alias',
        `chaos-${label}`,
        '--force',
      ]);
      if (created.code !== 0) throw new Error(`creating Freight failed: ${created.err}`);
      const freight = /freight\.kargo\.akuity\.io\/(\S+) created/.exec(created.out)![1]!;
      const started = await cli(['promote', '--stage', 'dev', '--freight', freight]);
      if (started.code !== 0) throw new Error(`promoting failed: ${started.err}`);
      const promotion = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(started.out)![1]!;
      return { freight, promotion };
    },
    promotionStatus,
    async finished(name) {
      let status: PromotionStatus | undefined;
      await until(
        async () => {
          status = await promotionStatus(name);
          return ['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(status?.phase ?? '');
        },
        `Promotion ${name} to finish`,
        300,
        50,
      );
      return status;
    },
    async kill(replica) {
      replica.killed = true;
      replica.process.child.kill('SIGKILL');
      await replica.process.exited;
    },
    async restart(replica) {
      replicas[replica.index] = await startReplica(replica.index);
    },
    commitsOnMain: () => Number(git.git('gitops', ['rev-list', '--count', 'main']).trim()),
    promotedFreight: () => git.git('gitops', ['show', 'main:env/dev/freight.txt']).trim(),
    async stop() {
      for (const replica of replicas) replica.process.child.kill('SIGKILL');
      await Promise.all(replicas.map((replica) => replica.process.exited));
      await db.end().catch(() => undefined);
      await git.stop();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pipeline(gitopsUrl: string, sourceUrl: string): string {
  return `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: ${PROJECT}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: source, namespace: ${PROJECT}}
spec:
  freightCreationPolicy: Manual
  subscriptions:
  - git: {repoURL: ${sourceUrl}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: ${PROJECT}}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: source}
    sources: {direct: true}
  promotionTemplate:
    spec:
      steps:
      - uses: git-clone
        config:
          repoURL: ${gitopsUrl}
          checkout: [{branch: main, path: ./out}]
      - uses: file-write
        config:
          path: ./out/env/dev/freight.txt
          contents: "\${{ ctx.targetFreight.name }}\\n"
          overwrite: true
      - uses: git-commit
        as: commit
        config: {path: ./out, message: "Promote \${{ ctx.targetFreight.name }}"}
      - uses: git-push
        config: {path: ./out}
      - uses: compose-output
        as: result
        config: {commit: "\${{ outputs.commit.commit }}"}
`;
}
