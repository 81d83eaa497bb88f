import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';

describe('coalesce', () => {
  it('runs at once when idle, and once more after a run for any number of triggers during it', async () => {
    const finishers: Array<() => void> = [];
    let runs = 0;
    const trigger = coalesce(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          finishers.push(resolve);
        }),
    );
    trigger();
    expect(runs).toBe(1);
    trigger();
    trigger();
    trigger();
    expect(runs).toBe(1); // still running: the three ask for one more run
    finishers[0]!();
    await expect.poll(() => runs).toBe(2);
    finishers[1]!();
    // Nothing was asked during the second run: the next trigger is the third run, not a fourth.
    trigger();
    await expect.poll(() => runs).toBe(3);
    expect(finishers).toHaveLength(3);
  });

  it('keeps going after a run fails', async () => {
    let runs = 0;
    const trigger = coalesce(() => {
      runs++;
      return Promise.reject(new Error('no'));
    });
    trigger();
    await expect.poll(() => runs).toBe(1);
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    trigger();
    await expect.poll(() => runs).toBe(2);
  });
});
