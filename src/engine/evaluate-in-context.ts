import type { ExpressionVariable, FreightReference } from '../api/common.js';
import type { Environment } from '../expr/evaluator.js';
import { evaluate } from '../expr/evaluator.js';
import { standardFunctions } from '../expr/functions/index.js';
import { declaredFunctions } from '../expr/function-signatures.js';
import { parse } from '../expr/parser.js';
import { evaluateTemplate, evaluateTemplateGo, hasExpressions } from '../expr/template.js';
import { StrictRecord } from '../expr/values.js';
import type { FreightRequestRef } from './freight-finder.js';
import { promotionFunctions, type ProjectLookups } from './promotion-functions.js';

export interface ExpressionContext {
  project: string;
  stage?: string | undefined;
  /** The Stage's vars then its template's vars (unevaluated), when a Stage is given. */
  vars?: ExpressionVariable[] | undefined;
  /** The Freight that would be promoted, if any. */
  freight?: (FreightReference & { alias?: string | undefined }) | undefined;
  /** The Stage's current Freight from other origins. */
  otherFreight?: FreightReference[] | undefined;
  /**
   * The origins the Stage requests, when a Stage is given: imageFrom() & co. without
   * warehouse() then find their artifact as in a promotion (through the Warehouses'
   * subscriptions in `lookups`). Without a Stage there are none to ask, so they fall back to
   * the Freight given: its only origin holding the artifact.
   */
  freightRequests?: FreightRequestRef[] | undefined;
  /** Freight and Stage metadata (secrets are deliberately not readable here). */
  lookups?: ProjectLookups | undefined;
}

/**
 * Evaluates an expression (`imageFrom(vars.imageRepo).Tag`) or a template (`v${{ … }}`) the way
 * a promotion step would see it, without running anything: what `gantry expr` shows. Step
 * outputs are empty, as before a promotion's first step.
 */
export function evaluateInContext(source: string, context: ExpressionContext): unknown {
  const freight = context.freight
    ? [context.freight, ...(context.otherFreight ?? [])]
    : (context.otherFreight ?? []);
  const base = (vars: Record<string, unknown>): Environment => ({
    variables: {
      ctx: {
        project: context.project,
        stage: context.stage ?? '',
        promotion: '',
        targetFreight: context.freight
          ? {
              name: context.freight.name ?? '',
              alias: context.freight.alias ?? '',
              origin: { name: context.freight.origin?.name ?? '' },
            }
          : null,
        meta: { promotion: { actor: '', rollback: false }, step: { alias: '' } },
      },
      vars: new StrictRecord('vars', vars),
      outputs: new StrictRecord('outputs', {}),
      task: { outputs: new StrictRecord('task.outputs', {}) },
    },
    functions: {
      ...standardFunctions,
      ...promotionFunctions({
        freight,
        steps: () => [],
        lookups: context.lookups,
        project: context.project,
        freightRequests: context.freightRequests,
      }),
    },
  });
  const vars: Record<string, unknown> = {};
  for (const variable of context.vars ?? []) {
    if (variable.value !== undefined)
      // As Kargo: a var's value is the typed template result (numbers are floats).
      vars[variable.name] = evaluateTemplateGo(variable.value, base(vars));
  }
  const environment = base(vars);
  return hasExpressions(source)
    ? evaluateTemplate(source, environment)
    : evaluate(parse(source, { declared: declaredFunctions(environment.functions) }), environment);
}
