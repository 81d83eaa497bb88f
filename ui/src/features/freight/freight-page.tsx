import { useMemo, useState } from 'react';
import type { Freight, Promotion, Stage } from '../../api/types.js';
import { objectsOf, useLive } from '../../api/use-live.js';
import { Link, paths } from '../../app/router.js';
import { Badge, toneOf } from '../../components/badge.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { age } from '../../components/format.js';
import { usePermissions } from '../auth/use-permissions.js';
import { newestFirst } from '../project/project-data.js';
import { ArtifactList } from './artifact-list.js';
import { FreightDiffView } from './freight-diff-view.js';
import { journeyOf, type StageVisit } from './freight-journey.js';
import { findFreight, labelOf, previousOf } from './freight-lookup.js';
import { useFreightEvents } from './use-freight-events.js';
import { YamlLink } from '../yaml/yaml-page.js';

const KINDS = ['freight', 'stages', 'promotions'] as const;

/** The Freight to compare with, from the address (`?compare=NAME-OR-ALIAS`), if any. */
function compareParam(): string | undefined {
  return new URLSearchParams(window.location.search).get('compare') ?? undefined;
}

/**
 * One Freight (by name or alias): its artifacts, where it came from, where it has been (the
 * Stages running it and since when, its Promotions there with who and when, where it was
 * verified, who approved it for which Stage), and a diff against another Freight of the
 * project: by default the one before it from the same Warehouse, or the one the address names
 * (`?compare=`, as the promote dialog links it). Live.
 */
export function FreightPage({ project, freight: wanted }: { project: string; freight: string }) {
  const live = useLive(KINDS, project);
  const { permissions } = usePermissions(project);
  const all = useMemo(
    () => newestFirst(objectsOf<Freight>(live, 'Freight')),
    [live.objects, live.changes],
  );
  const stages = useMemo(() => objectsOf<Stage>(live, 'Stage'), [live.objects, live.changes]);
  const promotions = useMemo(
    () => objectsOf<Promotion>(live, 'Promotion'),
    [live.objects, live.changes],
  );
  const freight = findFreight(all, wanted);
  const [picked, setPicked] = useState<string | undefined>(compareParam);
  const approvals = Object.keys(freight?.status?.approvedFor ?? {}).join(',');
  const { events, error: eventsError } = useFreightEvents(
    project,
    freight?.metadata.name,
    approvals,
    permissions?.resources.events?.list === true,
  );
  const journey = useMemo(
    () => (freight ? journeyOf(freight, stages, promotions, events) : []),
    [freight, stages, promotions, events],
  );

  if (live.loaded && !freight)
    return (
      <section className="page">
        <ConnectionBanner snapshot={live} />
        <div className="empty">
          <h2>No Freight {wanted}</h2>
          <p>
            Project {project} has no Freight of that name or alias (any more).{' '}
            <Link to={paths.project(project)}>Back to {project}</Link>
          </p>
        </div>
      </section>
    );
  if (!freight)
    return (
      <section className="page">
        <ConnectionBanner snapshot={live} />
        <p className="muted">Loading…</p>
      </section>
    );

  const others = all.filter((f) => f.metadata.name !== freight.metadata.name);
  const base = (picked ? findFreight(others, picked) : undefined) ?? previousOf(freight, all);
  const choose = (name: string) => {
    setPicked(name);
    const url = new URL(window.location.href);
    url.searchParams.set('compare', name);
    window.history.replaceState(null, '', url.pathname + url.search);
  };
  const created = freight.metadata.creationTimestamp;

  return (
    <section className="page" data-testid="freight-page">
      <ConnectionBanner snapshot={live} />
      <div className="page-head">
        <h1>
          <span className="muted">Freight</span> {labelOf(freight)}
        </h1>
        <span className="spacer" />
        <YamlLink project={project} plural="freight" name={freight.metadata.name} />
        <Link to={paths.project(project)}>Pipeline</Link>
      </div>
      <dl className="facts" data-testid="freight-facts">
        <dt>Name</dt>
        <dd className="mono">{freight.metadata.name}</dd>
        <dt>Origin</dt>
        <dd>
          {freight.origin ? `${freight.origin.kind} ${freight.origin.name}` : 'unknown'}
          {freight.metadata.annotations?.['gantry.io/forced-by'] && (
            <>
              {' '}
              <Badge tone="warn">
                made by hand, unchecked ({freight.metadata.annotations['gantry.io/forced-by']})
              </Badge>
            </>
          )}
        </dd>
        <dt>Created</dt>
        <dd title={created}>{created ? `${age(created)} ago (${created})` : ''}</dd>
      </dl>

      <h2>Artifacts</h2>
      <ArtifactList freight={freight} testId="freight-artifacts" />

      <h2>Where it has been</h2>
      {eventsError && (
        <div className="banner banner-warn">Could not read who approved it: {eventsError}</div>
      )}
      <Journey project={project} visits={journey} />

      <div className="section-head">
        <h2>Compare</h2>
        {others.length > 0 && (
          <label className="compare-pick">
            with{' '}
            <select
              value={base?.metadata.name ?? ''}
              onChange={(event) => choose(event.target.value)}
              data-testid="compare-with"
            >
              {others.map((f) => (
                <option key={f.metadata.name} value={f.metadata.name}>
                  {labelOf(f)} ({f.origin?.name ?? '?'}, {age(f.metadata.creationTimestamp)} ago)
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {base ? (
        <FreightDiffView base={base} freight={freight} />
      ) : (
        <p className="muted">No other Freight in this project to compare with.</p>
      )}
    </section>
  );
}

function Journey({ project, visits }: { project: string; visits: StageVisit[] }) {
  if (visits.length === 0)
    return <p className="muted">No Stage requests Freight from its origin.</p>;
  return (
    <table className="data-table" data-testid="freight-journey">
      <thead>
        <tr>
          <th>Stage</th>
          <th>Now</th>
          <th>Promotions</th>
          <th>Verified</th>
          <th>Approved</th>
        </tr>
      </thead>
      <tbody>
        {visits.map((visit) => (
          <tr key={visit.stage} data-testid={`journey-${visit.stage}`}>
            <td>
              <Link to={paths.stage(project, visit.stage)}>{visit.stage}</Link>
            </td>
            <td>
              {visit.current ? (
                <>
                  <Badge tone="info">running</Badge>{' '}
                  {visit.since && (
                    <span className="muted" title={visit.since}>
                      since {age(visit.since)} ago
                    </span>
                  )}
                </>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              {visit.promotions.length === 0 && <span className="muted">none</span>}
              {visit.promotions.map((p) => (
                <div key={p.name}>
                  <Link to={paths.promotion(project, p.name)} title={p.name}>
                    <Badge tone={toneOf(p.phase)}>{p.phase}</Badge>
                  </Link>{' '}
                  <span title={p.createdAt}>{p.createdAt ? `${age(p.createdAt)} ago` : ''}</span>{' '}
                  <span className="mono muted">by {p.actor || 'unknown'}</span>
                </div>
              ))}
            </td>
            <td>
              {visit.verified ? (
                <span title={visit.verifiedAt}>
                  ✓ {visit.verifiedAt ? `${age(visit.verifiedAt)} ago` : 'verified'}
                </span>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              {visit.approvedAt || visit.approvedBy ? (
                <>
                  <span title={visit.approvedAt}>
                    ★ {visit.approvedAt ? `${age(visit.approvedAt)} ago` : 'approved'}
                  </span>
                  {visit.approvedBy && <span className="mono muted"> by {visit.approvedBy}</span>}
                </>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
