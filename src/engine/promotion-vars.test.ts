import { describe, expect, it } from 'vitest';
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
