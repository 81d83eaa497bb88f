/**
 * "Look again now" for a running Promotion: the controller fires it when the Promotion's
 * refresh annotation changes (a webhook said the pull request it waits on was merged), and a
 * step sleeping between polls wakes. Listeners come and go with each sleep.
 */
export class Nudges {
  readonly #listeners = new Set<() => void>();

  /** Calls `listener` on every nudge until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  fire(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
