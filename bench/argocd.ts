/**
 * Argo CD benchmarks (docs/benchmarks.md), against the in-process Argo CD double over HTTP:
 *   - argocd-update: from the moment Argo CD finishes a sync to the step's success (the cost
 *     of polling): p50 < 500 ms;
 *   - Stage health: 300 Stages with one Application each, one round < 1 s, and no status write
 *     when nothing changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StageHealthController } from '../src/controllers/stage-health-controller.js';
import type { StepContext, StepOutcome } from '../src/engine/step.js';
import { WorkDir } from '../src/engine/work-dir.js';
import { noOutboundHttp } from '../src/outbound/outbound-http.js';
import { RepositoryCache } from '../src/git/repository-cache.js';
import { ArgoCdApiClient } from '../src/integrations/argocd/argocd-api-client.js';
import { argoCdInstances } from '../src/integrations/argocd/argocd-client.js';
import { argocdHealthChecker } from '../src/integrations/argocd/argocd-health-checker.js';
import { silentLogger } from '../src/logger.js';
import { ResourceService } from '../src/resources/resource-service.js';
import { argocdUpdateStep } from '../src/steps/argocd-update.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { startFakeArgoCd, type FakeApplication } from '../test/fake-argocd.js';
import { figures, median } from './figures.js';

const api = 'kargo.akuity.io/v1alpha1';
const { report, print } = figures({ figure: 60, value: 26 });
const SYNC_MS = 200;

const application = (name: string, stage: string): FakeApplication => ({
  metadata: { name, annotations: { 'kargo.akuity.io/authorized-stage': `bench:${stage}` } },
  spec: {
    source: { repoURL: 'https://git.example/deploy.git', targetRevision: 'main', path: name },
  },
  status: { sync: { status: 'Synced', revision: 'main' }, health: { status: 'Healthy' } },
});

/** Runs the step as the engine does: again after `retryAfterMs` while it answers Running. */
async function runStep(context: StepContext, config: unknown): Promise<StepOutcome> {
  let memo: unknown;
  for (;;) {
    const outcome = await argocdUpdateStep.run(
      { ...context, memo },
      argocdUpdateStep.configSchema.parse(config),
    );
    if (outcome.status !== 'Running') return outcome;
    memo = outcome.memo;
    await new Promise((resolve) => setTimeout(resolve, outcome.retryAfterMs ?? 10_000));
  }
}

async function stepLatency(dir: string): Promise<void> {
  const argocd = await startFakeArgoCd({ syncDelayMs: SYNC_MS });
  const instances = argoCdInstances([
    new ArgoCdApiClient({ url: argocd.url, token: argocd.token }),
  ]);
  try {
    argocd.addApp(application('web', 'dev'));
    const context: StepContext = {
      workDir: new WorkDir(dir),
      project: 'bench',
      stage: 'dev',
      promotion: '',
      alias: 'sync',
      repositories: new RepositoryCache(join(dir, 'cache')),
      credentialsFor: () => Promise.resolve(undefined),
      log: () => undefined,
      signal: new AbortController().signal,
      freight: [],
      setMetadata: () => Promise.resolve(),
      plan: false,
      now: () => new Date(),
      argocd: instances,
      http: noOutboundHttp,
    };
    const overhead: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const outcome = await runStep(
        { ...context, promotion: `dev.bench${i}` },
        {
          apps: [{ name: 'web' }],
        },
      );
      if (outcome.status !== 'Succeeded') throw new Error(`step ended ${outcome.status}`);
      overhead.push(performance.now() - started - SYNC_MS);
    }
    report(
      `argocd-update: sync done → step done (sync takes ${SYNC_MS} ms), p50`,
      `${median(overhead).toFixed(0)} ms`,
      '< 500 ms',
      median(overhead) < 500,
    );
  } finally {
    instances.close();
    await argocd.stop();
  }
}

async function healthRound(): Promise<void> {
  const argocd = await startFakeArgoCd();
  const client = new ArgoCdApiClient({ url: argocd.url, token: argocd.token });
  const store = openSqliteStore({ path: ':memory:' });
  try {
    const documents: unknown[] = [
      { apiVersion: api, kind: 'Project', metadata: { name: 'bench' } },
    ];
    for (let i = 0; i < 300; i++) {
      argocd.addApp(application(`web-${i}`, `s${i}`));
      documents.push({
        apiVersion: api,
        kind: 'Stage',
        metadata: { name: `s${i}`, namespace: 'bench' },
        spec: {
          requestedFreight: [
            { origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } },
          ],
        },
      });
    }
    await new ResourceService({ store }).apply({ mode: 'apply', documents });
    await store.write(
      Array.from({ length: 300 }, (_, i) => ({
        op: 'updateStatus' as const,
        key: { kind: 'Stage', namespace: 'bench', name: `s${i}` },
        status: {
          lastPromotion: {
            name: `s${i}.p`,
            status: {
              phase: 'Succeeded',
              healthChecks: [
                {
                  uses: 'argocd-update',
                  config: { apps: [{ name: `web-${i}`, desiredRevisions: ['main'] }] },
                },
              ],
            },
          },
        },
      })),
    );
    const controller = new StageHealthController({
      store,
      logger: silentLogger,
      replicaId: 'bench',
      healthCheckers: [argocdHealthChecker(() => client)],
      intervalMs: 3_600_000,
    });
    await controller.assessAll(); // first round writes every Stage's health
    const before = await store.currentResourceVersion();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = process.cpuUsage();
      const started = performance.now();
      await controller.assessAll();
      wall.push(performance.now() - started);
      const used = process.cpuUsage(start);
      cpu.push((used.user + used.system) / 1000);
    }
    const writes = Number(await store.currentResourceVersion()) - Number(before);
    report(
      '300 Stages with an Argo CD app: one health round',
      `${median(wall).toFixed(0)} ms`,
      '< 1 s',
      median(wall) < 1_000,
    );
    report('  CPU, with the Argo CD double in process', `${median(cpu).toFixed(0)} ms`, '', true);
    report('  status writes when nothing changed (5 rounds)', `${writes}`, '0', writes === 0);
    await controller.stop();
  } finally {
    client.close();
    await store.close();
    await argocd.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-argocd-'));
try {
  await stepLatency(dir);
  await healthRound();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
print('Argo CD');
