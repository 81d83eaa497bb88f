import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Metric } from '../api/analysis-template.js';
import { inputError } from '../errors.js';
import { boundTail } from '../api/bounded-text.js';
import type { MeasureContext, MetricProvider, ProviderOutcome } from './metric-provider.js';

export type JobMetric = NonNullable<Metric['provider']['job']>;

/** Kubernetes' defaults for a Job: 6 retries, backoff from 10s doubling up to 6 minutes. */
const DEFAULT_BACKOFF_LIMIT = 6;
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;
/** Gantry's default for activeDeadlineSeconds (Kubernetes has none; a verification must end). */
const DEFAULT_DEADLINE_SECONDS = 600;
/**
 * Output kept per measurement: 64 KiB in the status, plus a margin here so that a secret cut
 * in half at the start of the kept output is trimmed away after redaction.
 */
const MAX_OUTPUT_BYTES = 64 * 1024 + 4 * 1024;
const STDERR_LINES = 5;
const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const containerSchema = z.looseObject({
  name: z.string().min(1),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        value: z.string().optional(),
        valueFrom: z.unknown().optional(),
      }),
    )
    .optional(),
});
const jobSpecSchema = z.looseObject({
  activeDeadlineSeconds: z.number().int().positive().optional(),
  backoffLimit: z.number().int().min(0).optional(),
  template: z.looseObject({
    spec: z.looseObject({
      initContainers: z.array(containerSchema).optional(),
      containers: z.array(containerSchema).min(1),
    }),
  }),
});

interface ContainerProcess {
  container: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

type Attempt =
  | { kind: 'succeeded'; stdout: string }
  | { kind: 'failed'; message: string }
  | { kind: 'deadline' }
  | { kind: 'error'; message: string };

/**
 * Rollouts' job provider, without Kubernetes: instead of creating a Job, Gantry runs each
 * container's `command` + `args` as a process on the host running Gantry, init containers
 * first, then containers, one after the other.
 * - `image` is ignored: nothing is pulled and nothing is isolated, so the command must exist
 *   on the host (e.g. `sh`, `curl`). There is no shell unless the command is one.
 * - Job metrics run only when the operator allows local programs (`--allow-local-programs`,
 *   see run-analysis.ts); they are off by default.
 * - `env` gives the process its whole environment, plus PATH (Gantry's), HOME (the attempt's
 *   temporary directory) and LANG; the server's own environment, which holds its credentials
 *   (GANTRY_*, tokens, the secrets key), is never passed on. `valueFrom` is
 *   not supported. `$(VAR)` in command, args and env values expands as in Kubernetes.
 * - Each attempt runs in a fresh temporary directory, shared by its containers and removed
 *   afterwards.
 * - `backoffLimit` retries a failed attempt (6 by default, waiting 10s, 20s, … up to 6m, as
 *   Kubernetes does); `activeDeadlineSeconds` (600 by default) bounds the whole measurement
 *   and kills the process group when it is exceeded, which fails the measurement.
 * Exit 0 of every container → `result` is their standard output (trailing whitespace
 * trimmed), judged by the metric's conditions if it has any; otherwise the measurement is
 * Failed, with the last lines of standard error. Output (64 KiB, the end kept) goes to the
 * measurement's logs.
 */
export const jobProvider: MetricProvider<JobMetric> = {
  name: 'job',
  prepare(config, metric) {
    const parsed = jobSpecSchema.safeParse(config.spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw inputError(
        `metric "${metric}": job.spec.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const spec = parsed.data;
    const processes = [
      ...(spec.template.spec.initContainers ?? []),
      ...spec.template.spec.containers,
    ].map((container): ContainerProcess => {
      const where = `metric "${metric}": container "${container.name}"`;
      const env: Record<string, string> = {};
      for (const variable of container.env ?? []) {
        if (variable.valueFrom !== undefined)
          throw inputError(
            `${where}: env ${variable.name}: valueFrom is not supported by Gantry; use value (e.g. {{args.name}} with an argument read from a Secret)`,
          );
        env[variable.name] = expand(variable.value ?? '', env);
      }
      const [command, ...commandArgs] = (container.command ?? []).map((part) => expand(part, env));
      if (!command)
        throw inputError(
          `${where}: command is required; Gantry runs job metrics as processes on its host and cannot use the image's entrypoint`,
        );
      return {
        container: container.name,
        command,
        args: [...commandArgs, ...(container.args ?? []).map((part) => expand(part, env))],
        env,
      };
    });
    const backoffLimit = spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
    const deadlineSeconds = spec.activeDeadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
    return (context) => measureJob(processes, backoffLimit, deadlineSeconds, context);
  },
};

