import { describe, expect, it } from 'vitest';
import { assessMetric, type MetricLimits } from './assess-metric.js';
import type { MetricResult } from './analysis-run-status.js';
import { assessRun } from './assess-run.js';

const limits: MetricLimits = {
  count: 3,
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  consecutiveSuccessLimit: 0,
};
const counters = {
  count: 0,
  failed: 0,
  inconclusive: 0,
  consecutiveError: 0,
  consecutiveSuccess: 0,
};

describe('assessMetric', () => {
  it.each<[string, Partial<MetricLimits>, Partial<typeof counters>, string | undefined]>([
    ['nothing measured yet', {}, {}, undefined],
    ['count not reached', {}, { count: 2, consecutiveSuccess: 2 }, undefined],
    ['count reached', {}, { count: 3 }, 'Successful: count (3) reached'],
    [
      'one failure over limit 0',
      {},
      { count: 1, failed: 1 },
      'Failed: failed (1) > failureLimit (0)',
    ],
    ['failures within failureLimit', { failureLimit: 1 }, { count: 1, failed: 1 }, undefined],
    [
      'failures within limit at count',
      { failureLimit: 1 },
      { count: 3, failed: 1 },
      'Successful: count (3) reached',
    ],
    [
      'failureLimit disabled',
      { failureLimit: -1, consecutiveSuccessLimit: 2 },
      { count: 2, failed: 2 },
      undefined,
    ],
    [
      'inconclusive over limit',
      {},
      { count: 1, inconclusive: 1 },
      'Inconclusive: inconclusive (1) > inconclusiveLimit (0)',
    ],
    [
      'inconclusive within limit',
      { inconclusiveLimit: 2 },
      { count: 2, inconclusive: 2 },
      undefined,
    ],
    ['errors within limit', {}, { consecutiveError: 4 }, undefined],
    [
      'errors over limit',
      {},
      { consecutiveError: 5 },
      'Error: consecutiveErrors (5) > consecutiveErrorLimit (4)',
    ],
    [
      'errors over a limit of 0',
      { consecutiveErrorLimit: 0 },
      { consecutiveError: 1 },
      'Error: consecutiveErrors (1) > consecutiveErrorLimit (0)',
    ],
    [
      'error wins over failure, as in Rollouts',
      {},
      { failed: 1, consecutiveError: 5 },
      'Error: consecutiveErrors (5) > consecutiveErrorLimit (4)',
    ],
    [
      'consecutive successes end early',
      { count: 10, consecutiveSuccessLimit: 2 },
      { count: 3, consecutiveSuccess: 2 },
      'Successful: consecutiveSuccess (2) reached consecutiveSuccessLimit (2)',
    ],
    [
      'count reached without the streak, failureLimit in force',
      { consecutiveSuccessLimit: 2 },
      { count: 3, consecutiveSuccess: 1 },
      'Inconclusive: count (3) reached without 2 consecutive successes',
    ],
    [
      'count reached without the streak, failureLimit disabled',
      { failureLimit: -1, consecutiveSuccessLimit: 2 },
      { count: 3, failed: 2 },
      'Failed: count (3) reached without 2 consecutive successes',
    ],
  ])('%s', (_, limitChanges, counterChanges, expected) => {
    const decided = assessMetric(
      { ...limits, ...limitChanges },
      { ...counters, ...counterChanges },
    );
    expect(decided && `${decided.phase}: ${decided.reason}`).toBe(expected);
  });
});

describe('assessRun', () => {
  const result = (name: string, phase: MetricResult['phase'], dryRun = false): MetricResult => ({
    name,
    phase,
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    ...(dryRun && { dryRun }),
    measurements: [],
  });

  it.each<[string, MetricResult[], string, string | undefined]>([
    [
      'all successful',
      [result('a', 'Successful'), result('b', 'Successful')],
      'Successful',
      undefined,
    ],
    [
      'failed is worst',
      [result('a', 'Error'), result('b', 'Failed'), result('c', 'Inconclusive')],
      'Failed',
      'b',
    ],
    [
      'error before inconclusive',
      [result('a', 'Inconclusive'), result('b', 'Error')],
      'Error',
      'b',
    ],
    ['inconclusive', [result('a', 'Successful'), result('b', 'Inconclusive')], 'Inconclusive', 'b'],
    [
      'dry runs do not count',
      [result('a', 'Successful'), result('b', 'Failed', true)],
      'Successful',
      undefined,
    ],
    ['only dry runs', [result('a', 'Failed', true)], 'Successful', undefined],
    [
      'stopped metrics do not count',
      [result('a', 'Failed'), result('b', 'Aborted')],
      'Failed',
      'a',
    ],
    ['still running', [result('a', 'Successful'), result('b', 'Running')], 'Running', undefined],
    [
      'a dry run still running does not hold the run',
      [result('a', 'Successful'), result('b', 'Pending', true)],
      'Successful',
      undefined,
    ],
  ])('%s', (_, results, phase, metric) => {
    const assessment = assessRun(results);
    expect(assessment.phase).toBe(phase);
    expect(assessment.metric?.name).toBe(metric);
  });
});
