import { describe, expect, it } from 'vitest';
import type { Resource, Stage } from '../../api/types.js';
import { layoutPipeline, type PlacedNode } from './pipeline-layout.js';

const warehouse = (name: string): Resource => ({ kind: 'Warehouse', metadata: { name } });
const stage = (name: string, from: { warehouse?: string; stages?: string[] }): Stage => ({
  kind: 'Stage',
  metadata: { name },
  spec: {
    requestedFreight: [
      {
        origin: { kind: 'Warehouse', name: from.warehouse ?? 'app' },
        sources: from.stages ? { stages: from.stages } : { direct: true },
      },
    ],
  },
});

function overlaps(a: PlacedNode, b: PlacedNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('layoutPipeline', () => {
  it('lays a pipeline out left to right along the flow of Freight', () => {
    const layout = layoutPipeline(
      [warehouse('app')],
      [
        stage('prod', { stages: ['staging'] }),
        stage('dev', {}),
        stage('staging', { stages: ['dev'] }),
      ],
    );
    const x = (id: string) => layout.nodes.find((n) => n.id === id)!.x;
    expect(x('Warehouse/app')).toBeLessThan(x('Stage/dev'));
    expect(x('Stage/dev')).toBeLessThan(x('Stage/staging'));
    expect(x('Stage/staging')).toBeLessThan(x('Stage/prod'));
    expect(layout.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual([
      'Stage/dev->Stage/staging',
      'Stage/staging->Stage/prod',
      'Warehouse/app->Stage/dev',
    ]);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
  });

  it('keeps 50 Stages in 10 fanned-out pipelines apart and inside the canvas', () => {
    const stages: Stage[] = [];
    for (let p = 0; p < 10; p++) {
      stages.push(stage(`dev-${p}`, { warehouse: `w${p}` }));
      stages.push(stage(`qa-${p}`, { stages: [`dev-${p}`] }));
      stages.push(stage(`perf-${p}`, { stages: [`dev-${p}`] }));
      stages.push(stage(`staging-${p}`, { stages: [`qa-${p}`, `perf-${p}`] }));
      stages.push(stage(`prod-${p}`, { stages: [`staging-${p}`] }));
    }
    const layout = layoutPipeline(
      Array.from({ length: 10 }, (_, p) => warehouse(`w${p}`)),
      stages,
    );
    expect(layout.nodes).toHaveLength(60);
    expect(layout.edges).toHaveLength(60);
    for (const [i, a] of layout.nodes.entries()) {
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.y).toBeGreaterThanOrEqual(0);
      expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
      for (const b of layout.nodes.slice(i + 1))
        expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
    }
  });

  it('ignores requests for Stages or Warehouses that do not exist', () => {
    const layout = layoutPipeline([], [stage('orphan', { stages: ['gone'] })]);
    expect(layout.nodes.map((n) => n.id)).toEqual(['Stage/orphan']);
    expect(layout.edges).toEqual([]);
  });
});
