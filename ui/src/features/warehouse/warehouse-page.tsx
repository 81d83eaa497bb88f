import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import type { Freight } from '../../api/types.js';
import { objectsOf, useLive } from '../../api/use-live.js';
import { Link, paths } from '../../app/router.js';
import { ActionStatus } from '../../components/action-status.js';
import { Badge } from '../../components/badge.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { ExpandableText } from '../../components/expandable-text.js';
import { age, versionsOf } from '../../components/format.js';
import { useAction } from '../../components/use-action.js';
import { useExplainRefusal, usePermissions } from '../auth/use-permissions.js';
import { newestFirst } from '../project/project-data.js';
import { YamlLink } from '../yaml/yaml-page.js';
import { summarizeDiscovery, type SubscriptionSummary } from './warehouse-summary.js';
import type { Warehouse } from './warehouse-types.js';

const KINDS = ['warehouses', 'freight'] as const;

/** A refresh asked from this page: its token, and when it was asked (to say how long it took). */
interface Pending {
  token: string;
  askedAt: number;
}

/**
 * One Warehouse: what each subscription asks for, what its last discovery found (or why it
 * found nothing: the constraint matched no version, or the registry's error in full), the
 * Freight it made, and a Refresh button (for those allowed to refresh) that waits for the
 * discovery it asked for and shows its outcome.
 */
