import { describe, expect, it } from 'vitest';
import type { StageSpec } from './stage.js';
import { stageReferenceProblems } from './stage-references.js';

const request = (warehouse: string, sources: { direct?: boolean; stages?: string[] }) => ({
  origin: { kind: 'Warehouse' as const, name: warehouse },
  sources,
});

describe('stageReferenceProblems', () => {
  const exists = {
    warehouse: (name: string) => name === 'app',
    stage: (name: string) => name === 'dev',
  };
  it.each([
    ['everything exists', [request('app', { stages: ['dev'] })], []],
    [
      'a missing Warehouse',
      [request('frontnd', { direct: true })],
      [
        {
          reason: 'MissingWarehouse',
          path: 'spec.requestedFreight[0].origin.name',
          message:
            'requests Freight from Warehouse "frontnd", which does not exist in project "shop"',
        },
      ],
    ],
    [
      'a missing upstream Stage, named once however often it is requested',
      [request('app', { stages: ['dev', 'qa'] }), request('app', { stages: ['qa'] })],
      [
        {
          reason: 'MissingUpstreamStage',
          path: 'spec.requestedFreight[0].sources.stages[1]',
          message:
            'requests Freight from upstream Stage "qa", which does not exist in project "shop"',
        },
      ],
    ],
  ])('%s', (_what, requestedFreight, expected) => {
    const spec = { requestedFreight } as unknown as StageSpec;
    expect(stageReferenceProblems('shop', spec, exists)).toEqual(expected);
  });
});
