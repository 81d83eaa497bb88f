/**
 * Discovery benchmarks (docs/benchmarks.md), against Debian's real `docker-registry`:
 *   - a repository with 10,000 tags: first discovery < 2 s; re-discovery with nothing new
 *     < 200 ms and ≤ 2 registry requests (also measured on a registry that pages its tag
 *     list, test/fake-registry.ts, for the request count);
 *   - webhook received → Freight created: p50 < 250 ms;
 *   - 500 Warehouses on one registry at a 1-minute interval: steady-state server CPU < 10% of
 *     one core.
 * Registry requests are counted beside each figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageSubscriptionSchema } from '../src/api/warehouse.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry } from '../src/main.js';
import type { DiscoveryContext } from '../src/sources/discovery.js';
import { HttpGetter } from '../src/sources/http-get.js';
import { ImageDiscovery } from '../src/sources/oci/image-discovery.js';
import { RegistryClient } from '../src/sources/oci/registry-client.js';
import { startFakeRegistry } from '../test/fake-registry.js';
import { adminAuth } from './admin-auth.js';
import { figures, median } from './figures.js';
import { startRegistry, type TestRegistry } from '../test/registry.js';

const api = 'kargo.akuity.io/v1alpha1';
const { report, print } = figures({ figure: 58, value: 22 });
const context = (): DiscoveryContext => ({
  project: 'bench',
  credentialsFor: () => Promise.resolve(undefined),
  signal: new AbortController().signal,
  revalidate: false,
  now: () => new Date(),
});

async function tenThousandTags(registry: TestRegistry): Promise<void> {
  const tags = Array.from({ length: 10_000 }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);
  const started = performance.now();
  await registry.pushImages('bench/many', tags, 8);
  console.error(`(pushed 10,000 tags in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const http = new HttpGetter();
  const sub = imageSubscriptionSchema.parse({ repoURL: `${registry.host}/bench/many` });
  const firsts: number[] = [];
  const agains: number[] = [];
  let firstRequests = 0;
  let againRequests = 0;
  for (let run = 0; run < 5; run++) {
    const client = new RegistryClient({ http });
    const images = new ImageDiscovery(client);
    let t = performance.now();
    const first = await images.discover(sub, undefined, context());
    firsts.push(performance.now() - t);
    firstRequests = client.requests;
    t = performance.now();
    await images.discover(sub, first, context());
    agains.push(performance.now() - t);
    againRequests = client.requests - firstRequests;
  }
  http.close();
  report(
    '10,000 tags: first discovery',
    `${median(firsts).toFixed(0)} ms, ${firstRequests} req`,
    '< 2 s',
    median(firsts) < 2_000,
  );
  report(
    '10,000 tags: re-discovery, nothing new',
    `${median(agains).toFixed(0)} ms, ${againRequests} req`,
    '< 200 ms, ≤ 2 requests',
    median(agains) < 200 && againRequests <= 2,
  );
}

async function pagedRegistry(): Promise<void> {
  const fake = await startFakeRegistry({ pageSize: 1000 });
  fake.setTags(
    'bench/many',
    Array.from({ length: 10_000 }, (_, i) => `2.${Math.floor(i / 100)}.${i % 100}`),
  );
  const http = new HttpGetter();
  const images = new ImageDiscovery(new RegistryClient({ http }));
  const sub = imageSubscriptionSchema.parse({ repoURL: `${fake.host}/bench/many` });
  fake.resetRequests();
  let t = performance.now();
  const first = await images.discover(sub, undefined, context());
  const firstMs = performance.now() - t;
  const firstRequests = fake.requests.length;
  fake.resetRequests();
  t = performance.now();
  await images.discover(sub, first, context());
  const againMs = performance.now() - t;
  report(
    '  the same on a registry paging 1,000 tags (first / again)',
    `${firstMs.toFixed(0)} / ${againMs.toFixed(0)} ms, ${firstRequests} / ${fake.requests.length} req`,
    'for reference: 10 pages',
    true,
  );
  http.close();
  await fake.stop();
}

async function webhookToFreight(registry: TestRegistry, dir: string): Promise<void> {
  const gantry = await startGantry(
    resolveServerConfig(
      { port: '0', dataDir: join(dir, 'webhook'), minWarehouseInterval: '1h' },
      {},
    ),
    silentLogger,
  );
  try {
    const repo = `${registry.host}/bench/hooked`;
    await registry.pushImage('bench/hooked', '1.0.0');
    const auth = adminAuth(gantry);
    const post = (path: string, body: unknown) =>
      fetch(`${gantry.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify(body),
      });
    // A webhook carries no token: the receiver checks the provider's secret or signature.
    const deliver = (path: string, body: unknown) =>
      fetch(`${gantry.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post('/v1/resources', {
      items: [
        { apiVersion: api, kind: 'Project', metadata: { name: 'bench' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'hook', namespace: 'bench' },
          stringData: { secret: 's' },
        },
        {
          apiVersion: api,
          kind: 'ProjectConfig',
          metadata: { name: 'bench', namespace: 'bench' },
          spec: { webhookReceivers: [{ name: 'quay', quay: { secretRef: { name: 'hook' } } }] },
        },
        {
          apiVersion: api,
          kind: 'Warehouse',
          metadata: { name: 'hooked', namespace: 'bench' },
          spec: { interval: '1h', subscriptions: [{ image: { repoURL: repo } }] },
        },
      ],
    });
    let path: string | undefined;
    while (!path) {
      const config = (await (
        await fetch(`${gantry.url}/v1/projects/bench/projectconfigs/bench`, { headers: auth })
      ).json()) as {
        status?: { webhookReceivers?: Array<{ path?: string }> };
      };
      path = config.status?.webhookReceivers?.[0]?.path;
      if (!path) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const freightCount = async () =>
      (await gantry.store.list('Freight', { namespace: 'bench' })).items.length;
    while ((await freightCount()) < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const times: number[] = [];
    for (let i = 1; i <= 20; i++) {
      await registry.pushImage('bench/hooked', `1.0.${i}`);
      const want = (await freightCount()) + 1;
      const started = performance.now();
      const response = await deliver(path, {
        docker_url: repo,
        repository: 'bench/hooked',
        updated_tags: [`1.0.${i}`],
      });
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      while ((await freightCount()) < want) await new Promise((resolve) => setImmediate(resolve));
      times.push(performance.now() - started);
    }
    report(
      'webhook received → Freight created (p50 of 20)',
      `${median(times).toFixed(0)} ms`,
      '< 250 ms',
      median(times) < 250,
    );
  } finally {
    await gantry.stop();
  }
}

async function manyWarehouses(registry: TestRegistry, dir: string): Promise<void> {
  await registry.pushImages('bench/shared', ['1.0.0', '1.1.0', '1.2.0'], 3);
  const gantry = await startGantry(
    resolveServerConfig({ port: '0', dataDir: join(dir, 'many'), minWarehouseInterval: '1m' }, {}),
    silentLogger,
  );
  try {
    const items: unknown[] = [{ apiVersion: api, kind: 'Project', metadata: { name: 'many' } }];
    for (let i = 0; i < 500; i++)
      items.push({
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: `w${i}`, namespace: 'many' },
        spec: {
          interval: '1m',
          subscriptions: [
            { image: { repoURL: `${registry.host}/bench/shared`, discoveryLimit: 5 } },
          ],
        },
      });
    await fetch(`${gantry.url}/v1/resources`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminAuth(gantry) },
      body: JSON.stringify({ items }),
    });
    // The first round (500 discoveries, 500 Freight) settles; then measure a steady state.
    const settled = async () =>
      (await gantry.store.list('Warehouse', { namespace: 'many' })).items.every((w) => w.status);
    while (!(await settled())) await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const seconds = 65;
    const before = process.cpuUsage();
    const requestsBefore = gantry.stats().registryRequests;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const used = process.cpuUsage(before);
    const requests = gantry.stats().registryRequests - requestsBefore;
    const share = (used.user + used.system) / 1000 / (seconds * 1000);
    report(
      `500 Warehouses, 1-minute interval: server CPU over ${seconds} s`,
      `${(share * 100).toFixed(1)}% of a core, ${requests} req`,
      '< 10%',
      share < 0.1,
    );
  } finally {
    await gantry.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-discovery-'));
const registry = await startRegistry();
try {
  await tenThousandTags(registry);
  await pagedRegistry();
  await webhookToFreight(registry, dir);
  await manyWarehouses(registry, dir);
  print('discovery (real docker-registry 2.8 unless noted):');
} finally {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
}
