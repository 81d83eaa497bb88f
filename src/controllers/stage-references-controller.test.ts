import { describe, expect, it } from 'vitest';
import type { Condition } from '../api/meta.js';
import type { StageReferenceProblem } from '../api/stage-references.js';
import { referenceConditions } from './stage-references-controller.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const EARLIER = '2026-11-30T09:00:00Z';
const missing: StageReferenceProblem = {
  reason: 'MissingWarehouse',
  path: 'spec.requestedFreight[0].origin.name',
  message: 'requests Freight from Warehouse "w", which does not exist in project "p"',
};
const upstream: StageReferenceProblem = {
  reason: 'MissingUpstreamStage',
  path: 'spec.requestedFreight[0].sources.stages[0]',
  message: 'requests Freight from upstream Stage "s", which does not exist in project "p"',
};
const ours = (extra: Partial<Condition> = {}): Condition => ({
  type: 'Ready',
  status: 'False',
  reason: 'MissingWarehouse',
  message: missing.message,
  observedGeneration: 2,
  lastTransitionTime: EARLIER,
  ...extra,
});
const healthy: Condition = { type: 'Healthy', status: 'True' };

describe('referenceConditions', () => {
  it.each<[string, Condition[] | undefined, StageReferenceProblem[], Condition[] | undefined]>([
    ['no problem, no condition: unchanged', undefined, [], undefined],
    [
      'a Ready condition someone else wrote stays',
      [{ type: 'Ready', status: 'True', reason: 'Verified' }],
      [],
      undefined,
    ],
    ['ours goes once the problem is gone', [healthy, ours()], [], [healthy]],
    [
      'a problem appears',
      [healthy],
      [missing],
      [healthy, { ...ours(), lastTransitionTime: '2026-12-01T10:00:00Z' }],
    ],
    ['the same problem again: unchanged', [ours()], [missing], undefined],
    [
      'another problem keeps the transition time, names every problem',
      [ours()],
      [upstream, missing],
      [
        ours({
          reason: 'MissingUpstreamStage',
          message: `${upstream.message}; ${missing.message}`,
        }),
      ],
    ],
    [
      'a Ready=True becomes False with a new transition time',
      [{ type: 'Ready', status: 'True', lastTransitionTime: EARLIER }],
      [missing],
      [ours({ lastTransitionTime: '2026-12-01T10:00:00Z' })],
    ],
  ])('%s', (_what, conditions, problems, expected) => {
    expect(referenceConditions(conditions, problems, 2, NOW)).toEqual(expected);
  });
});
