/**
 * Pipeline benchmarks (docs/benchmarks.md):
 *   - a new image tag pushed (webhook) → the dev commit pushed by auto-promotion: p50 < 1 s;
 *   - 300 Stages in 100 pipelines: one full scheduling pass < 200 ms of CPU, and no status
 *     write when nothing changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveServerConfig } from '../src/config.js';
import { AutoPromotionController } from '../src/controllers/auto-promotion-controller.js';
import { silentLogger } from '../src/logger.js';
import { startGantry } from '../src/main.js';
import { ResourceService } from '../src/resources/resource-service.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { startGitServer } from '../test/git-server.js';
import { adminAuth } from './admin-auth.js';
import { figures, median } from './figures.js';
import { startRegistry } from '../test/registry.js';
import { refusedAddress } from '../test/refused-address.js';

const api = 'kargo.akuity.io/v1alpha1';
/** The image registry every Warehouse here names: loopback, refusing (nothing leaves the machine). */
const refused = await refusedAddress();
const REGISTRY = refused.host;
const { report, print } = figures({ figure: 60, value: 26 });

async function webhookToCommit(dir: string): Promise<void> {
  const [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
  const repo = git.createRepo('gitops', { 'dev/values.yaml': "image:\n  tag: '0.0.0'\n" });
  const gantry = await startGantry(
    resolveServerConfig({ port: '0', dataDir: join(dir, 'hook'), minWarehouseInterval: '1h' }, {}),
    silentLogger,
  );
  try {
    const image = `${registry.host}/bench/app`;
    await registry.pushImage('bench/app', '1.0.0');
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
        { apiVersion: api, kind: 'Project', metadata: { name: 'hook' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'quay', namespace: 'hook' },
          stringData: { secret: 's' },
        },
        {
          apiVersion: api,
          kind: 'ProjectConfig',
          metadata: { name: 'hook', namespace: 'hook' },
          spec: {
            webhookReceivers: [{ name: 'quay', quay: { secretRef: { name: 'quay' } } }],
            promotionPolicies: [{ stageSelector: { name: 'dev' }, autoPromotionEnabled: true }],
          },
        },
        {
          apiVersion: api,
          kind: 'Warehouse',
          metadata: { name: 'app', namespace: 'hook' },
          spec: { interval: '1h', subscriptions: [{ image: { repoURL: image } }] },
        },
        {
          apiVersion: api,
          kind: 'Stage',
          metadata: { name: 'dev', namespace: 'hook' },
          spec: {
            requestedFreight: [
              { origin: { kind: 'Warehouse', name: 'app' }, sources: { direct: true } },
            ],
            promotionTemplate: {
              spec: {
                steps: [
                  {
                    uses: 'git-clone',
                    config: { repoURL: repo, checkout: [{ branch: 'main', path: 'repo' }] },
                  },
                  {
                    uses: 'yaml-update',
                    config: {
                      path: 'repo/dev/values.yaml',
                      updates: [
                        { key: 'image.tag', value: `\${{ quote(imageFrom('${image}').Tag) }}` },
                      ],
                    },
                  },
                  {
                    uses: 'git-commit',
                    config: { path: 'repo', message: `\${{ imageFrom('${image}').Tag }}` },
                  },
                  { uses: 'git-push', config: { path: 'repo' } },
                ],
              },
            },
          },
        },
      ],
    });
    let path: string | undefined;
    while (!path) {
      const config = (await (
        await fetch(`${gantry.url}/v1/projects/hook/projectconfigs/hook`, { headers: auth })
      ).json()) as {
        status?: { webhookReceivers?: Array<{ path?: string }> };
      };
      path = config.status?.webhookReceivers?.[0]?.path;
      if (!path) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const head = () => git.git('gitops', ['log', '-1', '--format=%s', 'main']).trim();
    while (head() !== '1.0.0') await new Promise((resolve) => setTimeout(resolve, 20));
    const times: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const tag = `1.0.${i}`;
      await registry.pushImage('bench/app', tag);
      const started = performance.now();
      await deliver(path, { docker_url: image, repository: 'bench/app', updated_tags: [tag] });
      while (head() !== tag) await new Promise((resolve) => setTimeout(resolve, 5));
      times.push(performance.now() - started);
    }
    report(
      'image pushed (webhook) → dev commit pushed, p50 of 10',
      `${median(times).toFixed(0)} ms`,
      '< 1 s',
      median(times) < 1_000,
    );
  } finally {
    await gantry.stop();
    await Promise.all([registry.stop(), git.stop()]);
  }
}

