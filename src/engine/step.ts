import type { z } from 'zod';
import type { FreightReference } from '../api/common.js';
import type { GitCredentials } from '../git/credentials.js';
import type { RepositoryCache } from '../git/repository-cache.js';
import type { ArtifactRegistry } from '../artifacts/artifact-registry.js';
import type { ChartSource } from '../helm/chart-source.js';
import type { ForgeConnector } from '../forges/forge.js';
import type { ArgoCdInstances } from '../integrations/argocd/argocd-client.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import type { WorkDir } from './work-dir.js';

/** What a step may use. Handed in by the engine; steps never reach for globals. */
export interface StepContext {
  workDir: WorkDir;
  project: string;
  stage: string;
  promotion: string;
  /** The step's alias, e.g. `commit` or `promote::update`. */
  alias: string;
  repositories: RepositoryCache;
  /** Credentials for a repository URL, from the project's secrets (git ones by default). */
  credentialsFor(url: string, kind?: 'git' | 'helm' | 'image'): Promise<GitCredentials | undefined>;
  /** OCI registries (oci-download). */
  artifacts?: ArtifactRegistry | undefined;
  /** Chart repositories and registries (helm-update-chart). */
  charts?: ChartSource | undefined;
  /** One line of the step's log (shown by `gantry logs promotion`). */
  log(line: string): void;
  signal: AbortSignal;
  /** The Freight being promoted, and the Stage's current Freight from its other origins. */
  freight: FreightReference[];
  /** Writes `status.metadata` of a Stage or Freight of the project (set-metadata). */
  setMetadata(
    kind: 'Stage' | 'Freight',
    name: string,
    values: Record<string, unknown>,
  ): Promise<void>;
  /**
   * Changes the alias of a Freight of the project (set-freight-alias) and answers the one it
   * had. Rejects with a terminal error for a missing Freight or an alias another one holds;
   * absent where Freight cannot be changed.
   */
  setFreightAlias?(name: string, alias: string): Promise<{ previous: string }>;
  /** Plan mode: report outside effects instead of making them. */
  plan: boolean;
  now(): Date;
  /** Who asked for the Promotion (a user, or `system:auto-promotion`). */
  actor?: string | undefined;
  /**
   * Outbound HTTP (the http step), under the operator's outbound policy: refused destinations
   * reject with a NotAllowed error.
   */
  http: OutboundHttp;
  /** Git hosts' pull requests (git-open-pr, git-wait-for-pr, git-merge-pr). */
  forges?: ForgeConnector | undefined;
  /** The UI's base URL (Kargo's UIBaseURL), empty when none is configured. */
  uiBaseUrl?: string | undefined;
  /** The Argo CD control planes configured on this server (argocd-update, argocd-wait). */
  argocd?: ArgoCdInstances | undefined;
  /**
   * What this step returned as `memo` the last time it answered Running, within this run of
   * the Promotion (kept in memory only: after a restart the step starts with none).
   */
  memo?: unknown;
}

/** `Skipped`: the step found nothing to do (Kargo's git-commit with no changes); later steps run on. */
export type StepStatus = 'Succeeded' | 'Failed' | 'Running' | 'Skipped';

export interface StepOutcome {
  status: StepStatus;
  /** The step's outputs, readable by later steps as `outputs.<alias>`. */
  output?: Record<string, unknown> | undefined;
  message?: string | undefined;
  /**
   * A health check the step registers for the Stage (Kargo: argocd-update registers one per
   * Application): after the promotion, the Stage is healthy when every registered check is.
   */
  healthCheck?: { uses: string; config?: Record<string, unknown> | undefined } | undefined;
  /** With Running: how soon to ask again (ms); the engine's default poll otherwise. */
  retryAfterMs?: number | undefined;
  /** With Running: handed back as `context.memo` on the next call. */
  memo?: unknown;
}

/** What a step needs from outside the working directory (documentation and plan mode). */
export type StepCapability =
  'git' | 'credentials' | 'http' | 'argocd' | 'metadata' | 'pull-requests';

/**
 * A built-in step: a strict config schema (checked after expressions are evaluated; a bad
 * config is a terminal error, never retried), retry defaults, and `run`. Steps are listed
 * explicitly in steps/index.ts.
 */
export interface StepDefinition<Schema extends z.ZodType = z.ZodType> {
  kind: string;
  description: string;
  configSchema: Schema;
  capabilities: StepCapability[];
  /** How many consecutive errors end the step (Kargo's errorThreshold); default 1. */
  defaultErrorThreshold?: number;
  /** How long the step may keep returning Running (ms); 0 for no limit. */
  defaultTimeoutMs?: number;
  run(context: StepContext, config: z.output<Schema>): Promise<StepOutcome>;
  /**
   * Why running the step a second time could repeat an outside effect (an http POST), judged
   * from its config as written, expressions unevaluated (an expression where the answer
   * depends on it counts as unsafe); undefined when repeating it is safe, which is the rule:
   * steps are written to be idempotent against the outside (git-push of the same content
   * pushes nothing, git-open-pr finds the pull request it opened). A Promotion interrupted
   * during or after such a step is not run again when it resumes: it fails, saying so.
   */
  unsafeToRepeat?(config: Readonly<Record<string, unknown>>): string | undefined;
}

/** Declares a step with its config type inferred from the schema. */
export function defineStep<Schema extends z.ZodType>(
  definition: StepDefinition<Schema>,
): StepDefinition<Schema> {
  return definition;
}
