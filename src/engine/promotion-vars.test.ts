import { describe, expect, it } from 'vitest';
import { GoFloat } from '../expr/values.js';
import {
  promotionVars,
  stepEnvironment,
  stepVars,
  type PromotionWork,
} from './promotion-runner.js';

const work: PromotionWork = {
  name: 'dev.01',
  project: 'demo',
  stage: 'dev',
  vars: [
    { name: 'sawOutputs', value: '${{ outputs ?? "none" }}' },
    { name: 'ui', value: '${{ ctx.uiBaseUrl }}/stages/${{ ctx.stage }}' },
  ],
  steps: [],
  freight: { name: 'f1', origin: { kind: 'Warehouse', name: 'w' } },
  freightCollection: [],
  uiBaseUrl: 'https://gantry.example.com',
};
const state = { build: { tag: 'v1' } };
const run = {
  work,
  environment: stepEnvironment(work, 'deploy', state, { steps: () => [] }),
};

describe('vars as Kargo evaluates them', () => {
  it("gives the Promotion's vars ctx (with uiBaseUrl) but not the steps' outputs", () => {
    expect(promotionVars(run)).toEqual({
      sawOutputs: 'none',
      ui: 'https://gantry.example.com/stages/dev',
    });
  });

  it("gives a step's vars the outputs so far", () => {
    const step = {
      uses: 'x',
      as: 'deploy',
      vars: [{ name: 'tag', value: '${{ outputs.build.tag }}' }],
    };
    expect(stepVars(step, run)).toMatchObject({ sawOutputs: 'none', tag: 'v1' });
  });
});

describe('stepMetas as Kargo gives them', () => {
  it('has the start and finish of each step as times', () => {
    const environment = stepEnvironment(work, 'deploy', state, {
      steps: () => [],
      stepMetas: () => [
        {
          alias: 'build',
          status: 'Succeeded',
          startedAt: '2026-12-06T10:00:00Z',
          finishedAt: '2026-12-06T10:01:30Z',
        },
      ],
    });
    const step = {
      uses: 'x',
      as: 'deploy',
      vars: [
        {
          name: 'took',
          value: '${{ (stepMetas.build.FinishedAt - stepMetas.build.StartedAt).Seconds() }}',
        },
      ],
    };
    // A var's number is a float64, as Kargo's template typing makes it.
    expect(stepVars(step, { work, environment })).toMatchObject({ took: new GoFloat(90) });
  });
});
