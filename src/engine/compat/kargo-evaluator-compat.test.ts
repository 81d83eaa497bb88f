import { describe, expect, it } from 'vitest';
import type { PromotionStep } from '../../api/common.js';
import type { PromotionStatus } from '../../api/promotion.js';
import { sameGoValue, showGoValue } from '../../expr/compat/go-values.js';
import { MethodHost, StrictRecord, isPlainObject } from '../../expr/values.js';
import {
  decide,
  stepConfig,
  stepEnvironment,
  stepVars,
  type PromotionWork,
} from '../promotion-runner.js';
import type { StepRecord } from '../promotion-functions.js';
import { evaluatorCases, type EvaluatorCase } from './kargo-evaluator.cases.js';

/**
 * Kargo's promotion evaluator tests (pkg/promotion/evaluator_test.go), translated to data in
 * ./kargo-evaluator.cases.ts, run through the functions the promotion runner evaluates a step
 * with: stepEnvironment (the expressions' environment), stepVars, decide (`if`) and stepConfig.
 * Errors are checked to happen; their messages are Gantry's own.
 */
type StepStatus = NonNullable<PromotionStatus['stepExecutionMetadata']>[number]['status'];

function runnerOf(c: EvaluatorCase) {
  const p = c.promotion ?? {};
  const work: PromotionWork = {
    name: p.promotion ?? '',
    project: p.project ?? '',
    stage: p.stage ?? '',
    actor: p.actor,
    rollback: p.rollback,
    vars: p.vars ?? [],
    steps: [],
    freight: {
      name: p.targetFreight?.name ?? '',
      alias: p.targetFreight?.alias,
      origin: { kind: 'Warehouse', name: p.targetFreight?.origin ?? '' },
    },
    freightCollection: p.freight ?? [],
    uiBaseUrl: p.uiBaseUrl,
    target: p.target,
  };
  const alias = c.step?.alias ?? '';
  const records: StepRecord[] = (p.steps ?? []).map((s) => ({
    alias: s.alias ?? '',
    status: s.status,
  }));
  const state = (p.state ?? {}) as Record<string, Record<string, unknown>>;
  const step: PromotionStep = {
    uses: 'compat-test',
    ...(alias && { as: alias }),
    ...(c.step?.vars && { vars: c.step.vars }),
    ...(c.step?.if !== undefined && { if: c.step.if }),
    ...(c.step?.config && { config: c.step.config }),
  };
  const run = {
    work,
    environment: stepEnvironment(work, alias, state, {
      steps: () => records,
      stepMetas: () => records.map((r) => ({ alias: r.alias, status: r.status as StepStatus })),
    }),
    earlierFailed: records.some((r) => r.status === 'Failed' || r.status === 'Errored'),
  };
  return { step, run };
}

function evaluateCase(c: EvaluatorCase): unknown {
  const { step, run } = runnerOf(c);
  switch (c.kind) {
    case 'vars':
      return stepVars(step, run);
    case 'skip':
      return !decide(step, run);
    case 'config':
      return stepConfig(step, run);
    case 'env':
      return run.environment(c.envVars ? { vars: new StrictRecord('vars', c.envVars) } : {})
        .variables;
  }
}

/** What expressions see of a value: StrictRecords and Go structs as maps of their fields. */
function asData(value: unknown): unknown {
  if (value instanceof MethodHost) return asData({ ...value.fields });
  if (Array.isArray(value)) return value.map(asData);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asData(v)]));
  return value;
}

describe('Kargo evaluator_test.go', () => {
  it('has cases, each naming its upstream test, skipped ones with a reason', () => {
    expect(evaluatorCases.length).toBeGreaterThan(0);
    for (const c of evaluatorCases) {
      expect(c.upstream).toMatch(/\S+\.go \S+/);
      if (c.skip !== undefined) expect(c.skip.length).toBeGreaterThan(10);
      else expect(c.error !== undefined || 'want' in c, c.upstream).toBe(true);
    }
  });

  const runnable = evaluatorCases.filter((c) => c.skip === undefined);
  it.each(runnable.map((c) => [c.upstream, c] as const))('%s', (_, c) => {
    if (c.error !== undefined) {
      expect(() => evaluateCase(c), `expected an error like ${c.error}`).toThrow();
      return;
    }
    const actual = evaluateCase(c);
    if (c.kind === 'env') {
      const variables = actual as Record<string, unknown>;
      for (const [name, value] of Object.entries(c.want as Record<string, unknown>)) {
        const seen = asData(variables[name]);
        if (!sameGoValue(seen, value)) expect(showGoValue(seen), name).toBe(showGoValue(value));
      }
      for (const name of c.absent ?? []) expect(variables[name], name).toBeUndefined();
      return;
    }
    if (c.kind === 'config') {
      expect(actual).toStrictEqual(c.want);
      return;
    }
    if (!sameGoValue(actual, c.want)) expect(showGoValue(actual)).toBe(showGoValue(c.want));
  });
});
