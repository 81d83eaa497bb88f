import { describe, expect, it } from 'vitest';
import { pipelineOrder } from './pipeline-order.js';

const stage = (name: string, upstream: string[] = [], namespace = 'p') => ({
  metadata: { name, namespace },
  spec: {
    requestedFreight: [
      {
        origin: { kind: 'Warehouse', name: 'app' },
        sources: upstream.length === 0 ? { direct: true } : { stages: upstream },
      },
    ],
  },
});

const order = (stages: ReturnType<typeof stage>[]) =>
  pipelineOrder(stages).map((s) => `${s.metadata.namespace}/${s.metadata.name}`);

describe('pipelineOrder', () => {
  it.each([
    [
      'a chain, listed alphabetically, comes out in promotion order',
      [stage('dev'), stage('prod', ['staging']), stage('staging', ['dev'])],
      ['p/dev', 'p/staging', 'p/prod'],
    ],
    [
      'Warehouse-fed first, then by longest path; ties alphabetical',
      [
        stage('uat', ['qa', 'staging']),
        stage('qa', ['dev']),
        stage('staging', ['dev']),
        stage('dev'),
        stage('hotfix'),
      ],
      ['p/dev', 'p/hotfix', 'p/qa', 'p/staging', 'p/uat'],
    ],
    [
      'an upstream that does not exist is ignored',
      [stage('b', ['ghost']), stage('a', ['b'])],
      ['p/b', 'p/a'],
    ],
    [
      'a cycle comes last, alphabetically',
      [stage('y', ['x']), stage('x', ['y']), stage('z')],
      ['p/z', 'p/x', 'p/y'],
    ],
    [
      'projects stay grouped, alphabetically',
      [stage('prod', ['dev'], 'b'), stage('dev', [], 'b'), stage('dev', [], 'a')],
      ['a/dev', 'b/dev', 'b/prod'],
    ],
  ])('%s', (_, stages, expected) => {
    expect(order(stages)).toEqual(expected);
  });

  it('orders a chain of 20,000 Stages (deeper than a call stack) and a cycle fed from it', () => {
    const n = 20_000;
    // Listed backwards, so every Stage is met before the Stage it takes Freight from.
    const chain = Array.from({ length: n }, (_, i) =>
      stage(
        `s${String(n - 1 - i).padStart(5, '0')}`,
        i === n - 1 ? [] : [`s${String(n - 2 - i).padStart(5, '0')}`],
      ),
    );
    const loop = [stage('loop-a', ['loop-b', 's19999']), stage('loop-b', ['loop-a'])];
    const ordered = order([...chain, ...loop]);
    expect(ordered.slice(0, 3)).toEqual(['p/s00000', 'p/s00001', 'p/s00002']);
    expect(ordered.slice(n - 1)).toEqual(['p/s19999', 'p/loop-a', 'p/loop-b']);
  });
});
