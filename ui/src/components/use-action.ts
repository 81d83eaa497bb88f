import { useCallback, useState } from 'react';
import { ApiError } from '../api/client.js';

export interface ActionState {
  /** Which action is running (its label), if any. */
  busy?: string | undefined;
  /** The last failure, one line from the server, until the next action. */
  error?: string | undefined;
  /** A plain sentence after a refusal: what would allow it (see `explain`). */
  hint?: string | undefined;
  /** True when the last failure was the server refusing the caller (403). */
  refused?: boolean | undefined;
  /** The last success, e.g. "promotion dev.01… created". */
  done?: string | undefined;
}

/** An error's message as the server sent it (or as the browser put it). */
export function messageOf(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}

/**
 * Runs button actions one at a time and keeps their outcome for display: the server's own
 * error message on failure (it names what is wrong) with `explain`'s sentence when it has one,
 * a short note on success.
 */
export function useAction(
  explain?: (err: unknown) => string | undefined,
): [
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
          error: `${label}: ${messageOf(err)}`,
          hint: explain?.(err),
          refused: err instanceof ApiError && err.status === 403,
        });
        return undefined;
      }
    },
    [explain],
  );
  return [state, perform];
}
