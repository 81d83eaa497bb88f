import { describe, expect, it } from 'vitest';
import { CoalescedRuns } from './coalesced-runs.js';

/** A run the test ends by hand, counting starts. */
function controlled() {
  let starts = 0;
  const ends: Array<(value: number) => void> = [];
  const signals: AbortSignal[] = [];
  return {
    starts: () => starts,
    signals,
    end: (value: number) => ends.shift()?.(value),
    work: (signal: AbortSignal) => {
      starts++;
      signals.push(signal);
      return new Promise<number>((resolve) => ends.push(resolve));
    },
  };
}

/** Waits until `condition` holds, turn by turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('CoalescedRuns', () => {
  const never = new AbortController().signal;

  it('shares one run among callers that ask before it starts', async () => {
    const runs = new CoalescedRuns<number>();
    const op = controlled();
    const answers = Promise.all([1, 2, 3].map(() => runs.run('k', never, op.work)));
    await until(() => op.starts() === 1);
    op.end(7);
    expect(await answers).toEqual([7, 7, 7]);
    expect(op.starts()).toBe(1);
  });

  it('never answers a caller with a run that started before it asked', async () => {
    const runs = new CoalescedRuns<number>();
    const op = controlled();
    const early = runs.run('k', never, op.work);
    await until(() => op.starts() === 1);
    const late = [runs.run('k', never, op.work), runs.run('k', never, op.work)];
    op.end(1);
    expect(await early).toBe(1);
    await until(() => op.starts() === 2);
    op.end(2);
    expect(await Promise.all(late)).toEqual([2, 2]);
  });

  it('runs different keys independently', async () => {
    const runs = new CoalescedRuns<number>();
    const op = controlled();
    const a = runs.run('a', never, op.work);
    const b = runs.run('b', never, op.work);
    await until(() => op.starts() === 2);
    op.end(1);
    op.end(2);
    expect(await Promise.all([a, b])).toEqual([1, 2]);
  });

  it('cancels a run only when every caller gave up', async () => {
    const runs = new CoalescedRuns<number>();
    const op = controlled();
    const first = new AbortController();
    const second = new AbortController();
    const gaveUp = runs.run('k', first.signal, op.work);
    const stays = runs.run('k', second.signal, op.work);
    await until(() => op.starts() === 1);
    first.abort(new Error('first stopped'));
    await expect(gaveUp).rejects.toThrow('first stopped');
    expect(op.signals[0]!.aborted).toBe(false);
    op.end(5);
    expect(await stays).toBe(5);

    const alone = new AbortController();
    const cancelled = runs.run('k', alone.signal, op.work);
    await until(() => op.starts() === 2);
    alone.abort(new Error('stopped'));
    await expect(cancelled).rejects.toThrow('stopped');
    expect(op.signals[1]!.aborted).toBe(true);
  });

  it('passes a failure to every caller of the run, and the next run starts afresh', async () => {
    const runs = new CoalescedRuns<number>();
    const failing = (signal: AbortSignal) => {
      void signal;
      return Promise.reject(new Error('remote down'));
    };
    const answers = [runs.run('k', never, failing), runs.run('k', never, failing)];
    for (const answer of answers) await expect(answer).rejects.toThrow('remote down');
    expect(await runs.run('k', never, () => Promise.resolve(3))).toBe(3);
  });
});
