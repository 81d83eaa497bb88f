import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FreightStatus } from '../api/freight.js';
import type { StageStatus } from '../api/stage.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { REVERIFY_ANNOTATION } from './stage-verification.js';
import { VerificationController, type RunVerification } from './verification-controller.js';

const api = 'kargo.akuity.io/v1alpha1';

describe('VerificationController', () => {
  let store: SqliteStore;
  let controller: VerificationController | undefined;
  const calls: string[] = [];
  let outcome: Awaited<ReturnType<RunVerification>> = { phase: 'Successful' };
  /** The Freight's name: admission replaces whatever name it had with its fingerprint. */
  let freightName = '';

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 10 });
    calls.length = 0;
    outcome = { phase: 'Successful' };
    await new ResourceService({ store }).apply({
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
          kind: 'Freight',
          metadata: { name: 'f1', namespace: 'demo' },
          origin: { kind: 'Warehouse', name: 'w' },
          images: [{ repoURL: 'ghcr.io/a/b', tag: '1.0.0' }],
        },
        ...['plain', 'checked'].map((name) => ({
          apiVersion: api,
          kind: 'Stage',
          metadata: { name, namespace: 'demo' },
          spec: {
            requestedFreight: [
              { origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } },
            ],
            ...(name === 'checked'
              ? { verification: { analysisTemplates: [{ name: 'smoke' }] } }
              : {}),
          },
        })),
      ],
    });
    freightName = (await store.list('Freight', { namespace: 'demo' })).items[0]!.metadata.name;
  });
  afterEach(async () => {
    await controller?.stop();
    controller = undefined;
    await store.close();
  });

  let healthy = 'Progressing' as 'Progressing' | 'Healthy';
  const start = async () => {
    controller = new VerificationController({
      healthPollMs: 20,
      healthCheckers: [
        {
          uses: 'test-check',
          check: () =>
            Promise.resolve({
              status: healthy,
              issues: healthy === 'Healthy' ? [] : ['app: still rolling out'],
            }),
        },
      ],
      store,
      logger: silentLogger,
      replicaId: 'r1',
      runVerification: async ({ stage, id, progress }) => {
        calls.push(`${stage.metadata.name}:${id}`);
        await progress({ message: 'measuring' });
        return outcome;
      },
    });
    await controller.start();
  };
  const promoted = (
    stage: string,
    promotion: string,
    phase: 'Succeeded' | 'Failed' = 'Succeeded',
    healthChecks: Array<{ uses: string }> = [],
  ) =>
    store.write([
      {
        op: 'updateStatus',
        key: { kind: 'Stage', namespace: 'demo', name: stage },
        status: {
          freightHistory: [
            {
              id: 'c1',
              items: {
                'Warehouse/w': { name: freightName, origin: { kind: 'Warehouse', name: 'w' } },
              },
            },
          ],
          lastPromotion: { name: promotion, status: { phase, healthChecks } },
        } satisfies StageStatus,
      },
    ]);
  const history = async (stage: string) =>
    ((await store.get({ kind: 'Stage', namespace: 'demo', name: stage }))?.status as StageStatus)
      ?.freightHistory?.[0]?.verificationHistory ?? [];
  const verifiedIn = async () =>
    (
      (await store.get({ kind: 'Freight', namespace: 'demo', name: freightName }))
        ?.status as FreightStatus
    )?.verifiedIn ?? {};
  /** Waits for `check`; the deadline only detects a hang (generous for a busy machine). */
  const until = async (check: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('timed out');
  };

  it('verifies at once a Stage without verification, and marks its Freight verified', async () => {
    await start();
    await promoted('plain', 'plain.p1');
    await until(async () => (await history('plain')).length > 0);
    expect(await history('plain')).toMatchObject([
      { id: 'promotion-plain.p1', phase: 'Successful', message: 'no verification configured' },
    ]);
    await until(async () => Object.keys(await verifiedIn()).includes('plain'));
    expect(Object.keys(await verifiedIn())).toEqual(['plain']);
    expect(calls).toEqual([]);
  });

  it('runs the templates, records the outcome, and verifies again on request', async () => {
    await start();
    await promoted('checked', 'checked.p1');
    await until(async () => (await history('checked'))[0]?.phase === 'Successful');
    expect(calls).toEqual(['checked:promotion-checked.p1']);
    outcome = { phase: 'Failed', message: 'metric smoke failed' };
    await store.write([
      {
        op: 'patchMetadata',
        key: { kind: 'Stage', namespace: 'demo', name: 'checked' },
        annotations: { [REVERIFY_ANNOTATION]: 't1' },
      },
    ]);
    await until(async () => (await history('checked'))[0]?.phase === 'Failed');
    expect((await history('checked')).map((v) => [v.id, v.phase])).toEqual([
      ['reverify-t1', 'Failed'],
      ['promotion-checked.p1', 'Successful'],
    ]);
  });

  it('does not verify after a failed promotion, nor mark Freight when verification fails', async () => {
    outcome = { phase: 'Failed', message: 'nope' };
    await start();
    await promoted('plain', 'plain.p1', 'Failed');
    await promoted('checked', 'checked.p1');
    await until(async () => (await history('checked'))[0]?.phase === 'Failed');
    expect(await history('plain')).toEqual([]);
    expect(await verifiedIn()).toEqual({});
  });

  it('starts again a verification that was running when the server stopped', async () => {
    await promoted('checked', 'checked.p1');
    const key = { kind: 'Stage', namespace: 'demo', name: 'checked' };
    const status = structuredClone((await store.get(key))!.status) as StageStatus;
    status.freightHistory![0]!.verificationHistory = [
      { id: 'promotion-checked.p1', phase: 'Running', startTime: '2026-11-22T10:00:00Z' },
    ];
    await store.write([{ op: 'updateStatus', key, status }]);
    await start();
    await until(async () => (await history('checked'))[0]?.phase === 'Successful');
    expect(calls).toEqual(['checked:promotion-checked.p1']);
    expect(await history('checked')).toHaveLength(1);
  });

  it('waits for the health checks the promotion registered before verifying', async () => {
    healthy = 'Progressing';
    await start();
    await promoted('plain', 'plain.p1', 'Succeeded', [{ uses: 'test-check' }]);
    await until(async () => (await history('plain'))[0]?.phase === 'Pending');
    expect((await history('plain'))[0]?.message).toBe(
      'waiting for the Stage to be healthy: Progressing (app: still rolling out)',
    );
    const stage = async () =>
      (await store.get({ kind: 'Stage', namespace: 'demo', name: 'plain' }))?.status as StageStatus;
    expect((await stage()).health?.status).toBe('Progressing');
    expect(await verifiedIn()).toEqual({});
    healthy = 'Healthy';
    await until(async () => (await history('plain'))[0]?.phase === 'Successful');
    expect((await stage()).health?.status).toBe('Healthy');
    expect(await history('plain')).toHaveLength(1);
  });
});
