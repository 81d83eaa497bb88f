import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { boundMessage, TEXT_LIMITS } from '../api/bounded-text.js';
import type { ExpressionVariable, FreightReference, PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import { describeBytes } from '../api/input-limits.js';
import { SecretSet } from '../api/secret-set.js';
import { formatTimestamp } from '../api/timestamp.js';
import { isGantryError } from '../errors.js';
import type { Environment } from '../expr/evaluator.js';
import { isExprError } from '../expr/expr-error.js';
import { GoStruct } from '../expr/functions/go-struct.js';
import { parseGoTime } from '../expr/time-values.js';
import { StrictRecord } from '../expr/values.js';
import { standardFunctions } from '../expr/functions/index.js';
import {
  evaluateConfig,
  evaluateTemplate,
  evaluateTemplateGo,
  hasExpressions,
} from '../expr/template.js';
import type { GitCredentials } from '../git/credentials.js';
import type { RepositoryCache } from '../git/repository-cache.js';
import type { ArgoCdInstances } from '../integrations/argocd/argocd-client.js';
import { noArtifactRegistry, type ArtifactRegistry } from '../artifacts/artifact-registry.js';
import { noForges, type ForgeConnector } from '../forges/forge.js';
import { noChartSource, type ChartSource } from '../helm/chart-source.js';
import { noOutboundHttp, type OutboundHttp } from '../outbound/outbound-http.js';
import { TASK_ALIAS_SEPARATOR } from './inflate-steps.js';
import type { FreightRequestRef } from './freight-finder.js';
import { promotionFunctions, type ProjectLookups, type StepRecord } from './promotion-functions.js';
import type { StepContext, StepDefinition, StepOutcome } from './step.js';
import { parseStepConfig } from './step-config.js';
import { isStepError, terminalError } from './step-error.js';
import type { Nudges } from './nudges.js';
import { WorkDir } from './work-dir.js';
import { FINISHED_STEP } from './resume-plan.js';
import { linkSignals } from '../abort-signals.js';
import { yieldToEventLoop } from '../event-loop.js';
import { elapsedSeconds, type Metrics } from '../metrics/metrics.js';

/** A Promotion as the runner needs it: its (inflated) steps and what it promotes. */
export interface PromotionWork {
  name: string;
  project: string;
  stage: string;
  actor?: string | undefined;
  rollback?: boolean | undefined;
  vars: ExpressionVariable[];
  steps: PromotionStep[];
  freight: { name: string; alias?: string | undefined; origin: { kind: string; name: string } };
  /** The promoted Freight and the Stage's current Freight from its other origins. */
  freightCollection: FreightReference[];
  /**
   * The origins the Stage requests (`spec.requestedFreight`): imageFrom() & co. without
   * warehouse() pick the one whose Warehouse subscribes to the artifact, as Kargo does.
   * Absent, they look through `freightCollection` alone.
   */
  freightRequests?: FreightRequestRef[] | undefined;
  /** The UI's base URL, `ctx.uiBaseUrl` (empty when none is configured, as in Kargo). */
  uiBaseUrl?: string | undefined;
  /** The Target promoted to, when the Promotion has one: `target.params` and `target.labels`. */
  target?: { params: Record<string, unknown>; labels: Record<string, string> } | undefined;
}

export interface RunnerDeps {
  steps: ReadonlyMap<string, StepDefinition>;
  repositories: RepositoryCache;
  /** Repository credentials of the project: git ones unless `kind` says otherwise. */
  credentialsFor(
    project: string,
    url: string,
    kind?: 'git' | 'helm' | 'image',
  ): Promise<GitCredentials | undefined>;
  /** Chart repositories for helm-update-chart; every request fails when absent. */
  charts?: ChartSource | undefined;
  /** OCI registries for oci-download; every request fails when absent. */
  artifacts?: ArtifactRegistry | undefined;
  /** Working directories live under this directory, one per Promotion. */
  workRoot: string;
  now(): Date;
  log(promotion: string, alias: string, line: string): void;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Project data for freightMetadata(), stageMetadata() and secret(). */
  lookups?(project: string): Promise<ProjectLookups>;
  /** Git hosts for the pull-request steps; none reachable when absent. */
  forges?: ForgeConnector | undefined;
  /** Argo CD control planes for the argocd steps; none configured when absent. */
  argocd?: ArgoCdInstances | undefined;
  /** Outbound HTTP under the operator's policy (the http step); without it, all is refused. */
  http?: OutboundHttp | undefined;
  /** Secret values of the server's own configuration (Argo CD tokens): always masked. */
  knownSecrets?: readonly string[] | undefined;
  /** Merges values into a Stage's or Freight's `status.metadata`. */
  setMetadata?(
    project: string,
    kind: 'Stage' | 'Freight',
    name: string,
    values: Record<string, unknown>,
  ): Promise<void>;
  /** Changes a Freight's alias (set-freight-alias), answering the previous one. */
  setFreightAlias?(project: string, name: string, alias: string): Promise<{ previous: string }>;
  /** Where steps' outcomes and retried errors are reported (never in plan mode). */
  metrics?: Pick<Metrics, 'stepFinished' | 'promotionRetryableError'> | undefined;
}

export interface RunOptions {
  /** The Promotion's status so far (empty for a new one, partial when resuming). */
  status: PromotionStatus;
  /**
   * Persists the status; called after every change, so a crash resumes where it stopped.
   * `durable`: the save must survive a power loss as well (the start and end of a step that may
   * not run twice, which a resume must find), where others may wait a moment for the disk.
   */
  save(status: PromotionStatus, how?: { durable: boolean }): Promise<void>;
  /** A user's abort: the Promotion ends Aborted. */
  signal: AbortSignal;
  /**
   * Shutdown: the runner stops between steps and returns with the Promotion still Running and
   * its working directory kept, so the next start resumes it.
   */
  interrupt?: AbortSignal | undefined;
  /**
   * Plan mode: steps that reach outside report what they would do instead, and the working
   * trees are deleted at the end rather than kept for the next promotion, so a plan leaves
   * nothing behind.
   */
  plan?: boolean | undefined;
  /**
   * The Promotion's secret set: secret(), repository credentials and `knownSecrets` register
   * into it, and everything the runner writes out (saved statuses, log lines, metadata, the
   * returned status) is masked with it. A new one is made when absent.
   */
  secrets?: SecretSet | undefined;
  /**
   * How long a step runs before its start is saved (default 250 ms; 0: before it runs, always).
   * A step that may not run twice is always saved before it runs.
   */
  saveRunningAfterMs?: number | undefined;
  /**
   * Fires when the Promotion was asked to look again (a webhook said the pull request it
   * waits on changed): a step waiting between polls asks again at once.
   */
  nudges?: Nudges | undefined;
}

type StepMeta = NonNullable<PromotionStatus['stepExecutionMetadata']>[number];

const DEFAULT_POLL_MS = 10_000;

/**
 * Runs a Promotion's steps in order in its working directory, as Kargo's engine does:
 * a step without `if` is skipped once an earlier one failed (continueOnError ones aside);
 * `if` decides otherwise; transient errors are retried with backoff up to the step's error
 * threshold; terminal ones end the step at once. Outputs are kept in `status.state` by alias.
 * The status is saved after every step, so after a crash the Promotion resumes at the step
 * that was running (steps are written so running them again is safe).
 */
export async function runPromotion(
  work: PromotionWork,
  rawDeps: RunnerDeps,
  rawOptions: RunOptions,
): Promise<PromotionStatus> {
  // Masking happens here, where data leaves the runner: outputs stay usable in memory by later
  // steps, but every copy that is saved, logged or returned has its secrets replaced by ***.
  // (After a restart, a resumed Promotion therefore reads masked outputs of earlier steps.)
  const secrets = rawOptions.secrets ?? new SecretSet();
  secrets.addAll(rawDeps.knownSecrets ?? []);
  const deps: RunnerDeps = {
    ...rawDeps,
    log: (promotion, alias, line) => rawDeps.log(promotion, alias, secrets.maskText(line)),
    credentialsFor: async (project, url, kind) => {
      const credentials = await rawDeps.credentialsFor(project, url, kind);
      if (credentials?.password) {
        secrets.add(credentials.password);
        secrets.add(`${credentials.username}:${credentials.password}`);
      }
      return credentials;
    },
    ...(rawDeps.setMetadata && {
      setMetadata: (project, kind, name, values) =>
        rawDeps.setMetadata!(project, kind, name, secrets.mask(values)),
    }),
  };
  // Saves run one after another, each of the status as it was when asked (a step's own save
  // may come while a deferred one is on its way).
  let saving: Promise<void> = Promise.resolve();
  const options: RunOptions = {
    ...rawOptions,
    secrets,
    save: (current, how) => {
      const masked = secrets.mask(current);
      const saved = saving.then(() => rawOptions.save(masked, how));
      saving = saved.catch(() => undefined);
      return saved;
    },
  };
  const saveRunningAfterMs = rawOptions.saveRunningAfterMs ?? SAVE_RUNNING_AFTER_MS;
  const status: PromotionStatus = structuredClone(options.status);
  status.phase = 'Running';
  status.startedAt ??= formatTimestamp(deps.now());
  status.stepExecutionMetadata ??= [];
  status.state ??= {};
  delete status.message;
  const workPath = join(deps.workRoot, work.project, work.name);
  // Made when a step first asks for it: a Promotion whose steps never touch files (or a
  // resumed one that has it already) makes and removes no directory.
  let opened: WorkDir | undefined;
  const workDir = () => {
    if (!opened) {
      mkdirSync(workPath, { recursive: true });
      opened = new WorkDir(workPath);
    }
    return opened;
  };
  const metas = status.stepExecutionMetadata;
  const state = status.state as Record<string, Record<string, unknown>>;

  for (let index = status.currentStep ?? 0; index < work.steps.length; index++) {
    // Steps that finish without I/O (and store writes, synchronous underneath on SQLite) would
    // otherwise run a whole Promotion in one turn of the event loop, holding every request.
    await yieldToEventLoop();
    status.currentStep = index;
    const step = work.steps[index]!;
    const alias = step.as ?? `step-${index + 1}`;
    const meta: StepMeta = (metas[index] ??= {
      alias,
      startedAt: formatTimestamp(deps.now()),
      errorCount: 0,
    });
    if (meta.status && FINISHED_STEP.has(meta.status)) continue;
    if (step.continueOnError) meta.continueOnError = true;
    meta.status = 'Running';
    // A step's start is saved before it runs when running it twice could repeat an outside
    // effect (so that a resume never runs it again unknowingly; durably, so that not even a
    // power loss undoes that save, nor the one of its end); otherwise once it has run for
    // a moment (the Promotion then shows Running, its Stage the Promotion, the UI the step). A
    // crash before that save runs the step again, as after any crash mid-step. A step that
    // ends sooner is saved with its end: a quick step (yaml-update, compose-output) costs one
    // write instead of two, and a quick one-step Promotion goes from Pending to its outcome
    // in one (issue 17).
    const unsafe = repeatIsUnsafe(step, deps);
    const deferred =
      unsafe || saveRunningAfterMs <= 0
        ? undefined
        : saveIfStillRunning(() => options.save(status), saveRunningAfterMs);
    if (!deferred) await options.save(status, { durable: unsafe });

    const log = (line: string) => deps.log(work.name, alias, line);
    // Project data is read only for expressions (freightMetadata(), secret(), …): a step whose
    // texts hold none reads none, where it read seven of the project's lists (issue 17).
    const lookups =
      deps.lookups && readsExpressions(step, work) ? await deps.lookups(work.project) : undefined;
    const environment = stepEnvironment(work, alias, state, {
      steps: () =>
        metas.slice(0, index).map((m) => ({
          alias: m.alias ?? '',
          status: m.status ?? '',
          continueOnError: m.continueOnError,
        })),
      stepMetas: () => metas,
      lookups,
      secrets,
    });

    const earlierFailed = metas
      .slice(0, index)
      .some((m) => (m.status === 'Failed' || m.status === 'Errored') && !m.continueOnError);
    // Linked, not AbortSignal.any: the sources outlive the step (abort-signals.ts).
    const link = options.interrupt ? linkSignals([options.signal, options.interrupt]) : undefined;
    const stepStarted = Date.now();
    const outcome = await runStep(step, alias, meta, {
      work,
      deps,
      options,
      status,
      earlierFailed,
      workDir,
      log,
      environment,
      signal: link?.signal ?? options.signal,
    })
      .finally(() => link?.dispose())
      .catch(async (err: unknown) => {
        // No start saved after the run gave up: the deferred save is stopped (or waited for).
        await deferred?.settle().catch(() => undefined);
        throw err;
      });
    await deferred?.settle();
    if (outcome === 'interrupted') return secrets.mask(status);
    if (outcome === 'aborted') {
      meta.status = 'Aborted';
      meta.finishedAt = formatTimestamp(deps.now());
      return finish(status, work, deps, options, workPath, 'Aborted', 'aborted');
    }
    meta.finishedAt = formatTimestamp(deps.now());
    if (!options.plan && ['Succeeded', 'Failed', 'Errored'].includes(meta.status))
      deps.metrics?.stepFinished(
        work.project,
        step.uses ?? '',
        meta.status,
        elapsedSeconds(meta.startedAt, stepStarted, Date.now()),
      );
    if (outcome.healthCheck && (meta.status as string) === 'Succeeded') {
      // Re-running a step after a restart must not register its check twice.
      const checks = (status.healthChecks ??= []);
      const check = {
        uses: outcome.healthCheck.uses,
        ...(outcome.healthCheck.config ? { config: outcome.healthCheck.config } : {}),
      };
      if (!checks.some((c) => JSON.stringify(c) === JSON.stringify(check))) checks.push(check);
    }
    if (outcome.output) {
      state[alias] = outcome.output;
      // compose-output inside a task also publishes under the task's alias (Kargo).
      if (step.uses === 'compose-output' && alias.includes(TASK_ALIAS_SEPARATOR)) {
        const taskAlias = alias.slice(0, alias.indexOf(TASK_ALIAS_SEPARATOR));
        state[taskAlias] = { ...state[taskAlias], ...outcome.output };
      }
    }
    // The last step's end is saved with the Promotion's outcome, which follows at once: a
    // crash in between finds the step Running and runs it again, as after any crash mid-step.
    // A step that may not run twice keeps its own save, so that it is never resumed past.
    if (index < work.steps.length - 1 || unsafe) await options.save(status, { durable: unsafe });
  }

  const blocking = metas.find(
    (m) => (m.status === 'Errored' || m.status === 'Failed') && !m.continueOnError,
  );
  const phase = metas.some((m) => m.status === 'Errored' && !m.continueOnError)
    ? 'Errored'
    : blocking
      ? 'Failed'
      : 'Succeeded';
  // Kargo's wording: a Failed step's message after `step "<alias>": ` (the fail step's own says
  // `failed: …`); an Errored one after `step "<alias>" errored: `.
  const message = blocking
    ? (blocking.status === 'Errored'
        ? `step "${blocking.alias}" errored: ${blocking.message ?? ''}`
        : `step "${blocking.alias}": ${blocking.message || 'failed'}`
      ).trim()
    : undefined;
  return finish(status, work, deps, options, workPath, phase, message);
}

/**
 * The expressions' environment of one step (Kargo's BuildExprEnv): `ctx`, `outputs`, `task`,
 * `vars` (given as `extra`), and the standard and promotion functions.
 */
export function stepEnvironment(
  work: PromotionWork,
  alias: string,
  state: Record<string, Record<string, unknown>>,
  context: {
    steps: () => StepRecord[];
    /** The Promotion's step execution metadata so far: `stepMetas`, by alias. */
    stepMetas?: () => StepMeta[];
    lookups?: ProjectLookups | undefined;
    secrets?: SecretSet | undefined;
  },
): (extra?: Record<string, unknown>) => Environment {
  // The functions depend on nothing `extra` changes: built once per step, where every
  // environment asked for (several per step) built them again.
  let functions: Environment['functions'] | undefined;
  return (extra = {}) => ({
    variables: {
      ...baseVariables(work, alias, state),
      stepMetas: stepMetasOf(context.stepMetas?.() ?? []),
      ...extra,
    },
    functions: (functions ??= {
      ...standardFunctions,
      ...promotionFunctions({
        freight: work.freightCollection,
        project: work.project,
        freightRequests: work.freightRequests,
        steps: context.steps,
        currentAlias: alias,
        lookups: context.lookups,
        secrets: context.secrets,
      }),
    }),
  });
}

const NO_ENVIRONMENT: Environment = { variables: {}, functions: {} };

/** Whether evaluating the step (its `if`, config and vars, the Promotion's vars) may call a function. */
function readsExpressions(step: PromotionStep, work: PromotionWork): boolean {
  const holds = (value: unknown): boolean =>
    typeof value === 'string'
      ? hasExpressions(value)
      : Array.isArray(value)
        ? value.some(holds)
        : typeof value === 'object' && value !== null && Object.values(value).some(holds);
  return (
    !!step.if ||
    holds(step.config) ||
    [...(step.vars ?? []), ...work.vars].some((variable) => holds(variable.value))
  );
}

/**
 * Kargo's `stepMetas`: each step's StepExecutionMetadata by alias, read by Go field names
 * (`stepMetas['build'].Status`).
 */
function stepMetasOf(metas: StepMeta[]): Record<string, GoStruct> {
  // StartedAt and FinishedAt are times (*metav1.Time in Kargo): `.Before()`, `now() - …`.
  const time = (text: string | undefined) => {
    if (!text) return null;
    try {
      return parseGoTime(text, '2006-01-02T15:04:05Z07:00');
    } catch {
      return text;
    }
  };
  return Object.fromEntries(
    metas.map((meta) => [
      meta.alias ?? '',
      new GoStruct(
        'v1alpha1.StepExecutionMetadata',
        {
          Alias: meta.alias ?? '',
          StartedAt: time(meta.startedAt),
          FinishedAt: time(meta.finishedAt),
          ErrorCount: meta.errorCount ?? 0,
          Status: meta.status ?? '',
          Message: meta.message ?? '',
          ContinueOnError: meta.continueOnError ?? false,
        },
        Object.fromEntries(
          Object.entries(meta).filter(
            ([, v]) => v !== undefined && v !== '' && v !== 0 && v !== false,
          ),
        ),
      ),
    ]),
  );
}

export interface StepRun {
  work: PromotionWork;
  deps: RunnerDeps;
  options: RunOptions;
  /** The live status being built (saved between retries). */
  status: PromotionStatus;
  /** Whether an earlier step failed or errored (continueOnError ones aside). */
  earlierFailed: boolean;
  /** The Promotion's working directory, made on first use. */
  workDir: () => WorkDir;
  log: (line: string) => void;
  environment: (extra?: Record<string, unknown>) => Environment;
  /** Aborts when the Promotion is aborted or interrupted. */
  signal: AbortSignal;
}

async function runStep(
  step: PromotionStep,
  alias: string,
  meta: StepMeta,
  run: StepRun,
): Promise<Pick<StepOutcome, 'output' | 'healthCheck'> | 'aborted' | 'interrupted'> {
  const { deps, options } = run;
  let shouldRun: boolean;
  try {
    shouldRun = decide(step, run);
  } catch (err) {
    return errored(meta, err, run.log);
  }
  if (!shouldRun) {
    meta.status = 'Skipped';
    run.log('skipped');
    return {};
  }
  const definition = step.uses ? run.deps.steps.get(step.uses) : undefined;
  if (!definition)
    // Kargo's wording (local_orchestrator.go); Kargo too goes on to the next step, whose `if`
    // may still let it run.
    return errored(
      meta,
      terminalError(`step kind "${step.uses ?? ''}" is not registered; verify the kind is correct`),
      run.log,
    );
  const threshold = step.retry?.errorThreshold || definition.defaultErrorThreshold || 1;
  const started = Date.now();
  const timeoutMs = step.retry?.timeout
    ? parseTimeout(step.retry.timeout)
    : (definition.defaultTimeoutMs ?? 0);
  const signal = run.signal;
  let memo: unknown;
  for (;;) {
    if (options.interrupt?.aborted) return 'interrupted';
    if (options.signal.aborted) return 'aborted';
    try {
      const config = stepConfig(step, run);
      const context: StepContext = {
        get workDir() {
          return run.workDir();
        },
        project: run.work.project,
        stage: run.work.stage,
        promotion: run.work.name,
        alias,
        repositories: deps.repositories,
        credentialsFor: (url, kind) => deps.credentialsFor(run.work.project, url, kind),
        charts: deps.charts ?? noChartSource,
        artifacts: deps.artifacts ?? noArtifactRegistry,
        log: run.log,
        signal,
        freight: run.work.freightCollection,
        setMetadata: (kind, name, values) => {
          if (!deps.setMetadata)
            return Promise.reject(terminalError('set-metadata is not available here'));
          return deps.setMetadata(run.work.project, kind, name, values);
        },
        setFreightAlias: (name, alias) => {
          if (!deps.setFreightAlias)
            return Promise.reject(terminalError('set-freight-alias is not available here'));
          return deps.setFreightAlias(run.work.project, name, alias);
        },
        plan: !!options.plan,
        now: () => deps.now(),
        actor: run.work.actor,
        argocd: deps.argocd,
        forges: deps.forges ?? noForges,
        uiBaseUrl: run.work.uiBaseUrl ?? '',
        http: deps.http ?? noOutboundHttp,
        memo,
      };
      const outcome = await definition.run(context, parseStepConfig(definition, config));
      if (outcome.status === 'Running') {
        if (timeoutMs > 0 && Date.now() - started > timeoutMs) {
          return errored(
            meta,
            terminalError(`timed out after ${step.retry?.timeout ?? `${timeoutMs / 1000}s`}`),
            run.log,
          );
        }
        if (outcome.message && boundMessage(outcome.message) !== meta.message) {
          // What it waits for, visible while it waits.
          meta.message = boundMessage(outcome.message);
          await options.save(run.status);
        }
        const state = (run.status.state ??= {});
        if (outcome.output && JSON.stringify(outcome.output) !== JSON.stringify(state[alias])) {
          // What it has seen so far (Kargo keeps a running step's output too): the pull request
          // git-wait-for-pr waits on, for the UI, the CLI and the webhooks that wake it.
          checkOutputsFit(state, alias, outcome.output);
          state[alias] = outcome.output;
          await options.save(run.status);
        }
        memo = outcome.memo;
        await sleepUnlessNudged(
          deps,
          Math.max(10, outcome.retryAfterMs ?? DEFAULT_POLL_MS),
          signal,
          options.nudges,
        );
        continue;
      }
      if (outcome.output) checkOutputsFit(run.status.state ?? {}, alias, outcome.output);
      meta.status = outcome.status;
      if (outcome.message) meta.message = boundMessage(outcome.message);
      return { output: outcome.output, healthCheck: outcome.healthCheck };
    } catch (err) {
      if (options.interrupt?.aborted) return 'interrupted';
      if (options.signal.aborted) return 'aborted';
      const transient = isStepError(err)
        ? !err.terminal
        : !isExprError(err) && !isGantryError(err, 'Invalid');
      meta.errorCount = (meta.errorCount ?? 0) + 1;
      if (!transient || meta.errorCount >= threshold) return errored(meta, err, run.log);
      if (!options.plan) deps.metrics?.promotionRetryableError(run.work.project);
      run.log(`attempt ${meta.errorCount} of ${threshold} failed, retrying: ${describe(err)}`);
      meta.message = describe(err);
      await options.save(run.status);
      await deps.sleep(Math.min(30_000, 1_000 * 2 ** (meta.errorCount - 1)), signal);
    }
  }
}

/** Sleeps `ms`, or less when the Promotion is nudged meanwhile. */
async function sleepUnlessNudged(
  deps: RunnerDeps,
  ms: number,
  signal: AbortSignal,
  nudges: Nudges | undefined,
): Promise<void> {
  if (!nudges) return deps.sleep(ms, signal);
  const woken = new AbortController();
  const stop = nudges.subscribe(() => woken.abort());
  // Once per poll, for as long as the step waits: linked, not AbortSignal.any (abort-signals.ts).
  const link = linkSignals([signal, woken.signal]);
  try {
    await deps.sleep(ms, link.signal);
  } finally {
    link.dispose();
    stop();
  }
}

/** Without `if`, a step runs only while nothing before it failed; `if` decides otherwise. */
export function decide(
  step: PromotionStep,
  run: Pick<StepRun, 'work' | 'environment' | 'earlierFailed'>,
): boolean {
  // Kargo's ShouldSkip: an empty `if` is no condition.
  if (!step.if) return !run.earlierFailed;
  const source = step.if.includes('${') ? step.if : `\${{ ${step.if} }}`;
  // As Kargo's ShouldSkip: the condition sees the Promotion's vars and the step's own.
  const value = evaluateTemplate(
    source,
    run.environment({ vars: new StrictRecord('vars', stepVars(step, run)) }),
  );
  if (typeof value !== 'boolean')
    throw terminalError(`if: must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** A step's vars (Kargo's StepEvaluator.Vars): the Promotion's, then the step's own. */
export function stepVars(
  step: PromotionStep,
  run: Pick<StepRun, 'work' | 'environment'>,
): Record<string, unknown> {
  const inherited = promotionVars(run);
  return evaluateVars(
    step.vars ?? [],
    run.environment({ vars: new StrictRecord('vars', inherited) }),
    inherited,
  );
}

/** A step's config with its expressions evaluated (Kargo's StepEvaluator.Config). */
export function stepConfig(
  step: PromotionStep,
  run: Pick<StepRun, 'work' | 'environment'>,
): unknown {
  // Without an expression anywhere, evaluating is copying: no environment is built for it
  // (several per step, each with the step metadata's times parsed; issue 17).
  if (!readsExpressions(step, run.work)) return evaluateConfig(step.config ?? {}, NO_ENVIRONMENT);
  const vars = stepVars(step, run);
  return evaluateConfig(
    step.config ?? {},
    run.environment({ vars: new StrictRecord('vars', vars) }),
  );
}

export function promotionVars(run: Pick<StepRun, 'work' | 'environment'>): Record<string, unknown> {
  // Kargo: the Promotion's vars see `ctx` and the vars before them, not the steps' outputs.
  const environment = run.environment();
  const {
    outputs: _outputs,
    task: _task,
    stepMetas: _stepMetas,
    ...variables
  } = environment.variables;
  return evaluateVars(run.work.vars, { ...environment, variables }, {});
}

export function evaluateVars(
  vars: ExpressionVariable[],
  environment: Environment,
  inherited: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...inherited };
  for (const variable of vars) {
    // Kargo evaluates every var; one without a value is "" (and replaces an earlier value).
    try {
      out[variable.name] = evaluateTemplateGo(variable.value ?? '', {
        ...environment,
        variables: { ...environment.variables, vars: new StrictRecord('vars', { ...out }) },
      });
    } catch (err) {
      if (isExprError(err)) throw terminalError(`vars.${variable.name}: ${err.message}`);
      throw err;
    }
  }
  return out;
}

export function baseVariables(
  work: PromotionWork,
  alias: string,
  state: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  const variables: Record<string, unknown> = {
    ctx: {
      uiBaseUrl: work.uiBaseUrl ?? '',
      project: work.project,
      stage: work.stage,
      promotion: work.name,
      targetFreight: {
        name: work.freight.name,
        alias: work.freight.alias ?? '',
        origin: { name: work.freight.origin.name },
      },
      meta: { promotion: { actor: work.actor ?? '', rollback: !!work.rollback }, step: { alias } },
    },
    outputs: new StrictRecord('outputs', { ...state }),
    vars: new StrictRecord('vars', {}),
  };
  // Kargo: `task` only for a step inflated from a task (alias `task::step`), holding the outputs
  // of that task's steps by their own aliases; `target` only when promoting to a Target.
  const parts = alias.split(TASK_ALIAS_SEPARATOR);
  if (parts.length === 2 && parts[0]) {
    const prefix = `${parts[0]}${TASK_ALIAS_SEPARATOR}`;
    const taskOutputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(state))
      if (key.startsWith(prefix) && key.split(TASK_ALIAS_SEPARATOR).length === 2)
        taskOutputs[key.slice(prefix.length)] = value;
    variables.task = { outputs: new StrictRecord('task.outputs', taskOutputs) };
  }
  if (work.target) variables.target = { params: work.target.params, labels: work.target.labels };
  return variables;
}

function errored(
  meta: StepMeta,
  err: unknown,
  log: (line: string) => void,
): { output?: undefined } {
  meta.status = 'Errored';
  meta.message = describe(err);
  log(`error: ${meta.message}`);
  return {};
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Bounded: a huge error must never make the status too large to store (head and tail kept).
  return boundMessage(message);
}

/**
 * Step outputs are data later steps read, so they are never cut: a step whose output would
 * take the Promotion's outputs past `TEXT_LIMITS.maxStepOutputsBytes` fails (terminally)
 * instead of making the Promotion too large to store.
 */
function checkOutputsFit(
  state: Record<string, unknown>,
  alias: string,
  output: Record<string, unknown>,
): void {
  const max = TEXT_LIMITS.maxStepOutputsBytes;
  const own = Buffer.byteLength(JSON.stringify(output));
  const others = Buffer.byteLength(JSON.stringify({ ...state, [alias]: undefined }));
  if (own + others > max) {
    throw terminalError(
      `the step's output is ${describeBytes(own)} and the Promotion's step outputs may take at most ${describeBytes(max)} together (${describeBytes(others)} used by earlier steps): write large data to a file in the working directory and pass its path instead`,
    );
  }
}

async function finish(
  status: PromotionStatus,
  work: PromotionWork,
  deps: RunnerDeps,
  options: RunOptions,
  workPath: string,
  phase: NonNullable<PromotionStatus['phase']>,
  message: string | undefined,
): Promise<PromotionStatus> {
  status.phase = phase;
  if (message) status.message = boundMessage(message);
  status.finishedAt = formatTimestamp(deps.now());
  // The log's last line comes before the phase that ends it: whoever follows the log stops
  // at that phase, and must have the line by then.
  deps.log(work.name, '', `promotion ${phase.toLowerCase()}${message ? `: ${message}` : ''}`);
  await options.save(status);
  // A plan's trees hold what its steps did (commits, tags, branches): never reused.
  deps.repositories.release(workPath, { reuse: !options.plan });
  if (existsSync(workPath)) rmSync(workPath, { recursive: true, force: true });
  return options.secrets?.mask(status) ?? status;
}

/**
 * How long a step runs before its start is saved (`saveIfStillRunning`): shorter than anyone
 * watching could notice, longer than a step that only computes or edits a file takes.
 */
const SAVE_RUNNING_AFTER_MS = 250;

/**
 * Saves once `afterMs` have passed unless `settle` came first; `settle` waits for a save under
 * way and reports its failure (held until then: the step may still be running).
 */
function saveIfStillRunning(
  save: () => Promise<void>,
  afterMs: number,
): { settle(): Promise<void> } {
  let saved: Promise<{ error: unknown } | undefined> | undefined;
  const timer = setTimeout(() => {
    saved = save().then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  }, afterMs);
  return {
    async settle() {
      clearTimeout(timer);
      const failure = await saved;
      if (failure) throw failure.error;
    },
  };
}

/** Whether running `step` again after a crash could repeat its effect (resume-plan.ts). */
function repeatIsUnsafe(step: PromotionStep, deps: RunnerDeps): boolean {
  const definition = deps.steps.get(step.uses ?? '');
  return definition?.unsafeToRepeat?.(step.config ?? {}) !== undefined;
}

function parseTimeout(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (!match) return 0;
  return Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}