async function measureJob(
  processes: ContainerProcess[],
  backoffLimit: number,
  deadlineSeconds: number,
  context: MeasureContext,
): Promise<ProviderOutcome> {
  const deadline = performance.now() + deadlineSeconds * 1000;
  const logs: string[] = [];
  const withLogs = <T extends ProviderOutcome>(outcome: T): T => ({
    ...outcome,
    logs: boundTail(logs.join(''), MAX_OUTPUT_BYTES),
  });
  const exceeded = () =>
    withLogs({
      type: 'failed',
      message: `the job did not finish within activeDeadlineSeconds (${deadlineSeconds})`,
    });

  for (let attempt = 0; ; attempt++) {
    if (backoffLimit > 0) logs.push(`--- attempt ${attempt + 1} of ${backoffLimit + 1}\n`);
    const outcome = await runAttempt(processes, deadline, context, logs);
    if (context.signal.aborted) return { type: 'error', message: 'the measurement was aborted' };
    switch (outcome.kind) {
      case 'succeeded':
        return withLogs({ type: 'result', result: outcome.stdout.trimEnd() });
      case 'error':
        return withLogs({ type: 'error', message: outcome.message });
      case 'deadline':
        return exceeded();
      case 'failed':
        break;
    }
    if (attempt >= backoffLimit) {
      const tries = backoffLimit > 0 ? ` (after ${attempt + 1} attempts)` : '';
      return withLogs({ type: 'failed', message: `${outcome.message}${tries}` });
    }
    const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt);
    if (performance.now() + wait >= deadline) return exceeded();
    await context.sleep(wait, context.signal);
    if (context.signal.aborted) return { type: 'error', message: 'the measurement was aborted' };
  }
}

async function runAttempt(
  processes: ContainerProcess[],
  deadline: number,
  context: MeasureContext,
  logs: string[],
): Promise<Attempt> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-job-'));
  try {
    const stdout: string[] = [];
    for (const step of processes) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return { kind: 'deadline' };
      if (processes.length > 1) logs.push(`--- container ${step.container}\n`);
      let result;
      try {
        result = await context.runCommand({
          command: step.command,
          args: step.args,
          cwd: dir,
          env: { PATH: hostPath(), HOME: dir, LANG: 'C.UTF-8', ...step.env },
          timeoutMs: remaining,
          signal: context.signal,
          maxOutputBytes: MAX_OUTPUT_BYTES,
        });
      } catch (err) {
        return {
          kind: 'error',
          message: `container "${step.container}": ${(err as Error).message}`,
        };
      }
      logs.push(
        result.output.endsWith('\n') || result.output === '' ? result.output : `${result.output}\n`,
      );
      if (result.timedOut) return { kind: 'deadline' };
      if (result.exitCode !== 0) {
        const how =
          result.exitCode === null
            ? `was killed by ${result.signal ?? 'a signal'}`
            : `exited with code ${result.exitCode}`;
        const tail = result.stderr.trimEnd().split('\n').slice(-STDERR_LINES).join('\n');
        return {
          kind: 'failed',
          message: `container "${step.container}" ${how}${tail ? `: ${tail}` : ''}`,
        };
      }
      stdout.push(result.stdout);
    }
    return { kind: 'succeeded', stdout: stdout.join('') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function hostPath(): string {
  return process.env['PATH'] ?? FALLBACK_PATH;
}

/** Kubernetes' `$(VAR)` expansion from the variables defined so far; `$$` escapes a `$`. */
function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name?: string) =>
    name === undefined ? '$' : (env[name] ?? whole),
  );
}
