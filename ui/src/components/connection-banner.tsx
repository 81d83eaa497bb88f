import type { LiveSnapshot } from '../api/live-store.js';

/** Says when the page is not live: the server cannot be reached, or the stream dropped. */
export function ConnectionBanner({ snapshot }: { snapshot: LiveSnapshot }) {
  if (snapshot.state !== 'lost') return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="connection-lost">
      {snapshot.loaded
        ? `Connection lost: ${snapshot.error ?? 'reconnecting'}. Showing what was last seen; reconnecting…`
        : `Cannot reach the Gantry server: ${snapshot.error ?? 'no answer'}. Retrying…`}
    </div>
  );
}
