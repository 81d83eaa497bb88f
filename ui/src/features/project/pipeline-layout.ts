import { Graph, layout } from '@dagrejs/dagre';
import type { Resource, Stage } from '../../api/types.js';

export const STAGE_SIZE = { width: 240, height: 164 };
export const WAREHOUSE_SIZE = { width: 200, height: 70 };

export interface PlacedNode {
  id: string;
  kind: 'Warehouse' | 'Stage';
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: Array<{ x: number; y: number }>;
}

export interface PipelineLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/**
 * Where each Warehouse and Stage goes, left to right along the flow of Freight: a Stage
 * requesting Freight directly from a Warehouse hangs off that Warehouse, one requesting it
 * from upstream Stages off those. Laid out with dagre (layered, few crossings), which keeps
 * 50+ Stages readable. Positions are top-left corners.
 */
export function layoutPipeline(warehouses: Resource[], stages: Stage[]): PipelineLayout {
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  const id = (kind: string, name: string) => `${kind}/${name}`;
  for (const w of warehouses)
    graph.setNode(id('Warehouse', w.metadata.name), { ...WAREHOUSE_SIZE });
  for (const s of stages) graph.setNode(id('Stage', s.metadata.name), { ...STAGE_SIZE });
  const stageNames = new Set(stages.map((s) => s.metadata.name));
  const warehouseNames = new Set(warehouses.map((w) => w.metadata.name));
  for (const stage of stages) {
    const to = id('Stage', stage.metadata.name);
    for (const request of stage.spec?.requestedFreight ?? []) {
      if (request.sources?.direct && warehouseNames.has(request.origin.name))
        graph.setEdge(id('Warehouse', request.origin.name), to);
      for (const upstream of request.sources?.stages ?? [])
        if (stageNames.has(upstream)) graph.setEdge(id('Stage', upstream), to);
    }
  }
  layout(graph);
  const nodes: PlacedNode[] = graph.nodes().map((key) => {
    const node = graph.node(key) as unknown as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    const [kind, ...rest] = key.split('/');
    return {
      id: key,
      kind: kind as PlacedNode['kind'],
      name: rest.join('/'),
      x: node.x - node.width / 2,
      y: node.y - node.height / 2,
      width: node.width,
      height: node.height,
    };
  });
  const edges: PlacedEdge[] = graph.edges().map((edge) => ({
    from: edge.v,
    to: edge.w,
    points:
      (graph.edge(edge) as unknown as { points?: Array<{ x: number; y: number }> }).points ?? [],
  }));
  const size = graph.graph() as { width?: number; height?: number };
  return { nodes, edges, width: size.width ?? 0, height: size.height ?? 0 };
}
