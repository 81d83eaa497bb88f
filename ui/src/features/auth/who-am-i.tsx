import { useState } from 'react';
import type { Identity } from '../../api/types.js';
import { messageOf } from '../../components/use-action.js';
import { describeIdentity } from './identity-summary.js';

/** The header's corner: who is signed in, and Sign out. */
export function WhoAmI(props: { identity: Identity; signOut: () => Promise<void> }) {
  const { actor, detail } = describeIdentity(props.identity);
  const [error, setError] = useState<string>();
  return (
    <div className="whoami" data-testid="whoami">
      <span className="actor" title="who the server sees (the audit trail names this)">
        {actor}
      </span>
      {detail && <span className="muted">{detail}</span>}
      <button
        type="button"
        onClick={() => {
          setError(undefined);
          props.signOut().catch((err: unknown) => setError(messageOf(err)));
        }}
      >
        Sign out
      </button>
      {error && (
        <span className="whoami-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
