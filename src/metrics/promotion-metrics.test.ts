import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ObjectKey } from '../api/resource.js';
import { PromotionController } from '../controllers/promotion-controller.js';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { defineStep } from '../engine/step.js';
import { RepositoryCache } from '../git/repository-cache.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { BUILTIN_STEPS } from '../steps/index.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { TERMINAL_PROMOTION_PHASES } from '../api/promotion.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

const api = 'kargo.akuity.io/v1alpha1';

/** Fails once with a transient error, then succeeds: one retryable error. */
function flakyStep() {
  let attempts = 0;
  return defineStep({
    kind: 'flaky',
    description: 'fails its first attempt',
    configSchema: z.strictObject({}),
    capabilities: [],
    defaultErrorThreshold: 2,
    run() {
      attempts++;
      if (attempts === 1) return Promise.reject(new Error('connection reset'));
      return Promise.resolve({ status: 'Succeeded' });
    },
  });
}

describe('Promotion metrics, from a Promotion run in process', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-promotion-metrics-'));
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Resolves once the Promotion reached a terminal phase (watched, not polled on a timer). */
  const finished = async (key: ObjectKey) => {
    const signal = new AbortController();
    try {
      const now = await store.get(key);
      const phaseOf = (object: typeof now) =>
        (object?.status as { phase?: string } | undefined)?.phase ?? '';
      if (TERMINAL_PROMOTION_PHASES.has(phaseOf(now))) return phaseOf(now);
      for await (const event of store.watch({
        kinds: ['Promotion'],
        namespace: key.namespace,
        fromResourceVersion: now?.metadata.resourceVersion,
        signal: signal.signal,
      }))
        if (
          event.object.metadata.name === key.name &&
          TERMINAL_PROMOTION_PHASES.has(phaseOf(event.object))
        )
          return phaseOf(event.object);
      return '';
    } finally {
      signal.abort();
    }
  };

  it('moves kargo_promotions_created_total, the duration histograms and the error counters', async () => {
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
              spec: {
                steps: [
                  { uses: 'compose-output', config: { ok: true } },
                  { uses: 'flaky', config: {} },
                ],
              },
            },
          },
        },
        {
          apiVersion: api,
          kind: 'Freight',
          metadata: { name: 'f', namespace: 'demo' },
          alias: 'one',
          origin: { kind: 'Warehouse', name: 'w' },
          images: [{ repoURL: 'ghcr.io/a/b', tag: '1' }],
        },
      ],
    });
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const controller = new PromotionController({
      store,
      logs: new PromotionLogs(dir),
      logger: silentLogger,
      runner: {
        steps: new Map([...BUILTIN_STEPS, flakyStep()].map((s) => [s.kind, s])),
        repositories: new RepositoryCache(join(dir, 'data')),
        credentialsFor: () => Promise.resolve(undefined),
        workRoot: join(dir, 'work'),
        now: () => new Date(),
        sleep: () => Promise.resolve(),
      },
      replicaId: 'replica-a',
      metrics,
    });
    await controller.start();
    const [created] = await service.apply({
      mode: 'create',
      documents: [
        {
          apiVersion: api,
          kind: 'Promotion',
          metadata: { namespace: 'demo' },
          spec: { stage: 'dev', freight: 'one' },
        },
      ],
    });
    const key = { kind: 'Promotion', namespace: 'demo', name: created!.object.metadata.name };
    expect(await finished(key)).toBe('Succeeded');
    // Stopping waits for the run to end, so everything it reports has been reported.
    await controller.stop();

    const text = await metrics.exposition();
    expect(text).toContain('kargo_promotions_created_total{project="demo"} 1');
    expect(text).toContain(
      'kargo_promotion_duration_seconds_count{project="demo",terminalPhase="Succeeded"} 1',
    );
    expect(text).toContain(
      'kargo_promotion_step_duration_seconds_count{project="demo",stepKind="compose-output",terminalStatus="Succeeded"} 1',
    );
    expect(text).toContain(
      'kargo_promotion_step_duration_seconds_count{project="demo",stepKind="flaky",terminalStatus="Succeeded"} 1',
    );
    expect(text).toContain('kargo_promotions_errored_retryable_total{project="demo"} 1');
    expect(text).not.toContain('kargo_promotions_errored_terminal_total{');
  });
});
