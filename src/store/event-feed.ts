import { expiredError, inputError } from '../errors.js';
import type { WatchEvent, WatchOptions } from './store.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** What a backend offers the feed: its committed change history, in version order. */
export interface EventHistory {
  /** Events with version > `after` (and <= `upTo` when given), oldest first, at most `limit`. */
  readEvents(query: EventQuery): Promise<WatchEvent[]>;
  /** The newest committed version. */
  currentResourceVersion(): Promise<number>;
  /** Versions up to and including this one have been compacted away. */
  compactedThrough(): Promise<number>;
}

export interface EventQuery {
  after: number;
  upTo?: number | undefined;
  limit: number;
  kinds?: string[] | undefined;
  namespace?: string | undefined;
}

export interface EventFeedOptions {
  history: EventHistory;
  /** How often to look for changes nobody announced (another process, a missed NOTIFY). */
  pollIntervalMs?: number;
  /** A subscriber that falls this many events behind is dropped with Expired and must resume. */
  maxQueuedEvents?: number;
  onError?: (err: unknown) => void;
}

interface Subscriber {
  kinds: Set<string> | undefined;
  namespace: string | undefined;
  queue: WatchEvent[];
  wake: (() => void) | undefined;
  failure: Error | undefined;
}

const BATCH = 1000;

/**
 * Fans the store's change history out to watchers. One reader tails the history for all live
 * subscribers; a subscriber starting in the past first reads its backlog itself, then joins
 * the live stream. Every event carries a unique, increasing version, and a subscriber only
 * passes on events newer than the last it delivered, which is what makes delivery
 * exactly-once and gap-free (see `subscribe`).
 */
