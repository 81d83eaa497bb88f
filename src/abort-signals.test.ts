import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { collectGarbage } from '../test/collect-garbage.js';
import { linkSignals } from './abort-signals.js';

describe('linkSignals', () => {
  it('leaves no listener on a long-lived signal after many links', () => {
    const shutdown = new AbortController();
    for (let index = 0; index < 1_000; index++) {
      const link = linkSignals([shutdown.signal, new AbortController().signal]);
      link.dispose();
    }
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('aborts with the reason of the source that aborted, then unlinks', () => {
    const long = new AbortController();
    const short = new AbortController();
    const link = linkSignals([long.signal, short.signal]);
    expect(link.signal.aborted).toBe(false);
    short.abort(new Error('stopped'));
    expect(link.signal.aborted).toBe(true);
    expect((link.signal.reason as Error).message).toBe('stopped');
    expect(getEventListeners(long.signal, 'abort')).toHaveLength(0);
  });

  it('is aborted at once when a source already is, and skips absent ones', () => {
    const done = new AbortController();
    done.abort('gone');
    const link = linkSignals([undefined, done.signal]);
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe('gone');
  });

  it('aborts after its timeout, and a disposed one never does', () => {
    vi.useFakeTimers();
    try {
      const long = new AbortController();
      const timed = linkSignals([long.signal], { timeoutMs: 1_000 });
      const disposed = linkSignals([long.signal], { timeoutMs: 1_000 });
      disposed.dispose();
      vi.advanceTimersByTime(1_000);
      expect((timed.signal.reason as DOMException).name).toBe('TimeoutError');
      expect(disposed.signal.aborted).toBe(false);
      expect(getEventListeners(long.signal, 'abort')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('still times out after a garbage collection when only the linked signal is held', async () => {
    // Node 20's AbortSignal.any([source, AbortSignal.timeout(ms)]) never aborts once a
    // collection took the timeout signal, which nothing else holds (a Kubernetes watch with
    // timeoutSeconds stayed open for good).
    const { signal } = linkSignals([new AbortController().signal], { timeoutMs: 20 });
    const aborted = new Promise<unknown>((resolve) =>
      signal.addEventListener('abort', () => resolve(signal.reason)),
    );
    await collectGarbage();
    expect(((await aborted) as DOMException).name).toBe('TimeoutError');
  });
});
