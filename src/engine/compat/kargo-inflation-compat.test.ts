import { describe, expect, it } from 'vitest';
import { promotionStepSchema, type ExpressionVariable } from '../../api/common.js';
import { MethodHost, isPlainObject } from '../../expr/values.js';
import { inflateSteps, type TaskLookup } from '../inflate-steps.js';
import {
  decide,
  stepConfig,
  stepEnvironment,
  stepVars,
  type PromotionWork,
} from '../promotion-runner.js';
import {
  evaluatorRunCases,
  inflationCases,
  taskRunCases,
  type InflationCase,
  type TaskFixture,
} from './kargo-inflation.cases.js';

/**
 * Kargo's PromotionTask inflation (pkg/api/promotion_test.go), translated to data in
 * ./kargo-inflation.cases.ts, run through inflateSteps (what admission does to a new Promotion);
 * and Promotions whose inflated steps are evaluated as the runner evaluates them (vars, `if`,
 * config), so a task's vars are seen where Kargo's are.
 */
function lookupOf(tasks: TaskFixture[] = []): TaskLookup {
  return ({ name, kind }) => tasks.find((t) => t.name === name && t.kind === kind)?.spec;
}

function inflate(c: Pick<InflationCase, 'promotionVars' | 'steps' | 'tasks'>) {
  return inflateSteps(
    undefined,
    { vars: c.promotionVars, steps: c.steps ?? [] },
    lookupOf(c.tasks),
  );
}

/** Vars compared as upstream's ElementsMatch: the same multiset. */
function sorted(vars: ExpressionVariable[] | undefined): string[] {
  return (vars ?? []).map((v) => JSON.stringify([v.name, v.value ?? ''])).sort();
}

/** What expressions see of a value: StrictRecords as maps of their fields. */
function asData(value: unknown): unknown {
  if (value instanceof MethodHost) return asData({ ...value.fields });
  if (Array.isArray(value)) return value.map(asData);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asData(v)]));
  return value;
}

describe('Kargo promotion_test.go (PromotionTask inflation)', () => {
  it('has cases, each naming its upstream test, skipped ones with a reason', () => {
    expect(inflationCases.length).toBeGreaterThan(0);
    for (const c of inflationCases) {
      expect(c.upstream).toMatch(/\S+\.go \S+/);
      if (c.skip !== undefined) expect(c.skip.length).toBeGreaterThan(10);
      else expect(c.error !== undefined || c.want !== undefined, c.upstream).toBe(true);
    }
  });

  const runnable = inflationCases.filter((c) => c.skip === undefined);
  it.each(runnable.map((c) => [c.upstream, c] as const))('%s', (_, c) => {
    if (c.refusedStep !== undefined) {
      expect(promotionStepSchema.safeParse(c.refusedStep).success).toBe(false);
      return;
    }
    if (c.error !== undefined) {
      expect(() => inflate(c)).toThrow(c.error);
      return;
    }
    const steps = inflate(c).steps;
    expect(steps.map((s) => s.as)).toEqual(c.want!.map((w) => w.as));
    c.want!.forEach((want, index) => {
      const step = steps[index]!;
      if (want.uses !== undefined) expect(step.uses, want.as).toBe(want.uses);
      if (want.vars !== undefined) expect(sorted(step.vars), want.as).toEqual(sorted(want.vars));
    });
  });
});

describe('task vars in the inflated steps (vars, if, config)', () => {
  it.each([...taskRunCases, ...evaluatorRunCases].map((c) => [c.upstream, c] as const))(
    '%s',
    (_, c) => {
      const inflated = inflate(c);
      const work: PromotionWork = {
        name: 'prod.01abc.abc1234',
        project: 'kargo-simple',
        stage: 'prod',
        vars: inflated.vars,
        steps: inflated.steps,
        freight: { name: 'abc1234', origin: { kind: 'Warehouse', name: 'guestbook' } },
        freightCollection: [],
      };
      for (const want of c.want) {
        const step = inflated.steps.find((s) => s.as === want.as);
        expect(step, want.as).toBeDefined();
        const run = {
          work,
          earlierFailed: false,
          environment: stepEnvironment(work, want.as, c.state ?? {}, { steps: () => [] }),
        };
        if (want.runs !== undefined) expect(decide(step!, run), `${want.as} runs`).toBe(want.runs);
        if (want.vars !== undefined)
          expect(asData(stepVars(step!, run)), want.as).toMatchObject(want.vars);
        if (want.config !== undefined) expect(stepConfig(step!, run), want.as).toEqual(want.config);
      }
    },
  );
});
