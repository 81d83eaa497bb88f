import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import type { AuditEvent } from '../../api/types.js';
import { coalesce } from '../../components/coalesce.js';
import { messageOf } from '../../components/use-action.js';

/** How many of the newest events the Activity panel shows. */
export const ACTIVITY_LIMIT = 20;

/**
 * The project's newest audit events, read when the page opens and again whenever `changed`
 * changes (the page passes how many changes the watch stream brought: every change someone
 * makes reads them again; requests never overlap). Off when the caller may not read them.
 */
export function useActivity(
  project: string,
  changed: unknown,
  enabled: boolean,
): { events?: AuditEvent[] | undefined; error?: string | undefined } {
  const [state, setState] = useState<{ events?: AuditEvent[]; error?: string }>({});
  const reload = useRef<() => void>(undefined);
  useEffect(() => {
    let current = true;
    setState({});
    reload.current = coalesce(() =>
      api.events(project, ACTIVITY_LIMIT).then(
        (answer) => {
          if (current) setState({ events: answer.items });
        },
        (err: unknown) => {
          if (current) setState((before) => ({ ...before, error: messageOf(err) }));
        },
      ),
    );
    return () => {
      current = false;
      reload.current = undefined;
    };
  }, [project]);
  useEffect(() => {
    if (enabled) reload.current?.();
  }, [project, changed, enabled]);
  return state;
}
