import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../api/resource.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { AutoPromotionController } from './auto-promotion-controller.js';

const api = 'kargo.akuity.io/v1alpha1';

/** A Store that counts the calls made through it, by method. */
function countingStore(store: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A pipeline of `count` Stages (s0 takes Freight from the Warehouse; each other Stage from
 * `upstream(i)`), every one auto-promoting, and one Freight.
 */
async function pipeline(count: number, upstream: (i: number) => string) {
  const raw = openSqliteStore({ path: ':memory:' });
  const service = new ResourceService({ store: raw });
  await service.apply({
    mode: 'apply',
    freightSources: 'force',
    documents: [
      { apiVersion: api, kind: 'Project', metadata: { name: 'p' } },
      {
        apiVersion: api,
        kind: 'ProjectConfig',
        metadata: { name: 'p', namespace: 'p' },
        spec: {
          promotionPolicies: [{ stageSelector: { name: 'glob:*' }, autoPromotionEnabled: true }],
        },
      },
      {
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: 'w', namespace: 'p' },
        spec: { subscriptions: [{ image: { repoURL: 'ghcr.io/a/b' } }] },
      },
      ...Array.from({ length: count }, (_, i) => ({
        apiVersion: api,
        kind: 'Stage',
        metadata: { name: `s${i}`, namespace: 'p' },
        spec: {
          requestedFreight: [
            {
              origin: { kind: 'Warehouse', name: 'w' },
              sources: i === 0 ? { direct: true } : { stages: [upstream(i)] },
            },
          ],
          promotionTemplate: { spec: { steps: [{ uses: 'compose-output', config: {} }] } },
        },
      })),
      {
        apiVersion: api,
        kind: 'Freight',
        metadata: { name: 'f', namespace: 'p' },
        origin: { kind: 'Warehouse', name: 'w' },
        images: [{ repoURL: 'ghcr.io/a/b', tag: '1.0.0' }],
      },
    ],
  });
  const { store, calls } = countingStore(raw);
  const controller = new AutoPromotionController({
    store,
    service,
    logger: silentLogger,
    replicaId: 'test',
  });
  const promotedStages = async () =>
    new Set(
      (await raw.list('Promotion', { namespace: 'p' })).items.map(
        (p: StoredResource) => (p.spec as { stage: string }).stage,
      ),
    );
  const [freight] = (await raw.list('Freight', { namespace: 'p' })).items;
  /** Marks the Freight verified in `stage`, as the verification controller does. */
  const verifyIn = (stage: string) =>
    raw.write([
      {
        op: 'updateStatus',
        key: { kind: 'Freight', namespace: 'p', name: freight!.metadata.name },
        status: { verifiedIn: { [stage]: { verifiedAt: '2026-12-01T00:00:00Z' } } },
      },
    ]);
  return { raw, controller, calls, promotedStages, verifyIn };
}

describe('AutoPromotionController', () => {
  it('decides one event in a 60-Stage chain without listing the project again', async () => {
    const { raw, controller, calls, promotedStages, verifyIn } = await pipeline(
      60,
      (i) => `s${i - 1}`,
    );
    await controller.start();
    await until(async () => (await promotedStages()).has('s0'), 'a Promotion to s0');
    await until(
      async () =>
        (await raw.list('Stage', { namespace: 'p' })).items.every(
          (stage) =>
            (stage.status as { autoPromotionEnabled?: boolean } | undefined)?.autoPromotionEnabled,
        ),
      'the policy mirrored in every Stage',
    );
    calls.clear();
    await verifyIn('s0');
    await until(async () => (await promotedStages()).has('s1'), 'a Promotion to s1');
    // Before the change feed kept the project in memory, every event listed its Stages,
    // Freight and Promotions (and looked at all 60 Stages).
    expect(calls.get('list') ?? 0).toBe(0);
    expect(calls.get('get') ?? 0).toBeLessThanOrEqual(2);
    expect([...(await promotedStages())].sort()).toEqual(['s0', 's1']);
    await controller.stop();
    await raw.close();
  });

  it('promotes every Stage of a fan-out once the Freight is verified upstream', async () => {
    const { raw, controller, promotedStages, verifyIn } = await pipeline(30, () => 's0');
    await controller.start();
    await until(async () => (await promotedStages()).has('s0'), 'a Promotion to s0');
    await verifyIn('s0');
    await until(async () => (await promotedStages()).size === 30, 'Promotions to all 30');
    const promotions = (await raw.list('Promotion', { namespace: 'p' })).items;
    expect(promotions).toHaveLength(30); // one each, never two
    await controller.stop();
    await raw.close();
  });
});
