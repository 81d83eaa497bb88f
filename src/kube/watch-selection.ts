import type { StoredResource } from '../api/resource.js';
import type { WatchEvent } from '../store/store.js';

/**
 * Which objects the client of one watch holds, so a change can be told as what it is to that
 * client: kube-apiserver's cacheWatcher compares the object before and after each change
 * against the selector (matching now but not before: ADDED; before but not now: DELETED).
 * The store's feed carries only the object after a change, so the view remembers what it
 * told. After the initial objects every object's state is known; when resuming from a
 * version, the state before the first change of an object that changed since then is not,
 * and one that stops matching is sent as DELETED (clients ignore deletions of objects they
 * do not hold).
 */
export class WatchSelection {
  readonly #selects: (object: StoredResource) => boolean;
  /** Without a label selector an object's selection never changes (names are fixed). */
  readonly #stable: boolean;
  readonly #held = new Set<string>();
  readonly #seen = new Set<string>();
  /** Changes after this version follow the baseline; undefined until known. */
  #knownAfter: number | undefined;

  constructor(selects: (object: StoredResource) => boolean, stable: boolean) {
    this.#selects = selects;
    this.#stable = stable;
  }

  /** The objects (all matching or not) as of `resourceVersion`, when resuming from a version. */
  baseline(objects: StoredResource[], resourceVersion: string): void {
    for (const object of objects) if (this.#selects(object)) this.#held.add(keyOf(object));
    this.#knownAfter = Number(resourceVersion);
  }

  /** One of the initial objects: ADDED if it matches. */
  initial(event: WatchEvent): 'ADDED' | undefined {
    if (!this.#selects(event.object)) return undefined;
    this.#held.add(keyOf(event.object));
    return 'ADDED';
  }

  /** The initial objects were all seen: every object's state is known from here. */
  synced(resourceVersion: string): void {
    this.#knownAfter = Number(resourceVersion);
  }

  /** What a change is to the client: the event type to send, or undefined to send nothing. */
  change(event: WatchEvent): WatchEvent['type'] | undefined {
    const key = keyOf(event.object);
    const held = this.#held.has(key);
    const known =
      this.#seen.has(key) ||
      (this.#knownAfter !== undefined && Number(event.resourceVersion) > this.#knownAfter);
    this.#seen.add(key);
    const before: boolean | undefined = known
      ? held
      : this.#stable
        ? this.#selects(event.object)
        : undefined;
    if (event.type === 'DELETED') {
      this.#held.delete(key);
      // The deleted object is its last state: whether the client held it is known.
      return before === true || (before === undefined && this.#selects(event.object))
        ? 'DELETED'
        : undefined;
    }
    if (this.#selects(event.object)) {
      this.#held.add(key);
      if (before === undefined) return event.type;
      return before ? 'MODIFIED' : 'ADDED';
    }
    this.#held.delete(key);
    return before === false ? undefined : 'DELETED';
  }
}

function keyOf(object: StoredResource): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
