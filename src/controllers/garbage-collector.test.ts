import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ResourceService } from '../resources/resource-service.js';
import { deliveryRecord } from '../integrations/webhooks/webhook-deliveries.js';
import { GarbageCollector } from './garbage-collector.js';

const api = 'kargo.akuity.io/v1alpha1';

describe('GarbageCollector', () => {
  let store: SqliteStore;
  let names: string[];

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    const service = new ResourceService({ store });
    await service.apply({
      mode: 'apply',
      documents: [
        { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
        {
          apiVersion: api,
          kind: 'Warehouse',
          metadata: { name: 'w', namespace: 'demo' },
          spec: { subscriptions: [{ image: { repoURL: 'ghcr.io/a/b' } }] },
        },
        {
          apiVersion: api,
          kind: 'Stage',
          metadata: { name: 'dev', namespace: 'demo' },
          spec: {
            requestedFreight: [
              { origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } },
            ],
            promotionTemplate: {
              spec: { steps: [{ uses: 'compose-output', config: { ok: true } }] },
            },
          },
        },
        ...Array.from({ length: 8 }, (_, i) => ({
          apiVersion: api,
          kind: 'Freight',
          metadata: { name: `f${i}`, namespace: 'demo' },
          origin: { kind: 'Warehouse', name: 'w' },
          discoveredAt: `2026-11-0${i + 1}T00:00:00Z`,
          images: [{ repoURL: 'ghcr.io/a/b', tag: `1.0.${i}` }],
        })),
      ],
    });
    // Oldest first, by discovery.
    names = (await store.list('Freight', { namespace: 'demo' })).items
      .sort((a, b) =>
        String((a as { discoveredAt?: string }).discoveredAt).localeCompare(
          String((b as { discoveredAt?: string }).discoveredAt),
        ),
      )
      .map((f) => f.metadata.name);
    // dev runs the oldest Freight and remembers the second oldest.
    await store.write([
      {
        op: 'updateStatus',
        key: { kind: 'Stage', namespace: 'demo', name: 'dev' },
        status: {
          freightHistory: [
            { id: 'a', items: { 'Warehouse/w': { name: names[0] } } },
            { id: 'b', items: { 'Warehouse/w': { name: names[1] } } },
          ],
        },
      },
    ]);
    for (let i = 0; i < 5; i++) {
      const [created] = await service.apply({
        mode: 'create',
        documents: [
          {
            apiVersion: api,
            kind: 'Promotion',
            metadata: { namespace: 'demo' },
            spec: { stage: 'dev', freight: names[7] },
          },
        ],
      });
      if (i < 4)
        await store.write([
          {
            op: 'updateStatus',
            key: { kind: 'Promotion', namespace: 'demo', name: created!.object.metadata.name },
            status: { phase: i === 0 ? 'Failed' : 'Succeeded' },
          },
        ]);
    }
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps the newest unused Freight and Promotions, and never what is in use', async () => {
    const deleted: string[] = [];
    const collector = new GarbageCollector({
      store,
      logger: silentLogger,
      replicaId: 'r',
      keepFreight: 3,
      keepPromotions: 2,
      onPromotionDeleted: (_project, name) => deleted.push(name),
    });
    expect(await collector.collect('demo')).toEqual({ freight: 2, promotions: 2 });
    const left = (await store.list('Freight', { namespace: 'demo' })).items.map(
      (f) => f.metadata.name,
    );
    // In use: 0 and 1 (dev), 7 (a pending Promotion); and the three newest unused: 4, 5, 6.
    expect(left.sort()).toEqual(
      [names[0], names[1], names[4], names[5], names[6], names[7]].sort(),
    );
    const promotions = (await store.list('Promotion', { namespace: 'demo' })).items;
    expect(promotions).toHaveLength(3);
    // The pending one stays, with the two newest finished ones.
    expect(promotions.filter((p) => !p.status)).toHaveLength(1);
    expect(deleted).toHaveLength(2);
    expect(await collector.collect('demo')).toEqual({ freight: 0, promotions: 0 });
  });

  it('removes webhook delivery records whose window has passed, and only those', async () => {
    const at = (iso: string) => new Date(iso);
    await store.write(
      [
        { id: 'delivery:x-github-delivery:old', windowMs: 3_600_000, at: '2026-11-22T08:00:00Z' },
        { id: 'delivery:x-github-delivery:new', windowMs: 3_600_000, at: '2026-11-22T09:30:00Z' },
        { id: 'content:abc', windowMs: 300_000, at: '2026-11-22T09:50:00Z' },
      ].map(({ at: when, ...key }) => ({
        op: 'create' as const,
        object: deliveryRecord('demo', 'github', key, at(when)),
      })),
    );
    const collector = new GarbageCollector({
      store,
      logger: silentLogger,
      replicaId: 'r',
      now: () => at('2026-11-22T10:00:00Z'),
    });
    expect(await collector.collectDeliveries('demo')).toBe(2);
    const left = (await store.list('WebhookDelivery', { namespace: 'demo' })).items;
    expect(left.map((r) => (r.spec as { key: string }).key)).toEqual([
      'delivery:x-github-delivery:new',
    ]);
    expect(await collector.collectDeliveries('demo')).toBe(0);
  });
});
