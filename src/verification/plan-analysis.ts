import { tryCompileUserRegex } from '../api/user-regex.js';
import { inputError, isGantryError } from '../errors.js';
import { mergeTemplates, type NamedTemplate } from './merge-templates.js';
import { createRedactor, type Redactor } from './redactor.js';
import { resolveArgs, type SecretValue } from './resolve-args.js';
import { resolveMetric, type ResolvedMetric } from './resolve-metric.js';

/** Rollouts' DefaultMeasurementHistoryLimit. */
const DEFAULT_RETENTION = 10;

export interface AnalysisPlan {
  metrics: ResolvedMetric[];
  /** Hides the values of arguments read from Secrets. */
  redact: Redactor;
}

export type PlanResult = { ok: true; plan: AnalysisPlan } | { ok: false; message: string };

/**
 * Everything that can be checked before measuring: templates merged, arguments resolved and
 * substituted, numbers, durations and conditions parsed, providers prepared. A problem is a
 * message (secrets already redacted) that ends the run in Error, since no retry can fix it.
 */
export function planAnalysis(
  templates: readonly NamedTemplate[],
  stageArgs: ReadonlyArray<{ name: string; value: string }>,
  secretValue: SecretValue | undefined,
): PlanResult {
  let redact: Redactor = (text) => text;
  try {
    const merged = mergeTemplates(templates, new Set(stageArgs.map((arg) => arg.name)));
    const args = resolveArgs(merged.args, stageArgs, secretValue);
    redact = createRedactor(args.secrets);
    const names = merged.metrics.map(({ metric }) => metric.name);
    const dryRun = new Set<string>();
    merged.dryRun.forEach((rule, index) => {
      const matched = matchRule(rule.metricName, names, `dryRun[${index}]`, rule.template);
      matched.forEach((name) => dryRun.add(name));
    });
    const retention = new Map<string, number>();
    merged.measurementRetention.forEach((rule, index) => {
      const where = `measurementRetention[${index}]`;
      for (const name of matchRule(rule.metricName, names, where, rule.template))
        if (rule.limit > 0) retention.set(name, rule.limit);
    });
    const metrics = merged.metrics.map(({ metric, template }) =>
      resolveMetric(metric, {
        template,
        args: args.values,
        dryRun: dryRun.has(metric.name),
        retention: retention.get(metric.name) ?? DEFAULT_RETENTION,
      }),
    );
    return { ok: true, plan: { metrics, redact } };
  } catch (err) {
    if (isGantryError(err, 'Invalid')) return { ok: false, message: redact(err.message) };
    throw err;
  }
}

/**
 * The metrics a dryRun or measurementRetention rule names. Rollouts matches `metricName` as
 * an unanchored regular expression (`.*` for all); Gantry also accepts `*` for all. A rule
 * that matches nothing is an error, as in Rollouts, since it is surely a typo.
 */
function matchRule(pattern: string, names: readonly string[], where: string, template: string) {
  // RE2, as Rollouts' Go regexp (and linear in each name); a pattern that does not compile
  // (such as `*`) is still compared as a name.
  const { regex } = tryCompileUserRegex(pattern);
  const matched = names.filter(
    (name) => pattern === '*' || name === pattern || (regex?.test(name) ?? false),
  );
  if (matched.length === 0)
    throw inputError(`${where} of template "${template}": "${pattern}" matches no metric`);
  return matched;
}
