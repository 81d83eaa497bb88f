import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { AuditEvent } from '../../api/types.js';
import { messageOf } from '../../components/use-action.js';

/**
 * The audit events of one Freight (who approved it for which Stage), read when the page opens
 * and again when `changed` changes (the page passes what the watch stream changed about it).
 * Off when the caller may not read the audit trail.
 */
export function useFreightEvents(
  project: string,
  name: string | undefined,
  changed: unknown,
  enabled: boolean,
): { events?: AuditEvent[] | undefined; error?: string | undefined } {
  const [state, setState] = useState<{ events?: AuditEvent[]; error?: string }>({});
  useEffect(() => {
    if (!enabled || !name) return;
    let current = true;
    api.events(project, 100, { kind: 'Freight', name }).then(
      (answer) => current && setState({ events: answer.items }),
      (err: unknown) => current && setState({ error: messageOf(err) }),
    );
    return () => {
      current = false;
    };
  }, [project, name, changed, enabled]);
  return state;
}
