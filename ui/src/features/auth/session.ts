import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { api, ApiError, onSignedOut } from '../../api/client.js';
import type { Identity } from '../../api/types.js';

/**
 * Where the browser stands with the server:
 * - `checking`: asking who we are (the page just loaded, and loads meanwhile);
 * - `signed-out`: no session, or it ended mid-use (`ended` says why, as the server said it);
 * - `signed-in`: the session's identity;
 * - `unverified`: the server could not say (unreachable, failing): the pages show their own
 *   connection state, and a 401 from any of them still leads to the sign-in page.
 */
export type Session =
  | { state: 'checking' }
  | { state: 'signed-out'; ended?: string | undefined }
  | { state: 'signed-in'; identity: Identity }
  | { state: 'unverified' };

export interface SessionActions {
  /** Signs in with an API token; throws the server's refusal. */
  signIn: (token: string) => Promise<void>;
  signOut: () => Promise<void>;
}

/**
 * The session, for the shell. The session itself is the server's HttpOnly cookie: the page
 * never sees or keeps a credential (the token typed in is sent once and forgotten), so all it
 * tracks is what the server last said.
 */
export function useSession(): [Session, SessionActions] {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    api.whoami().then(
      (identity) => current && setSession({ state: 'signed-in', identity }),
      (err: unknown) => {
        if (!current) return;
        if (err instanceof ApiError && err.status === 401) setSession({ state: 'signed-out' });
        else setSession({ state: 'unverified' });
      },
    );
    return () => {
      current = false;
    };
  }, [attempt]);
  useEffect(() => {
    // Asked again while the server cannot say; the pages retry on their own meanwhile.
    if (session.state !== 'unverified') return;
    const retry = setTimeout(() => setAttempt((n) => n + 1), 5_000);
    return () => clearTimeout(retry);
  }, [session]);
  useEffect(
    () =>
      onSignedOut((message) =>
        setSession((before) =>
          before.state === 'signed-out'
            ? before
            : { state: 'signed-out', ended: before.state === 'signed-in' ? message : undefined },
        ),
      ),
    [],
  );
  const signIn = useCallback(async (token: string) => {
    const identity = await api.login(token);
    setSession({ state: 'signed-in', identity });
  }, []);
  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch (err) {
      // A session that had already ended is signed out all the same.
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
    setSession({ state: 'signed-out' });
  }, []);
  return [session, { signIn, signOut }];
}

/** The signed-in caller, for the pages below the shell (undefined when not known). */
export const IdentityContext = createContext<Identity | undefined>(undefined);

export function useIdentity(): Identity | undefined {
  return useContext(IdentityContext);
}
