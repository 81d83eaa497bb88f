import type { Resource } from '../../api/types.js';
import { Link, paths } from '../../app/router.js';
import { Badge } from '../../components/badge.js';
import { ExpandableText } from '../../components/expandable-text.js';

/**
 * A Warehouse: ready or why not (the discovery error, in full on a click), a link to its page,
 * and a button to discover now (when the caller may).
 */
export function WarehouseCard(props: {
  project: string;
  warehouse: Resource;
  onRefresh?: ((name: string) => void) | undefined;
  style?: React.CSSProperties;
}) {
  const { warehouse } = props;
  const name = warehouse.metadata.name;
  const conditions = warehouse.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const failed = ready?.status === 'False';
  return (
    <div className="warehouse-card" style={props.style} data-testid={`warehouse-${name}`}>
      <div className="stage-head">
        <Link
          to={paths.warehouse(props.project, name)}
          className="stage-name"
          title={`${name}: what it subscribes to and what it found`}
        >
          <strong>{name}</strong>
        </Link>
        {ready && (
          <Badge tone={failed ? 'bad' : 'good'} title={ready.message}>
            {failed ? 'not ready' : 'ready'}
          </Badge>
        )}
      </div>
      <div className="warehouse-row">
        {props.onRefresh && (
          <button type="button" onClick={() => props.onRefresh?.(name)}>
            Refresh
          </button>
        )}
        {failed && ready.message && (
          <ExpandableText
            text={ready.message}
            float
            mono
            max={30}
            className="stage-problem"
            testId={`warehouse-${name}-problem`}
          />
        )}
      </div>
    </div>
  );
}
