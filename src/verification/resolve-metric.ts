import type { Metric } from '../api/analysis-template.js';
import { inputError } from '../errors.js';
import type { MetricLimits } from './assess-metric.js';
import { parseGoDuration } from './go-duration.js';
import { jobProvider } from './job-provider.js';
import { parseConditions, type MeasurementConditions } from './measurement-conditions.js';
import type { Measure } from './metric-provider.js';
import { prometheusProvider } from './prometheus-provider.js';
import { substituteArgs } from './substitute-args.js';
import { webProvider } from './web-provider.js';

/** Rollouts' DefaultConsecutiveErrorLimit. */
const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

/** A metric ready to run: arguments substituted, numbers parsed, provider prepared. */
export interface ResolvedMetric extends MetricLimits {
  name: string;
  template: string;
  dryRun: boolean;
  /** Measurements kept in the status (measurementRetention, 10 by default). */
  retention: number;
  initialDelayMs: number;
  /** Between measurements; undefined when only one is taken. */
  intervalMs?: number;
  conditions: MeasurementConditions;
  /** Which provider measures it: `job` runs programs on the server's host. */
  provider: 'web' | 'prometheus' | 'job';
  measure: Measure;
}

export interface MetricOptions {
  template: string;
  args: ReadonlyMap<string, string>;
  dryRun: boolean;
  retention: number;
}

/**
 * Resolves one metric of the merged templates. Every string in it except its name may use
 * `{{args.x}}` (Rollouts substitutes the whole metric), so `count: "{{args.count}}"` works.
 * Any problem is an input error naming the metric: the run ends in Error before measuring.
 */
export function resolveMetric(metric: Metric, options: MetricOptions): ResolvedMetric {
  const { name, ...rest } = metric;
  const where = `metric "${name}"`;
  const resolved = substituteArgs(rest, options.args, where);

  const intervalMs = duration(resolved.interval, 'interval', where);
  const failureLimit = integer(resolved.failureLimit, 'failureLimit', where, 0, -1);
  const consecutiveSuccessLimit = integer(
    resolved.consecutiveSuccessLimit,
    'consecutiveSuccessLimit',
    where,
    0,
    0,
  );
  // Rollouts measures without end when count is unset and interval set. Gantry takes one
  // measurement instead (a verification must end), except when consecutiveSuccessLimit is
  // set: then the metric ends with the streak ("wait until it holds"), as in Rollouts.
  const unbounded = consecutiveSuccessLimit > 0 && intervalMs !== undefined;
  const count =
    integer(resolved.count, 'count', where, 0, 0) || (unbounded ? Number.POSITIVE_INFINITY : 1);
  if (count > 1 && intervalMs === undefined)
    throw inputError(`${where}: interval is required when count is more than 1`);
  if (failureLimit < 0 && consecutiveSuccessLimit === 0)
    throw inputError(
      `${where}: failureLimit is disabled (-1), so consecutiveSuccessLimit must be set`,
    );

  return {
    name,
    template: options.template,
    dryRun: options.dryRun,
    retention: options.retention,
    count,
    failureLimit,
    inconclusiveLimit: integer(resolved.inconclusiveLimit, 'inconclusiveLimit', where, 0, 0),
    consecutiveErrorLimit: integer(
      resolved.consecutiveErrorLimit,
      'consecutiveErrorLimit',
      where,
      DEFAULT_CONSECUTIVE_ERROR_LIMIT,
      0,
    ),
    consecutiveSuccessLimit,
    initialDelayMs: duration(resolved.initialDelay, 'initialDelay', where) ?? 0,
    ...(intervalMs !== undefined && count > 1 && { intervalMs }),
    conditions: parseConditions(name, resolved.successCondition, resolved.failureCondition),
    ...prepareProvider(resolved.provider, name),
  };
}

function prepareProvider(
  provider: Metric['provider'],
  metric: string,
): Pick<ResolvedMetric, 'provider' | 'measure'> {
  if (provider.web) return { provider: 'web', measure: webProvider.prepare(provider.web, metric) };
  if (provider.prometheus)
    return {
      provider: 'prometheus',
      measure: prometheusProvider.prepare(provider.prometheus, metric),
    };
  if (provider.job) return { provider: 'job', measure: jobProvider.prepare(provider.job, metric) };
  const name = Object.entries(provider).find(([, config]) => config !== undefined)?.[0] ?? '(none)';
  throw inputError(
    `metric "${metric}": provider ${name} is not supported by Gantry; use web, prometheus or job`,
  );
}

/** Rollouts' IntOrString fields: a number, or a string holding one (after substitution). */
function integer(
  value: number | string | undefined,
  field: string,
  where: string,
  fallback: number,
  min: number,
): number {
  if (value === undefined || value === '') return fallback;
  const number =
    typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number))
    throw inputError(`${where}: ${field} ${JSON.stringify(value)} is not an integer`);
  if (number < min) throw inputError(`${where}: ${field} must be at least ${min}, got ${number}`);
  return number;
}

function duration(value: string | undefined, field: string, where: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseGoDuration(value);
  if (ms === undefined)
    throw inputError(
      `${where}: ${field} ${JSON.stringify(value)} is not a duration (e.g. 30s, 5m)`,
    );
  return ms;
}