export class EventFeed {
  readonly #history: EventHistory;
  readonly #subscribers = new Set<Subscriber>();
  readonly #maxQueued: number;
  readonly #onError: (err: unknown) => void;
  #cursor = 0;
  /** Events this process committed and handed over (`committed`), not yet dispatched. */
  #recent: WatchEvent[] = [];
  #started: Promise<void> | undefined;
  #pumping = false;
  #pumpAgain = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: EventFeedOptions) {
    this.#history = options.history;
    this.#maxQueued = options.maxQueuedEvents ?? 10_000;
    this.#onError = options.onError ?? (() => undefined);
    const pollMs = options.pollIntervalMs ?? 1_000;
    this.#timer = setInterval(() => this.notify(), pollMs);
    this.#timer.unref();
  }

  /** Tells the feed that new events may have been committed. */
  notify(): void {
    if (this.#closed || this.#subscribers.size === 0 || !this.#started) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#pump().finally(() => {
      this.#pumping = false;
      if (this.#pumpAgain) {
        this.#pumpAgain = false;
        this.notify();
      }
    });
  }

  /**
   * Hands over events the caller has just committed, in version order, and notifies: the
   * reader dispatches them from memory instead of reading them back from history and parsing
   * them again (issue 17). History still supplies every version not handed over (another
   * process's writes, or events that arrived while nobody was watching), so delivery stays
   * gap-free and ordered. Their objects are shared by every subscriber: they must be frozen.
   */
  committed(events: WatchEvent[]): void {
    if (this.#closed || this.#subscribers.size === 0 || !this.#started) return;
    // A backlog this large means the reader is far behind: history serves it instead.
    if (this.#recent.length + events.length > this.#maxQueued) this.#recent = [];
    else for (const event of events) this.#recent.push(event);
    this.notify();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const subscriber of this.#subscribers) {
      subscriber.wake?.();
    }
  }

  /**
   * Events after `fromResourceVersion` (or after now), until the signal aborts.
   *
   * Why nothing is missed or repeated: the subscriber joins the live set and reads the
   * feed's cursor in the same synchronous step, so every event after that cursor reaches its
   * queue; events between its start and that cursor it reads from history itself; and it
   * drops anything not newer than the last version it delivered.
   */
  async *subscribe(options: WatchOptions): AsyncGenerator<WatchEvent> {
    await this.#start();
    const start =
      options.fromResourceVersion === undefined || options.fromResourceVersion === ''
        ? await this.#history.currentResourceVersion()
        : parseVersion(options.fromResourceVersion);
    const compacted = await this.#history.compactedThrough();
    if (start < compacted) {
      throw expiredError(
        `resourceVersion ${start} is too old: history before ${compacted + 1} has been compacted; list again and watch from the list's resourceVersion`,
      );
    }
    const subscriber: Subscriber = {
      kinds: options.kinds ? new Set(options.kinds) : undefined,
      namespace: options.namespace,
      queue: [],
      wake: undefined,
      failure: undefined,
    };
    if (this.#subscribers.size === 0 && !this.#pumping) {
      // Nobody needed the events the idle reader skipped; start it where this watcher starts.
      this.#cursor = Math.max(this.#cursor, start);
    }
    this.#subscribers.add(subscriber);
    const joinedAt = this.#cursor;
    this.notify();
    const onAbort = () => subscriber.wake?.();
    options.signal.addEventListener('abort', onAbort);
    let last = start;
    try {
      while (last < joinedAt && !options.signal.aborted) {
        const batch = await this.#history.readEvents({
          after: last,
          upTo: joinedAt,
          limit: BATCH,
          kinds: options.kinds,
          namespace: options.namespace,
        });
        await this.#checkNotCompacted(last);
        if (batch.length === 0) break;
        for (const event of batch) {
          last = Number(event.resourceVersion);
          yield event;
        }
      }
      last = Math.max(last, joinedAt);
      while (!options.signal.aborted && !this.#closed) {
        const event = subscriber.queue.shift();
        if (event) {
          const version = Number(event.resourceVersion);
          if (version <= last) continue;
          last = version;
          yield event;
          continue;
        }
        if (subscriber.failure) throw subscriber.failure;
        await new Promise<void>((resolve) => {
          subscriber.wake = resolve;
        });
        subscriber.wake = undefined;
      }
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      this.#subscribers.delete(subscriber);
    }
  }

  /**
   * Compaction may run between deciding to read history and reading it: if it removed events
   * after `after`, what was just read has a hole, and the reader must start over.
   */
  async #checkNotCompacted(after: number): Promise<void> {
    const compacted = await this.#history.compactedThrough();
    if (compacted > after) {
      throw expiredError(
        `resourceVersion ${after} is too old: history before ${compacted + 1} has been compacted; list again and watch from the list's resourceVersion`,
      );
    }
  }

  #start(): Promise<void> {
    this.#started ??= this.#history.currentResourceVersion().then(
      (rv) => {
        this.#cursor = rv;
      },
      (err: unknown) => {
        // The store was away: the next subscriber tries again.
        this.#started = undefined;
        throw err;
      },
    );
    return this.#started;
  }

  async #pump(): Promise<void> {
    try {
      // Deliver on a later turn of the event loop: a watcher's reaction (a controller's write)
      // notifies again, and without this turn a chain of reactions runs as one unbroken
      // sequence of microtasks that starves I/O (/healthz waited seconds, issue 17). Writes
      // committed meanwhile are read in the same batch.
      await yieldToEventLoop();
      for (;;) {
        if (this.#dispatchRecent()) {
          // This process's own commits need no read; another's are found by the next poll
          // (or, when one comes between two of ours, by the gap it leaves in their versions).
          if (this.#recent.length === 0) return;
          continue;
        }
        // History up to the first event handed over (all of it when none was).
        const next = this.#recent[0];
        const upTo = next && Number(next.resourceVersion) - 1;
        const events = await this.#history.readEvents({ after: this.#cursor, upTo, limit: BATCH });
        try {
          await this.#checkNotCompacted(this.#cursor);
        } catch (err) {
          // The live readers missed history: every current watcher must resume.
          this.#failAll(err as Error);
          this.#cursor = await this.#history.currentResourceVersion();
          return;
        }
        if (events.length === 0) {
          // Nothing in history before the events handed over (whose versions follow those
          // of every earlier commit, so none can be missing): deliver those next.
          if (upTo === undefined || upTo <= this.#cursor) return;
          this.#cursor = upTo;
          continue;
        }
        // Dispatch and cursor move happen in one synchronous step (see subscribe).
        for (const event of events) this.#dispatch(event);
        this.#cursor = Number(events[events.length - 1]!.resourceVersion);
        if (events.length < BATCH && this.#recent.length === 0) return;
      }
    } catch (err) {
      this.#onError(err);
    }
  }

  /**
   * Dispatches the events handed over that directly follow the cursor; false when the next one
   * does not (history first) or none is left. Older ones (already read from history) are dropped.
   */
  #dispatchRecent(): boolean {
    const recent = this.#recent;
    let start = 0;
    while (start < recent.length && Number(recent[start]!.resourceVersion) <= this.#cursor) start++;
    let end = start;
    let version = this.#cursor;
    while (end < recent.length && Number(recent[end]!.resourceVersion) === version + 1) {
      end++;
      version++;
    }
    const run = recent.slice(start, end);
    this.#recent = recent.slice(end);
    if (run.length === 0) return false;
    // Dispatch and cursor move happen in one synchronous step (see subscribe).
    for (const event of run) this.#dispatch(event);
    this.#cursor = version;
    return true;
  }

  #failAll(failure: Error): void {
    for (const subscriber of this.#subscribers) {
      subscriber.queue.length = 0;
      subscriber.failure = failure;
      subscriber.wake?.();
    }
  }

  #dispatch(event: WatchEvent): void {
    for (const subscriber of this.#subscribers) {
      if (subscriber.failure) continue;
      if (subscriber.kinds && !subscriber.kinds.has(event.object.kind)) continue;
      if (
        subscriber.namespace !== undefined &&
        (event.object.metadata.namespace ?? '') !== subscriber.namespace
      ) {
        continue;
      }
      if (subscriber.queue.length >= this.#maxQueued) {
        subscriber.queue.length = 0;
        subscriber.failure = expiredError(
          `the watcher fell more than ${this.#maxQueued} events behind; resume from the last resourceVersion received`,
        );
      } else {
        subscriber.queue.push(event);
      }
      subscriber.wake?.();
    }
  }
}

function parseVersion(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw inputError(`resourceVersion "${text}" is not a version number`, [
      { path: 'resourceVersion', message: 'must be a non-negative integer' },
    ]);
  }
  return value;
}