export function WarehousePage({
  project,
  warehouse: name,
}: {
  project: string;
  warehouse: string;
}) {
  const live = useLive(KINDS, project);
  const { permissions, actions: allowed } = usePermissions(project);
  const [action, perform] = useAction(useExplainRefusal(permissions?.actor));
  const [pending, setPending] = useState<Pending>();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; took: number }>();
  const warehouse = objectsOf<Warehouse>(live, 'Warehouse').find((w) => w.metadata.name === name);
  const freight = useMemo(
    () =>
      newestFirst(objectsOf<Freight>(live, 'Freight')).filter(
        (f) => f.origin?.kind === 'Warehouse' && f.origin.name === name,
      ),
    [live.objects, live.changes, name],
  );
  const handled = warehouse?.status?.lastHandledRefresh;
  // The discovery this page asked for is done when the Warehouse echoes its token.
  useEffect(() => {
    if (!pending || handled !== pending.token || !warehouse) return;
    const ready = warehouse.status?.conditions?.find((c) => c.type === 'Ready');
    setOutcome({
      ok: ready?.status === 'True',
      text: ready?.message || (ready?.status === 'True' ? 'discovered' : 'discovery failed'),
      took: Date.now() - pending.askedAt,
    });
    setPending(undefined);
  }, [pending, handled, warehouse]);

  if (live.loaded && !warehouse)
    return (
      <section className="page">
        <ConnectionBanner snapshot={live} />
        <div className="empty">
          <h2>No Warehouse {name}</h2>
          <p>
            It does not exist (any more) in {project}.{' '}
            <Link to={paths.project(project)}>Back to {project}</Link>
          </p>
        </div>
      </section>
    );
  if (!warehouse)
    return (
      <section className="page">
        <ConnectionBanner snapshot={live} />
        <p className="muted">Loading…</p>
      </section>
    );

  const summary = summarizeDiscovery(warehouse);
  const refresh = async () => {
    setOutcome(undefined);
    const askedAt = Date.now();
    const answer = await perform(
      `refreshing ${name}`,
      () => api.refresh(project, name),
      () => `discovery of ${name} asked for; waiting for it…`,
    );
    if (answer) setPending({ token: answer.token, askedAt });
  };
  return (
    <section className="page" data-testid="warehouse-page">
      <ConnectionBanner snapshot={live} />
      <div className="page-head">
        <h1>Warehouse {name}</h1>
        {summary.ready && (
          <Badge
            tone={summary.ready === 'True' ? 'good' : summary.ready === 'False' ? 'bad' : 'warn'}
          >
            {summary.ready === 'True'
              ? 'ready'
              : summary.ready === 'False'
                ? 'discovery failed'
                : 'unknown'}
          </Badge>
        )}
        <span className="spacer" />
        <YamlLink project={project} plural="warehouses" name={name} />
        {allowed.refresh && (
          <button
            type="button"
            className="primary"
            disabled={pending !== undefined}
            onClick={() => void refresh()}
          >
            {pending ? 'Discovering…' : 'Refresh'}
          </button>
        )}
      </div>
      {!outcome && <ActionStatus state={action} />}
      {outcome && (
        <div
          className={`banner ${outcome.ok ? 'banner-ok' : 'banner-error'}`}
          role={outcome.ok ? undefined : 'alert'}
          data-testid="refresh-result"
        >
          <ExpandableText
            text={`Refreshed in ${seconds(outcome.took)}: ${outcome.text}`}
            testId="refresh-result-text"
          />
        </div>
      )}

      <h2>Last discovery</h2>
      <dl className="facts" data-testid="last-discovery">
        <dt>Result</dt>
        <dd data-testid="discovery-result">
          {summary.result ? (
            <ExpandableText
              text={summary.result}
              mono={summary.ready === 'False'}
              className={summary.ready === 'False' ? 'text-bad' : undefined}
              testId="discovery-result-text"
            />
          ) : (
            <span className="muted">not discovered yet</span>
          )}
        </dd>
        <dt>{summary.ready === 'False' ? 'Failing since' : 'Succeeding since'}</dt>
        <dd title={summary.since}>{summary.since ? `${age(summary.since)} ago` : '—'}</dd>
        <dt>Results last changed</dt>
        <dd title={summary.discoveredAt}>
          {summary.discoveredAt ? `${age(summary.discoveredAt)} ago` : '—'}
        </dd>
        <dt>Last refresh asked</dt>
        <dd title={summary.lastRefresh}>
          {summary.lastRefresh ? `${age(summary.lastRefresh)} ago` : '—'}
        </dd>
        <dt>Interval</dt>
        <dd>{warehouse.spec?.interval ?? '5m0s'}</dd>
        <dt>Freight creation</dt>
        <dd>
          {warehouse.spec?.freightCreationPolicy ?? 'Automatic'}
          {warehouse.spec?.freightCreationCriteria?.expression && (
            <>
              {' '}
              when <code>{warehouse.spec.freightCreationCriteria.expression}</code>
            </>
          )}
        </dd>
      </dl>

      <h2>Subscriptions</h2>
      <ol className="subscriptions" data-testid="subscriptions">
        {summary.subscriptions.map((sub, i) => (
          <SubscriptionRow key={`${sub.type}-${sub.repoURL}-${i}`} index={i} sub={sub} />
        ))}
        {summary.subscriptions.length === 0 && <li className="muted">No subscriptions.</li>}
      </ol>

      <h2>Freight it made</h2>
      {freight.length === 0 ? (
        <div className="empty" data-testid="warehouse-no-freight">
          No Freight from {name} yet.
        </div>
      ) : (
        <table className="activity-table" data-testid="warehouse-freight">
          <thead>
            <tr>
              <th>Alias</th>
              <th>Artifacts</th>
              <th>Made</th>
              <th>Running in</th>
            </tr>
          </thead>
          <tbody>
            {freight.map((f) => (
              <tr key={f.metadata.name}>
                <td className="alias" title={f.metadata.name}>
                  <Link to={paths.yaml(project, 'freight', f.metadata.name)}>
                    {f.alias ?? f.metadata.name.slice(0, 7)}
                  </Link>
                </td>
                <td className="versions">{versionsOf(f).join(', ')}</td>
                <td title={f.metadata.creationTimestamp}>
                  {age(f.metadata.creationTimestamp)} ago
                </td>
                <td>
                  {Object.keys(f.status?.currentlyIn ?? {})
                    .sort()
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SubscriptionRow({ sub, index }: { sub: SubscriptionSummary; index: number }) {
  return (
    <li className="subscription" data-testid={`subscription-${index}`}>
      <div className="step-head">
        <Badge tone="muted">{sub.type}</Badge>
        <strong className="repo">{sub.repoURL}</strong>
        {sub.name && <span className="muted">({sub.name})</span>}
      </div>
      <div className="muted selection">{sub.selection.join(' · ')}</div>
      {sub.error !== undefined && (
        <div className="subscription-error" data-testid={`subscription-${index}-error`}>
          <ExpandableText text={sub.error} mono testId={`subscription-${index}-error-text`} />
        </div>
      )}
      {sub.nothing && (
        <div className="muted" data-testid={`subscription-${index}-nothing`}>
          {sub.nothing}
        </div>
      )}
      {sub.found.length > 0 && (
        <table className="found">
          <tbody>
            {sub.found.slice(0, 10).map((f) => (
              <tr key={`${f.version}-${f.detail ?? ''}`}>
                <td className="versions">{f.version}</td>
                <td className="muted detail">{f.detail}</td>
                <td className="muted" title={f.time}>
                  {f.time ? `${age(f.time)} ago` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {sub.found.length > 10 && <div className="muted">and {sub.found.length - 10} older</div>}
    </li>
  );
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}
