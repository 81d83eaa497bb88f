import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionStatus } from '../../src/api/promotion.js';
import { startGantryServer, type GantryServerProcess } from '../gantry-process.js';
import { startGitServer, type TestGitServer } from '../git-server.js';
import { cliAgainst, until } from '../in-process-cli.js';
import { startPostgres, type TestPostgres } from '../postgres.js';

/**
 * Faults on real processes (issue 17): three `gantry server` replicas on one real PostgreSQL,
 * promoting into a real git repository (git over `git http-backend`), while the test
 *  1. SIGKILLs the replica running a Promotion at different points of it, 20 times, and starts
 *     it again;
 *  2. SIGSTOPs the replica running a Promotion past its lease, lets another replica finish the
 *     Promotion, then SIGCONTs the paused one;
 *  3. stops PostgreSQL for 10 s while clients write through every replica and a Promotion runs.
 * Every run must end with every Promotion Succeeded exactly once (one commit on the remote per
 * Promotion, counted), no replica exited on its own, every acknowledged write present, and no
 * Promotion left Running. The counts are printed at the end (CI's log).
 *
 * Leases last 3 s here (the default is 10 s) so takeovers are quick; nothing waits for a
 * duration except the outage itself, which is the fault being injected.
 */

const PROJECT = 'chaos';
const LEASE = 'promotions/chaos/dev';

interface Replica {
  index: number;
  dataDir: string;
  id: string;
  process: GantryServerProcess;
  /** Set when the test killed it (so its exit is expected). */
  killed: boolean;
}

