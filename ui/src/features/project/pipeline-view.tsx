import { memo, useMemo } from 'react';
import type { Resource, Stage } from '../../api/types.js';
import type { VisibleActions } from '../auth/permissions.js';
import { layoutPipeline } from './pipeline-layout.js';
import { StageCard, type StageActions } from './stage-card.js';
import { WarehouseCard } from './warehouse-card.js';

/**
 * The pipeline graph: cards placed by `layoutPipeline`, joined by arrows drawn in SVG. The
 * layout is recomputed only when the graph's shape changes (Stages or their requests), not on
 * every status update, so live updates cost a re-render of the cards only.
 */
export const PipelineView = memo(function PipelineView(props: {
  project: string;
  stages: Stage[];
  warehouses: Resource[];
  aliases: ReadonlyMap<string, string>;
  frozen: boolean;
  actions: StageActions;
  /** The actions the caller may take: the others are not shown. */
  allowed: VisibleActions;
  onRefresh: (warehouse: string) => void;
}) {
  const { stages, warehouses } = props;
  const shape = JSON.stringify([
    warehouses.map((w) => w.metadata.name).sort(),
    stages
      .map((s) => [s.metadata.name, s.spec?.requestedFreight ?? []] as const)
      .sort((a, b) => a[0].localeCompare(b[0])),
  ]);
  // Laid out again only when the shape changes, not on status updates.
  const layout = useMemo(() => layoutPipeline(warehouses, stages), [shape]);
  const byName = new Map(stages.map((s) => [s.metadata.name, s]));
  const warehouseByName = new Map(warehouses.map((w) => [w.metadata.name, w]));
  const position = (n: { x: number; y: number; width: number; height: number }) => ({
    left: n.x,
    top: n.y,
    width: n.width,
    height: n.height,
  });
  return (
    <div className="pipeline-scroll" data-testid="pipeline">
      <div className="pipeline" style={{ width: layout.width, height: layout.height }}>
        <svg width={layout.width} height={layout.height} className="edges">
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" />
            </marker>
          </defs>
          {layout.edges.map((edge) => (
            <polyline
              key={`${edge.from}->${edge.to}`}
              points={edge.points.map((p) => `${p.x},${p.y}`).join(' ')}
              markerEnd="url(#arrow)"
            />
          ))}
        </svg>
        {layout.nodes.map((node) => {
          if (node.kind === 'Warehouse') {
            const warehouse = warehouseByName.get(node.name);
            return warehouse ? (
              <WarehouseCard
                key={node.id}
                project={props.project}
                warehouse={warehouse}
                onRefresh={props.allowed.refresh ? props.onRefresh : undefined}
                style={position(node)}
              />
            ) : null;
          }
          const stage = byName.get(node.name);
          return stage ? (
            <StageCard
              key={node.id}
              project={props.project}
              stage={stage}
              aliases={props.aliases}
              frozen={props.frozen}
              actions={props.actions}
              allowed={props.allowed}
              style={position(node)}
            />
          ) : null;
        })}
      </div>
    </div>
  );
});
