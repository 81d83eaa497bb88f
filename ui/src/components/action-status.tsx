import type { ActionState } from './use-action.js';

/** The outcome of the last button action, where the user looks. */
export function ActionStatus({ state }: { state: ActionState }) {
  if (state.busy) return <div className="banner banner-info">{state.busy}…</div>;
  if (state.error)
    return (
      <div className="banner banner-error" role="alert" data-testid="action-error">
        {state.error}
        {state.hint && (
          <div className="banner-hint" data-testid="action-hint">
            {state.hint}
          </div>
        )}
      </div>
    );
  if (state.done)
    return (
      <div className="banner banner-ok" data-testid="action-done">
        {state.done}
      </div>
    );
  return null;
}
