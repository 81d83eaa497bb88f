import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StageStatus } from '../api/stage.js';
import type { HealthResult } from '../engine/stage-health.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { StageHealthController } from './stage-health-controller.js';

const api = 'kargo.akuity.io/v1alpha1';

describe('StageHealthController', () => {
  let store: SqliteStore;
  let controller: StageHealthController;
  let result: HealthResult;
  let checks = 0;

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 10 });
    result = { status: 'Healthy', issues: [], output: [{ app: 'argocd/web', health: 'Healthy' }] };
    checks = 0;
    await new ResourceService({ store }).apply({
      mode: 'apply',
      documents: [
        { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
        ...['checked', 'plain'].map((name) => ({
          apiVersion: api,
          kind: 'Stage',
          metadata: { name, namespace: 'demo' },
          spec: {
            requestedFreight: [
              { origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } },
            ],
          },
        })),
      ],
    });
    controller = new StageHealthController({
      store,
      logger: silentLogger,
      replicaId: 'r1',
      intervalMs: 60_000,
      healthCheckers: [
        {
          uses: 'argocd-update',
          check: () => {
            checks++;
            return Promise.resolve(result);
          },
        },
      ],
    });
  });
  afterEach(async () => {
    await controller.stop();
    await store.close();
  });

  const promoted = (stage: string, phase: string, healthChecks: Array<{ uses: string }>) =>
    store.write([
      {
        op: 'updateStatus',
        key: { kind: 'Stage', namespace: 'demo', name: stage },
        status: {
          lastPromotion: {
            name: `${stage}.p${Math.random()}`,
            status: { phase, message: 'step 3 failed: boom', healthChecks },
          },
        },
      },
    ]);
  const health = async (stage: string) =>
    ((await store.get({ kind: 'Stage', namespace: 'demo', name: stage }))?.status as StageStatus)
      ?.health;

  it('keeps the health of Stages with checks current, writing only changes', async () => {
    await promoted('checked', 'Succeeded', [{ uses: 'argocd-update' }]);
    await controller.start();
    await controller.assessAll();
    expect(await health('checked')).toMatchObject({ status: 'Healthy' });
    expect(await health('plain')).toBeUndefined();
    const version = (await store.get({ kind: 'Stage', namespace: 'demo', name: 'checked' }))
      ?.metadata.resourceVersion;

    await controller.assessAll();
    expect(
      (await store.get({ kind: 'Stage', namespace: 'demo', name: 'checked' }))?.metadata
        .resourceVersion,
    ).toBe(version);

    result = { status: 'Unhealthy', issues: ['Application argocd/web is Degraded'] };
    await controller.assessAll();
    expect(await health('checked')).toMatchObject({
      status: 'Unhealthy',
      issues: ['Application argocd/web is Degraded'],
    });
  });

  it('marks a Stage whose last Promotion failed Unhealthy at once', async () => {
    await controller.start();
    await promoted('plain', 'Failed', []);
    // Waits for the write; the deadline only detects a hang.
    for (
      const deadline = Date.now() + 30_000;
      (await health('plain'))?.status === undefined && Date.now() < deadline;
    )
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await health('plain')).toEqual({
      status: 'Unhealthy',
      issues: [
        expect.stringMatching(/^the last Promotion, plain\.p[\d.]+, failed: step 3 failed: boom$/),
      ],
    });
    expect(checks).toBe(0);
  });

  it('never writes a health judged on checks a newer Promotion replaced, nor during one', async () => {
    await promoted('checked', 'Succeeded', [{ uses: 'argocd-update' }]);
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const checking = new Promise<void>((resolve) => (entered = resolve));
    result = {
      status: 'Unhealthy',
      issues: ['Application argocd/web is synced to a newer revision'],
    };
    const gate = new StageHealthController({
      store,
      logger: silentLogger,
      replicaId: 'r2',
      intervalMs: 60_000,
      healthCheckers: [
        { uses: 'argocd-update', check: async () => (entered(), await slow, result) },
      ],
    });
    const round = gate.assessAll();
    await checking; // the round judges the first Promotion's checks now
    await promoted('checked', 'Succeeded', [{ uses: 'argocd-update' }]); // finished meanwhile
    release();
    await round;
    expect(await health('checked')).toBeUndefined();

    await store.write([
      {
        op: 'updateStatus',
        key: { kind: 'Stage', namespace: 'demo', name: 'checked' },
        status: {
          currentPromotion: { name: 'checked.next' },
          lastPromotion: {
            name: 'checked.p',
            status: { phase: 'Succeeded', healthChecks: [{ uses: 'argocd-update' }] },
          },
        },
      },
    ]);
    await gate.assessAll();
    expect(await health('checked')).toBeUndefined();
    await gate.stop();
  });

  it('leaves the rounds to the replica holding the lease', async () => {
    await promoted('checked', 'Succeeded', [{ uses: 'argocd-update' }]);
    expect(await store.acquireLease('stage-health', 'other-replica', 60_000)).toBeDefined();
    await controller.assessAll();
    expect(checks).toBe(0);
    expect(await health('checked')).toBeUndefined();
  });
});
