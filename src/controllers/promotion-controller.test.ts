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
import { defineStep, type StepDefinition } from '../engine/step.js';
import type { ObjectKey } from '../api/resource.js';
import { z } from 'zod';

const api = 'kargo.akuity.io/v1alpha1';

describe('PromotionController', () => {
  let dir: string;
  let store: SqliteStore;
  /** The store's clock (leases run out by it): real time, unless a test stops it. */
  let storeTime: () => number;
  /** Every lease the controllers asked the store for, and whether they got it. */
  let leaseAttempts: Array<{ name: string; holder: string; got: boolean }>;
  /** The store as the controllers see it: every acquireLease recorded in `leaseAttempts`. */
  const recordingStore = (): SqliteStore =>
    new Proxy(store, {
      get(target, property) {
        if (property === 'acquireLease')
          return async (name: string, holder: string, ttlMs: number) => {
            const got = await target.acquireLease(name, holder, ttlMs);
            leaseAttempts.push({ name, holder, got });
            return got;
          };
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });

  /** A controller as one replica runs it, with its own data directory. */
  const newController = (
    replicaId: string,
    extraSteps: StepDefinition[] = [],
    leaseTtlMs = 30_000,
  ) =>
    new PromotionController({
      store: recordingStore(),
      logs: new PromotionLogs(join(dir, replicaId)),
      logger: silentLogger,
      runner: {
        steps: new Map([...BUILTIN_STEPS, ...extraSteps].map((s) => [s.kind, s])),
        repositories: new RepositoryCache(join(dir, replicaId, 'data')),
        credentialsFor: () => Promise.resolve(undefined),
        workRoot: join(dir, replicaId, 'work'),
        now: () => new Date(),
        sleep: () => Promise.resolve(),
      },
      replicaId,
      leaseTtlMs,
    });

  /** Project demo: Warehouse w, Freight `one`, and the given Stages all running `steps`. */
  const setUpProject = async (
    stages = ['dev'],
    steps: unknown[] = [
      { uses: 'compose-output', config: { ok: true } },
      { uses: 'compose-output', config: { ok: true } },
      { uses: 'compose-output', config: { ok: true } },
    ],
  ) => {
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
        ...stages.map((name) => ({
          apiVersion: api,
          kind: 'Stage',
          metadata: { name, namespace: 'demo' },
          spec: {
            requestedFreight: [
              { origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } },
            ],
            promotionTemplate: { spec: { steps } },
          },
        })),
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
    return service;
  };

  const promote = async (service: ResourceService, stage: string) => {
    const [created] = await service.apply({
      mode: 'create',
      documents: [
        {
          apiVersion: api,
          kind: 'Promotion',
          metadata: { namespace: 'demo' },
          spec: { stage, freight: 'one' },
        },
      ],
    });
    return { kind: 'Promotion', namespace: 'demo', name: created!.object.metadata.name };
  };

  const waitForPhase = async (key: ObjectKey, done: (phase?: string) => boolean) => {
    // The deadline only detects a hang (generous for a busy machine); the loop waits for `done`.
    const deadline = Date.now() + 30_000;
    let status: { phase?: string; message?: string } = {};
    for (;;) {
      status = ((await store.get(key))?.status as typeof status | undefined) ?? {};
      if (done(status.phase) || Date.now() > deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-controller-'));
    storeTime = Date.now;
    leaseAttempts = [];
    store = openSqliteStore({
      path: ':memory:',
      pollIntervalMs: 20,
      now: () => new Date(storeTime()),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends Errored, saying why, a Promotion that cannot resume because its working directory is gone', async () => {
    const service = await setUpProject();
    const key = await promote(service, 'dev');
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
    const controller = newController('replica-a');
    await controller.start();
    const status = await waitForPhase(key, (phase) => phase !== 'Running');
    await controller.stop();
    expect(status.phase).toBe('Errored');
    expect(status.message).toBe(
      'could not resume after a restart: the working directory of step 3 is gone (it ran on another machine, or the data directory was cleaned); promote again',
    );
  });

  it('ends Errored a Promotion written without steps, instead of retrying it in a loop', async () => {
    await setUpProject();
    const [freight] = (await store.list('Freight', { namespace: 'demo' })).items;
    // Written around admission (which copies the Stage's steps), as a restore or a bug might.
    const key = { kind: 'Promotion', namespace: 'demo', name: 'dev.by-hand' };
    await store.write([
      {
        op: 'create',
        object: {
          apiVersion: api,
          kind: 'Promotion',
          metadata: { name: key.name, namespace: 'demo' },
          spec: { stage: 'dev', freight: freight!.metadata.name },
        },
      },
    ]);
    const controller = newController('replica-a');
    await controller.start();
    const status = await waitForPhase(key, (phase) => phase === 'Errored');
    // The event loop is free: a timer fires (a spinning retry would starve it).
    await new Promise((resolve) => setTimeout(resolve, 0));
    await controller.stop();
    expect(status).toMatchObject({
      phase: 'Errored',
      message: 'the Promotion has no steps to run',
    });
  });

  it('runs each Promotion on exactly one of several replicas sharing a store', async () => {
    const runs: string[] = [];
    const counting = defineStep({
      kind: 'count-run',
      description: 'records which promotion ran it, slowly',
      configSchema: z.strictObject({}),
      capabilities: [],
      async run(context) {
        runs.push(context.promotion);
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { status: 'Succeeded' };
      },
    });
    const stages = ['s1', 's2', 's3', 's4'];
    const service = await setUpProject(stages, [{ uses: 'count-run', config: {} }]);
    const replicas = ['replica-a', 'replica-b', 'replica-c'].map((id) =>
      newController(id, [counting]),
    );
    await Promise.all(replicas.map((replica) => replica.start()));
    const keys = [];
    for (const stage of stages)
      keys.push(await promote(service, stage), await promote(service, stage));
    const phases = await Promise.all(
      keys.map(async (key) => (await waitForPhase(key, (p) => p === 'Succeeded')).phase),
    );
    await Promise.all(replicas.map((replica) => replica.stop()));
    expect(phases).toEqual(keys.map(() => 'Succeeded'));
    expect([...runs].sort()).toEqual(keys.map((key) => key.name).sort());
  });

  it('takes over a Stage once the lease of a replica that died runs out', async () => {
    const service = await setUpProject(['dev'], [{ uses: 'compose-output', config: { ok: true } }]);
    // A replica took the Stage and then vanished without giving it up. The store's clock stands
    // still until the test lets the lease run out: however slow the machine, it holds till then.
    const start = Date.now();
    storeTime = () => start;
    expect(await store.acquireLease('promotions/demo/dev', 'replica-gone', 300)).toBe(true);
    const key = await promote(service, 'dev');
    const survivor = newController('replica-b', [], 300);
    await survivor.start();
    // The survivor asked for the Stage and was refused: it does not run the Promotion.
    const refused = () =>
      leaseAttempts.some(
        (a) => a.name === 'promotions/demo/dev' && a.holder === 'replica-b' && !a.got,
      );
    for (const deadline = Date.now() + 30_000; !refused() && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(refused()).toBe(true);
    expect(
      ((await store.get(key))?.status as { phase?: string } | undefined)?.phase,
    ).toBeUndefined();
    storeTime = () => start + 300; // the lease runs out
    const status = await waitForPhase(key, (p) => p === 'Succeeded');
    await survivor.stop();
    expect(status.phase).toBe('Succeeded');
    // With nothing left to do, the survivor gave the Stage up.
    expect(await store.acquireLease('promotions/demo/dev', 'replica-c', 300)).toBe(true);
  });
});
