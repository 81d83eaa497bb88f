import { closeSync, fdatasync, openSync } from 'node:fs';

/** Syncs an open file's data to the disk (fs.fdatasync's shape; tests record it). */
export type SyncFile = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

export interface WalFlusherOptions {
  /** The database's WAL file (`<database>-wal`). */
  walPath: string;
  /** The longest a commit waits for a flush to start. */
  withinMs: number;
  onError: (err: unknown) => void;
  syncFile?: SyncFile | undefined;
}

/**
 * Makes the commits that did not wait for the disk (WriteOptions.deferFlush) durable soon
 * after: at most `withinMs` after the first since the last flush began, one `fdatasync` of the
 * WAL file, which holds every commit not yet checkpointed, in order (a checkpoint syncs what it
 * copies into the database, in WAL mode whatever `synchronous` says). The sync runs on libuv's
 * thread pool, so the event loop never waits for the disk: a commit with `synchronous=FULL`
 * held it for the whole flush, tens of milliseconds for a few MB on a loaded machine
 * (issue 17). Commits made while a flush runs wait for the next one.
 */
export class WalFlusher {
  readonly #walPath: string;
  readonly #withinMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #syncFile: SyncFile;
  #fd: number | undefined;
  /** A commit that no flush begun since covers. */
  #unflushed = false;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: WalFlusherOptions) {
    this.#walPath = options.walPath;
    this.#withinMs = options.withinMs;
    this.#onError = options.onError;
    this.#syncFile = options.syncFile ?? fdatasync;
  }

  /** A commit was made without waiting for the disk: a flush follows within the window. */
  deferred(): void {
    this.#unflushed = true;
    this.#schedule();
  }

  /**
   * A commit waited for the disk: `synchronous=FULL` synced the whole WAL, every commit before
   * it included, so none of them needs a flush of its own.
   */
  flushed(): void {
    this.#unflushed = false;
  }

  /** Flushes what is left, waits for it, and lets the file go. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    if (this.#unflushed) await this.#flush();
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #schedule(): void {
    if (this.#timer || this.#running || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, this.#withinMs);
    this.#timer.unref();
  }

  #flush(): Promise<void> {
    if (this.#running || !this.#unflushed) return this.#running ?? Promise.resolve();
    let fd: number;
    try {
      fd = this.#fd ??= openSync(this.#walPath, 'r');
    } catch (err) {
      // The commits stay unflushed, and it is tried again.
      this.#onError(err);
      this.#schedule();
      return Promise.resolve();
    }
    this.#unflushed = false;
    let settle!: (err: NodeJS.ErrnoException | null) => void;
    const synced = new Promise<NodeJS.ErrnoException | null>((resolve) => (settle = resolve));
    this.#running = synced.then((err) => {
      this.#running = undefined;
      if (err) {
        // The disk refused (full, failing): what it was to cover waits for the next flush.
        this.#unflushed = true;
        this.#onError(err);
      }
      if (this.#unflushed) this.#schedule();
    });
    this.#syncFile(fd, settle);
    return this.#running;
  }
}
