import { describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import { EventFeed, type EventHistory, type EventQuery } from './event-feed.js';
import type { WatchEvent } from './store.js';

/** An in-memory change history whose compaction the test controls. */
class FakeHistory implements EventHistory {
  events: WatchEvent[] = [];
  compacted = 0;
  /** Runs once, just before the next read, e.g. to compact in the middle of a subscription. */
  beforeRead: (() => void) | undefined;

  append(count: number): void {
    for (let i = 0; i < count; i++) {
      const rv = this.events.length + this.compacted + 1;
      this.events.push({
        type: 'ADDED',
        resourceVersion: String(rv),
        object: {
          apiVersion: 'v',
          kind: 'Stage',
          metadata: {
            name: `s${rv}`,
            namespace: 'p',
            uid: 'u',
            resourceVersion: String(rv),
            generation: 1,
            creationTimestamp: 't',
          },
        },
      });
    }
  }

  compactTo(rv: number): void {
    this.events = this.events.filter((e) => Number(e.resourceVersion) > rv);
    this.compacted = rv;
  }

  readEvents(query: EventQuery): Promise<WatchEvent[]> {
    const hook = this.beforeRead;
    this.beforeRead = undefined;
    hook?.();
    return Promise.resolve(
      this.events
        .filter(
          (e) =>
            Number(e.resourceVersion) > query.after &&
            (query.upTo === undefined || Number(e.resourceVersion) <= query.upTo),
        )
        .slice(0, query.limit),
    );
  }

  currentResourceVersion(): Promise<number> {
    const last = this.events[this.events.length - 1];
    return Promise.resolve(last ? Number(last.resourceVersion) : this.compacted);
  }

  compactedThrough(): Promise<number> {
    return Promise.resolve(this.compacted);
  }
}

/** A history that records every query made of it. */
class CountingHistory extends FakeHistory {
  queries: EventQuery[] = [];

  override readEvents(query: EventQuery): Promise<WatchEvent[]> {
    this.queries.push(query);
    return super.readEvents(query);
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

async function take(iterator: AsyncIterator<WatchEvent>, count: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(Number(next.value.resourceVersion));
  }
  return out;
}

describe('EventFeed', () => {
  it('delivers the backlog, then live events, each once', async () => {
    const history = new FakeHistory();
    history.append(10);
    const feed = new EventFeed({ history, pollIntervalMs: 10 });
    const controller = new AbortController();
    const iterator = feed.subscribe({ fromResourceVersion: '3', signal: controller.signal });
    expect(await take(iterator, 7)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    history.append(2);
    feed.notify();
    expect(await take(iterator, 2)).toEqual([11, 12]);
    controller.abort();
    feed.close();
  });

  it("delivers the events handed over from memory, after history's older ones, reading none back", async () => {
    const history = new CountingHistory();
    const feed = new EventFeed({ history, pollIntervalMs: 60_000 });
    const controller = new AbortController();
    const iterator = feed.subscribe({ fromResourceVersion: '0', signal: controller.signal });
    const first = take(iterator, 4);
    await until(() => history.queries.length > 0);
    // Versions 1 and 2 were committed by another process (only in history); 3 and 4 by this
    // one, handed over and never stored in this fake history.
    history.append(2);
    const mine = new FakeHistory();
    mine.append(4);
    const handed = mine.events.slice(2);
    history.queries = [];
    feed.committed(handed);
    expect(await first).toEqual([1, 2, 3, 4]);
    expect(history.queries).toEqual([expect.objectContaining({ after: 0, upTo: 2 })]);
    // Only this process's commits: nothing is read at all, and the objects are the ones handed over.
    history.queries = [];
    const next = iterator.next();
    mine.append(1);
    feed.committed(mine.events.slice(4));
    const delivered = await next;
    expect(delivered.value).toBe(mine.events[4]);
    expect(history.queries).toEqual([]);
    controller.abort();
    feed.close();
  });

  it('refuses a start the history no longer covers', async () => {
    const history = new FakeHistory();
    history.append(10);
    history.compactTo(5);
    const feed = new EventFeed({ history });
    const iterator = feed.subscribe({
      fromResourceVersion: '2',
      signal: new AbortController().signal,
    });
    const err = await iterator.next().catch((e: unknown) => e);
    expect(isGantryError(err, 'Expired')).toBe(true);
    feed.close();
  });

  it('notices compaction that happens while it reads the backlog', async () => {
    const history = new FakeHistory();
    history.append(10);
    const feed = new EventFeed({ history, pollIntervalMs: 10_000 });
    // A second watcher keeps the live reader's cursor at 10, so the first reads 2..10 as backlog.
    const other = new AbortController();
    const warm = feed.subscribe({ signal: other.signal });
    const warmNext = warm.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    history.beforeRead = () => history.compactTo(6);
    const iterator = feed.subscribe({
      fromResourceVersion: '2',
      signal: new AbortController().signal,
    });
    const err = await iterator.next().catch((e: unknown) => e);
    expect(isGantryError(err, 'Expired')).toBe(true);
    other.abort();
    feed.notify();
    await warmNext;
    feed.close();
  });

  it('drops a watcher that falls too far behind, telling it to resume', async () => {
    const history = new FakeHistory();
    const feed = new EventFeed({ history, maxQueuedEvents: 5, pollIntervalMs: 10_000 });
    const iterator = feed.subscribe({ signal: new AbortController().signal });
    const first = iterator.next();
    // Let the subscription establish "now" before anything happens.
    await new Promise((resolve) => setTimeout(resolve, 10));
    history.append(1);
    feed.notify();
    await first;
    history.append(20);
    feed.notify();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const err = await take(iterator, 20).catch((e: unknown) => e);
    expect(isGantryError(err, 'Expired')).toBe(true);
    feed.close();
  });
});
