import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Lease, Store } from '../store/store.js';

export interface LeaseKeeperOptions {
  store: Store;
  /** This replica's identity in the store's leases. */
  holder: string;
  /** How long a lease lasts without renewal; renewed every third of it. */
  ttlMs: number;
  logger: Logger;
  /** What the leases are for, in log lines (`Stage`, `Warehouse`). */
  what: string;
  /** A monotonic clock in ms (tests); performance.now by default. */
  clock?: () => number;
}

/** Leases whose last take by this replica is remembered at most (see `HeldLease.undisturbed`). */
const MAX_REMEMBERED = 10_000;

/** A lease this replica holds, and the signal that tells its work to stop. */
export interface HeldLease {
  readonly lease: Lease;
  /** Aborted the moment this replica knows, or must assume, that the lease is gone. */
  readonly lost: AbortSignal;
  /**
   * Nobody else has taken the lease since this replica last gave it back in good order (or
   * nobody ever took it): whatever was written under it, this replica wrote and knows.
   */
  readonly undisturbed: boolean;
}

interface Entry extends HeldLease {
  abort: AbortController;
  /** When the last renewal that succeeded was sent (the lease runs at least ttl from then). */
  confirmedAt: number;
}

/**
 * The leases one controller of this replica holds: takes them, renews them every third of
 * their life, and tells the work done under one to stop as soon as the lease is lost, which is
 * either when the store says another replica took it, or when renewals have failed (the store
 * unreachable) for so long that another replica may have: its life, measured from when the
 * last successful renewal was sent, has run out. Writes made under a lease carry it as their
 * fence (see Store.write), so even work that has not noticed yet cannot overwrite anything.
 */
export class LeaseKeeper {
  readonly #options: LeaseKeeperOptions;
  readonly #clock: () => number;
  readonly #held = new Map<string, Entry>();
  /**
   * The epoch of this replica's last take of each lease it gave back in good order (oldest
   * first, at most MAX_REMEMBERED): a later take whose previous epoch is that one found the
   * lease undisturbed.
   */
  readonly #givenBack = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> = Promise.resolve();

  constructor(options: LeaseKeeperOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => performance.now());
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#renewing = this.#renewing.then(() => this.renewAll());
    }, this.#options.ttlMs / 3);
    this.#timer.unref();
  }

  /** Stops renewing (the leases run out unless released). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
  }

  /** The lease `name` while this replica holds it. */
  get(name: string): HeldLease | undefined {
    const entry = this.#held.get(name);
    return entry && !entry.lost.aborted ? entry : undefined;
  }

  names(): string[] {
    return [...this.#held.keys()];
  }

  /** Holds `name`: the current take if held, else a new take; undefined while another replica holds it. */
  async take(name: string): Promise<HeldLease | undefined> {
    const held = this.get(name);
    if (held) return held;
    const sentAt = this.#clock();
    const lease = await this.#options.store.acquireLease(
      name,
      this.#options.holder,
      this.#options.ttlMs,
    );
    if (!lease) return undefined;
    const abort = new AbortController();
    const undisturbed =
      lease.previousEpoch === undefined || lease.previousEpoch === this.#givenBack.get(name);
    this.#givenBack.delete(name);
    const entry: Entry = { lease, lost: abort.signal, abort, confirmedAt: sentAt, undisturbed };
    this.#held.set(name, entry);
    return entry;
  }

  /** Gives `name` up (its work must be done); another replica may take it at once. */
  async release(name: string): Promise<void> {
    const entry = this.#held.get(name);
    if (!entry) return;
    this.#held.delete(name);
    if (!entry.lost.aborted) this.#remember(name, entry.lease.epoch);
    await this.#options.store.releaseLease(entry.lease).catch((err: unknown) => {
      // It runs out by itself.
      this.#options.logger.warn(`could not release a ${this.#options.what} lease`, {
        lease: name,
        error: errorMessage(err),
      });
    });
  }

  /**
   * Whether `name` is still held, renewing it first when the last confirmation is older than a
   * third of its life: called before work with outside effects (a Promotion's next step), so a
   * replica that was paused finds out before it acts, not at the next timer.
   */
  async confirm(name: string): Promise<boolean> {
    const entry = this.#held.get(name);
    if (!entry || entry.lost.aborted) return false;
    if (this.#clock() - entry.confirmedAt < this.#options.ttlMs / 3) return true;
    await this.#renew(name, entry);
    return !entry.lost.aborted;
  }

  /**
   * Stops holding `name` without a call: a write made under it gives it back
   * (WriteOptions.releaseFence). It is no longer renewed (a renewal would find it given back
   * and take it for lost), and its work is not told to stop (it is done).
   */
  released(name: string): void {
    const entry = this.#held.get(name);
    this.#held.delete(name);
    if (entry && !entry.lost.aborted) this.#remember(name, entry.lease.epoch);
  }

  #remember(name: string, epoch: number): void {
    this.#givenBack.set(name, epoch);
    if (this.#givenBack.size > MAX_REMEMBERED) {
      const oldest = this.#givenBack.keys().next().value;
      if (oldest !== undefined) this.#givenBack.delete(oldest);
    }
  }

  /** Records that `name` is gone (a fenced write was refused): its work stops. */
  markLost(name: string): void {
    const entry = this.#held.get(name);
    if (entry) this.#lose(name, entry, 'a write made under it was refused');
  }

  /** One renewal round (the timer's; tests call it). */
  async renewAll(): Promise<void> {
    for (const [name, entry] of [...this.#held]) await this.#renew(name, entry);
  }

  async #renew(name: string, entry: Entry): Promise<void> {
    const sentAt = this.#clock();
    try {
      if (await this.#options.store.renewLease(entry.lease, this.#options.ttlMs)) {
        entry.confirmedAt = Math.max(entry.confirmedAt, sentAt);
        return;
      }
      this.#lose(name, entry, 'another replica took it');
    } catch (err) {
      const unconfirmedMs = this.#clock() - entry.confirmedAt;
      if (unconfirmedMs >= this.#options.ttlMs)
        this.#lose(
          name,
          entry,
          `it could not be renewed for ${Math.round(unconfirmedMs / 1000)} s (${errorMessage(err)}), so another replica may hold it now`,
        );
      else
        this.#options.logger.warn(`could not renew a ${this.#options.what} lease; trying again`, {
          lease: name,
          error: errorMessage(err),
        });
    }
  }

  #lose(name: string, entry: Entry, why: string): void {
    if (this.#held.get(name) === entry) this.#held.delete(name);
    if (entry.lost.aborted) return;
    this.#options.logger.error(`lost a ${this.#options.what} lease: ${why}; its work stops`, {
      lease: name,
      epoch: entry.lease.epoch,
    });
    entry.abort.abort();
  }
}
