import { api, ApiError } from './client.js';
import type { Resource, WatchEvent } from './types.js';

export type ConnectionState = 'connecting' | 'live' | 'lost';

export interface LiveSnapshot {
  /** Objects by kind (`Stage`), then by name. */
  objects: ReadonlyMap<string, ReadonlyMap<string, Resource>>;
  state: ConnectionState;
  /** Why the last list or stream failed, while it is failing. */
  error?: string | undefined;
  /** True once the first lists arrived. */
  loaded: boolean;
}

/** The kinds a page can follow: plural (what the API's paths use) and kind (what objects say). */
export const KINDS = {
  projects: 'Project',
  projectconfigs: 'ProjectConfig',
  stages: 'Stage',
  warehouses: 'Warehouse',
  freight: 'Freight',
  promotions: 'Promotion',
} as const;
export type Plural = keyof typeof KINDS;

/**
 * Objects of some kinds, kept current: listed once, then followed with the server's watch
 * stream (`/v1/watch`, Server-Sent Events) from the version the lists were read at. The browser
 * reconnects a dropped stream on its own and resumes from the last event it saw (the events
 * carry ids); while it is down the state is `lost`, and the page says so. When the server no
 * longer has that history (`Expired`), everything is listed again.
 *
 * Listeners are told at most once per animation frame, so a burst of events renders once.
 */
export class LiveStore {
  readonly #plurals: readonly Plural[];
  readonly #project: string | undefined;
  readonly #objects = new Map<string, Map<string, Resource>>();
  readonly #listeners = new Set<() => void>();
  #snapshot: LiveSnapshot;
  #source: EventSource | undefined;
  #stopped = false;
  #frame: number | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(plurals: readonly Plural[], project?: string) {
    this.#plurals = plurals;
    this.#project = project;
    this.#snapshot = { objects: this.#objects, state: 'connecting', loaded: false };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): LiveSnapshot => this.#snapshot;

  start(): void {
    void this.#load();
  }

  stop(): void {
    this.#stopped = true;
    this.#source?.close();
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
  }

  async #load(): Promise<void> {
    this.#source?.close();
    try {
      const lists = await Promise.all(
        this.#plurals.map((plural) =>
          api.list(plural, plural === 'projects' ? undefined : this.#project),
        ),
      );
      if (this.#stopped) return;
      this.#objects.clear();
      lists.forEach((list, i) => {
        const kind = KINDS[this.#plurals[i]!];
        this.#objects.set(kind, new Map(list.items.map((o) => [o.metadata.name, o])));
      });
      // The store's versions are one sequence: from the oldest list on, nothing is missed.
      const from = lists
        .map((list) => BigInt(list.metadata.resourceVersion || '0'))
        .reduce((a, b) => (a < b ? a : b));
      this.#update({ loaded: true, error: undefined });
      this.#follow(from.toString());
    } catch (err) {
      if (this.#stopped) return;
      const message = err instanceof ApiError ? err.message : String(err);
      this.#update({ state: 'lost', error: message });
      this.#retry = setTimeout(() => void this.#load(), 2_000);
    }
  }

  #follow(from: string): void {
    const query = new URLSearchParams({
      kinds: this.#plurals.join(','),
      resourceVersion: from,
    });
    if (this.#project && !this.#plurals.includes('projects')) query.set('project', this.#project);
    const source = new EventSource(`/v1/watch?${query.toString()}`);
    this.#source = source;
    source.onopen = () => this.#update({ state: 'live', error: undefined });
    source.onerror = () => {
      if (this.#stopped) return;
      // EventSource retries by itself (CONNECTING); CLOSED means it gave up: list again.
      this.#update({ state: 'lost', error: 'the connection to the Gantry server was lost' });
      if (source.readyState === EventSource.CLOSED) {
        this.#retry = setTimeout(() => void this.#load(), 2_000);
      }
    };
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as WatchEvent;
      if (event.type === 'ERROR') {
        source.close();
        void this.#load();
        return;
      }
      if (event.type === 'BOOKMARK') return;
      const object = event.object;
      if (this.#project && object.kind !== 'Project' && object.metadata.namespace !== this.#project)
        return;
      const byName = this.#objects.get(object.kind);
      if (!byName) return;
      if (event.type === 'DELETED') byName.delete(object.metadata.name);
      else byName.set(object.metadata.name, object);
      this.#changed();
    };
  }

  #update(change: Partial<LiveSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    this.#notify();
  }

  #changed(): void {
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      // A new snapshot object (the maps are shared) tells React something changed.
      this.#snapshot = { ...this.#snapshot, objects: this.#objects };
      this.#notify();
    });
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
