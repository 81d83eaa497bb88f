import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionStatus } from '../../src/api/promotion.js';
import { until } from '../in-process-cli.js';
import {
  PROJECT,
  startReplicaCluster,
  type Replica,
  type ReplicaCluster,
} from './replica-cluster.js';

/**
 * Faults on real processes (issue 17): three `gantry server` replicas on one real PostgreSQL,
 * promoting into a real git repository (git over `git http-backend`), while the test
 *  1. SIGKILLs the replica running a Promotion at different points of it, 20 times, and starts
 *     it again;
 *  2. SIGSTOPs the replica running a Promotion past its lease, lets another replica finish the
 *     Promotion, then SIGCONTs the paused one;
 *  3. sends SIGTERM to the replica running a Promotion mid-step: it exits (handing the Stage
 *     back) and another replica finishes the Promotion;
 *  4. stops PostgreSQL for 10 s while clients write through every replica and a Promotion runs.
 * Every run must end with every Promotion Succeeded exactly once (one commit on the remote per
 * Promotion, counted), no replica exited on its own, every acknowledged write present, and no
 * Promotion left Running. The counts are printed at the end (CI's log).
 *
 * Leases last 3 s here (the default is 10 s) so takeovers are quick; nothing waits for a
 * duration except the outage itself, which is the fault being injected.
 */

describe('replicas under faults', { timeout: 900_000 }, () => {
  let cluster: ReplicaCluster;
  const counts = {
    promotions: 0,
    kills: {} as Record<string, number>,
    takeoverMs: [] as number[],
    acknowledgedWrites: 0,
    unavailableAnswers: 0,
    recoveryMs: 0,
    sigtermExitMs: 0,
  };
  const cli = (args: string[]) => cluster.cli(args);
  const holder = () => cluster.holder();
  const live = () => cluster.live();
  const promoteNew = (run: number) => cluster.promoteNew(`run-${run}`);
  const promotionStatus = (name: string) => cluster.promotionStatus(name);
  const finished = (name: string) => cluster.finished(name);
  const commitsOnMain = () => cluster.commitsOnMain();
  const promotedFreight = () => cluster.promotedFreight();

  beforeAll(async () => {
    cluster = await startReplicaCluster({ replicas: 3, leaseDuration: '3s' });
  });
  afterAll(async () => {
    console.info(`chaos counts: ${JSON.stringify(counts)}`);
    await cluster?.stop();
  });

  it('finishes every Promotion exactly once when the replica running it is killed (20 runs)', async () => {
    const points = ['at creation', 'while running', 'mid-push', 'push refused', 'after push'];
    for (let run = 0; run < 20; run++) {
      const point = points[run % points.length]!;
      const before = commitsOnMain();
      const hold =
        point === 'mid-push' || point === 'push refused' ? cluster.git.holdPushes() : undefined;
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
      if (victim) await cluster.kill(victim);
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
      if (victim) await cluster.restart(victim);
    }
    for (const replica of cluster.replicas) expect(replica.process.child.exitCode).toBeNull();
    const listed = JSON.parse((await cli(['get', 'promotions', '-o', 'json'])).out) as {
      items: Array<{ status?: PromotionStatus }>;
    };
    expect(listed.items.map((p) => p.status?.phase)).toEqual(listed.items.map(() => 'Succeeded'));
  });

  it('never lets a replica paused past its lease redo or undo what another replica finished', async () => {
    const before = commitsOnMain();
    const hold = cluster.git.holdPushes();
    const { freight, promotion } = await promoteNew(100);
    await until(() => Promise.resolve(hold.waiting() > 0), 'a push', 120, 10);
    const paused = (await holder())!;
    expect(paused).toBeDefined();
    // Asleep, it answers nothing: the test's CLI must use another replica meanwhile.
    paused.killed = true;
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
    paused.killed = false;
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

  it('stops a replica on SIGTERM mid-step and hands its Promotion to another, which finishes it', async () => {
    const before = commitsOnMain();
    const hold = cluster.git.holdPushes();
    const { freight, promotion } = await promoteNew(300);
    await until(() => Promise.resolve(hold.waiting() > 0), 'a push', 120, 10);
    const stopping = (await holder())!;
    const signalled = Date.now();
    stopping.killed = true;
    stopping.process.child.kill('SIGTERM');
    // Its push is still held: the shutdown must not wait for the step to end by itself.
    const exit = await stopping.process.exited;
    counts.sigtermExitMs = Date.now() - signalled;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopping.process.log()).toContain('gantry stopped');
    hold.release();
    const status = await finished(promotion);
    expect(status?.phase).toBe('Succeeded');
    expect(commitsOnMain()).toBe(before + 1);
    expect(promotedFreight()).toBe(freight);
    await cluster.restart(stopping);
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
    const writers = cluster.replicas.map(async (replica, writer) => {
      for (let n = 0; !stopLoad; n++) {
        const name = `load-${writer}-${n}`;
        const url = `${cluster.replicas[replica.index]!.process.url}/v1/projects/${PROJECT}/configmaps`;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${cluster.adminToken}`,
              'content-type': 'application/json',
            },
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
    const hold = cluster.git.holdPushes();
    const { freight, promotion } = await promoteNew(200);
    await until(() => Promise.resolve(hold.waiting() > 0), 'a push', 120, 10);
    await until(() => Promise.resolve(acknowledged.length >= 30), 'some writes', 120);

    cluster.postgres.interrupt();
    const outage = Date.now();
    hold.release(); // the step finishes while the store is away
    await new Promise((resolve) => setTimeout(resolve, 10_000)); // the outage itself
    cluster.postgres.resume();
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
    for (const replica of cluster.replicas) expect(replica.process.child.exitCode).toBeNull();
    await until(
      async () => {
        const [row] = await cluster.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'LISTEN gantry_events'",
        );
        return Number(row!.n) >= cluster.replicas.length;
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
