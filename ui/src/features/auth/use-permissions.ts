import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import type { Permissions } from '../../api/types.js';
import { explainRefusal, visibleActions, type VisibleActions } from './permissions.js';
import { useIdentity } from './session.js';

/**
 * What the caller may do in a project (`GET /v1/projects/P/permissions`), read when the page
 * opens and again on `reload` (after the server refused something: the role may have changed).
 * Until they are read, no action shows.
 */
export function usePermissions(project: string): {
  permissions: Permissions | undefined;
  actions: VisibleActions;
  /** True once the server answered (or failed to): a page may wait for it to draw once. */
  settled: boolean;
  reload: () => void;
} {
  const [state, setState] = useState<{
    project?: string;
    permissions?: Permissions;
    settled: boolean;
  }>({ settled: false });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    api.permissions(project).then(
      (answer) => current && setState({ project, permissions: answer, settled: true }),
      // Unknown permissions show no actions; the page says what failed on its own.
      () => current && setState({ project, settled: true }),
    );
    return () => {
      current = false;
    };
  }, [project, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // Another project's answer says nothing of this one (kept meanwhile on `reload`).
  const { permissions, settled } = state.project === project ? state : { settled: false };
  const actions = useMemo(() => visibleActions(permissions), [permissions]);
  return { permissions, actions, settled, reload };
}

/**
 * `explainRefusal` for the signed-in caller: what `useAction` adds to a 403. `known` is the
 * actor from elsewhere (the permissions' answer) for when the shell could not ask.
 */
export function useExplainRefusal(known?: string): (err: unknown) => string | undefined {
  const actor = useIdentity()?.actor ?? known;
  // Read when a refusal comes, so the function stays the same (and what holds it need not
  // render again) when the identity arrives.
  const latest = useRef(actor);
  useEffect(() => {
    latest.current = actor;
  }, [actor]);
  return useCallback((err: unknown) => explainRefusal(err, latest.current), []);
}
