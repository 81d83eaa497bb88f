import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import type { Freight, Resource, Stage } from '../../api/types.js';
import { objectsOf, useLive } from '../../api/use-live.js';
import { ActionStatus } from '../../components/action-status.js';
import { Badge } from '../../components/badge.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { useAction } from '../../components/use-action.js';
import { useExplainRefusal, usePermissions } from '../auth/use-permissions.js';
import { freezeReason } from '../projects/project-summary.js';
import { ActivityPanel } from './activity-panel.js';
import { FreightTimeline } from './freight-timeline.js';
import { PipelineView } from './pipeline-view.js';
import { aliasIndex, currentFreightOf, newestFirst } from './project-data.js';
import { PromoteDialog } from './promote-dialog.js';
import type { StageActions } from './stage-card.js';
import { useActivity } from './use-activity.js';

const PROJECT_KINDS = ['stages', 'warehouses', 'freight', 'projectconfigs'] as const;
const PROJECTS = ['projects'] as const;

/**
 * A project: its pipeline as a graph (Warehouses → Stages), its Freight timeline and its
 * recent activity, live from the watch stream, with the actions a person takes on a pipeline:
 * those the caller's permissions allow (a viewer sees none).
 */
export function ProjectPage({ project }: { project: string }) {
  const live = useLive(PROJECT_KINDS, project);
  const projects = useLive(PROJECTS);
  const {
    permissions,
    actions: allowed,
    settled,
    reload: reloadPermissions,
  } = usePermissions(project);
  // Drawn once the objects and the permissions are both in (asked for at once): the pipeline
  // is not drawn twice, first without its buttons.
  const loaded = live.loaded && settled;
  const [action, perform] = useAction(useExplainRefusal(permissions?.actor));
  // A refusal may mean the role changed since the page opened: ask again, hiding what went.
  useEffect(() => {
    if (action.refused) reloadPermissions();
  }, [action, reloadPermissions]);
  const canReadActivity = permissions?.resources.events?.list === true;
  // Read again whenever the watch stream brings a change: someone did something.
  const activity = useActivity(project, `${live.changes}/${projects.changes}`, canReadActivity);
  const [dialog, setDialog] = useState<{ stage: string; freight?: string | undefined }>();
  const [selected, setSelected] = useState<string>();

  // Made again only when the objects change (or the store: another project), so the memoized pipeline and timeline skip the
  // page's other updates (an action's outcome, the activity, the permissions).
  const stages = useMemo(() => objectsOf<Stage>(live, 'Stage'), [live.objects, live.changes]);
  const warehouses = useMemo(
    () => objectsOf<Resource>(live, 'Warehouse'),
    [live.objects, live.changes],
  );
  const freight = useMemo(
    () => newestFirst(objectsOf<Freight>(live, 'Freight')),
    [live.objects, live.changes],
  );
  const aliases = useMemo(() => aliasIndex(freight), [freight]);
  const projectObject = projects.objects.get('Project')?.get(project);
  const frozen = freezeReason(projectObject);

  const actions = useMemo<StageActions>(
    () => ({
      promote: (stage, chosen) => setDialog({ stage, freight: chosen ?? selected }),
      verify: (stage) =>
        void perform(
          `verifying ${stage}`,
          () => api.verify(project, stage),
          () => `verification of ${stage} started`,
        ),
      rollback: (stage) =>
        void perform(
          `rolling back ${stage}`,
          () => api.rollback(project, stage),
          (result) => `rollback ${result.promotion.metadata.name} created`,
        ),
      resume: (stage) =>
        void perform(
          `resuming ${stage}`,
          () => api.resume(project, stage),
          () => `auto-promotion of ${stage} resumed`,
        ),
      abort: (promotion) =>
        void perform(
          `aborting ${promotion}`,
          () => api.abort(project, promotion),
          () => `${promotion} aborted`,
        ),
    }),
    [project, perform, selected],
  );
  const onRefresh = useCallback(
    (name: string) =>
      void perform(
        `refreshing ${name}`,
        () => api.refresh(project, name),
        () => `${name} refreshed`,
      ),
    [project, perform],
  );

  if (live.loaded && projects.loaded && !projectObject)
    return (
      <section className="page">
        <div className="empty">
          <h2>No project {project}</h2>
          <p>It does not exist (any more) on this server.</p>
        </div>
      </section>
    );

  return (
    <section className="page">
      <ConnectionBanner snapshot={live} />
      <div className="page-head">
        <h1>{project}</h1>
        {frozen !== undefined && (
          <Badge tone="frozen" title={frozen}>
            ❄ FROZEN: {frozen}
          </Badge>
        )}
        <span className="spacer" />
        {permissions && !Object.values(allowed).some(Boolean) && (
          <span className="muted" data-testid="read-only">
            Read only: your role lets you view this project, not change it
          </span>
        )}
        {!allowed.freeze ? null : frozen === undefined ? (
          <button
            type="button"
            onClick={() => {
              const reason = window.prompt('Why freeze all promotions of this project?');
              if (reason)
                void perform(
                  'freezing',
                  () => api.freeze(project, reason),
                  () => `${project} frozen`,
                );
            }}
          >
            Freeze
          </button>
        ) : (
          <button
            type="button"
            onClick={() =>
              void perform(
                'unfreezing',
                () => api.unfreeze(project),
                () => `${project} unfrozen`,
              )
            }
          >
            Unfreeze
          </button>
        )}
      </div>
      <ActionStatus state={action} />
      {!loaded && live.state !== 'lost' && <p className="muted">Loading…</p>}
      {loaded && stages.length === 0 && warehouses.length === 0 && (
        <div className="empty" data-testid="empty-project">
          <h2>Nothing here yet</h2>
          <p>
            This project has no Warehouses or Stages. Apply some:{' '}
            <code>npx gantry apply -f DIR --project {project}</code>
          </p>
        </div>
      )}
      {loaded && (stages.length > 0 || warehouses.length > 0) && (
        <>
          <h2>Pipeline</h2>
          <PipelineView
            project={project}
            stages={stages}
            warehouses={warehouses}
            aliases={aliases}
            frozen={frozen !== undefined}
            actions={actions}
            allowed={allowed}
            onRefresh={onRefresh}
          />
          <h2>Freight</h2>
          <FreightTimeline
            project={project}
            freight={freight}
            stages={stages}
            selected={selected}
            onSelect={setSelected}
            draggable={allowed.promote}
          />
        </>
      )}
      {canReadActivity && (
        <>
          <h2>Activity</h2>
          <ActivityPanel events={activity.events} error={activity.error} />
        </>
      )}
      {dialog && (
        <PromoteDialog
          project={project}
          stage={dialog.stage}
          freight={dialog.freight}
          current={(() => {
            const target = stages.find((s) => s.metadata.name === dialog.stage);
            return target && currentFreightOf(target)[0]?.name;
          })()}
          allowed={allowed}
          onClose={() => setDialog(undefined)}
        />
      )}
    </section>
  );
}
