import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  onTestFinished,
} from 'vitest';
import type { ObjectKey, StoredResource } from '../api/resource.js';
import type { WarehouseStatus } from '../api/warehouse.js';
import { REFRESH_ANNOTATION } from '../api/labels.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { ChartDiscovery } from '../sources/helm/chart-discovery.js';
import { HttpGetter } from '../sources/http-get.js';
import { ImageDiscovery } from '../sources/oci/image-discovery.js';
import { RegistryClient } from '../sources/oci/registry-client.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { startRegistry, type TestRegistry } from '../../test/registry.js';
import { WarehouseController, type WarehouseControllerOptions } from './warehouse-controller.js';
import { refusedAddress } from '../../test/refused-address.js';

const api = 'kargo.akuity.io/v1alpha1';

describe('WarehouseController', () => {
  const http = new HttpGetter();
  let registry: TestRegistry;
  let store: SqliteStore;
  let service: ResourceService;
  let controller: WarehouseController | undefined;

  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    http.close();
    await registry.stop();
  });
  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 10 });
    service = new ResourceService({ store });
    await service.apply({
      mode: 'apply',
      documents: [{ apiVersion: api, kind: 'Project', metadata: { name: 'demo' } }],
    });
  });
  afterEach(async () => {
    await controller?.stop();
    controller = undefined;
    await store.close();
  });

  const start = async (
    options: {
      minIntervalMs?: number;
      replicaId?: string;
      git?: WarehouseControllerOptions['discoverers']['git'];
      credentials?: WarehouseControllerOptions['credentials'];
    } = {},
  ) => {
    const client = new RegistryClient({ http });
    const images = new ImageDiscovery(client);
    const charts = new ChartDiscovery(http, client);
    controller = new WarehouseController({
      store,
      service,
      logger: silentLogger,
      replicaId: options.replicaId ?? 'replica-a',
      minIntervalMs: options.minIntervalMs ?? 0,
      credentials: options.credentials ?? (() => Promise.resolve(undefined)),
      discoverers: {
        image: (sub, previous, context) => images.discover(sub, previous, context),
        chart: (sub, previous, context) => charts.discover(sub, previous, context),
        git: options.git ?? (() => Promise.reject(new Error('no git in this test'))),
      },
    });
    await controller.start();
  };

  const warehouse = (name: string, spec: Record<string, unknown>) =>
    service.apply({
      mode: 'apply',
      documents: [
        { apiVersion: api, kind: 'Warehouse', metadata: { name, namespace: 'demo' }, spec },
      ],
    });

  const key = (name: string): ObjectKey => ({ kind: 'Warehouse', namespace: 'demo', name });

  /** Polls until `done` holds for the Warehouse (the deadline only detects a hang). */
  const waitFor = async (name: string, done: (w: StoredResource) => boolean) => {
    let current: StoredResource | undefined;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      current = await store.get(key(name));
      if (current && done(current)) return current;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out; status: ${JSON.stringify(current?.status)}`);
  };
  const statusOf = (w: StoredResource) => (w.status ?? {}) as WarehouseStatus;
  const freight = async () =>
    (await store.list('Freight', { namespace: 'demo' })).items as Array<
      StoredResource & { alias?: string; images?: Array<{ tag?: string; digest?: string }> }
    >;

  it('discovers, creates Freight from the newest artifacts, and again on refresh', async () => {
    const first = await registry.pushImage('ctl/api', '1.2.1');
    await registry.pushChart('ctl/charts/api', 'api', '0.3.0');
    await start();
    await warehouse('api', {
      subscriptions: [
        { image: { repoURL: `${registry.host}/ctl/api` } },
        { chart: { repoURL: `oci://${registry.host}/ctl/charts/api` } },
      ],
    });
    const discovered = await waitFor('api', (w) => !!statusOf(w).lastFreightID);
    const status = statusOf(discovered);
    expect(status.discoveredArtifacts?.images?.[0]?.references?.[0]).toMatchObject({
      tag: '1.2.1',
      digest: first,
    });
    expect(status.discoveredArtifacts?.charts?.[0]?.versions).toEqual(['0.3.0']);
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Discovered',
    });
    const [made] = await freight();
    expect(made?.metadata.name).toBe(status.lastFreightID);
    expect(made?.alias).toMatch(/^[a-z]+-[a-z]+$/);
    expect(made?.images).toEqual([
      { repoURL: `${registry.host}/ctl/api`, tag: '1.2.1', digest: first },
    ]);

    const second = await registry.pushImage('ctl/api', '1.2.2');
    await store.write([
      { op: 'patchMetadata', key: key('api'), annotations: { [REFRESH_ANNOTATION]: 'token-1' } },
    ]);
    const refreshed = await waitFor('api', (w) => statusOf(w).lastHandledRefresh === 'token-1');
    expect(statusOf(refreshed).discoveredArtifacts?.images?.[0]?.references?.[0]?.digest).toBe(
      second,
    );
    const all = await freight();
    expect(all).toHaveLength(2);
    expect(
      all.find((f) => f.metadata.name === statusOf(refreshed).lastFreightID)?.images?.[0]?.tag,
    ).toBe('1.2.2');
  });

  it('reports each failing subscription in plain words and still reports the others', async () => {
    await registry.pushImage('ctl/ok', '1.0.0');
    const refused = await refusedAddress();
    onTestFinished(() => refused.close());
    await start();
    await warehouse('mixed', {
      subscriptions: [
        { image: { repoURL: `${registry.host}/ctl/ok` } },
        { image: { repoURL: `${registry.host}/ctl/missing` } },
        { image: { repoURL: `${refused.host}/ctl/unreachable` } },
      ],
    });
    const failed = await waitFor('mixed', (w) => !!statusOf(w).conditions?.length);
    const ready = statusOf(failed).conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('False');
    expect(ready?.reason).toBe('DiscoveryFailed');
    expect(ready?.message).toContain(
      `image ${registry.host}/ctl/missing: registry answered 404: repository not found`,
    );
    expect(ready?.message).toContain(
      `image ${refused.host}/ctl/unreachable: cannot reach registry ${refused.host}`,
    );
    expect(statusOf(failed).discoveredArtifacts?.images?.map((i) => i.repoURL)).toEqual([
      `${registry.host}/ctl/ok`,
    ]);
    expect(await freight()).toEqual([]);
  });

  it('waits out many failing subscriptions at once without warning of a listener leak', async () => {
    const refused = await refusedAddress();
    onTestFinished(() => refused.close());
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    onTestFinished(() => void process.off('warning', onWarning));
    await start();
    // Each subscription's retries pause on the controller's stop signal, all at the same time.
    await warehouse('many', {
      subscriptions: Array.from({ length: 12 }, (_, index) => ({
        image: { repoURL: `${refused.host}/ctl/unreachable-${index}` },
      })),
    });
    const failed = await waitFor('many', (w) => !!statusOf(w).conditions?.length);
    expect(failed.status).toMatchObject({
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Ready', reason: 'DiscoveryFailed' }),
      ]) as unknown,
    });
    // A warning is emitted on the next tick of its cause.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it('keeps credentials out of its status and Freight: URL userinfo and the passwords it used', async () => {
    const url = 'https://deploy:s3cret-in-url@git.example.com/acme/app.git';
    const seen: Array<string | undefined> = [];
    let fail = true;
    await start({
      credentials: () => Promise.resolve({ username: 'bot', password: 'registry-pass-1' }),
      git: async (sub, previous, context) => {
        seen.push(previous?.repoURL);
        const found = await context.credentialsFor('git', sub.repoURL);
        if (fail) {
          throw new Error(
            `fatal: could not read from ${sub.repoURL} as ${found?.username} with ${found?.password}`,
          );
        }
        return { repoURL: sub.repoURL, commits: [{ id: 'a'.repeat(40), subject: 'init' }] };
      },
    });
    await warehouse('app', { subscriptions: [{ git: { repoURL: url } }] });
    const failed = await waitFor('app', (w) => !!statusOf(w).conditions?.length);
    const message = statusOf(failed).conditions?.[0]?.message ?? '';
    expect(message).toContain('https://***@git.example.com/acme/app.git as bot with ***');
    fail = false;
    await store.write([
      { op: 'patchMetadata', key: key('app'), annotations: { [REFRESH_ANNOTATION]: 'again' } },
    ]);
    const found = await waitFor('app', (w) => !!statusOf(w).lastFreightID);
    expect(statusOf(found).discoveredArtifacts?.git?.[0]?.repoURL).toBe(
      'https://***@git.example.com/acme/app.git',
    );
    await store.write([
      { op: 'patchMetadata', key: key('app'), annotations: { [REFRESH_ANNOTATION]: 'third' } },
    ]);
    await waitFor('app', (w) => statusOf(w).lastHandledRefresh === 'third');
    // The discoverer gets its last result back under the URL as written, so it can reuse it.
    expect(seen.at(-1)).toBe(url);
    const stored = JSON.stringify({
      warehouse: await store.get(key('app')),
      freight: await freight(),
    });
    expect(stored).not.toContain('registry-pass-1');
    expect(
      JSON.stringify({ status: (await store.get(key('app')))?.status, freight: await freight() }),
    ).not.toContain('s3cret-in-url');
  });

  it('creates no Freight when the criteria say no, or when Freight is made by hand', async () => {
    await registry.pushImage('ctl/gated', '2.0.0');
    await start();
    await warehouse('gated', {
      freightCreationCriteria: {
        expression: `imageFrom('${registry.host}/ctl/gated').Tag == '9.9.9'`,
      },
      subscriptions: [{ image: { repoURL: `${registry.host}/ctl/gated` } }],
    });
    await warehouse('manual', {
      freightCreationPolicy: 'Manual',
      subscriptions: [{ image: { repoURL: `${registry.host}/ctl/gated` } }],
    });
    const gated = await waitFor('gated', (w) => !!statusOf(w).conditions?.length);
    const manual = await waitFor('manual', (w) => !!statusOf(w).conditions?.length);
    expect(statusOf(gated).conditions?.[0]?.message).toBe(
      'no Freight: freightCreationCriteria is false',
    );
    expect(statusOf(manual).conditions?.[0]?.message).toBe(
      'discovered; Freight is created by hand (freightCreationPolicy: Manual)',
    );
    expect(statusOf(manual).discoveredArtifacts?.images?.[0]?.references?.[0]?.tag).toBe('2.0.0');
    expect(await freight()).toEqual([]);
  });

  it('discovers again on its interval, never more often than the server minimum', async () => {
    await registry.pushImage('ctl/poll', '1.0.0');
    await start({ minIntervalMs: 1_000 });
    await warehouse('poll', {
      interval: '1s',
      subscriptions: [{ image: { repoURL: `${registry.host}/ctl/poll` } }],
    });
    await waitFor('poll', (w) => !!statusOf(w).lastFreightID);
    await registry.pushImage('ctl/poll', '1.0.1');
    const started = Date.now();
    const polled = await waitFor(
      'poll',
      (w) => statusOf(w).discoveredArtifacts?.images?.[0]?.references?.[0]?.tag === '1.0.1',
    );
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(statusOf(polled).lastFreightID).not.toBeUndefined();
    expect(await freight()).toHaveLength(2);
  });

  it('leaves a Warehouse that another replica holds alone', async () => {
    await registry.pushImage('ctl/held', '1.0.0');
    expect(await store.acquireLease('warehouses/demo/held', 'replica-other', 60_000)).toBeDefined();
    await start({ replicaId: 'replica-a' });
    await warehouse('held', {
      subscriptions: [{ image: { repoURL: `${registry.host}/ctl/held` } }],
    });
    await warehouse('free', {
      subscriptions: [{ image: { repoURL: `${registry.host}/ctl/held` } }],
    });
    await waitFor('free', (w) => !!statusOf(w).conditions?.length);
    expect((await store.get(key('held')))?.status).toBeUndefined();
  });
});
