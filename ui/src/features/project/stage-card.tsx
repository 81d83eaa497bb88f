import type { DragEvent } from 'react';
import type { Stage } from '../../api/types.js';
import type { VisibleActions } from '../auth/permissions.js';
import { Link, paths } from '../../app/router.js';
import { Badge, toneOf } from '../../components/badge.js';
import { versionsOf } from '../../components/format.js';
import { ExpandableText } from '../../components/expandable-text.js';
import { currentFreightOf } from './project-data.js';
import { promotionMode, shownVerification } from './stage-badges.js';
import { missingReference } from './stage-problems.js';

export interface StageActions {
  promote(stage: string, freight?: string): void;
  verify(stage: string): void;
  rollback(stage: string): void;
  resume(stage: string): void;
  abort(promotion: string): void;
}

/**
 * One Stage in the pipeline: what it runs (alias and versions), its health, verification,
 * auto-promotion, hold and freeze, the promotion in flight, and what the caller may do to it
 * (only that: `allowed`). Freight dropped on it opens the promote dialog for that pair.
 */
export function StageCard(props: {
  project: string;
  stage: Stage;
  aliases: ReadonlyMap<string, string>;
  frozen: boolean;
  actions: StageActions;
  allowed: VisibleActions;
  style?: React.CSSProperties;
}) {
  const { stage, aliases, actions, project, allowed } = props;
  const name = stage.metadata.name;
  const status = stage.status ?? {};
  const current = currentFreightOf(stage);
  const verification = shownVerification(stage);
  const mode = promotionMode(stage, props.frozen);
  const health = status.health?.status;
  const holds = Object.values(status.autoPromotionHolds ?? {});
  const running = status.currentPromotion;
  const last = status.lastPromotion;
  const color = stage.metadata.annotations?.['kargo.akuity.io/color'];
  const controlFlow = (stage.spec?.promotionTemplate?.spec?.steps ?? []).length === 0;
  const droppable = !controlFlow && allowed.promote;
  const apps = argoApps(status.health?.output);
  // What is wrong, in words, on the card itself: a Warehouse or upstream Stage that does not
  // exist, else a failed verification, else a health issue.
  const problem =
    missingReference(stage) ??
    (verification && toneOf(verification.phase) === 'bad'
      ? `verification ${verification.phase}: ${verification.message ?? 'no message'}`
      : health === 'Unhealthy'
        ? (status.health?.issues ?? [])[0]
        : undefined);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    const freight = event.dataTransfer.getData('application/x-gantry-freight');
    event.currentTarget.classList.remove('drop-target');
    if (freight && droppable) {
      event.preventDefault();
      actions.promote(name, freight);
    }
  };
  return (
    <div
      className="stage-card"
      style={{ ...props.style, borderTopColor: color }}
      data-testid={`stage-${name}`}
      onDragOver={(event) => {
        if (droppable && event.dataTransfer.types.includes('application/x-gantry-freight')) {
          event.preventDefault();
          event.currentTarget.classList.add('drop-target');
        }
      }}
      onDragLeave={(event) => event.currentTarget.classList.remove('drop-target')}
      onDrop={onDrop}
    >
      <div className="stage-head">
        <Link
          to={paths.stage(project, name)}
          className="stage-name"
          title={`${name}: its history, health and verifications`}
        >
          <strong>{name}</strong>
        </Link>
        <span className="badges">
          {health && health !== 'NotApplicable' && (
            <Badge tone={toneOf(health)} title={(status.health?.issues ?? []).join('\n')}>
              {health}
            </Badge>
          )}
          {mode === 'auto' && (
            <Badge tone="info" title="promotes new Freight on its own">
              ↻ auto
            </Badge>
          )}
          {holds.length > 0 && (
            <Badge tone="warn" title={holds.map((h) => h.reason ?? '').join('\n')}>
              held
            </Badge>
          )}
          {mode === 'frozen' && (
            <Badge
              tone="frozen"
              title={`the project is frozen: nothing promotes${status.autoPromotionEnabled ? ' (auto-promotion waits)' : ''}`}
            >
              ❄ frozen
            </Badge>
          )}
        </span>
      </div>
      <div className="stage-freight" data-testid={`stage-${name}-freight`}>
        {current.length === 0 && <span className="muted">no Freight yet</span>}
        {current.map((item) => (
          <div key={item.name}>
            <span className="alias">{aliases.get(item.name ?? '') ?? item.name?.slice(0, 7)}</span>{' '}
            <span className="versions">{versionsOf(item).join(', ')}</span>
          </div>
        ))}
      </div>
      <div className="stage-status">
        {verification?.phase && (
          <Badge tone={toneOf(verification.phase)} title={verification.message}>
            verification {verification.phase}
          </Badge>
        )}
        {running && (
          <Link to={paths.promotion(project, running.name)} className="promoting">
            <Badge tone="busy">promoting…</Badge>
          </Link>
        )}
        {!running && last && (
          <Link to={paths.promotion(project, last.name)} title={last.status?.message}>
            <Badge tone={toneOf(last.status?.phase)}>last: {last.status?.phase ?? '?'}</Badge>
          </Link>
        )}
      </div>
      {apps.length > 0 && (
        <div className="stage-apps">
          {apps.map((app) =>
            app.url ? (
              <a
                key={app.app}
                href={app.url}
                target="_blank"
                rel="noreferrer"
                title={`${app.app} in Argo CD: ${app.health}`}
              >
                {app.app} ↗
              </a>
            ) : (
              <span key={app.app} title={app.health}>
                {app.app}
              </span>
            ),
          )}
        </div>
      )}
      {problem && (
        <ExpandableText
          text={problem}
          float
          className="stage-problem"
          testId={`stage-${name}-problem`}
          max={60}
        />
      )}
      <div className="stage-actions">
        {!controlFlow && allowed.promote && (
          <button type="button" onClick={() => actions.promote(name)}>
            Promote…
          </button>
        )}
        {allowed.verify && (
          <button
            type="button"
            onClick={() => actions.verify(name)}
            disabled={current.length === 0}
          >
            Verify
          </button>
        )}
        {!controlFlow && allowed.rollback && (
          <button
            type="button"
            onClick={() => actions.rollback(name)}
            disabled={current.length === 0}
          >
            Rollback
          </button>
        )}
        {holds.length > 0 && allowed.resume && (
          <button type="button" onClick={() => actions.resume(name)}>
            Resume
          </button>
        )}
        {running && allowed.abort && (
          <button type="button" className="danger" onClick={() => actions.abort(running.name)}>
            Abort
          </button>
        )}
      </div>
    </div>
  );
}

/** The Argo CD apps behind a Stage's health (its checks' output), with their links. */
export function argoApps(output: unknown): Array<{ app: string; health: string; url?: string }> {
  const entries = (Array.isArray(output) ? output.flat() : []) as unknown[];
  return entries.flatMap((entry) => {
    const e = entry as { app?: unknown; health?: unknown; url?: unknown };
    if (typeof e?.app !== 'string') return [];
    return [
      {
        app: e.app,
        health: typeof e.health === 'string' ? e.health : '',
        ...(typeof e.url === 'string' && /^https?:\/\//.test(e.url) ? { url: e.url } : {}),
      },
    ];
  });
}
