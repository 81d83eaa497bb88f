import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FreightReference } from '../src/api/common.js';
import type { StepContext, StepDefinition, StepOutcome } from '../src/engine/step.js';
import { parseStepConfig } from '../src/engine/step-config.js';
import { WorkDir } from '../src/engine/work-dir.js';
import type { GitCredentials } from '../src/git/credentials.js';
import { RepositoryCache } from '../src/git/repository-cache.js';
import type { ArgoCdInstances } from '../src/integrations/argocd/argocd-client.js';
import { isStepError, terminalError, type StepError } from '../src/engine/step-error.js';
import { createGuardedHttp } from '../src/outbound/guarded-http.js';
import type { ArtifactRegistry } from '../src/artifacts/artifact-registry.js';
import type { ChartSource } from '../src/helm/chart-source.js';
import type { OutboundHttp } from '../src/outbound/outbound-http.js';
import {
  createOutboundPolicy,
  DEFAULT_OUTBOUND_POLICY,
  type OutboundPolicyConfig,
} from '../src/outbound/outbound-policy.js';

/** Runs steps the way the engine does (config checked by the step's schema) in a temporary working directory. */
export interface StepHarness {
  workDir: WorkDir;
  repositories: RepositoryCache;
  logs: string[];
  /** What set-metadata steps wrote. */
  metadataWrites: Array<{ kind: string; name: string; values: Record<string, unknown> }>;
  /** Freight aliases (name → alias), as set-freight-alias left them; seed it to give a Freight one. */
  freightAliases: Map<string, string>;
  run(
    step: StepDefinition,
    config: unknown,
    overrides?: Partial<StepContext>,
  ): Promise<StepOutcome>;
  /**
   * Runs a step the way the engine does until it stops answering Running: its memo handed
   * back, its retryAfterMs honoured, transient errors retried up to its error threshold.
   * Every outcome is kept in `outcomes`; gives up after `timeoutMs` (default 60 s: it only
   * detects a step that never ends, on however busy a machine).
   */
  runToEnd(
    step: StepDefinition,
    config: unknown,
    overrides?: Partial<StepContext>,
    timeoutMs?: number,
  ): Promise<StepOutcome>;
  /** Outcomes and errors of the last runToEnd, in order. */
  outcomes: Array<StepOutcome | Error>;
  /**
   * Resolves once the running runToEnd has recorded an outcome (or error) that `match`
   * accepts: how a test waits until a step has seen a state before it changes it.
   */
  untilOutcome(match: (outcome: StepOutcome | Error) => boolean): Promise<void>;
  cleanup(): void;
}

export function createStepHarness(
  options: {
    plan?: boolean;
    credentials?: GitCredentials;
    repositories?: RepositoryCache;
    freight?: FreightReference[];
    argocd?: ArgoCdInstances;
    /** The operator's --allow-local-repositories, for steps on local (file://) repositories. */
    allowLocalRepositories?: boolean;
    /** The operator's outbound policy for the http step (default: Gantry's default policy). */
    outbound?: OutboundPolicyConfig;
    /** Or the outbound client itself. */
    http?: OutboundHttp;
    /** Chart repositories for helm-update-chart (none reachable when absent). */
    charts?: ChartSource;
    /** OCI registries for oci-download (none reachable when absent). */
    artifacts?: ArtifactRegistry;
  } = {},
): StepHarness {
  const base = mkdtempSync(join(tmpdir(), 'gantry-step-'));
  mkdirSync(join(base, 'work'));
  const workDir = new WorkDir(join(base, 'work'));
  const repositories =
    options.repositories ??
    new RepositoryCache(join(base, 'data'), {
      allowLocalRepositories: options.allowLocalRepositories ?? false,
    });
  const http =
    options.http ??
    createGuardedHttp(createOutboundPolicy(options.outbound ?? DEFAULT_OUTBOUND_POLICY));
  const logs: string[] = [];
  const metadataWrites: StepHarness['metadataWrites'] = [];
  const freightAliases: StepHarness['freightAliases'] = new Map();
  const outcomes: StepHarness['outcomes'] = [];
  const harness: StepHarness = {
    workDir,
    repositories,
    logs,
    metadataWrites,
    freightAliases,
    outcomes,
    async untilOutcome(match) {
      const deadline = Date.now() + 60_000;
      while (!outcomes.some(match)) {
        if (Date.now() > deadline) throw new Error('no matching step outcome within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async runToEnd(step, config, overrides = {}, timeoutMs = 60_000) {
      outcomes.length = 0;
      const deadline = Date.now() + timeoutMs;
      const threshold = step.defaultErrorThreshold ?? 1;
      let errors = 0;
      let memo: unknown;
      for (;;) {
        let outcome: StepOutcome;
        try {
          outcome = await harness.run(step, config, { ...overrides, memo });
        } catch (err) {
          outcomes.push(err as Error);
          if (!isStepError(err) || err.terminal || ++errors >= threshold) throw err;
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        outcomes.push(outcome);
        if (outcome.status !== 'Running') return outcome;
        if (Date.now() > deadline)
          throw new Error(`step still Running after ${timeoutMs} ms: ${outcome.message ?? ''}`);
        memo = outcome.memo;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(outcome.retryAfterMs ?? 50, 50)),
        );
      }
    },
    async run(step, config, overrides = {}) {
      const context: StepContext = {
        workDir,
        project: 'demo',
        stage: 'dev',
        promotion: 'dev.01jtest.abc1234',
        alias: 'step-1',
        repositories,
        credentialsFor: () => Promise.resolve(options.credentials),
        log: (line) => logs.push(line),
        signal: new AbortController().signal,
        plan: options.plan ?? false,
        freight: options.freight ?? [],
        setMetadata: (kind, name, values) => {
          metadataWrites.push({ kind, name, values });
          return Promise.resolve();
        },
        setFreightAlias: (name, alias) => {
          const previous = freightAliases.get(name);
          if (previous === undefined)
            return Promise.reject(terminalError(`freight "${name}" not found in project "demo"`));
          if ([...freightAliases].some(([other, taken]) => other !== name && taken === alias))
            return Promise.reject(
              terminalError(
                `alias "${alias}" is already used by another Freight in project "demo"`,
              ),
            );
          freightAliases.set(name, alias);
          return Promise.resolve({ previous });
        },
        now: () => new Date('2026-11-22T10:00:00Z'),
        actor: 'alice',
        argocd: options.argocd,
        http,
        charts: options.charts,
        artifacts: options.artifacts,
        ...overrides,
      };
      return await step.run(context, parseStepConfig(step, config));
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The StepError a step fails with; fails the test if it succeeds or throws anything else. */
export async function stepError(promise: Promise<unknown>): Promise<StepError> {
  try {
    await promise;
  } catch (err) {
    if (isStepError(err)) return err;
    throw err;
  }
  throw new Error('expected the step to fail');
}
