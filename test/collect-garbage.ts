import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs a full garbage collection without `--expose-gc` on the test process: tests use it to
 * show that what must stay alive (a pending timeout, a watch's end) is strongly held. It first
 * waits a turn of the event loop, since V8 keeps every WeakRef target made in the current job.
 */
export async function collectGarbage(): Promise<void> {
  await nextTurn();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}
