import type { AnalysisTemplateSpec, Metric } from '../api/analysis-template.js';
import { inputError } from '../errors.js';

export interface NamedTemplate {
  name: string;
  spec: AnalysisTemplateSpec;
}

type TemplateArgument = NonNullable<AnalysisTemplateSpec['args']>[number];

export interface MergedArgument extends TemplateArgument {
  /** The template that gave the argument its definition. */
  template: string;
}

export interface MergedTemplates {
  metrics: Array<{ metric: Metric; template: string }>;
  args: MergedArgument[];
  dryRun: Array<{ metricName: string; template: string }>;
  measurementRetention: Array<{ metricName: string; limit: number; template: string }>;
}

/**
 * Merges a Stage's templates into the spec of one AnalysisRun, as Kargo does before creating
 * it (Rollouts' FlattenTemplates):
 * - metrics are concatenated; the same metric name in two templates is an input error naming
 *   both templates;
 * - arguments with the same name are one argument; two different default values are an
 *   input error, unless `overridden` (the Stage sets it, so neither default is used);
 *   a declaration without a value does not erase one with a value;
 * - dryRun and measurementRetention rules are concatenated.
 * Templates that include other templates (`spec.templates`) must be resolved by the caller.
 */
export function mergeTemplates(
  templates: readonly NamedTemplate[],
  overridden: ReadonlySet<string>,
): MergedTemplates {
  if (templates.length === 0) throw inputError('there are no analysis templates to run');
  const merged: MergedTemplates = { metrics: [], args: [], dryRun: [], measurementRetention: [] };
  const metricOwners = new Map<string, string>();
  for (const { name: template, spec } of templates) {
    if ((spec.templates ?? []).length > 0)
      throw inputError(
        `template "${template}" includes other templates (spec.templates), which Gantry does not resolve; list those templates in the Stage's verification instead`,
      );
    for (const metric of spec.metrics ?? []) {
      const owner = metricOwners.get(metric.name);
      if (owner !== undefined)
        throw inputError(
          `metric "${metric.name}" is defined by both template "${owner}" and template "${template}"; metric names must be unique across a Stage's templates`,
        );
      metricOwners.set(metric.name, template);
      merged.metrics.push({ metric, template });
    }
    for (const arg of spec.args ?? []) {
      const index = merged.args.findIndex((a) => a.name === arg.name);
      const previous = merged.args[index];
      if (!previous) {
        merged.args.push({ ...arg, template });
        continue;
      }
      if (
        previous.value !== undefined &&
        arg.value !== undefined &&
        previous.value !== arg.value &&
        !overridden.has(arg.name)
      )
        throw inputError(
          `argument "${arg.name}" has different default values in template "${previous.template}" and template "${template}"; set it in the Stage's verification args`,
        );
      if (previous.value === undefined && previous.valueFrom === undefined)
        merged.args[index] = { ...arg, template };
    }
    for (const rule of spec.dryRun ?? []) merged.dryRun.push({ ...rule, template });
    for (const rule of spec.measurementRetention ?? [])
      merged.measurementRetention.push({ ...rule, template });
  }
  return merged;
}
