import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../api/label-selector.js';
import type { Resource } from '../api/resource.js';
import { isGantryError } from '../errors.js';
import type { Store, WatchEvent } from './store.js';

/**
 * The behaviour every Store implementation must show. Each implementation's test file calls
 * this with a factory; `reopen` (optional) closes the store and opens the same data again.
 */
export interface StoreHarness {
  store: Store;
  reopen?: () => Promise<Store>;
  /** Shrinks history to make compaction observable; only where the backend supports it. */
  compactTo?: (keep: number) => Promise<Store>;
  destroy: () => Promise<void>;
}

const stage = (name: string, namespace = 'demo', extra: Partial<Resource> = {}): Resource => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Stage',
  metadata: { name, namespace, ...(extra.metadata ?? {}) },
  spec: {
    requestedFreight: [{ origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } }],
  },
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'metadata')),
});

const project = (name: string): Resource => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Project',
  metadata: { name },
});

/** Polls `check` until it returns a value (leases run out by the store's clock). */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

async function collect(
  iterable: AsyncIterable<WatchEvent>,
  count: number,
  controller: AbortController,
  timeoutMs = 5_000,
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for await (const event of iterable) {
      events.push(event);
      if (events.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

export function describeStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.destroy();
    });

    it('creates objects with server-managed metadata', async () => {
      const [result] = await store.write([
        {
          op: 'create',
          object: stage('dev', 'demo', {
            metadata: {
              name: 'dev',
              namespace: 'demo',
              labels: { tier: 'a' },
              annotations: { note: 'x' },
            },
          }),
        },
      ]);
      expect(result?.outcome).toBe('created');
      const stored = await store.get({ kind: 'Stage', namespace: 'demo', name: 'dev' });
      expect(stored?.metadata).toMatchObject({
        name: 'dev',
        namespace: 'demo',
        generation: 1,
        labels: { tier: 'a' },
        annotations: { note: 'x' },
      });
      expect(stored?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(stored?.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(stored?.metadata.resourceVersion).toBe(await store.currentResourceVersion());
      expect(stored?.spec).toEqual(stage('dev').spec);
    });

    it('hands out read-only objects that always reflect the latest write', async () => {
      await store.write([{ op: 'create', object: stage('dev') }]);
      const key = { kind: 'Stage', namespace: 'demo', name: 'dev' };
      const first = await store.get(key);
      expect(() => {
        (first!.metadata as { name: string }).name = 'changed';
      }).toThrow(TypeError);
      await store.write([{ op: 'updateStatus', key, status: { phase: 'x' } }]);
      expect((await store.get(key))?.status).toEqual({ phase: 'x' });
      expect((await store.list('Stage')).items[0]?.status).toEqual({ phase: 'x' });
      expect(first?.status).toBeUndefined();
    });

    it('refuses to create an object twice', async () => {
      await store.write([{ op: 'create', object: stage('dev') }]);
      const err = await errorOf(store.write([{ op: 'create', object: stage('dev') }]));
      expect(isGantryError(err, 'AlreadyExists')).toBe(true);
      expect((err as Error).message).toBe('Stage "dev" in project "demo" already exists');
    });

    it('keeps cluster-scoped and namespaced objects apart', async () => {
      await store.write([{ op: 'create', object: project('demo') }]);
      const got = await store.get({ kind: 'Project', namespace: '', name: 'demo' });
      expect(got?.metadata.namespace).toBeUndefined();
      expect(await store.get({ kind: 'Project', namespace: 'demo', name: 'demo' })).toBeUndefined();
    });

    it('fails a write with a stale resourceVersion as a conflict', async () => {
      const [created] = await store.write([{ op: 'create', object: stage('dev') }]);
      const rv = created!.object!.metadata.resourceVersion;
      const changed = stage('dev', 'demo', { spec: { changed: 1 } });
      await store.write([
        {
          op: 'update',
          object: { ...changed, metadata: { ...changed.metadata, resourceVersion: rv } },
        },
      ]);
      const err = await errorOf(
        store.write([
          {
            op: 'update',
            object: {
              ...changed,
              spec: { changed: 2 },
              metadata: { ...changed.metadata, resourceVersion: rv },
            },
          },
        ]),
      );
      expect(isGantryError(err, 'Conflict')).toBe(true);
      const statusErr = await errorOf(
        store.write([
          {
            op: 'updateStatus',
            key: { kind: 'Stage', namespace: 'demo', name: 'dev' },
            status: {},
            resourceVersion: rv,
          },
        ]),
      );
      expect(isGantryError(statusErr, 'Conflict')).toBe(true);
    });

    it('bumps generation on content changes only, and reports unchanged applies', async () => {
      await store.write([{ op: 'create', object: stage('dev') }]);
      const [same] = await store.write([{ op: 'apply', object: stage('dev') }]);
      expect(same?.outcome).toBe('unchanged');
      expect(same?.object?.metadata.generation).toBe(1);

      const relabelled = stage('dev', 'demo', {
        metadata: { name: 'dev', namespace: 'demo', labels: { a: 'b' } },
      });
      const [labelled] = await store.write([{ op: 'apply', object: relabelled }]);
      expect(labelled?.outcome).toBe('configured');
      expect(labelled?.object?.metadata.generation).toBe(1);

      const [respecced] = await store.write([
        { op: 'apply', object: stage('dev', 'demo', { spec: { other: true } }) },
      ]);
      expect(respecced?.outcome).toBe('configured');
      expect(respecced?.object?.metadata.generation).toBe(2);
      expect(respecced?.object?.metadata.labels).toBeUndefined();
    });

    it('writes status and content separately', async () => {
      const key = { kind: 'Stage', namespace: 'demo', name: 'dev' };
      await store.write([{ op: 'create', object: { ...stage('dev'), status: { ignored: true } } }]);
      expect((await store.get(key))?.status).toBeUndefined();
      const [withStatus] = await store.write([
        { op: 'updateStatus', key, status: { phase: 'ok' } },
      ]);
      expect(withStatus?.object?.metadata.generation).toBe(1);
      await store.write([{ op: 'update', object: stage('dev', 'demo', { spec: { v: 2 } }) }]);
      const after = await store.get(key);
      expect(after?.status).toEqual({ phase: 'ok' });
      expect(after?.spec).toEqual({ v: 2 });
      const [again] = await store.write([{ op: 'updateStatus', key, status: { phase: 'ok' } }]);
      expect(again?.outcome).toBe('unchanged');
    });

    it('applies a batch atomically and lets later operations see earlier ones', async () => {
      const before = await store.currentResourceVersion();
      const err = await errorOf(
        store.write([
          { op: 'create', object: project('p1') },
          { op: 'create', object: stage('a', 'p1') },
          { op: 'create', object: stage('a', 'p1') },
        ]),
      );
      expect(isGantryError(err, 'AlreadyExists')).toBe(true);
      expect(await store.get({ kind: 'Project', namespace: '', name: 'p1' })).toBeUndefined();
      expect(await store.currentResourceVersion()).toBe(before);

      const results = await store.write([
        { op: 'create', object: project('p1') },
        {
          op: 'assertExists',
          key: { kind: 'Project', namespace: '', name: 'p1' },
          message: 'no project',
        },
        { op: 'create', object: stage('a', 'p1') },
      ]);
      expect(results.map((r) => r.outcome)).toEqual(['created', 'checked', 'created']);
      const missing = await errorOf(
        store.write([
          {
            op: 'assertExists',
            key: { kind: 'Project', namespace: '', name: 'nope' },
            message: 'project "nope" does not exist',
          },
        ]),
      );
      expect(isGantryError(missing, 'NotFound')).toBe(true);
      expect((missing as Error).message).toBe('project "nope" does not exist');
    });

    it('runs write checks inside the transaction with the stored object', async () => {
      await store.write([{ op: 'create', object: stage('dev') }]);
      const seen: Array<string | undefined> = [];
      const err = await errorOf(
        store.write([
          { op: 'create', object: stage('x') },
          {
            op: 'apply',
            object: stage('dev', 'demo', { spec: { v: 9 } }),
            check: (before) => {
              seen.push(before?.metadata.resourceVersion);
              throw new Error('refused');
            },
          },
        ]),
      );
      expect((err as Error).message).toBe('refused');
      expect(seen).toHaveLength(1);
      expect(await store.get({ kind: 'Stage', namespace: 'demo', name: 'x' })).toBeUndefined();
    });

    it('checks a dry-run write fully and stores nothing', async () => {
      const before = await store.currentResourceVersion();
      const results = await store.write([{ op: 'create', object: stage('dry') }], { dryRun: true });
      expect(results[0]?.outcome).toBe('created');
      expect(await store.get({ kind: 'Stage', namespace: 'demo', name: 'dry' })).toBeUndefined();
      expect(await store.currentResourceVersion()).toBe(before);
      await store.write([{ op: 'create', object: stage('dry') }]);
      const err = await errorOf(
        store.write([{ op: 'create', object: stage('dry') }], { dryRun: true }),
      );
      expect(isGantryError(err, 'AlreadyExists')).toBe(true);
    });

    it('gives every change a new, increasing version across kinds', async () => {
      const versions: number[] = [];
      for (const op of [
        { op: 'create', object: project('demo') },
        { op: 'create', object: stage('a') },
        {
          op: 'updateStatus',
          key: { kind: 'Stage', namespace: 'demo', name: 'a' },
          status: { x: 1 },
        },
        {
          op: 'patchMetadata',
          key: { kind: 'Project', namespace: '', name: 'demo' },
          annotations: { k: 'v' },
        },
      ] as const) {
        const [result] = await store.write([op]);
        versions.push(Number(result?.object?.metadata.resourceVersion));
      }
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(4);
    });

    it('lists by project and label selector, in pages that cover everything once', async () => {
      const ops = [];
      for (let i = 0; i < 25; i++) {
        ops.push({
          op: 'create' as const,
          object: stage(`s${String(i).padStart(2, '0')}`, i % 2 === 0 ? 'even' : 'odd', {
            metadata: {
              name: `s${String(i).padStart(2, '0')}`,
              namespace: i % 2 === 0 ? 'even' : 'odd',
              labels: { mod3: String(i % 3) },
            },
          }),
        });
      }
      await store.write(ops);
      const all = await store.list('Stage');
      expect(all.items).toHaveLength(25);
      expect(all.continue).toBeUndefined();
      expect((await store.list('Stage', { namespace: 'odd' })).items).toHaveLength(12);
      const selected = await store.list('Stage', {
        labelSelector: parseLabelSelector('mod3 in (0,1)'),
      });
      expect(selected.items).toHaveLength(17);
      expect((await store.list('Warehouse')).items).toEqual([]);

      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.list('Stage', { limit: 4, continue: token });
        seen.push(...page.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
        token = page.continue;
        pages++;
        // A write between pages must not make the pager repeat or skip existing objects.
        if (pages === 2) await store.write([{ op: 'create', object: stage('aaa', 'even') }]);
      } while (token);
      const expected = all.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      expect(seen.filter((k) => k !== 'even/aaa')).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);

      const asJson = await store.listJson('Stage', { namespace: 'odd', limit: 5 });
      const asObjects = await store.list('Stage', { namespace: 'odd', limit: 5 });
      expect(asJson.items.map((item) => JSON.parse(item) as unknown)).toEqual(asObjects.items);
      expect(asJson.continue).toBe(asObjects.continue);

      const filteredPages: string[] = [];
      token = undefined;
      do {
        const page = await store.list('Stage', {
          limit: 5,
          continue: token,
          labelSelector: parseLabelSelector('mod3=0'),
        });
        filteredPages.push(...page.items.map((o) => o.metadata.name));
        token = page.continue;
      } while (token);
      expect(filteredPages).toHaveLength(9);
    });

    it('lists short and long results alike, each at the version of its rows', async () => {
      const empty = await store.list('Stage', { namespace: 'none' });
      expect(empty.items).toEqual([]);
      expect(empty.resourceVersion).toBe(await store.currentResourceVersion());
      await store.write(
        Array.from({ length: 250 }, (_, i) => {
          const name = `s${String(i).padStart(3, '0')}`;
          return {
            op: 'create' as const,
            object: stage(name, 'long', {
              metadata: { name, labels: { tens: String(Math.floor(i / 10)) } },
            }),
          };
        }),
      );
      await store.write([{ op: 'create', object: stage('one', 'short') }]);
      const version = await store.currentResourceVersion();
      const short = await store.list('Stage', { namespace: 'short' });
      expect(short.items.map((o) => o.metadata.name)).toEqual(['one']);
      expect(short.resourceVersion).toBe(version);
      const long = await store.list('Stage', { namespace: 'long' });
      expect(long.items).toHaveLength(250);
      expect(long.items[249]!.metadata.name).toBe('s249');
      expect(long.resourceVersion).toBe(version);
      expect((await store.listJson('Stage', { namespace: 'long' })).items).toHaveLength(250);
      const pages: number[] = [];
      let token: string | undefined;
      do {
        const page = await store.list('Stage', { namespace: 'long', limit: 120, continue: token });
        pages.push(page.items.length);
        token = page.continue;
      } while (token);
      expect(pages).toEqual([120, 120, 10]);
      const selected = await store.list('Stage', {
        namespace: 'long',
        labelSelector: parseLabelSelector('tens in (0,24)'),
      });
      expect(selected.items.map((o) => o.metadata.name)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => `s00${i}`),
        ...Array.from({ length: 10 }, (_, i) => `s24${i}`),
      ]);
    });

    it('deletes objects and whole projects', async () => {
      await store.write([
        { op: 'create', object: stage('a', 'p1') },
        { op: 'create', object: stage('b', 'p1') },
        { op: 'create', object: stage('c', 'p2') },
      ]);
      const [deleted] = await store.write([
        { op: 'delete', key: { kind: 'Stage', namespace: 'p1', name: 'a' } },
      ]);
      expect(deleted?.object?.metadata.name).toBe('a');
      const err = await errorOf(
        store.write([{ op: 'delete', key: { kind: 'Stage', namespace: 'p1', name: 'a' } }]),
      );
      expect(isGantryError(err, 'NotFound')).toBe(true);
      const [wiped] = await store
        .write([
          { op: 'create', object: stage('d', 'p1') },
          { op: 'deleteNamespace', namespace: 'p1' },
        ])
        .then((r) => r.slice(1));
      expect(wiped?.deleted?.map((o) => o.metadata.name).sort()).toEqual(['b', 'd']);
      expect((await store.list('Stage')).items.map((o) => o.metadata.name)).toEqual(['c']);
    });

    it('keeps a label unique among a kind in a project', async () => {
      const freight = (name: string, alias: string): Resource => ({
        apiVersion: 'kargo.akuity.io/v1alpha1',
        kind: 'Freight',
        metadata: { name, namespace: 'demo', labels: { 'kargo.akuity.io/alias': alias } },
        origin: { kind: 'Warehouse', name: 'w' },
      });
      await store.write([{ op: 'create', object: freight('f1', 'quiet-quokka') }]);
      const unique = (name: string, alias: string) => ({
        op: 'assertLabelUnique' as const,
        kind: 'Freight',
        namespace: 'demo',
        label: 'kargo.akuity.io/alias',
        value: alias,
        exceptName: name,
        message: `alias "${alias}" is taken`,
      });
      const err = await errorOf(
        store.write([
          unique('f2', 'quiet-quokka'),
          { op: 'create', object: freight('f2', 'quiet-quokka') },
        ]),
      );
      expect(isGantryError(err, 'Conflict')).toBe(true);
      await store.write([unique('f1', 'quiet-quokka')]);
      const inBatch = await errorOf(
        store.write([
          { op: 'create', object: freight('f3', 'brave-bison') },
          unique('f4', 'brave-bison'),
        ]),
      );
      expect(isGantryError(inBatch, 'Conflict')).toBe(true);
    });

    it('merges label and annotation patches', async () => {
      const key = { kind: 'Stage', namespace: 'demo', name: 'a' };
      await store.write([
        {
          op: 'create',
          object: stage('a', 'demo', {
            metadata: { name: 'a', namespace: 'demo', annotations: { keep: '1', drop: '2' } },
          }),
        },
      ]);
      const [patched] = await store.write([
        {
          op: 'patchMetadata',
          key,
          annotations: { drop: null, 'kargo.akuity.io/refresh': 't1' },
          labels: { x: 'y' },
        },
      ]);
      expect(patched?.object?.metadata.annotations).toEqual({
        keep: '1',
        'kargo.akuity.io/refresh': 't1',
      });
      expect(patched?.object?.metadata.labels).toEqual({ x: 'y' });
      expect(patched?.object?.metadata.generation).toBe(1);
    });

    it('watches from a listed version without missing or repeating events', async () => {
      await store.write([{ op: 'create', object: stage('before') }]);
      const listed = await store.list('Stage');
      const controller = new AbortController();
      const events = collect(
        store.watch({
          kinds: ['Stage'],
          fromResourceVersion: listed.resourceVersion,
          signal: controller.signal,
        }),
        4,
        controller,
      );
      await store.write([{ op: 'create', object: project('noise') }]);
      await store.write([{ op: 'create', object: stage('a') }]);
      await store.write([
        {
          op: 'updateStatus',
          key: { kind: 'Stage', namespace: 'demo', name: 'a' },
          status: { s: 1 },
        },
      ]);
      await store.write([{ op: 'create', object: stage('b', 'other') }]);
      await store.write([{ op: 'delete', key: { kind: 'Stage', namespace: 'demo', name: 'a' } }]);
      const got = await events;
      expect(got.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'ADDED a',
        'MODIFIED a',
        'ADDED b',
        'DELETED a',
      ]);
      expect(got.map((e) => e.object.metadata.resourceVersion)).toEqual(
        got.map((e) => e.resourceVersion),
      );
    });

    it('replays history and filters by project', async () => {
      const start = await store.currentResourceVersion();
      await store.write([{ op: 'create', object: stage('a', 'p1') }]);
      await store.write([{ op: 'create', object: stage('b', 'p2') }]);
      await store.write([{ op: 'create', object: stage('c', 'p1') }]);
      const controller = new AbortController();
      const got = await collect(
        store.watch({ namespace: 'p1', fromResourceVersion: start, signal: controller.signal }),
        2,
        controller,
      );
      expect(got.map((e) => e.object.metadata.name)).toEqual(['a', 'c']);
    });

    it('delivers a gap-free sequence while writes race the subscription', async () => {
      const start = Number(await store.currentResourceVersion());
      const writes = (async () => {
        for (let i = 0; i < 60; i++) await store.write([{ op: 'create', object: stage(`r${i}`) }]);
      })();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const controller = new AbortController();
      const got = await collect(
        store.watch({ fromResourceVersion: String(start), signal: controller.signal }),
        60,
        controller,
      );
      await writes;
      expect(got.map((e) => Number(e.resourceVersion))).toEqual(
        Array.from({ length: 60 }, (_, i) => start + i + 1),
      );
    });

    it('lets 50 subscribers each see every event', async () => {
      const start = await store.currentResourceVersion();
      const watchers = Array.from({ length: 50 }, () => {
        const controller = new AbortController();
        return collect(
          store.watch({ fromResourceVersion: start, signal: controller.signal }),
          20,
          controller,
        );
      });
      for (let i = 0; i < 20; i++) await store.write([{ op: 'create', object: stage(`w${i}`) }]);
      const results = await Promise.all(watchers);
      for (const events of results) {
        expect(events.map((e) => e.object.metadata.name)).toEqual(
          Array.from({ length: 20 }, (_, i) => `w${i}`),
        );
      }
    });

    it('starts from now when no version is given', async () => {
      await store.write([{ op: 'create', object: stage('old') }]);
      const controller = new AbortController();
      const iterator = store.watch({ signal: controller.signal })[Symbol.asyncIterator]();
      const next = iterator.next();
      // "Now" is when the subscription is established, which is asynchronous.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await store.write([{ op: 'create', object: stage('new') }]);
      const first = await next;
      controller.abort();
      expect(first.done).toBe(false);
      expect((first.value as WatchEvent).object.metadata.name).toBe('new');
      await iterator.return?.(undefined);
    });

    it('keeps objects and history across a restart', async () => {
      if (!harness.reopen) return;
      await store.write([{ op: 'create', object: project('demo') }]);
      const mid = await store.currentResourceVersion();
      await store.write([{ op: 'create', object: stage('a') }]);
      await store.write([
        {
          op: 'updateStatus',
          key: { kind: 'Stage', namespace: 'demo', name: 'a' },
          status: { n: 1 },
        },
      ]);
      store = await harness.reopen();
      expect((await store.get({ kind: 'Stage', namespace: 'demo', name: 'a' }))?.status).toEqual({
        n: 1,
      });
      const controller = new AbortController();
      const got = await collect(
        store.watch({ fromResourceVersion: mid, signal: controller.signal }),
        2,
        controller,
      );
      expect(got.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
      const [next] = await store.write([{ op: 'create', object: stage('b') }]);
      expect(Number(next?.object?.metadata.resourceVersion)).toBe(Number(mid) + 3);
    });

    it('answers Expired for a version older than the kept history', async () => {
      if (!harness.compactTo) return;
      const start = await store.currentResourceVersion();
      for (let i = 0; i < 10; i++) await store.write([{ op: 'create', object: stage(`c${i}`) }]);
      store = await harness.compactTo(3);
      const controller = new AbortController();
      const err = await errorOf(
        collect(
          store.watch({ fromResourceVersion: start, signal: controller.signal }),
          1,
          controller,
        ),
      );
      expect(isGantryError(err, 'Expired')).toBe(true);
      const recent = String(Number(await store.currentResourceVersion()) - 2);
      const got = await collect(
        store.watch({ fromResourceVersion: recent, signal: new AbortController().signal }),
        2,
        new AbortController(),
      );
      expect(got.map((e) => e.object.metadata.name)).toEqual(['c8', 'c9']);
    });

    it('grants a lease to one holder at a time until it is released or runs out', async () => {
      const a = await store.acquireLease('stage/demo/dev', 'replica-a', 60_000);
      expect(a).toMatchObject({ name: 'stage/demo/dev', holder: 'replica-a' });
      expect(await store.acquireLease('stage/demo/dev', 'replica-b', 60_000)).toBeUndefined();
      // The holder renews; other leases are independent.
      expect(await store.renewLease(a!, 60_000)).toBe(true);
      const prod = await store.acquireLease('stage/demo/prod', 'replica-b', 60_000);
      expect(prod?.holder).toBe('replica-b');
      // Only the holder can release.
      await store.releaseLease({ ...a!, holder: 'replica-b' });
      expect(await store.acquireLease('stage/demo/dev', 'replica-b', 60_000)).toBeUndefined();
      await store.releaseLease(a!);
      expect(await store.acquireLease('stage/demo/dev', 'replica-b', 1)).toBeDefined();
      // A lease nobody renews runs out (1 ms), and then anyone may take it.
      const taken = await until(() => store.acquireLease('stage/demo/dev', 'replica-a', 60_000));
      expect(taken.holder).toBe('replica-a');
      expect(await store.acquireLease('stage/demo/dev', 'replica-b', 60_000)).toBeUndefined();
    });

    it('hands out a larger epoch with every take, and never renews a lease taken since', async () => {
      const first = (await store.acquireLease('stage/demo/qa', 'replica-a', 60_000))!;
      const other = (await store.acquireLease('gc/demo', 'replica-a', 60_000))!;
      expect(other.epoch).toBeGreaterThan(first.epoch);
      // Renewal keeps the epoch; taking again (a restarted replica) makes a new one.
      expect(await store.renewLease(first, 60_000)).toBe(true);
      const again = (await store.acquireLease('stage/demo/qa', 'replica-a', 60_000))!;
      expect(again.epoch).toBeGreaterThan(other.epoch);
      expect(await store.renewLease(first, 60_000)).toBe(false);
      // Another replica took it and gave it back: the first take stays lost, and even the
      // same holder's stale take cannot release the new one.
      await store.releaseLease(again);
      const b = (await store.acquireLease('stage/demo/qa', 'replica-b', 60_000))!;
      await store.releaseLease(b);
      expect(await store.renewLease(again, 60_000)).toBe(false);
      const c = (await store.acquireLease('stage/demo/qa', 'replica-c', 60_000))!;
      await store.releaseLease(again);
      expect(await store.renewLease(c, 60_000)).toBe(true);
    });

    it('tells a take which take came before it, whoever held that one', async () => {
      const first = (await store.acquireLease('stage/demo/uat', 'replica-a', 60_000))!;
      expect(first.previousEpoch).toBeUndefined();
      await store.releaseLease(first);
      const second = (await store.acquireLease('stage/demo/uat', 'replica-a', 60_000))!;
      expect(second.previousEpoch).toBe(first.epoch);
      await store.releaseLease(second);
      // Another replica's take in between is seen by the next take, released or not.
      const other = (await store.acquireLease('stage/demo/uat', 'replica-b', 1))!;
      expect(other.previousEpoch).toBe(second.epoch);
      const third = await until(() => store.acquireLease('stage/demo/uat', 'replica-a', 60_000));
      expect(third.previousEpoch).toBe(other.epoch);
      // A refused take changes nothing.
      expect(await store.acquireLease('stage/demo/uat', 'replica-b', 60_000)).toBeUndefined();
      await store.releaseLease(third);
      const fourth = (await store.acquireLease('stage/demo/uat', 'replica-a', 60_000))!;
      expect(fourth.previousEpoch).toBe(third.epoch);
    });

    it('commits a fenced write only while its lease is still the same take', async () => {
      const lease = (await store.acquireLease('promotions/demo/dev', 'replica-a', 60_000))!;
      const [created] = await store.write([{ op: 'create', object: stage('fenced') }], {
        fence: lease,
      });
      expect(created!.outcome).toBe('created');
      const before = await store.currentResourceVersion();
      // Released and taken by another replica: the old holder's writes are refused, dry-run too.
      await store.releaseLease(lease);
      const taken = (await store.acquireLease('promotions/demo/dev', 'replica-b', 60_000))!;
      for (const dryRun of [false, true]) {
        const err = await errorOf(
          store.write(
            [
              {
                op: 'updateStatus',
                key: { kind: 'Stage', namespace: 'demo', name: 'fenced' },
                status: { message: 'stale' },
              },
            ],
            { fence: lease, dryRun },
          ),
        );
        expect(isGantryError(err, 'LeaseLost')).toBe(true);
        expect((err as Error).message).toContain('promotions/demo/dev');
      }
      expect(await store.currentResourceVersion()).toBe(before);
      expect(
        (await store.get({ kind: 'Stage', namespace: 'demo', name: 'fenced' }))?.status,
      ).toBeUndefined();
      // A fence naming a lease that never existed is refused as well.
      expect(
        isGantryError(
          await errorOf(
            store.write([{ op: 'create', object: stage('never') }], {
              fence: { name: 'nobody', holder: 'replica-a', epoch: 1 },
            }),
          ),
          'LeaseLost',
        ),
      ).toBe(true);
      // The new holder writes.
      const [updated] = await store.write(
        [
          {
            op: 'updateStatus',
            key: { kind: 'Stage', namespace: 'demo', name: 'fenced' },
            status: { message: 'fresh' },
          },
        ],
        { fence: taken },
      );
      expect(updated!.object!.status).toEqual({ message: 'fresh' });
    });

    it('gives the fence back with a write that asks to, only when the write succeeds', async () => {
      const lease = (await store.acquireLease('promotions/demo/back', 'replica-a', 60_000))!;
      const update = (message: string, resourceVersion?: string) => ({
        op: 'updateStatus' as const,
        key: { kind: 'Stage', namespace: 'demo', name: 'back' },
        status: { message },
        resourceVersion,
      });
      await store.write([{ op: 'create', object: stage('back') }], { fence: lease });
      // A dry run and a write that fails (a version not the stored one) keep the lease held.
      await store.write([update('dry')], { fence: lease, releaseFence: true, dryRun: true });
      expect(
        isGantryError(
          await errorOf(
            store.write([update('stale', '999999')], { fence: lease, releaseFence: true }),
          ),
          'Conflict',
        ),
      ).toBe(true);
      expect(await store.acquireLease('promotions/demo/back', 'replica-b', 60_000)).toBeUndefined();
      expect(await store.renewLease(lease, 60_000)).toBe(true);
      // Written and given back in one: another replica takes it at once; the old take is gone.
      const [written] = await store.write([update('done')], { fence: lease, releaseFence: true });
      expect(written!.object!.status).toEqual({ message: 'done' });
      const next = await store.acquireLease('promotions/demo/back', 'replica-b', 60_000);
      expect(next?.epoch).toBeGreaterThan(lease.epoch);
      expect(await store.renewLease(lease, 60_000)).toBe(false);
    });
  });
}
