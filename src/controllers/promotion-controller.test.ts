import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { RepositoryCache } from '../git/repository-cache.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { deferringFlushes } from '../store/deferred-flush.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store, WriteOp, WriteOptions } from '../store/store.js';
import { BUILTIN_STEPS } from '../steps/index.js';
import { PromotionController } from './promotion-controller.js';
import { defineStep, type StepDefinition } from '../engine/step.js';
import type { ObjectKey } from '../api/resource.js';
import type { PromotionStatus } from '../api/promotion.js';
import { z } from 'zod';

const api = 'kargo.akuity.io/v1alpha1';

describe('PromotionController', () => {
  let dir: string;
  let store: SqliteStore;
  /** The store's clock (leases run out by it): real time, unless a test stops it. */
  let storeTime: () => number;
  /** Every lease the controllers asked the store for, and whether they got it. */
  let leaseAttempts: Array<{ name: string; holder: string; got: boolean }>;
  /** How often the controllers listed Promotions (to look at a Stage's queue). */
  let promotionLists = 0;
  /** Every write the controllers made: its ops and its options. */
  let writes: Array<{ ops: WriteOp[]; options: WriteOptions | undefined }>;
  /** The store as the controllers see it: every acquireLease recorded in `leaseAttempts`. */
  const recordingStore = (): SqliteStore =>
    new Proxy(store, {
      get(target, property) {
        if (property === 'list')
          return (kind: string, options?: Parameters<SqliteStore['list']>[1]) => {
            if (kind === 'Promotion') promotionLists++;
            return target.list(kind, options);
          };
        if (property === 'write')
          return (ops: WriteOp[], options?: WriteOptions) => {
            writes.push({ ops, options });
            return target.write(ops, options);
          };
        if (property === 'acquireLease')
          return async (name: string, holder: string, ttlMs: number) => {
            const got = await target.acquireLease(name, holder, ttlMs);
            leaseAttempts.push({ name, holder, got: got !== undefined });
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
    view: (recording: Store) => Store = (recording) => recording,
  ) =>
    new PromotionController({
      store: view(recordingStore()),
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
      // Every step's start saved before it runs: these rows stop runs mid-step and look at it.
      saveRunningAfterMs: 0,
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
    writes = [];
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

  /** Marks a Promotion Running at step 3, as a replica that stopped mid-way leaves it. */
  const interruptedAtStep3 = (key: ObjectKey) =>
    store.write([
      {
        op: 'updateStatus',
        key,
        status: {
          phase: 'Running',
          currentStep: 2,
          stepExecutionMetadata: [
            { alias: 'step-1', status: 'Succeeded', startedAt: '2026-01-01T00:00:00Z' },
            { alias: 'step-2', status: 'Succeeded', startedAt: '2026-01-01T00:00:00Z' },
            { alias: 'step-3', status: 'Running', startedAt: '2026-01-01T00:00:00Z' },
          ],
          state: { 'step-1': { stale: true } },
        },
      },
    ]);

  it('runs a Promotion taken over from another replica again from its first step, in a fresh working directory', async () => {
    const service = await setUpProject();
    const key = await promote(service, 'dev');
    // As a replica that died on another machine leaves it: Running at step 3, and here only an
    // out-of-date working directory of an earlier attempt.
    await interruptedAtStep3(key);
    const stale = join(dir, 'replica-a', 'work', 'demo', key.name);
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'left-over'), 'from an earlier attempt');
    const controller = newController('replica-a');
    await controller.start();
    const status = (await waitForPhase(key, (phase) => phase !== 'Running')) as PromotionStatus;
    await controller.stop();
    expect(status.phase).toBe('Succeeded');
    // Every step ran here (the stale metadata and outputs are gone), in a fresh directory.
    expect(status.stepExecutionMetadata?.map((m) => [m.alias, m.status])).toEqual([
      ['step-1', 'Succeeded'],
      ['step-2', 'Succeeded'],
      ['step-3', 'Succeeded'],
    ]);
    expect(status.stepExecutionMetadata?.map((m) => m.startedAt)).not.toContain(
      '2026-01-01T00:00:00Z',
    );
    expect(status.state?.['step-1']).toEqual({ ok: true });
    expect(existsSync(stale)).toBe(false);
  });

  it('resumes in place a Promotion whose steps had needed no working directory', async () => {
    const service = await setUpProject(
      ['dev'],
      [
        { uses: 'http', config: { method: 'POST', url: 'http://127.0.0.1:9/hook' } },
        { uses: 'compose-output', config: { ok: true } },
        { uses: 'compose-output', config: { ok: true } },
      ],
    );
    const key = await promote(service, 'dev');
    const [interrupted] = await interruptedAtStep3(key);
    // As this replica leaves it when it stops at step 3: no directory was ever made, and the
    // marker says so (a marker without that word wants the directory, and would not resume).
    const work = join(dir, 'replica-a', 'work', 'demo');
    mkdirSync(work, { recursive: true });
    writeFileSync(
      join(work, `${key.name}.resume`),
      `${interrupted!.object!.metadata.resourceVersion} no-directory`,
    );
    const controller = newController('replica-a');
    await controller.start();
    const status = (await waitForPhase(key, (phase) => phase !== 'Running')) as PromotionStatus;
    await controller.stop();
    // In place: the POST that had finished is not sent again; step 3 runs again.
    expect(status.phase).toBe('Succeeded');
    expect(status.stepExecutionMetadata?.map((m) => m.status)).toEqual([
      'Succeeded',
      'Succeeded',
      'Succeeded',
    ]);
    expect(status.stepExecutionMetadata?.[0]?.startedAt).toBe('2026-01-01T00:00:00Z');
    expect(status.state?.['step-1']).toEqual({ stale: true });
    expect(existsSync(join(work, `${key.name}.resume`))).toBe(false);
  });

  it('ends Errored, saying why, a Promotion taken over after a step that may not run twice had started', async () => {
    const service = await setUpProject(
      ['dev'],
      [
        { uses: 'http', config: { method: 'POST', url: 'http://127.0.0.1:9/hook' } },
        { uses: 'compose-output', config: { ok: true } },
        { uses: 'compose-output', config: { ok: true } },
      ],
    );
    const key = await promote(service, 'dev');
    await interruptedAtStep3(key);
    const controller = newController('replica-a');
    await controller.start();
    const status = await waitForPhase(key, (phase) => phase !== 'Running');
    await controller.stop();
    expect(status.phase).toBe('Errored');
    expect(status.message).toBe(
      'could not resume after the replica running it stopped: step "step-1" had started and http POST is not safe to send twice, so it was not run again; check what it did, then promote again',
    );
  });

  it('waits for the disk only for the saves around a step that may not run twice', async () => {
    const once = defineStep({
      kind: 'send-once',
      description: 'stands for a step whose effect must not be repeated',
      configSchema: z.strictObject({}),
      capabilities: [],
      unsafeToRepeat: () => 'it sends a message',
      run: () => Promise.resolve({ status: 'Succeeded' as const }),
    });
    const service = await setUpProject(
      ['dev'],
      [
        { uses: 'compose-output', config: { ok: true } },
        { uses: 'send-once', config: {} },
        { uses: 'compose-output', config: { ok: true } },
      ],
    );
    const key = await promote(service, 'dev');
    // As the server runs it: every write of the controller defers its flush unless it says not.
    const controller = newController('replica-a', [once], 30_000, deferringFlushes);
    await controller.start();
    const status = await waitForPhase(key, (phase) => phase === 'Succeeded');
    await controller.stop();
    expect(status.phase).toBe('Succeeded');
    // Each save of the Promotion's status: its steps' states, and whether it waited for the disk.
    const saves = writes.flatMap(({ ops, options }) =>
      ops
        .filter((op) => op.op === 'updateStatus' && op.key.kind === 'Promotion')
        .map((op) => {
          const steps = ((op as { status: PromotionStatus }).status.stepExecutionMetadata ?? [])
            .map((m) => m.status)
            .join(',');
          return `${steps}: ${options?.deferFlush === false ? 'flushed' : 'deferred'}`;
        }),
    );
    expect(saves).toEqual([
      'Running: deferred',
      'Succeeded: deferred',
      'Succeeded,Running: flushed',
      'Succeeded,Succeeded: flushed',
      'Succeeded,Succeeded,Running: deferred',
      'Succeeded,Succeeded,Succeeded: deferred',
    ]);
  });

  it('stops a run whose Stage lease another replica took, and writes nothing more for it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const blocking = defineStep({
      kind: 'block',
      description: 'waits until the test lets it go',
      configSchema: z.strictObject({}),
      capabilities: [],
      async run() {
        started();
        await gate;
        return { status: 'Succeeded', output: { late: true } };
      },
    });
    const service = await setUpProject(
      ['dev'],
      [
        { uses: 'block', config: {} },
        { uses: 'compose-output', config: { ok: true } },
      ],
    );
    const key = await promote(service, 'dev');
    const paused = newController('replica-a', [blocking]);
    await paused.start();
    await running;
    // As if replica-a were paused past its lease: it runs out and replica-b takes the Stage.
    const before = (await store.get(key))!;
    const start = Date.now();
    storeTime = () => start + 60_000;
    const taken = await store.acquireLease('promotions/demo/dev', 'replica-b', 60_000);
    expect(taken).toBeDefined();
    release(); // replica-a wakes up; its step ends, and its status write is refused
    await paused.stop();
    const after = (await store.get(key))!;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect((after.status as PromotionStatus).stepExecutionMetadata?.[0]?.status).toBe('Running');
  });

  it("reads the Stage's queue from the store only when another replica held the Stage since", async () => {
    const service = await setUpProject();
    const controller = newController('replica-a');
    await controller.start();
    promotionLists = 0;
    const givenBack = () =>
      until(async () => {
        const probe = await store.acquireLease('promotions/demo/dev', 'probe', 1);
        if (probe) await store.releaseLease(probe);
        return probe !== undefined;
      });
    const first = await promote(service, 'dev');
    expect((await waitForPhase(first, (phase) => phase === 'Succeeded')).phase).toBe('Succeeded');
    // Let the run's end and the last events be handled: the lease is given back.
    await givenBack();
    // Nobody took the Stage before: the index kept from the change feed and this replica's
    // own writes answers everything (its creation, its saves, the run's end).
    expect(promotionLists).toBe(0);
    // Taken in between by another replica (here: the probe above), the next take reads the
    // store's own state once, as that replica may have finished work whose events are late.
    const second = await promote(service, 'dev');
    expect((await waitForPhase(second, (phase) => phase === 'Succeeded')).phase).toBe('Succeeded');
    await givenBack();
    await controller.stop();
    expect(promotionLists).toBe(1);
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
    expect(await store.acquireLease('promotions/demo/dev', 'replica-gone', 300)).toBeDefined();
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
    expect(await store.acquireLease('promotions/demo/dev', 'replica-c', 300)).toBeDefined();
  });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
