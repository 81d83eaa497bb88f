import { describe, expect, it } from 'vitest';
import { printerValue } from './printer-path.js';

const stage = {
  metadata: { name: 'dev', labels: { 'kargo.akuity.io/alias': 'quiet-quokka', shard: 'a' } },
  spec: { shard: 'east' },
  status: {
    conditions: [
      { type: 'Healthy', status: 'False', message: 'degraded' },
      { type: 'Ready', status: 'True', message: 'Stage is ready' },
    ],
    health: { status: 'Healthy' },
  },
};

describe('printer column paths (the JSONPath subset of CRD printer columns)', () => {
  it.each([
    ['.spec.shard', 'east'],
    ['.status.health.status', 'Healthy'],
    ['.metadata.labels.kargo\\.akuity\\.io/alias', 'quiet-quokka'],
    ['.status.conditions[?(@.type=="Ready")].status', 'True'],
    ['.status.conditions[?(@.type=="Ready")].message', 'Stage is ready'],
    ['.status.conditions[?(@.type=="Missing")].status', undefined],
    ['.status.freightSummary', undefined],
    ['.spec.shard.deeper', undefined],
  ])('%s', (path, expected) => {
    expect(printerValue(stage, path)).toBe(expected);
  });

  it('refuses a path outside the subset, saying where', () => {
    expect(() => printerValue(stage, '.status.conditions[0]')).toThrow(/unsupported.*at 18/);
  });
});
