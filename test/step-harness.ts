import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FreightReference } from '../src/api/common.js';
import type { StepContext, StepDefinition, StepOutcome } from '../src/engine/step.js';
import { parseStepConfig } from '../src/engine/step-config.js';
import { WorkDir } from '../src/engine/work-dir.js';
import type { GitCredentials } from '../src/git/credentials.js';
import { RepositoryCache } from '../src/git/repository-cache.js';

/** Runs steps the way the engine does (config checked by the step's schema) in a temporary working directory. */
export interface StepHarness {
  workDir: WorkDir;
  repositories: RepositoryCache;
  logs: string[];
  /** What set-metadata steps wrote. */
  metadataWrites: Array<{ kind: string; name: string; values: Record<string, unknown> }>;
  run(
    step: StepDefinition,
    config: unknown,
    overrides?: Partial<StepContext>,
  ): Promise<StepOutcome>;
  cleanup(): void;
}

export function createStepHarness(
  options: {
    plan?: boolean;
    credentials?: GitCredentials;
    repositories?: RepositoryCache;
    freight?: FreightReference[];
  } = {},
): StepHarness {
  const base = mkdtempSync(join(tmpdir(), 'gantry-step-'));
  mkdirSync(join(base, 'work'));
  const workDir = new WorkDir(join(base, 'work'));
  const repositories = options.repositories ?? new RepositoryCache(join(base, 'data'));
  const logs: string[] = [];
  const metadataWrites: StepHarness['metadataWrites'] = [];
  return {
    workDir,
    repositories,
    logs,
    metadataWrites,
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
        now: () => new Date('2026-11-22T10:00:00Z'),
        ...overrides,
      };
      return await step.run(context, parseStepConfig(step, config));
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}
