import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { RepositoryCache } from '../git/repository-cache.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { BUILTIN_STEPS } from '../steps/index.js';
import { PromotionController } from './promotion-controller.js';

const api = 'kargo.akuity.io/v1alpha1';

describe('PromotionController', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-controller-'));
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends Errored, saying why, a Promotion that cannot resume because its working directory is gone', async () => {
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
                  { uses: 'compose-output', config: {} },
                  { uses: 'compose-output', config: {} },
                  { uses: 'compose-output', config: {} },
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
    const [promotion] = await service.apply({
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
    const key = { kind: 'Promotion', namespace: 'demo', name: promotion!.object.metadata.name };
    // As a crash on another machine would leave it: Running at step 3, no working directory here.
    await store.write([
      {
        op: 'updateStatus',
        key,
        status: {
          phase: 'Running',
          currentStep: 2,
          stepExecutionMetadata: [
            { alias: 'step-1', status: 'Succeeded' },
            { alias: 'step-2', status: 'Succeeded' },
            { alias: 'step-3', status: 'Running' },
          ],
        },
      },
    ]);
    const controller = new PromotionController({
      store,
      logs: new PromotionLogs(dir),
      logger: silentLogger,
      runner: {
        steps: new Map(BUILTIN_STEPS.map((s) => [s.kind, s])),
        repositories: new RepositoryCache(join(dir, 'data')),
        credentialsFor: () => Promise.resolve(undefined),
        workRoot: join(dir, 'work'),
        now: () => new Date(),
        sleep: () => Promise.resolve(),
      },
    });
    await controller.start();
    let status: { phase?: string; message?: string } = {};
    for (let i = 0; i < 100; i++) {
      const current = await store.get(key);
      status = (current?.status as typeof status | undefined) ?? {};
      if (status.phase !== 'Running') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await controller.stop();
    expect(status.phase).toBe('Errored');
    expect(status.message).toBe(
      'could not resume after a restart: the working directory of step 3 is gone (it ran on another machine, or the data directory was cleaned); promote again',
    );
  });
});
