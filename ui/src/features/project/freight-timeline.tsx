import { memo } from 'react';
import type { Freight, Stage } from '../../api/types.js';
import { Link, paths } from '../../app/router.js';
import { age, versionsOf } from '../../components/format.js';
import { markersOf } from './project-data.js';

/**
 * Every Freight of the project, newest first, each with markers for the Stages it runs in,
 * is verified in, and is approved for. Drag one onto a Stage to promote it there (when the
 * caller may promote), or click it to pick it for the next Promote.
 */
export const FreightTimeline = memo(function FreightTimeline(props: {
  project: string;
  freight: Freight[];
  stages: Stage[];
  selected?: string | undefined;
  onSelect: (name: string) => void;
  /** Whether Freight can be dragged onto a Stage (the caller may promote). */
  draggable: boolean;
}) {
  const { freight, stages } = props;
  if (freight.length === 0)
    return (
      <div className="empty" data-testid="no-freight">
        No Freight yet. Warehouses create it when they discover new versions; <em>Refresh</em> a
        Warehouse to look now.
      </div>
    );
  return (
    <ol className="timeline" data-testid="freight-timeline">
      {freight.map((f) => {
        const markers = markersOf(f, stages);
        return (
          <li
            key={f.metadata.name}
            className={`freight-chip${props.selected === f.metadata.name ? ' selected' : ''}`}
            draggable={props.draggable}
            onDragStart={(event) => {
              if (!props.draggable) return;
              event.dataTransfer.setData('application/x-gantry-freight', f.metadata.name);
              event.dataTransfer.effectAllowed = 'copy';
            }}
            onClick={() => props.onSelect(f.metadata.name)}
            data-testid={`freight-${f.alias ?? f.metadata.name}`}
            title={f.metadata.name}
          >
            <div className="alias">
              <Link
                to={paths.freight(props.project, f.metadata.name)}
                draggable={false}
                title={`${f.alias ?? f.metadata.name}: its artifacts, where it has been, a diff`}
              >
                {f.alias ?? f.metadata.name.slice(0, 7)}
              </Link>
            </div>
            <div className="versions">{versionsOf(f).join(', ')}</div>
            <div className="muted">{age(f.metadata.creationTimestamp)} ago</div>
            <div className="markers">
              {markers.in.map((s) => {
                const verified = markers.verifiedIn.includes(s);
                return (
                  <span
                    key={`in-${s}`}
                    className="marker marker-in"
                    title={`running in ${s}${verified ? ', verified there' : ''}`}
                  >
                    {s}
                    {verified ? ' ✓' : ''}
                  </span>
                );
              })}
              {markers.verifiedIn
                .filter((s) => !markers.in.includes(s))
                .map((s) => (
                  <span
                    key={`v-${s}`}
                    className="marker marker-verified"
                    title={`verified in ${s}`}
                  >
                    ✓{s}
                  </span>
                ))}
              {markers.approvedFor.map((s) => (
                <span key={`a-${s}`} className="marker marker-approved" title={`approved for ${s}`}>
                  ★{s}
                </span>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
});
