import { memo } from 'react';
import type { AuditEvent } from '../../api/types.js';
import { ExpandableText } from '../../components/expandable-text.js';
import { age } from '../../components/format.js';

/** The audit trail's newest events in a project: when, who, what, on which object, and why. */
export const ActivityPanel = memo(function ActivityPanel(props: {
  events: AuditEvent[] | undefined;
  error?: string | undefined;
}) {
  const { events, error } = props;
  return (
    <div className="activity" data-testid="activity">
      {error && (
        <div className="banner banner-error" role="alert">
          Could not read the activity: {error}
        </div>
      )}
      {!events && !error && <p className="muted">Loading…</p>}
      {events && events.length === 0 && <p className="muted">Nothing has happened here yet.</p>}
      {events && events.length > 0 && (
        <table className="activity-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Did</th>
              <th>To</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} data-testid="activity-event">
                <td title={event.time}>{age(event.time)} ago</td>
                <td className="actor">{event.actor}</td>
                <td>{event.action}</td>
                <td>
                  {event.kind} {event.name}
                </td>
                <td className="muted">
                  {event.message && <ExpandableText text={event.message} max={140} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
});
