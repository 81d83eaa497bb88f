import type { Freight } from '../../api/types.js';
import { diffFreight, type ArtifactVersion } from './freight-diff.js';
import { labelOf } from './freight-lookup.js';

/**
 * Two Freight side by side, artifact by artifact: image tags (and digests), commits with
 * their messages, chart versions; changed rows marked. `base` on the left, `freight` on the
 * right: read it as "from base to freight".
 */
export function FreightDiffView({ base, freight }: { base: Freight; freight: Freight }) {
  const rows = diffFreight(base, freight);
  const changed = rows.filter((r) => r.changed).length;
  return (
    <>
      <p className="muted" data-testid="freight-diff-summary">
        {changed === 0
          ? 'The same artifact versions.'
          : `${changed} of ${rows.length} artifact${rows.length === 1 ? '' : 's'} changed.`}
      </p>
      <table className="data-table diff-table" data-testid="freight-diff">
        <thead>
          <tr>
            <th />
            <th>Artifact</th>
            <th>{labelOf(base)}</th>
            <th>{labelOf(freight)}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={`${row.kind} ${row.source}`}
              className={row.changed ? 'changed' : undefined}
              data-testid={row.changed ? 'diff-changed' : 'diff-same'}
            >
              <td className="diff-mark" title={row.changed ? 'changed' : 'the same'}>
                {row.changed ? '≠' : '='}
              </td>
              <td>
                <div className="muted">{row.kind}</div>
                <div className="mono">{row.source}</div>
              </td>
              <td>
                <Side version={row.left} />
              </td>
              <td>
                <Side version={row.right} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Side({ version }: { version: ArtifactVersion | undefined }) {
  if (!version) return <span className="muted">absent</span>;
  return (
    <>
      <div className="mono strong">{version.version}</div>
      {version.id && version.id !== version.version && (
        <div className="mono muted ellipsis" title={version.id}>
          {version.id}
        </div>
      )}
      {version.message && <div>{version.message}</div>}
      {version.author && <div className="muted">{version.author}</div>}
    </>
  );
}
