import type { Freight, FreightReference } from '../../api/types.js';
import { artifactsOf } from './freight-diff.js';

/**
 * A Freight's artifacts as a table: images with tag and digest, git commits with id, message
 * and author (as the Warehouse recorded them), charts with their version.
 */
export function ArtifactList({
  freight,
  testId,
}: {
  freight: Freight | FreightReference;
  testId?: string | undefined;
}) {
  const artifacts = artifactsOf(freight);
  if (artifacts.length === 0) return <p className="muted">No artifacts.</p>;
  return (
    <table className="data-table artifacts" data-testid={testId}>
      <thead>
        <tr>
          <th>Artifact</th>
          <th>From</th>
          <th>Version</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {artifacts.map((a) => (
          <tr key={a.key}>
            <td>{a.kind}</td>
            <td className="mono">{a.source}</td>
            <td className="mono strong">{a.version}</td>
            <td>
              {a.id && (
                <div className="mono muted" title={a.id}>
                  {a.id}
                </div>
              )}
              {a.message && <div>{a.message}</div>}
              {a.author && <div className="muted">{a.author}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
