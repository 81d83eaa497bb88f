import type { Resource } from '../../api/types.js';
import { Badge } from '../../components/badge.js';

/** A Warehouse: ready or why not, and a button to discover now (when the caller may). */
export function WarehouseCard(props: {
  warehouse: Resource;
  onRefresh?: ((name: string) => void) | undefined;
  style?: React.CSSProperties;
}) {
  const { warehouse } = props;
  const conditions = warehouse.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  return (
    <div
      className="warehouse-card"
      style={props.style}
      data-testid={`warehouse-${warehouse.metadata.name}`}
    >
      <div className="stage-head">
        <strong>{warehouse.metadata.name}</strong>
        {ready && (
          <Badge tone={ready.status === 'True' ? 'good' : 'bad'} title={ready.message}>
            {ready.status === 'True' ? 'ready' : 'not ready'}
          </Badge>
        )}
      </div>
      {props.onRefresh && (
        <button type="button" onClick={() => props.onRefresh?.(warehouse.metadata.name)}>
          Refresh
        </button>
      )}
    </div>
  );
}
