import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conflictError, unavailableError } from '../errors.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { MeteredStore } from './metered-store.js';
import { noMetrics, type Metrics } from './metrics.js';

/** A Metrics double keeping what it was told, one line per call. */
function recording(): Metrics & { calls: string[]; open: number } {
  const calls: string[] = [];
  const recorder = {
    ...noMetrics,
    calls,
    open: 0,
    storeOperation: (op: string, outcome: string, seconds: number) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      calls.push(`${op} ${outcome}`);
    },
    leaseLost: (kind: string) => calls.push(`lost ${kind}`),
    leaseTakenOver: (kind: string) => calls.push(`taken over ${kind}`),
    watchOpened: () => recorder.open++,
    watchClosed: () => recorder.open--,
  };
  return recorder;
}

const project = {
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Project',
  metadata: { name: 'p' },
};

describe('MeteredStore', () => {
  let inner: SqliteStore;
  let metrics: ReturnType<typeof recording>;
  let store: MeteredStore;
  let now: number;

  beforeEach(() => {
    inner = openSqliteStore({ path: ':memory:' });
    metrics = recording();
    now = 1_000;
    store = new MeteredStore(inner, metrics, { now: () => now });
  });
  afterEach(async () => {
    await store.close();
  });

  it('delegates every operation and reports its outcome', async () => {
    await store.write([{ op: 'create', object: project }]);
    expect((await store.get({ kind: 'Project', namespace: '', name: 'p' }))?.metadata.name).toBe(
      'p',
    );
    expect((await store.list('Project')).items).toHaveLength(1);
    expect((await store.listJson('Project')).items).toHaveLength(1);
    expect(await store.currentResourceVersion()).toBe(await inner.currentResourceVersion());
    await expect(store.write([{ op: 'create', object: project }])).rejects.toThrow();
    expect(metrics.calls).toEqual([
      'write ok',
      'get ok',
      'list ok',
      'listJson ok',
      'currentResourceVersion ok',
      'write already_exists',
    ]);
  });

  it.each([
    ['unavailable', unavailableError('the store is down')],
    ['conflict', conflictError('stale')],
    ['error', new Error('bug')],
  ])('names a failure by its code: %s', async (outcome, error) => {
    const failing = new MeteredStore(
      { get: () => Promise.reject(error) } as unknown as Store,
      metrics,
    );
    await expect(failing.get({ kind: 'Project', namespace: '', name: 'p' })).rejects.toBe(error);
    expect(metrics.calls).toEqual([`get ${outcome}`]);
  });

  it('counts open watches until they end', async () => {
    const controller = new AbortController();
    const from = await store.currentResourceVersion();
    const watch = store.watch({ signal: controller.signal, fromResourceVersion: from });
    const events = watch[Symbol.asyncIterator]();
    const first = events.next();
    await store.write([{ op: 'create', object: project }]);
    expect((await first).value).toMatchObject({ type: 'ADDED' });
    expect(metrics.open).toBe(1);
    controller.abort();
    await events.next().catch(() => undefined);
    expect(metrics.open).toBe(0);
  });

  it('tracks the leases this replica holds, loses and takes over', async () => {
    const dev = (await store.acquireLease('promotions/p/dev', 'a', 30_000))!;
    expect(dev).toBeDefined();
    expect(await store.acquireLease('warehouses/p/w', 'a', 60_000)).toBeDefined();
    const qa = (await store.acquireLease('promotions/p/qa', 'a', 30_000))!;
    expect(qa).toBeDefined();
    expect(store.heldLeases()).toEqual(
      new Map([
        ['promotions', 2],
        ['warehouses', 1],
      ]),
    );
    // Released: no longer held.
    await store.releaseLease(qa);
    expect(store.heldLeases().get('promotions')).toBe(1);
    // Another replica (same store, another holder) takes one whose time ran out unrenewed.
    const other = new MeteredStore(inner, metrics, { now: () => now });
    expect(await other.acquireLease('promotions/p/dev', 'b', 30_000)).toBeUndefined();
    await inner.releaseLease(dev); // as if it had run out
    expect(await other.acquireLease('promotions/p/dev', 'b', 30_000)).toBeDefined();
    // The first replica's renewal is refused: lost.
    expect(await store.renewLease(dev, 30_000)).toBe(false);
    expect(metrics.calls.filter((call) => !call.includes(' ok'))).toEqual([
      'taken over promotions',
      'lost promotions',
    ]);
    expect(store.heldLeases().get('promotions')).toBeUndefined();
    // A lease not renewed within its time is no longer counted as held.
    now += 60_001;
    expect(store.heldLeases().size).toBe(0);
  });
});