describe('replicas under faults', { timeout: 900_000 }, () => {
  let dir: string;
  let postgres: TestPostgres;
  let databaseUrl: string;
  let db: pg.Client;
  let git: TestGitServer;
  let gitopsUrl: string;
  let sourceUrl: string;
  let adminToken: string;
  const replicas: Replica[] = [];
  const secretsKey = randomBytes(32).toString('base64');
  const counts = {
    promotions: 0,
    kills: {} as Record<string, number>,
    takeoverMs: [] as number[],
    acknowledgedWrites: 0,
    unavailableAnswers: 0,
    recoveryMs: 0,
  };

  const startReplica = async (index: number, dataDir: string): Promise<Replica> => {
    const process = await startGantryServer(
      [
        '--store',
        databaseUrl,
        '--data-dir',
        dataDir,
        '--lease-duration',
        '3s',
        '--min-warehouse-interval',
        '1h',
      ],
      0,
      { GANTRY_SECRETS_KEY: secretsKey },
    );
    const id = readFileSync(join(dataDir, 'replica-id'), 'utf8').trim();
    return { index, dataDir, id, process, killed: false };
  };
  /** A replica that is up, for the CLI (any will do: they share the store). */
  const live = () => replicas.find((r) => !r.killed && r.process.child.exitCode === null)!;
  const cli = cliAgainst(() => ({ url: live().process.url, adminToken }), PROJECT);

  const holder = async (): Promise<Replica | undefined> => {
    const { rows } = await db.query<{ holder: string; expired: boolean }>(
      'SELECT holder, expires_at <= clock_timestamp() AS expired FROM leases WHERE name = $1',
      [LEASE],
    );
    const row = rows[0];
    if (!row || row.expired) return undefined;
    return replicas.find((r) => r.id === row.holder);
  };
  const promotionStatus = async (name: string) =>
    (
      JSON.parse((await cli(['get', 'promotion', name, '-o', 'json'])).out || '{}') as {
        status?: PromotionStatus;
      }
    ).status;
  const commitsOnMain = () => Number(git.git('gitops', ['rev-list', '--count', 'main']).trim());
  const promotedFreight = () => git.git('gitops', ['show', 'main:env/dev/freight.txt']).trim();

  /** New Freight (a made-up commit of the source repository) and a Promotion of it to dev. */
  const promoteNew = async (run: number): Promise<{ freight: string; promotion: string }> => {
    const sha = randomBytes(20).toString('hex');
    const created = await cli([
      'create',
      'freight',
      '--warehouse',
      'source',
      '--commit',
      `${sourceUrl}@${sha}`,
      '--alias',
      `chaos-run-${run}`,
      '--force',
    ]);
    expect(created.code, created.err).toBe(0);
    const freight = /freight\.kargo\.akuity\.io\/(\S+) created/.exec(created.out)![1]!;
    const started = await cli(['promote', '--stage', 'dev', '--freight', freight]);
    expect(started.code, started.err).toBe(0);
    const promotion = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(started.out)![1]!;
    return { freight, promotion };
  };

  const finished = async (promotion: string): Promise<PromotionStatus | undefined> => {
    let status: PromotionStatus | undefined;
    await until(
      async () => {
        status = await promotionStatus(promotion);
        return ['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(status?.phase ?? '');
      },
      `Promotion ${promotion} to finish`,
      300,
      50,
    );
    return status;
  };

  const kill = async (replica: Replica): Promise<void> => {
    replica.killed = true;
    replica.process.child.kill('SIGKILL');
    await replica.process.exited;
  };
  const restart = async (replica: Replica): Promise<void> => {
    const again = await startReplica(replica.index, replica.dataDir);
    replicas[replica.index] = again;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-chaos-'));
    postgres = await startPostgres();
    databaseUrl = await postgres.createDatabase();
    git = await startGitServer();
    gitopsUrl = git.createRepo('gitops', { 'env/dev/freight.txt': 'none\n' });
    sourceUrl = git.createRepo('source', { 'README.md': 'the application\n' });
    // One replica first: it makes the initial admin; the others share the store with it.
    replicas.push(await startReplica(0, join(dir, 'replica-0')));
    adminToken = replicas[0]!.process.adminToken!;
    replicas.push(await startReplica(1, join(dir, 'replica-1')));
    replicas.push(await startReplica(2, join(dir, 'replica-2')));
    db = new pg.Client({ connectionString: databaseUrl });
    db.on('error', () => undefined); // the outage test stops the server under it
    await db.connect();
    const manifests = join(dir, 'chaos.yaml');
    writeFileSync(manifests, pipeline(gitopsUrl, sourceUrl));
    const applied = await cli(['apply', '-f', manifests]);
    expect(applied.code, applied.err).toBe(0);
  });

  afterAll(async () => {
    console.info(`chaos counts: ${JSON.stringify(counts)}`);
    for (const replica of replicas) replica.process.child.kill('SIGKILL');
    await db?.end().catch(() => undefined);
    await git?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes every Promotion exactly once when the replica running it is killed (20 runs)', async () => {
    const points = ['at creation', 'while running', 'mid-push', 'push refused', 'after push'];
    for (let run = 0; run < 20; run++) {
      const point = points[run % points.length]!;
      const before = commitsOnMain();
      const hold = point === 'mid-push' || point === 'push refused' ? git.holdPushes() : undefined;
      const { freight, promotion } = await promoteNew(run);
      let victim: Replica | undefined;
      if (point === 'at creation') {
        victim = (await holder()) ?? live();
      } else if (point === 'while running') {
        await until(
          async () => (await promotionStatus(promotion))?.phase === 'Running',
          'the Promotion to run',
          120,
          10,
        );
        victim = await holder();
      } else if (hold) {
        await until(() => Promise.resolve(hold.waiting() > 0), 'a push', 120, 10);
        victim = await holder();
      } else {
        await until(
          async () =>
            promotedFreight() === freight ||
            ['Succeeded', 'Failed', 'Errored'].includes(
              (await promotionStatus(promotion))?.phase ?? '',
            ),
          'the push to land',
          120,
          10,
        );
        victim = await holder();
      }
      const killedAt = Date.now();
      if (victim) await kill(victim);
      if (hold && point === 'mid-push') hold.release();
      else if (hold) hold.drop();
      const status = await finished(promotion);
      if (victim) counts.takeoverMs.push(Date.now() - killedAt);
      expect(status?.phase, `run ${run} (${point}): ${JSON.stringify(status)}`).toBe('Succeeded');
      // Exactly one commit for this Promotion, and it carries its Freight.
      expect(commitsOnMain(), `run ${run} (${point})`).toBe(before + 1);
      expect(promotedFreight()).toBe(freight);
      counts.promotions += 1;
      counts.kills[point] = (counts.kills[point] ?? 0) + (victim ? 1 : 0);
      if (victim) await restart(victim);
    }
    for (const replica of replicas) expect(replica.process.child.exitCode).toBeNull();
    const listed = JSON.parse((await cli(['get', 'promotions', '-o', 'json'])).out) as {
      items: Array<{ status?: PromotionStatus }>;
    };
    expect(listed.items.map((p) => p.status?.phase)).toEqual(listed.items.map(() => 'Succeeded'));
  });

  it('never lets a replica paused past its lease redo or undo what another replica finished', async () => {
    const before = commitsOnMain();
    const hold = git.holdPushes();
    const { freight, promotion } = await promoteNew(100);
    await until(() => Promise.resolve(hold.waiting() > 0), 'a push', 120, 10);
    const paused = (await holder())!;
    expect(paused).toBeDefined();
    paused.process.child.kill('SIGSTOP');
    // Its push goes through while it sleeps; another replica takes the Stage over once the
    // lease runs out, runs the Promotion again (finding its content pushed) and finishes it.
    hold.release();
    const status = await finished(promotion);
    expect(status?.phase).toBe('Succeeded');
    const takenBy = await until(
      async () => (await holder())?.id !== paused.id,
      'the lease to leave the paused replica',
      120,
    ).then(() => holder());
    expect(takenBy?.id).not.toBe(paused.id);
    paused.process.child.kill('SIGCONT');
    // The woken replica finds out it lost the Stage (its renewal, or its next fenced write is
    // refused) and stops; the Promotion stays as the other replica left it.
    await until(
      () =>
        Promise.resolve(
          /lost a Stage lease|stopped a promotion: its Stage is held by another replica/.test(
            paused.process.log(),
          ),
        ),
      'the paused replica to notice it lost the Stage',
      120,
    );
    const after = await promotionStatus(promotion);
    expect(after?.phase).toBe('Succeeded');
    expect(after?.finishedAt).toBe(status?.finishedAt);
    expect(commitsOnMain()).toBe(before + 1);
    expect(promotedFreight()).toBe(freight);
    expect(paused.process.child.exitCode).toBeNull();
    counts.promotions += 1;
  });

  it('rides out a 10 s PostgreSQL outage under write load: nothing acknowledged is lost, nothing stays Running', async () => {
    const before = commitsOnMain();
    const acknowledged: string[] = [];
    const unexpected: string[] = [];
    let stopLoad = false;
    let unavailable = 0;
    let withoutRetryAfter = 0;
    // One writer per replica, creating ConfigMaps as fast as each answer comes back.
    const writers = replicas.map(async (replica, writer) => {
      for (let n = 0; !stopLoad; n++) {
        const name = `load-${writer}-${n}`;
        const url = `${replicas[replica.index]!.process.url}/v1/projects/${PROJECT}/configmaps`;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name, namespace: PROJECT },
              data: { n: String(n) },
            }),
          });
          await response.arrayBuffer();
          if (response.status === 201) acknowledged.push(name);
          else if (response.status === 503) {
            unavailable += 1;
            if (!response.headers.get('retry-after')) withoutRetryAfter += 1;
            await new Promise((resolve) => setTimeout(resolve, 100)); // pacing, not waiting
          } else unexpected.push(`${name}: ${response.status}`);
        } catch (err) {
          unexpected.push(`${name}: ${(err as Error).message}`);
        }
      }
    });
    const hold = git.holdPushes();
    const { freight, promotion } = await promoteNew(200);
    await until(() => Promise.resolve(hold.waiting() > 0), 'a push', 120, 10);
    await until(() => Promise.resolve(acknowledged.length >= 30), 'some writes', 120);

    postgres.interrupt();
    const outage = Date.now();
    hold.release(); // the step finishes while the store is away
    await new Promise((resolve) => setTimeout(resolve, 10_000)); // the outage itself
    postgres.resume();
    const resumed = Date.now();
    const ackedAtResume = acknowledged.length;
    await until(
      () => Promise.resolve(acknowledged.length > ackedAtResume + 30),
      'writes to succeed again',
      120,
    );
    counts.recoveryMs = Date.now() - resumed;
    stopLoad = true;
    await Promise.all(writers);

    const status = await finished(promotion);
    expect(status?.phase, JSON.stringify(status)).toBe('Succeeded');
    expect(commitsOnMain()).toBe(before + 1);
    expect(promotedFreight()).toBe(freight);
    expect(unexpected).toEqual([]);
    expect(unavailable).toBeGreaterThan(0);
    expect(withoutRetryAfter).toBe(0);
    expect(Date.now() - outage).toBeGreaterThan(10_000);
    // Every acknowledged write is there.
    const stored = JSON.parse(
      (await cli(['get', 'configmaps', '-o', 'json'])).out || '{"items":[]}',
    ) as { items: Array<{ metadata: { name: string } }> };
    const names = new Set(stored.items.map((item) => item.metadata.name));
    expect(acknowledged.filter((name) => !names.has(name))).toEqual([]);
    // No replica died; each listens for changes again.
    for (const replica of replicas) expect(replica.process.child.exitCode).toBeNull();
    await db.end().catch(() => undefined);
    db = new pg.Client({ connectionString: databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    await until(
      async () => {
        const { rows } = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'LISTEN gantry_events'",
        );
        return Number(rows[0]!.n) >= replicas.length;
      },
      'every replica to LISTEN again',
      120,
    );
    const listed = JSON.parse((await cli(['get', 'promotions', '-o', 'json'])).out) as {
      items: Array<{ status?: PromotionStatus }>;
    };
    expect(listed.items.filter((p) => p.status?.phase === 'Running')).toEqual([]);
    counts.acknowledgedWrites = acknowledged.length;
    counts.unavailableAnswers = unavailable;
    counts.promotions += 1;
  });
});

/** The project: a Warehouse of the source repository (Freight made by hand) and Stage dev. */
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
