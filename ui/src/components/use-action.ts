import { useCallback, useState } from 'react';
import { ApiError } from '../api/client.js';

export interface ActionState {
  /** Which action is running (its label), if any. */
  busy?: string | undefined;
  /** The last failure, one line from the server, until the next action. */
  error?: string | undefined;
  /** The last success, e.g. "promotion dev.01… created". */
  done?: string | undefined;
}

/**
 * Runs button actions one at a time and keeps their outcome for display: the server's own
 * error message on failure (it names what is wrong), a short note on success.
 */
export function useAction(): [
  ActionState,
  <T>(label: string, run: () => Promise<T>, done?: (result: T) => string) => Promise<T | undefined>,
] {
  const [state, setState] = useState<ActionState>({});
  const perform = useCallback(
    async <T>(label: string, run: () => Promise<T>, done?: (result: T) => string) => {
      setState({ busy: label });
      try {
        const result = await run();
        setState({ done: done ? done(result) : `${label}: done` });
        return result;
      } catch (err) {
        setState({
          error: `${label}: ${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`,
        });
        return undefined;
      }
    },
    [],
  );
  return [state, perform];
}