async function schedulingPass(): Promise<void> {
  const store = openSqliteStore({ path: ':memory:' });
  const service = new ResourceService({ store });
  const documents: unknown[] = [
    { apiVersion: api, kind: 'Project', metadata: { name: 'many' } },
    {
      apiVersion: api,
      kind: 'ProjectConfig',
      metadata: { name: 'many', namespace: 'many' },
      spec: {
        promotionPolicies: [{ stageSelector: { name: 'glob:*' }, autoPromotionEnabled: true }],
      },
    },
  ];
  const steps = { spec: { steps: [{ uses: 'compose-output', config: {} }] } };
  for (let p = 0; p < 100; p++) {
    documents.push(
      {
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: `w${p}`, namespace: 'many' },
        spec: { subscriptions: [{ image: { repoURL: `${REGISTRY}/acme/app${p}` } }] },
      },
      {
        apiVersion: api,
        kind: 'Freight',
        metadata: { name: `f${p}`, namespace: 'many' },
        origin: { kind: 'Warehouse', name: `w${p}` },
        images: [{ repoURL: `${REGISTRY}/acme/app${p}`, tag: '1.0.0' }],
      },
    );
    for (const [i, name] of ['dev', 'staging', 'prod'].entries())
      documents.push({
        apiVersion: api,
        kind: 'Stage',
        metadata: { name: `${name}-${p}`, namespace: 'many' },
        spec: {
          requestedFreight: [
            {
              origin: { kind: 'Warehouse', name: `w${p}` },
              sources:
                i === 0 ? { direct: true } : { stages: [`${['dev', 'staging'][i - 1]}-${p}`] },
            },
          ],
          promotionTemplate: steps,
        },
      });
  }
  await service.apply({ mode: 'apply', documents });
  // Every pipeline settled: each Stage runs its Warehouse's Freight, verified everywhere.
  const freight = (await store.list('Freight', { namespace: 'many' })).items;
  const ops = [];
  for (const item of freight) {
    const p = (item as unknown as { origin: { name: string } }).origin.name.slice(1);
    const stages = ['dev', 'staging', 'prod'].map((s) => `${s}-${p}`);
    ops.push({
      op: 'updateStatus' as const,
      key: { kind: 'Freight', namespace: 'many', name: item.metadata.name },
      status: {
        verifiedIn: Object.fromEntries(stages.map((s) => [s, {}])),
        currentlyIn: Object.fromEntries(stages.map((s) => [s, {}])),
      },
    });
    for (const stage of stages)
      ops.push({
        op: 'updateStatus' as const,
        key: { kind: 'Stage', namespace: 'many', name: stage },
        status: {
          autoPromotionEnabled: true,
          freightHistory: [
            {
              id: 'c',
              items: {
                [`Warehouse/w${p}`]: {
                  name: item.metadata.name,
                  origin: { kind: 'Warehouse', name: `w${p}` },
                },
              },
            },
          ],
        },
      });
  }
  await store.write(ops);
  const controller = new AutoPromotionController({
    store,
    service,
    logger: silentLogger,
    replicaId: 'bench',
  });
  await controller.reconcile('many'); // warm-up (JIT)
  const cpu: number[] = [];
  const before = await store.currentResourceVersion();
  for (let i = 0; i < 5; i++) {
    const start = process.cpuUsage();
    await controller.reconcile('many');
    const used = process.cpuUsage(start);
    cpu.push((used.user + used.system) / 1000);
  }
  const writes = Number(await store.currentResourceVersion()) - Number(before);
  report(
    '300 Stages in 100 pipelines: one scheduling pass, CPU',
    `${median(cpu).toFixed(0)} ms`,
    '< 200 ms',
    median(cpu) < 200,
  );
  report('  status writes when nothing changed (5 passes)', `${writes}`, '0', writes === 0);
  await store.close();
}

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-pipeline-'));
try {
  await schedulingPass();
  await webhookToCommit(dir);
  print('pipelines:');
} finally {
  rmSync(dir, { recursive: true, force: true });
  await refused.close();
}
