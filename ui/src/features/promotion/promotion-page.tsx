import { api } from '../../api/client.js';
import type { Promotion, StepExecution } from '../../api/types.js';
import { useLive } from '../../api/use-live.js';
import { Link, paths } from '../../app/router.js';
import { ActionStatus } from '../../components/action-status.js';
import { Badge, toneOf } from '../../components/badge.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { ExpandableText } from '../../components/expandable-text.js';
import { duration, versionsOf } from '../../components/format.js';
import { useAction } from '../../components/use-action.js';
import { pullRequestOf, pullRequestTone } from './pull-request.js';
import { useExplainRefusal, usePermissions } from '../auth/use-permissions.js';
import { YamlLink } from '../yaml/yaml-page.js';
import { formatMs, stepTimings, type StepTiming } from './step-timings.js';
import { usePromotionLogs } from './use-promotion-logs.js';

const KINDS = ['promotions'] as const;

/**
 * One Promotion: its steps with status, timing and outputs, each step's log lines as they
 * come, and the error on the step that failed.
 */
export function PromotionPage({ project, promotion }: { project: string; promotion: string }) {
  const live = useLive(KINDS, project);
  const logs = usePromotionLogs(project, promotion);
  const { permissions, actions: allowed } = usePermissions(project);
  const [action, perform] = useAction(useExplainRefusal(permissions?.actor));
  const object = live.objects.get('Promotion')?.get(promotion) as Promotion | undefined;

  if (live.loaded && !object)
    return (
      <section className="page">
        <ConnectionBanner snapshot={live} />
        <div className="empty">
          <h2>No promotion {promotion}</h2>
          <p>
            It does not exist (any more): finished promotions are kept for a while, then removed.{' '}
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
  const phase = status.phase ?? 'Pending';
  const steps = status.stepExecutionMetadata ?? [];
  const outputs = status.state ?? {};
  const running = phase === 'Running' || phase === 'Pending';
  const timings = stepTimings(steps, status, Date.now());
  const pullRequest = pullRequestOf(outputs);
  return (
    <section className="page">
      <ConnectionBanner snapshot={live} />
      <div className="page-head">
        <h1>Promotion</h1>
        <Badge tone={toneOf(phase)}>{phase}</Badge>
        <span className="spacer" />
        <YamlLink project={project} plural="promotions" name={promotion} />
        {running && allowed.abort && (
          <button
            type="button"
            className="danger"
            onClick={() =>
              void perform(
                'aborting',
                () => api.abort(project, promotion),
                () => 'abort requested',
              )
            }
          >
            Abort
          </button>
        )}
      </div>
      <ActionStatus state={action} />
      <dl className="facts">
        <dt>Name</dt>
        <dd data-testid="promotion-name">{promotion}</dd>
        <dt>Stage</dt>
        <dd>{object.spec?.stage}</dd>
        <dt>Freight</dt>
        <dd>
          {object.spec?.freight} {versionsOf(status.freight).join(', ')}
        </dd>
        <dt>Took</dt>
        <dd>{duration(status.startedAt, status.finishedAt)}</dd>
        {pullRequest && (
          <>
            <dt>Pull request</dt>
            <dd data-testid="promotion-pull-request">
              <a href={pullRequest.url} target="_blank" rel="noreferrer noopener">
                {pullRequest.number > 0 ? `#${pullRequest.number}` : pullRequest.url}
              </a>{' '}
              <Badge tone={pullRequestTone(pullRequest.state)}>{pullRequest.state}</Badge>
            </dd>
          </>
        )}
      </dl>
      {status.message && phase !== 'Succeeded' && (
        <div
          className={`banner ${toneOf(phase) === 'bad' ? 'banner-error' : 'banner-info'}`}
          data-testid="promotion-message"
        >
          <ExpandableText text={status.message} />
        </div>
      )}
      <h2>Steps</h2>
      <ol className="steps" data-testid="steps">
        {steps.map((step, i) => (
          <StepRow
            key={`${step.alias ?? i}`}
            index={i}
            step={step}
            timing={timings[i]}
            uses={object.spec?.steps?.[i]?.uses}
            current={running && status.currentStep === i}
            output={outputs[step.alias ?? '']}
            lines={logs.filter((entry) => entry.step === step.alias).map((entry) => entry.line)}
          />
        ))}
        {steps.length === 0 && <li className="muted">Not started yet.</li>}
      </ol>
    </section>
  );
}

function StepRow(props: {
  index: number;
  step: StepExecution;
  timing: StepTiming | undefined;
  /** The step's kind (git-push, …), from the Promotion's own steps. */
  uses?: string | undefined;
  current: boolean;
  output: unknown;
  lines: string[];
}) {
  const { step } = props;
  const failed = step.status === 'Errored' || step.status === 'Failed';
  return (
    <li
      className={`step step-${(step.status ?? 'pending').toLowerCase()}`}
      data-testid={`step-${step.alias ?? props.index}`}
    >
      <div className="step-head">
        <strong>{step.alias ?? `step ${props.index + 1}`}</strong>
        {props.uses && <code>{props.uses}</code>}
        <Badge tone={toneOf(step.status)}>{step.status ?? 'Pending'}</Badge>
        {props.timing?.offsetMs !== undefined && (
          <span
            className="muted step-time"
            data-testid="step-time"
            title={`started ${step.startedAt ?? ''}${step.finishedAt ? `, finished ${step.finishedAt}` : ''}`}
          >
            started +{formatMs(props.timing.offsetMs)}
            {props.timing.running ? ', running for ' : ', took '}
            {formatMs(props.timing.durationMs ?? 0)}
          </span>
        )}
        {(step.errorCount ?? 0) > 0 && <span className="muted">{step.errorCount} errors</span>}
      </div>
      {props.timing && props.timing.offsetMs !== undefined && (
        <div className="step-bar" aria-hidden="true">
          <span
            className={props.timing.running ? 'running' : undefined}
            style={{ left: `${props.timing.left}%`, width: `${props.timing.width}%` }}
          />
        </div>
      )}
      {step.message && (
        <ExpandableText
          text={step.message}
          mono={failed}
          className={failed ? 'step-error' : 'muted'}
          testId={failed ? 'step-error' : undefined}
          max={200}
        />
      )}
      {props.lines.length > 0 && (
        <pre className="log" data-testid="step-log">
          {props.lines.join('\n')}
        </pre>
      )}
      {props.output !== undefined && Object.keys(props.output as object).length > 0 && (
        <details>
          <summary>outputs</summary>
          <pre className="outputs">{JSON.stringify(props.output, null, 2)}</pre>
        </details>
      )}
    </li>
  );
}
