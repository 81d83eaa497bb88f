import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FreightStatus } from '../api/freight.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { StageStatus } from '../api/stage.js';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { RepositoryCache } from '../git/repository-cache.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { WriteOp } from '../store/store.js';
import { BUILTIN_STEPS } from '../steps/index.js';
import { AutoPromotionController } from './auto-promotion-controller.js';
import { PromotionController } from './promotion-controller.js';
import { VerificationController } from './verification-controller.js';

const api = 'kargo.akuity.io/v1alpha1';
const STAGES = 4;

/**
 * What one hop of new Freight down a chain of auto-promoting Stages costs in store writes
 * (issue 17: 1,000 chained Stages): auto-promotion creates the Promotion; its one quick step
 * saves no start of its own (runPromotion saves a step's start once it has run for a moment);
 * its outcome, the Stage's and the Freight's records of it are one transaction, which also
 * verifies a Stage without AnalysisTemplates (and the Freight in it). What Kargo shows at the
 * end is unchanged.
 */
describe('a Stage hop', () => {
  let dir: string;
  let store: SqliteStore;
  let stops: Array<() => Promise<void>>;
  /** Each write the controllers made, as the kinds it wrote, e.g. "Stage+Freight+Promotion". */
  let writes: string[];
  let leaseCalls: number;
  /** Writes that gave their fence's lease back in their own transaction. */
  let releasingWrites: number;
  /** The Stages whose AnalysisTemplates ran. */
  let verified: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-hop-'));
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 10 });
    stops = [];
    writes = [];
    leaseCalls = 0;
    releasingWrites = 0;
    verified = [];
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The store as the controllers see it: every write and lease call counted. */
  const countingStore = (): SqliteStore =>
    new Proxy(store, {
      get(target, property) {
        if (property === 'write')
          return (ops: WriteOp[], options?: Parameters<SqliteStore['write']>[1]) => {
            writes.push(
              ops
                .map((op) => ('key' in op ? op.key.kind : 'object' in op ? op.object.kind : op.op))
                .join('+'),
            );
            if (options?.releaseFence) releasingWrites++;
            return target.write(ops, options);
          };
        if (['acquireLease', 'renewLease', 'releaseLease'].includes(property as string))
          leaseCalls++;
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });

  it('takes two writes per Stage, with the statuses Kargo shows', async () => {
    const service = new ResourceService({ store });
    await service.apply({
      mode: 'apply',
      documents: [
        { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
        {
          apiVersion: api,
          kind: 'ProjectConfig',
          metadata: { name: 'demo', namespace: 'demo' },
          spec: {
            promotionPolicies: [{ stageSelector: { name: 'glob:*' }, autoPromotionEnabled: true }],
          },
        },
        {
          apiVersion: api,
          kind: 'Warehouse',
          metadata: { name: 'w', namespace: 'demo' },
          spec: { subscriptions: [{ image: { repoURL: 'ghcr.io/a/b' } }] },
        },
        ...Array.from({ length: STAGES }, (_, i) => ({
          apiVersion: api,
          kind: 'Stage',
          metadata: { name: `s${i}`, namespace: 'demo' },
          spec: {
            requestedFreight: [
              {
                origin: { kind: 'Warehouse', name: 'w' },
                sources: i === 0 ? { direct: true } : { stages: [`s${i - 1}`] },
              },
            ],
            promotionTemplate: { spec: { steps: [{ uses: 'compose-output', config: { a: 1 } }] } },
            // The last Stage runs an AnalysisTemplate: its verification is the controller's.
            ...(i === STAGES - 1
              ? { verification: { analysisTemplates: [{ name: 'smoke' }] } }
              : {}),
          },
        })),
      ],
    });
    const counted = countingStore();
    const promotions = new PromotionController({
      store: counted,
      logs: new PromotionLogs(join(dir, 'logs')),
      logger: silentLogger,
      runner: {
        steps: new Map(BUILTIN_STEPS.map((s) => [s.kind, s])),
        repositories: new RepositoryCache(join(dir, 'data')),
        credentialsFor: () => Promise.resolve(undefined),
        workRoot: join(dir, 'work'),
        now: () => new Date(),
        sleep: () => Promise.resolve(),
      },
      replicaId: 'r1',
      // "A moment" longer than any pause of a loaded machine: the step is always quicker.
      saveRunningAfterMs: 600_000,
    });
    const verification = new VerificationController({
      store: counted,
      logger: silentLogger,
      replicaId: 'r1',
      runVerification: ({ stage }) => {
        verified.push(stage.metadata.name);
        return Promise.resolve({ phase: 'Successful' });
      },
    });
    const auto = new AutoPromotionController({
      store: counted,
      service: new ResourceService({ store: counted }),
      logger: silentLogger,
      replicaId: 'r1',
    });
    for (const controller of [promotions, verification, auto]) {
      await controller.start();
      stops.push(() => controller.stop());
    }
    // Settled: the Stages mirror the policy before any Freight arrives.
    await until(async () =>
      (await store.list('Stage', { namespace: 'demo' })).items.every(
        (s) => (s.status as StageStatus | undefined)?.autoPromotionEnabled === true,
      ),
    );
    writes.length = 0;
    leaseCalls = 0;
    releasingWrites = 0;
    await service.apply({
      mode: 'apply',
      documents: [
        {
          apiVersion: api,
          kind: 'Freight',
          metadata: { name: 'f', namespace: 'demo' },
          origin: { kind: 'Warehouse', name: 'w' },
          images: [{ repoURL: 'ghcr.io/a/b', tag: '1' }],
        },
      ],
    });
    const freight = async () => (await store.list('Freight', { namespace: 'demo' })).items[0]!;
    await until(
      async () =>
        Object.keys((((await freight()).status ?? {}) as FreightStatus).verifiedIn ?? {}).length ===
        STAGES,
    );

    // Auto-promotion's Promotion; the outcome with the Stage, verified at once, and the Freight
    // in it and verified there.
    expect(writes.filter((w) => w.startsWith('Project+Stage+Promotion'))).toHaveLength(STAGES);
    expect(writes.filter((w) => w === 'Stage+Promotion')).toHaveLength(0);
    expect(writes.filter((w) => w === 'Stage+Freight+Promotion')).toHaveLength(STAGES);
    // The last Stage's AnalysisTemplate: Running, then Successful with the Freight verified.
    expect(verified).toEqual([`s${STAGES - 1}`]);
    expect(writes.filter((w) => w === 'Stage')).toHaveLength(1);
    expect(writes.filter((w) => w === 'Stage+Freight')).toHaveLength(1);
    expect(writes).toHaveLength(2 * STAGES + 2);
    // The Promotion's lease on each Stage taken, and given back by the outcome's write; one
    // verification's taken and given back.
    expect(releasingWrites).toBe(STAGES);
    expect(leaseCalls).toBeLessThanOrEqual(STAGES + 2);
    for (let i = 0; i < STAGES; i++)
      expect(await store.acquireLease(`promotions/demo/s${i}`, 'another', 1)).toBeDefined();

    const status = (await freight()).status as FreightStatus;
    expect(Object.keys(status.currentlyIn ?? {}).sort()).toEqual(['s0', 's1', 's2', 's3']);
    for (let i = 0; i < STAGES; i++) {
      const stage = await store.get({ kind: 'Stage', namespace: 'demo', name: `s${i}` });
      const stageStatus = stage!.status as StageStatus;
      expect(stageStatus.currentPromotion).toBeUndefined();
      expect(stageStatus.lastPromotion?.status?.phase).toBe('Succeeded');
      expect(stageStatus.health).toEqual({ status: 'NotApplicable' });
      const verification = stageStatus.freightHistory?.[0]?.verificationHistory?.[0];
      expect(verification).toMatchObject({
        id: `promotion-${stageStatus.lastPromotion?.name}`,
        phase: 'Successful',
        ...(i < STAGES - 1 ? { message: 'no verification configured' } : {}),
      });
      expect(Object.keys(verification ?? {})).toEqual(
        i < STAGES - 1
          ? ['id', 'startTime', 'finishTime', 'phase', 'message']
          : ['id', 'startTime', 'finishTime', 'phase'],
      );
      expect(status.verifiedIn?.[`s${i}`]?.verifiedAt).toBe(verification?.finishTime);
      const promotion = await store.get({
        kind: 'Promotion',
        namespace: 'demo',
        name: stageStatus.lastPromotion!.name,
      });
      const promotionStatus = promotion!.status as PromotionStatus;
      expect(promotionStatus.phase).toBe('Succeeded');
      expect(promotionStatus.stepExecutionMetadata?.[0]?.status).toBe('Succeeded');
    }
  });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
