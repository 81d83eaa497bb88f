import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import type { PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import { RepositoryCache } from '../git/repository-cache.js';
import { BUILTIN_STEPS } from '../steps/index.js';
import { runPromotion, type PromotionWork, type RunnerDeps } from './promotion-runner.js';
import { defineStep, type StepDefinition } from './step.js';
import { terminalError, transientError } from './step-error.js';
import { TEXT_LIMITS } from '../api/bounded-text.js';
import { until } from '../../test/in-process-cli.js';

const INSTANCE = readFileSync(
  new URL('../../examples/frontend/gitops/develop/frontend/instance.yaml', import.meta.url),
  'utf8',
);
const IMAGE = '127.0.0.1:5000/acme/frontend';

/** A step that fails transiently `failures` times, then succeeds; counts its runs. */
function flakyStep(failures: number) {
  let runs = 0;
  const step = defineStep({
    kind: 'flaky',
    description: 'test step',
    configSchema: z.strictObject({}),
    capabilities: [],
    run() {
      runs++;
      if (runs <= failures) return Promise.reject(transientError(`connection reset (run ${runs})`));
      return Promise.resolve({ status: 'Succeeded', output: { runs } });
    },
  });
  return { step, runs: () => runs };
}

describe('runPromotion', () => {
  let server: TestGitServer;
  let dir: string;
  let repositories: RepositoryCache;
  let counter = 0;

  beforeAll(async () => {
    server = await startGitServer();
    dir = mkdtempSync(join(tmpdir(), 'gantry-runner-'));
    repositories = new RepositoryCache(join(dir, 'data'));
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function deps(extra: StepDefinition[] = []): RunnerDeps & { logs: string[] } {
    const logs: string[] = [];
    return {
      steps: new Map([...BUILTIN_STEPS, ...extra].map((s) => [s.kind, s])),
      repositories,
      credentialsFor: () => Promise.resolve(undefined),
      workRoot: join(dir, 'work'),
      now: () => new Date('2026-11-22T10:00:00Z'),
      log: (_promotion, alias, line) => logs.push(`${alias}: ${line}`),
      sleep: () => Promise.resolve(),
      logs,
    };
  }

  function work(steps: PromotionStep[], vars: PromotionWork['vars'] = []): PromotionWork {
    return {
      name: `dev.01jrunner${++counter}.abc1234`,
      project: 'frontend',
      stage: 'dev',
      vars,
      steps,
      freight: {
        name: 'abc1234def',
        alias: 'quiet-quokka',
        origin: { kind: 'Warehouse', name: 'frontend' },
      },
      freightCollection: [
        {
          name: 'abc1234def',
          origin: { kind: 'Warehouse', name: 'frontend' },
          images: [{ repoURL: IMAGE, tag: '1.2.2', digest: 'sha256:aa' }],
        },
      ],
    };
  }

  /** Runs `w`, every step's start saved before it runs unless `saveRunningAfterMs` says. */
  async function run(
    w: PromotionWork,
    d = deps(),
    status: PromotionStatus = {},
    saveRunningAfterMs = 0,
  ) {
    const saved: PromotionStatus[] = [];
    // Which saves asked to survive a power loss as well.
    const durable: boolean[] = [];
    const result = await runPromotion(w, d, {
      status,
      save: (s, how) => (
        saved.push(structuredClone(s)),
        durable.push(how?.durable ?? false),
        Promise.resolve()
      ),
      signal: new AbortController().signal,
      saveRunningAfterMs,
    });
    return { result, saved, durable, logs: (d as { logs?: string[] }).logs ?? [] };
  }

  const seedSteps = (url: string): PromotionStep[] => [
    {
      uses: 'git-clone',
      as: 'clone',
      config: { repoURL: url, checkout: [{ branch: 'main', path: './repo' }] },
    },
    {
      uses: 'yaml-parse',
      as: 'current',
      config: {
        path: './repo/develop/frontend/instance.yaml',
        outputs: [{ name: 'oldTag', fromExpression: 'spec.values.deployment.tag' }],
      },
    },
    {
      uses: 'yaml-update',
      as: 'update',
      config: {
        path: './repo/develop/frontend/instance.yaml',
        updates: [
          {
            key: 'spec.values.deployment.tag',
            value: '${{ quote(imageFrom(vars.imageRepo).Tag) }}',
          },
        ],
      },
    },
    {
      uses: 'git-commit',
      as: 'commit',
      config: {
        path: './repo',
        message:
          'Promote image from ${{ outputs.current.oldTag }} to ${{ imageFrom(vars.imageRepo).Tag }}',
      },
    },
    { uses: 'git-push', as: 'push', config: { path: './repo' } },
  ];

  it('runs the seed scenario: one tag bump, one commit, one changed line', async () => {
    const url = server.createRepo('gitops1', { 'develop/frontend/instance.yaml': INSTANCE });
    const { result, saved } = await run(
      work(seedSteps(url), [{ name: 'imageRepo', value: IMAGE }]),
    );
    expect(result.phase).toBe('Succeeded');
    expect(result.stepExecutionMetadata?.map((m) => `${m.alias}:${m.status}`)).toEqual([
      'clone:Succeeded',
      'current:Succeeded',
      'update:Succeeded',
      'commit:Succeeded',
      'push:Succeeded',
    ]);
    expect(server.git('gitops1', ['log', '-1', '--format=%s', 'main']).trim()).toBe(
      'Promote image from 1.2.1 to 1.2.2',
    );
    const diff = server.git('gitops1', ['diff', 'main~1', 'main']);
    expect(diff.split('\n').filter((line) => /^[-+][^-+]/.test(line))).toEqual([
      "-      tag: '1.2.1' # the version Gantry promotes",
      '+      tag: 1.2.2 # the version Gantry promotes',
    ]);
    expect(result.state).toMatchObject({ current: { oldTag: '1.2.1' }, push: { branch: 'main' } });
    // The status was saved as each step went, for resuming after a crash.
    expect(saved.length).toBeGreaterThanOrEqual(10);
    expect(
      saved.some((s) => s.currentStep === 3 && s.stepExecutionMetadata?.[3]?.status === 'Running'),
    ).toBe(true);
  });

  it.each<[string, PromotionStep[], string, string]>([
    // Kargo's local_orchestrator_test.go TestLocalOrchestrator "runner not found".
    [
      'an unknown step',
      [{ uses: 'teleport', as: 'beam' }],
      'beam',
      'step kind "teleport" is not registered; verify the kind is correct',
    ],
    [
      'an invalid config',
      [{ uses: 'git-commit', as: 'c', config: { path: 1 } }],
      'c',
      'invalid config for git-commit: path: expected a string, got a number (1); message: required',
    ],
    [
      'an unknown function',
      [{ uses: 'compose-output', as: 'x', config: { a: '${{ frobnicate() }}' } }],
      'x',
      'a: column 5: invalid operation: cannot call nil',
    ],
    [
      'a missing var',
      [{ uses: 'compose-output', as: 'x', config: { a: '${{ vars.nope.deeper }}' } }],
      'x',
      'a: column 15: cannot fetch deeper from <nil>',
    ],
    [
      'a failing step in the middle',
      [
        { uses: 'compose-output', as: 'a', config: { ok: true } },
        { uses: 'fail', as: 'stop', config: { message: 'tests are red' } },
        { uses: 'compose-output', as: 'after', config: { ok: true } },
      ],
      'stop',
      'failed: tests are red',
    ],
  ])(
    'ends the promotion on %s, with the message on that step',
    async (_, steps, alias, message) => {
      const { result } = await run(work(steps));
      const failed = result.stepExecutionMetadata?.find((m) => m.alias === alias);
      expect(failed?.message).toBe(message);
      expect(['Failed', 'Errored']).toContain(result.phase);
      expect(result.message).toContain(`step "${alias}"`);
      expect(result.message).toContain(message);
      for (const later of result.stepExecutionMetadata?.slice(
        (result.stepExecutionMetadata?.indexOf(failed!) ?? 0) + 1,
      ) ?? []) {
        expect(later.status).toBe('Skipped');
      }
    },
  );

  it('honours if, always(), status() and continueOnError', async () => {
    const { result } = await run(
      work([
        { uses: 'fail', as: 'soft', continueOnError: true, config: { message: 'ignored' } },
        {
          uses: 'compose-output',
          as: 'ok',
          config: { s: "${{ status('soft') }}", good: '${{ success() }}' },
        },
        { uses: 'fail', as: 'hard', config: { message: 'real failure' } },
        { uses: 'compose-output', as: 'skipped', config: { ok: true } },
        {
          uses: 'compose-output',
          as: 'cleanup',
          if: '${{ always() }}',
          config: { failed: '${{ failure() }}' },
        },
        { uses: 'compose-output', as: 'never', if: 'false', config: { ok: true } },
      ]),
    );
    expect(result.stepExecutionMetadata?.map((m) => `${m.alias}:${m.status}`)).toEqual([
      'soft:Failed',
      'ok:Succeeded',
      'hard:Failed',
      'skipped:Skipped',
      'cleanup:Succeeded',
      'never:Skipped',
    ]);
    expect(result.state).toMatchObject({
      ok: { s: 'Failed', good: true },
      cleanup: { failed: true },
    });
    expect(result.phase).toBe('Failed');
  });

  it('reads Freight and Stage metadata, ConfigMaps and project secrets', async () => {
    let lookedUp = 0;
    const d = {
      ...deps(),
      lookups: () => {
        lookedUp++;
        return Promise.resolve({
          freightMetadata: { abc1234def: { tested: true } },
          stageMetadata: { dev: { owner: 'web-team' } },
          secrets: { notify: { token: 't0k3n' } },
          configMaps: { settings: { region: 'eu-west-1' } },
        });
      },
    };
    const { result } = await run(
      work([
        {
          uses: 'compose-output',
          as: 'x',
          config: {
            tested: '${{ freightMetadata(ctx.targetFreight.name).tested }}',
            owner: "${{ stageMetadata('dev').owner }}",
            none: "${{ freightMetadata('other') }}",
            header: "Bearer ${{ secret('notify').token }}",
          },
        },
        {
          uses: 'compose-output',
          as: 'y',
          // As in Kargo, a missing Secret or ConfigMap reads as an empty map.
          config: {
            region: "${{ configMap('settings').region }}",
            missing: "${{ secret('missing') }}",
            keys: "${{ len(configMap('missing')) }}",
          },
        },
        {
          uses: 'compose-output',
          as: 'z',
          if: 'always()',
          config: { length: '${{ len(outputs.x.header) }}' },
        },
        // No expression anywhere: the project's data is not read for it.
        { uses: 'compose-output', as: 'plain', config: { text: 'no $ expressions {{ here }}' } },
      ]),
      d,
    );
    expect(lookedUp).toBe(3);
    expect(result.state?.plain).toEqual({ text: 'no $ expressions {{ here }}' });
    // The secret is masked in the status; later steps still read the real value.
    expect(result.state?.x).toEqual({
      tested: true,
      owner: 'web-team',
      none: null,
      header: 'Bearer ***',
    });
    expect(result.state?.y).toEqual({ region: 'eu-west-1', missing: {}, keys: 0 });
    expect(result.state?.z).toEqual({ length: 'Bearer t0k3n'.length });
  });

  it('retries transient errors up to the threshold, never terminal ones', async () => {
    const twice = flakyStep(2);
    const { result } = await run(
      work([{ uses: 'flaky', as: 'f', retry: { errorThreshold: 3 } }]),
      deps([twice.step]),
    );
    expect(result.phase).toBe('Succeeded');
    expect(result.stepExecutionMetadata?.[0]).toMatchObject({ status: 'Succeeded', errorCount: 2 });
    const always = flakyStep(10);
    const { result: gaveUp } = await run(
      work([{ uses: 'flaky', as: 'f', retry: { errorThreshold: 3 } }]),
      deps([always.step]),
    );
    expect(gaveUp.phase).toBe('Errored');
    expect(always.runs()).toBe(3);
    expect(gaveUp.stepExecutionMetadata?.[0]?.message).toBe('connection reset (run 3)');
  });

  /** A step whose effect must not be repeated, and the saved statuses in short. */
  const once = defineStep({
    kind: 'send-once',
    description: 'stands for a step whose effect must not be repeated',
    configSchema: z.strictObject({}),
    capabilities: [],
    unsafeToRepeat: () => 'it sends a message',
    run: () => Promise.resolve({ status: 'Succeeded' as const }),
  });
  const shape = (saved: PromotionStatus[]) =>
    saved.map((s) => `${s.phase}:${s.stepExecutionMetadata?.map((m) => m.status).join(',')}`);

  it("saves the last step's end with the outcome, unless that step may not run twice", async () => {
    const plain = await run(
      work([
        { uses: 'compose-output', config: { a: 1 } },
        { uses: 'compose-output', config: { b: 2 } },
      ]),
    );
    // Each step's start and the first one's end; the second's end is the outcome's save.
    expect(shape(plain.saved)).toEqual([
      'Running:Running',
      'Running:Succeeded',
      'Running:Succeeded,Running',
      'Succeeded:Succeeded,Succeeded',
    ]);
    expect(plain.saved.at(-1)?.state).toEqual({ 'step-1': { a: 1 }, 'step-2': { b: 2 } });
    const unsafe = await run(
      work([{ uses: 'compose-output', config: { a: 1 } }, { uses: 'send-once' }]),
      deps([once]),
    );
    // A crash after it must not find it Running (resume-plan.ts would refuse to go on).
    expect(shape(unsafe.saved)).toEqual([
      'Running:Running',
      'Running:Succeeded',
      'Running:Succeeded,Running',
      'Running:Succeeded,Succeeded',
      'Succeeded:Succeeded,Succeeded',
    ]);
    // Its start and its end must survive even a power loss; the other saves may wait a moment.
    expect(unsafe.durable).toEqual([false, false, true, true, false]);
    expect(plain.durable).toEqual([false, false, false, false]);
  });

  it("saves a quick step's start with its end, a slow one's once it has run for a moment", async () => {
    // "A moment" longer than any pause of a loaded machine: these steps are always quicker.
    const quick = await run(
      work([
        { uses: 'compose-output', config: { a: 1 } },
        { uses: 'compose-output', config: { b: 2 } },
        { uses: 'send-once' },
      ]),
      deps([once]),
      {},
      600_000,
    );
    // No start of its own for a quick step; one that may not run twice is saved first always.
    expect(shape(quick.saved)).toEqual([
      'Running:Succeeded',
      'Running:Succeeded,Succeeded',
      'Running:Succeeded,Succeeded,Running',
      'Running:Succeeded,Succeeded,Succeeded',
      'Succeeded:Succeeded,Succeeded,Succeeded',
    ]);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowStep = defineStep({
      kind: 'slow',
      description: 'runs until the test lets it go',
      configSchema: z.strictObject({}),
      capabilities: [],
      run: async () => {
        await gate;
        return { status: 'Succeeded' as const };
      },
    });
    const saved: PromotionStatus[] = [];
    const running = runPromotion(work([{ uses: 'slow', config: {} }]), deps([slowStep]), {
      status: {},
      save: (s) => (saved.push(structuredClone(s)), Promise.resolve()),
      signal: new AbortController().signal,
      saveRunningAfterMs: 1,
    });
    // Its start is saved while it runs.
    await until(() => Promise.resolve(saved.length === 1), "the slow step's start saved");
    expect(shape(saved)).toEqual(['Running:Running']);
    release();
    expect((await running).phase).toBe('Succeeded');
    expect(shape(saved)).toEqual(['Running:Running', 'Succeeded:Succeeded']);
  });

  it('saves no step start once a run gave up (its save of a retry failed)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const down = defineStep({
        kind: 'down',
        description: 'fails as a service that is down',
        configSchema: z.strictObject({}),
        capabilities: [],
        run: () => Promise.reject(transientError('service unavailable')),
      });
      let saves = 0;
      const failed = runPromotion(
        work([{ uses: 'down', config: {}, retry: { errorThreshold: 3 } }]),
        deps([down]),
        {
          status: {},
          save: () => {
            saves++;
            return Promise.reject(new Error('store unavailable'));
          },
          signal: new AbortController().signal,
          saveRunningAfterMs: 250,
        },
      );
      await expect(failed).rejects.toThrow('store unavailable');
      // The retry's save, and nothing after: the deferred start's timer was stopped.
      await vi.advanceTimersByTimeAsync(1_000);
      expect(saves).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('makes the working directory only when a step uses it, and removes it at the end', async () => {
    const seen: boolean[] = [];
    const probe = defineStep({
      kind: 'probe-dir',
      description: 'says whether the working directory exists, using it only when asked',
      configSchema: z.strictObject({ use: z.boolean() }),
      capabilities: [],
      run: (context, config) => {
        const path = join(dir, 'work', 'frontend', context.promotion);
        if (config.use) writeFileSync(join(context.workDir.root, 'f'), 'x');
        seen.push(existsSync(path));
        return Promise.resolve({ status: 'Succeeded' as const });
      },
    });
    const untouched = work([{ uses: 'probe-dir', config: { use: false } }]);
    expect((await run(untouched, deps([probe]))).result.phase).toBe('Succeeded');
    const used = work([
      { uses: 'probe-dir', config: { use: true } },
      { uses: 'probe-dir', config: { use: false } },
    ]);
    expect((await run(used, deps([probe]))).result.phase).toBe('Succeeded');
    expect(seen).toEqual([false, true, true]);
    expect(existsSync(join(dir, 'work', 'frontend', used.name))).toBe(false);
  });

  it('records the health checks steps register, once each', async () => {
    const registering = defineStep({
      kind: 'register-check',
      description: 'registers a health check for the app it names',
      configSchema: z.strictObject({ app: z.string() }),
      capabilities: [],
      run: (_context, config) =>
        Promise.resolve({
          status: 'Succeeded' as const,
          healthCheck: { uses: 'test-check', config: { app: config.app } },
        }),
    });
    const { result } = await run(
      work([
        { uses: 'register-check', config: { app: 'a' } },
        { uses: 'register-check', config: { app: 'b' } },
        { uses: 'register-check', config: { app: 'a' } },
      ]),
      deps([registering]),
    );
    expect(result.healthChecks).toEqual([
      { uses: 'test-check', config: { app: 'a' } },
      { uses: 'test-check', config: { app: 'b' } },
    ]);
  });

  it('resumes at the step that was running and keeps earlier outputs', async () => {
    const url = server.createRepo('gitops2', { 'develop/frontend/instance.yaml': INSTANCE });
    const w = work(seedSteps(url), [{ name: 'imageRepo', value: IMAGE }]);
    // The server dies just after recording that the commit step started.
    let resumeFrom: PromotionStatus | undefined;
    const crashed = await runPromotion(w, deps(), {
      status: {},
      save: (s) => {
        if (s.currentStep === 3 && s.stepExecutionMetadata?.[3]?.status === 'Running') {
          resumeFrom = structuredClone(s);
          return Promise.reject(new Error('server killed'));
        }
        return Promise.resolve();
      },
      signal: new AbortController().signal,
      saveRunningAfterMs: 0,
    }).catch((err: Error) => err.message);
    expect(crashed).toBe('server killed');
    expect(resumeFrom?.currentStep).toBe(3);
    const { result, logs } = await run(w, deps(), resumeFrom ?? {});
    // Steps that had finished are not run again.
    expect(logs.filter((line) => line.startsWith('clone:') || line.startsWith('update:'))).toEqual(
      [],
    );
    expect(logs.some((line) => line.startsWith('commit: committed'))).toBe(true);
    expect(result.phase).toBe('Succeeded');
    expect(server.git('gitops2', ['log', '-1', '--format=%s', 'main']).trim()).toBe(
      'Promote image from 1.2.1 to 1.2.2',
    );
  });

  it('bounds a 1 MB step message, keeping its head and tail, in the status and the log', async () => {
    const huge = `first words ${'z'.repeat(1024 * 1024)} last words`;
    const loud = defineStep({
      kind: 'loud',
      description: 'test step',
      configSchema: z.strictObject({ fail: z.boolean() }),
      capabilities: [],
      run: (_context, config) =>
        config.fail
          ? Promise.reject(terminalError(huge))
          : Promise.resolve({ status: 'Succeeded', message: huge }),
    });
    const { result, saved, logs } = await run(
      work([
        { uses: 'loud', as: 'talk', config: { fail: false } },
        { uses: 'loud', as: 'fail', config: { fail: true } },
      ]),
      deps([loud]),
    );
    expect(result.phase).toBe('Errored');
    const max = TEXT_LIMITS.maxMessageBytes;
    for (const text of [
      result.message!,
      result.stepExecutionMetadata![0]!.message!,
      result.stepExecutionMetadata![1]!.message!,
    ]) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(max);
      expect(text).toMatch(/first words z+… \[[\d,]+ bytes cut\] …z+ last words$/);
    }
    expect(Math.max(...saved.map((s) => JSON.stringify(s).length))).toBeLessThan(4 * max);
    expect(Math.max(...logs.map((line) => line.length))).toBeLessThan(2 * max);
  });

  it('fails a step whose output would make the outputs too large to store', async () => {
    const big = defineStep({
      kind: 'big-output',
      description: 'test step',
      configSchema: z.strictObject({ kib: z.number() }),
      capabilities: [],
      run: (_context, config) =>
        Promise.resolve({ status: 'Succeeded', output: { data: 'o'.repeat(config.kib * 1024) } }),
    });
    const { result } = await run(
      work([
        { uses: 'big-output', as: 'small', config: { kib: 100 } },
        { uses: 'big-output', as: 'large', config: { kib: 200 } },
      ]),
      deps([big]),
    );
    expect(result.phase).toBe('Errored');
    expect(Object.keys(result.state ?? {})).toEqual(['small']);
    expect(result.stepExecutionMetadata![1]).toMatchObject({ alias: 'large', status: 'Errored' });
    expect(result.message).toMatch(
      /^step "large" errored: the step's output is 200 KiB and the Promotion's step outputs may take at most 256 KiB together \(100 KiB used by earlier steps\)/,
    );
  });
});
