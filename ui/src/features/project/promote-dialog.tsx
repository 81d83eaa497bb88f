import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { Availability, PromotionPlan, Resource } from '../../api/types.js';
import { Link, navigate, paths } from '../../app/router.js';
import { Badge, toneOf } from '../../components/badge.js';
import { versionsOf } from '../../components/format.js';
import { messageOf } from '../../components/use-action.js';
import type { VisibleActions } from '../auth/permissions.js';
import { useExplainRefusal } from '../auth/use-permissions.js';

/**
 * Promoting one Freight to one Stage: which Freight the Stage may take and why not, the plan
 * (what the steps would do, with the diff git-push would push), then the Promotion itself.
 * Approving shows only to a caller who may; a refusal says which role would allow it.
 */
export function PromoteDialog(props: {
  project: string;
  stage: string;
  freight?: string | undefined;
  /** The Freight the Stage runs now: each choice links to its diff against it. */
  current?: string | undefined;
  allowed: VisibleActions;
  onClose: () => void;
}) {
  const { project, stage } = props;
  const [options, setOptions] = useState<Availability[] | undefined>();
  const [chosen, setChosen] = useState<string | undefined>(props.freight);
  const [plan, setPlan] = useState<PromotionPlan | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<{ message: string; hint?: string | undefined }>();
  const explain = useExplainRefusal();
  const fail = useCallback(
    (err: unknown) => setError({ message: messageOf(err), hint: explain(err) }),
    [explain],
  );

  const load = useCallback(
    () =>
      api.availability(project, stage).then(
        (result) => {
          setOptions(result.items);
          setChosen(
            (current) => current ?? result.items.find((i) => i.available)?.freight.metadata.name,
          );
        },
        (err: unknown) => fail(err),
      ),
    [project, stage, fail],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const option = options?.find((o) => o.freight.metadata.name === chosen);
  const run = async (label: string, action: () => Promise<void>) => {
    setBusy(label);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="dialog-backdrop" onClick={props.onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-label={`Promote to ${stage}`}
        onClick={(event) => event.stopPropagation()}
        data-testid="promote-dialog"
      >
        <h2>Promote to {stage}</h2>
        {!options && !error && <p className="muted">Loading the Freight {stage} may take…</p>}
        {options && options.length === 0 && (
          <p className="empty">No Freight is requested by {stage} yet.</p>
        )}
        {options && options.length > 0 && (
          <ul className="choices">
            {options.map((o) => (
              <li key={o.freight.metadata.name}>
                <label>
                  <input
                    type="radio"
                    name="freight"
                    checked={chosen === o.freight.metadata.name}
                    onChange={() => {
                      setChosen(o.freight.metadata.name);
                      setPlan(undefined);
                    }}
                  />{' '}
                  <span className="alias">
                    {o.freight.alias ?? o.freight.metadata.name.slice(0, 7)}
                  </span>{' '}
                  <span className="versions">{versionsOf(o.freight).join(', ')}</span>{' '}
                  {o.available ? (
                    <Badge tone="good">available</Badge>
                  ) : (
                    <Badge tone="muted">not available</Badge>
                  )}
                </label>{' '}
                {props.current && props.current !== o.freight.metadata.name && (
                  <Link
                    to={paths.freight(project, o.freight.metadata.name, props.current)}
                    className="compare-link"
                    title={`what changes from the Freight ${stage} runs now`}
                  >
                    compare with current
                  </Link>
                )}
              </li>
            ))}
          </ul>
        )}
        {option && !option.available && (
          <div className="banner banner-warn" data-testid="unavailable-reason">
            Not available to {stage}: {option.reason ?? 'no reason given'}
          </div>
        )}
        {plan && <PlanView plan={plan} />}
        {error && (
          <div className="banner banner-error" role="alert" data-testid="promote-error">
            {error.message}
            {error.hint && (
              <div className="banner-hint" data-testid="promote-hint">
                {error.hint}
              </div>
            )}
          </div>
        )}
        <div className="dialog-actions">
          {option && !option.available && props.allowed.approve && (
            <button
              type="button"
              disabled={!!busy}
              onClick={() =>
                void run('approving', async () => {
                  await api.approve(project, option.freight.metadata.name, stage);
                  await load();
                })
              }
            >
              Approve for {stage}
            </button>
          )}
          <button
            type="button"
            disabled={!option || !option.available || !!busy}
            onClick={() =>
              void run('planning', async () => setPlan(await api.plan(project, stage, chosen!)))
            }
          >
            {busy === 'planning' ? 'Planning…' : 'Show plan'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={!option || !option.available || !!busy}
            onClick={() =>
              void run('promoting', async () => {
                const promotion: Resource = await api.promote(project, stage, chosen!);
                props.onClose();
                navigate(paths.promotion(project, promotion.metadata.name));
              })
            }
          >
            {busy === 'promoting' ? 'Promoting…' : 'Promote'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

/** The plan: each step's outcome, and any diff a step would push. */
function PlanView({ plan }: { plan: PromotionPlan }) {
  return (
    <div className="plan" data-testid="plan">
      <h3>
        Plan <Badge tone={toneOf(plan.phase)}>{plan.phase}</Badge>
      </h3>
      {plan.message && <p>{plan.message}</p>}
      <ol>
        {plan.steps.map((step, i) => {
          const diff = (step.output as { plan?: { diff?: string } } | undefined)?.plan?.diff;
          return (
            <li key={`${step.alias ?? i}`}>
              <code>{step.uses}</code> {step.alias && <span className="muted">({step.alias})</span>}{' '}
              <Badge tone={toneOf(step.status)}>{step.status}</Badge>
              {step.message && <div className="muted">{step.message}</div>}
              {diff && <DiffView diff={diff} />}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function DiffView({ diff }: { diff: string }) {
  return (
    <pre className="diff" data-testid="plan-diff">
      {diff.split('\n').map((line, i) => (
        <div
          key={i}
          className={
            line.startsWith('+') && !line.startsWith('+++')
              ? 'added'
              : line.startsWith('-') && !line.startsWith('---')
                ? 'removed'
                : undefined
          }
        >
          {line || ' '}
        </div>
      ))}
    </pre>
  );
}
