import { useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import type { Freight, Resource, Stage } from '../../api/types.js';
import { objectsOf, useLive } from '../../api/use-live.js';
import { ActionStatus } from '../../components/action-status.js';
import { Badge } from '../../components/badge.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { useAction } from '../../components/use-action.js';
import { freezeReason } from '../projects/project-summary.js';
import { FreightTimeline } from './freight-timeline.js';
import { PipelineView } from './pipeline-view.js';
import { aliasIndex, newestFirst } from './project-data.js';
import { PromoteDialog } from './promote-dialog.js';
import type { StageActions } from './stage-card.js';

const PROJECT_KINDS = ['stages', 'warehouses', 'freight', 'projectconfigs'] as const;
const PROJECTS = ['projects'] as const;

/**
 * A project: its pipeline as a graph (Warehouses → Stages) and its Freight timeline, live
 * from the watch stream, with every action a person takes on a pipeline.
 */
export function ProjectPage({ project }: { project: string }) {
  const live = useLive(PROJECT_KINDS, project);
  const projects = useLive(PROJECTS);
  const [action, perform] = useAction();
  const [dialog, setDialog] = useState<{ stage: string; freight?: string | undefined }>();
  const [selected, setSelected] = useState<string>();

  const stages = objectsOf<Stage>(live, 'Stage');
  const warehouses = objectsOf<Resource>(live, 'Warehouse');
  const freightList = objectsOf<Freight>(live, 'Freight');
  const freight = useMemo(() => newestFirst(freightList), [live]);
  const aliases = useMemo(() => aliasIndex(freight), [freight]);
  const projectObject = projects.objects.get('Project')?.get(project);
  const frozen = freezeReason(projectObject);

  const actions: StageActions = {
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
  };

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
          <Badge tone="info" title={frozen}>
            FROZEN: {frozen}
          </Badge>
        )}
        <span className="spacer" />
        {frozen === undefined ? (
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
      {!live.loaded && live.state !== 'lost' && <p className="muted">Loading…</p>}
      {live.loaded && stages.length === 0 && warehouses.length === 0 && (
        <div className="empty" data-testid="empty-project">
          <h2>Nothing here yet</h2>
          <p>
            This project has no Warehouses or Stages. Apply some:{' '}
            <code>npx gantry apply -f DIR --project {project}</code>
          </p>
        </div>
      )}
      {live.loaded && (stages.length > 0 || warehouses.length > 0) && (
        <>
          <h2>Pipeline</h2>
          <PipelineView
            project={project}
            stages={stages}
            warehouses={warehouses}
            aliases={aliases}
            frozen={frozen !== undefined}
            actions={actions}
            onRefresh={(name) =>
              void perform(
                `refreshing ${name}`,
                () => api.refresh(project, name),
                () => `${name} refreshed`,
              )
            }
          />
          <h2>Freight</h2>
          <FreightTimeline
            freight={freight}
            stages={stages}
            selected={selected}
            onSelect={setSelected}
          />
        </>
      )}
      {dialog && (
        <PromoteDialog
          project={project}
          stage={dialog.stage}
          freight={dialog.freight}
          onClose={() => setDialog(undefined)}
        />
      )}
    </section>
  );
}
