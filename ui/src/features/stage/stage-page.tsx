import { useMemo } from 'react';
import type { Condition, Freight, Promotion, Stage } from '../../api/types.js';
import { objectsOf, useLive } from '../../api/use-live.js';
import { Link, paths } from '../../app/router.js';
import { Badge, toneOf } from '../../components/badge.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { ExpandableText } from '../../components/expandable-text.js';
import { age, duration, versionsOf } from '../../components/format.js';
import { ArtifactList } from '../freight/artifact-list.js';
import { aliasIndex, currentFreightOf } from '../project/project-data.js';
import { argoApps } from '../project/stage-card.js';
import {
  promotionHistoryOf,
  requestedFromOf,
  verificationHistoryOf,
  type PromotionRow,
  type VerificationRow,
} from './stage-history.js';
import { YamlLink } from '../yaml/yaml-page.js';

const KINDS = ['stages', 'freight', 'promotions'] as const;

/**
 * One Stage: the Freight it runs now (with its artifacts), where it takes Freight from,
 * auto-promotion and holds, its health with the reasons and Argo CD apps, its conditions
 * (problems such as a missing Warehouse), and its history: every Promotion (Freight, who,
 * when, how long, result) and every verification run it still records. Live.
 */
export function StagePage({ project, stage }: { project: string; stage: string }) {
  const live = useLive(KINDS, project);
  const object: Stage | undefined = objectsOf<Stage>(live, 'Stage').find(
    (s) => s.metadata.name === stage,
  );
  const freight = useMemo(() => objectsOf<Freight>(live, 'Freight'), [live.objects, live.changes]);
  const promotions = useMemo(
    () => promotionHistoryOf(stage, objectsOf<Promotion>(live, 'Promotion')),
    [stage, live.objects, live.changes],
  );
  const aliases = useMemo(() => aliasIndex(freight), [freight]);

  if (live.loaded && !object)
    return (
      <section className="page">
        <ConnectionBanner snapshot={live} />
        <div className="empty">
          <h2>No Stage {stage}</h2>
          <p>
            Project {project} has no Stage of that name (any more).{' '}
            <Link to={paths.project(project)}>Back to {project}</Link>
          </p>
        </div>
      </section>
    );
  if (!object)
    return (
      <section className="page">
        <ConnectionBanner snapshot={live} />
        <p className="muted">Loading…</p>
      </section>
    );

  const status = object.status ?? {};
  const current = currentFreightOf(object);
  const health = status.health?.status;
  const apps = argoApps(status.health?.output);
  const holds = Object.values(status.autoPromotionHolds ?? {});
  const conditions = status.conditions ?? [];
  const verifications = verificationHistoryOf(object);
  const controlFlow = (object.spec?.promotionTemplate?.spec?.steps ?? []).length === 0;
  const label = (name: string | undefined) => aliases.get(name ?? '') ?? name?.slice(0, 7) ?? '';

  return (
    <section className="page" data-testid="stage-page">
      <ConnectionBanner snapshot={live} />
      <div className="page-head">
        <h1>
          <span className="muted">Stage</span> {stage}
        </h1>
        {health && health !== 'NotApplicable' && <Badge tone={toneOf(health)}>{health}</Badge>}
        {controlFlow && <Badge tone="muted">control flow</Badge>}
        <span className="spacer" />
        <YamlLink project={project} plural="stages" name={stage} />
        <Link to={paths.project(project)}>Pipeline</Link>
      </div>

      <div className="panels">
        <div className="panel" data-testid="stage-current">
          <h2>Current Freight</h2>
          {current.length === 0 && <p className="muted">No Freight yet.</p>}
          {current.map((item) => (
            <div key={item.name} className="current-freight">
              <div>
                <Link to={paths.freight(project, item.name ?? '')} className="alias">
                  {label(item.name)}
                </Link>{' '}
                <span className="muted mono" title={item.name}>
                  {item.name}
                </span>
              </div>
              <ArtifactList freight={item} />
            </div>
          ))}
        </div>

        <div className="panel" data-testid="stage-facts">
          <h2>Promotion</h2>
          <dl className="facts">
            <dt>Freight from</dt>
            <dd data-testid="stage-requested">
              {(object.spec?.requestedFreight ?? []).map((request, i) => {
                const from = requestedFromOf(request);
                return (
                  <div key={i}>
                    {from.origin}
                    {from.direct && ', directly'}
                    {from.stages.length > 0 && (
                      <>
                        {from.direct ? ' or' : ','} after{' '}
                        {from.stages.map((s, j) => (
                          <span key={s}>
                            {j > 0 && ', '}
                            <Link to={paths.stage(project, s)}>{s}</Link>
                          </span>
                        ))}
                      </>
                    )}
                    {from.soak && ` (soaked ${from.soak})`}
                  </div>
                );
              })}
            </dd>
            <dt>Auto-promotion</dt>
            <dd data-testid="stage-auto">
              {status.autoPromotionEnabled ? (
                <Badge tone="info">on</Badge>
              ) : (
                <span className="muted">off: promoted by people</span>
              )}
              {holds.map((hold, i) => (
                <div key={i} className="warn-text">
                  held: {hold.reason ?? 'no reason given'}
                </div>
              ))}
            </dd>
            <dt>Promoting now</dt>
            <dd>
              {status.currentPromotion ? (
                <Link to={paths.promotion(project, status.currentPromotion.name)}>
                  {status.currentPromotion.name}
                </Link>
              ) : (
                <span className="muted">nothing</span>
              )}
            </dd>
            <dt>Health</dt>
            <dd data-testid="stage-health">
              {!health || health === 'NotApplicable' ? (
                <span className="muted">not checked (no Argo CD apps to watch)</span>
              ) : (
                <Badge tone={toneOf(health)}>{health}</Badge>
              )}
              {(status.health?.issues ?? []).map((issue, i) => (
                <div key={i} className="bad-text">
                  {issue}
                </div>
              ))}
              {apps.map((app) => (
                <div key={app.app}>
                  {app.url ? (
                    <a href={app.url} target="_blank" rel="noreferrer">
                      {app.app} ↗
                    </a>
                  ) : (
                    app.app
                  )}{' '}
                  {app.health && <Badge tone={toneOf(app.health)}>{app.health}</Badge>}
                </div>
              ))}
            </dd>
          </dl>
        </div>
      </div>

      {conditions.length > 0 && (
        <>
          <h2>Conditions</h2>
          <table className="data-table" data-testid="stage-conditions">
            <thead>
              <tr>
                <th>Condition</th>
                <th>Status</th>
                <th>Reason</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {conditions.map((c) => (
                <tr key={c.type} className={isProblem(c) ? 'problem' : undefined}>
                  <td>{c.type}</td>
                  <td>{c.status}</td>
                  <td>{c.reason ?? ''}</td>
                  <td>{c.message && <ExpandableText text={c.message} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h2>Promotions</h2>
      <PromotionHistory project={project} rows={promotions} label={label} />

      <h2>Verifications</h2>
      <VerificationHistory
        project={project}
        rows={verifications}
        label={label}
        configured={object.spec?.verification !== undefined}
      />
    </section>
  );
}

/**
 * A condition that says something is wrong: a false one, except those that only say nothing
 * is going on (not promoting, not reconciling).
 */
function isProblem(condition: Condition): boolean {
  return condition.status === 'False' && !['Promoting', 'Reconciling'].includes(condition.type);
}

function PromotionHistory(props: {
  project: string;
  rows: PromotionRow[];
  label: (name: string) => string;
}) {
  const { project, rows, label } = props;
  if (rows.length === 0)
    return (
      <p className="muted" data-testid="stage-promotions">
        No Promotions yet (finished ones are kept for a while, then removed).
      </p>
    );
  return (
    <table className="data-table" data-testid="stage-promotions">
      <thead>
        <tr>
          <th>When</th>
          <th>Freight</th>
          <th>By</th>
          <th>Took</th>
          <th>Result</th>
          <th>Promotion</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name} data-testid="stage-promotion">
            <td title={row.createdAt}>{row.createdAt ? `${age(row.createdAt)} ago` : ''}</td>
            <td>
              {row.freight && (
                <Link to={paths.freight(project, row.freight)} className="alias">
                  {label(row.freight)}
                </Link>
              )}
            </td>
            <td className="mono">{row.actor || <span className="muted">unknown</span>}</td>
            <td>{duration(row.startedAt, row.finishedAt)}</td>
            <td>
              <Badge tone={toneOf(row.phase)}>{row.phase}</Badge>
              {row.message && row.phase !== 'Succeeded' && (
                <ExpandableText text={row.message} mono className="muted" />
              )}
            </td>
            <td>
              <Link to={paths.promotion(project, row.name)} className="mono">
                {row.name}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VerificationHistory(props: {
  project: string;
  rows: VerificationRow[];
  label: (name: string) => string;
  configured: boolean;
}) {
  const { project, rows, label } = props;
  const note = !props.configured && (
    <p className="muted" data-testid="stage-no-verification">
      This Stage has no verification: Freight counts as verified here once promoted.
    </p>
  );
  if (rows.length === 0)
    return (
      <>
        {note}
        {props.configured && <p className="muted">No verification has run yet.</p>}
      </>
    );
  return (
    <>
      {note}
      <table className="data-table" data-testid="stage-verifications">
        <thead>
          <tr>
            <th>When</th>
            <th>Freight</th>
            <th>Took</th>
            <th>Result</th>
            <th>Asked by</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.id ?? i} data-testid="stage-verification">
              <td title={row.startTime}>{row.startTime ? `${age(row.startTime)} ago` : ''}</td>
              <td>
                {row.freight.map((f) => (
                  <div key={f.name}>
                    <Link to={paths.freight(project, f.name ?? '')} className="alias">
                      {label(f.name ?? '')}
                    </Link>{' '}
                    <span className="versions">{versionsOf(f).join(', ')}</span>
                  </div>
                ))}
              </td>
              <td>{duration(row.startTime, row.finishTime)}</td>
              <td>
                <Badge tone={toneOf(row.phase)}>{row.phase ?? 'Pending'}</Badge>
              </td>
              <td className="mono">
                {row.actor ?? <span className="muted">after promotion</span>}
              </td>
              <td>{row.message && <ExpandableText text={row.message} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
