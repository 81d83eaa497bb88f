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
  /** Counts changes to the objects (lists and events), not to the connection's state. */
  changes: number;
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
  /** Each start and stop begins a new run; what an older run was waiting for is dropped. */
  #run = 0;
  #frame: number | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(plurals: readonly Plural[], project?: string) {
    this.#plurals = plurals;
    this.#project = project;
    this.#snapshot = { objects: this.#objects, state: 'connecting', loaded: false, changes: 0 };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): LiveSnapshot => this.#snapshot;

  /** Lists and follows; may be called again after `stop` (React's StrictMode does). */
  start(): void {
    this.#run++;
    void this.#load(this.#run);
  }

  stop(): void {
    this.#run++;
    this.#source?.close();
    this.#source = undefined;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
  }

  async #load(run: number): Promise<void> {
    this.#source?.close();
    try {
      const lists = await Promise.all(
        this.#plurals.map((plural) =>
          api.list(plural, plural === 'projects' ? undefined : this.#project),
        ),
      );
      if (run !== this.#run) return;
      this.#objects.clear();
      lists.forEach((list, i) => {
        const kind = KINDS[this.#plurals[i]!];
        this.#objects.set(kind, new Map(list.items.map((o) => [o.metadata.name, o])));
      });
      // The store's versions are one sequence: from the oldest list on, nothing is missed.
      const from = lists
        .map((list) => BigInt(list.metadata.resourceVersion || '0'))
        .reduce((a, b) => (a < b ? a : b));
      this.#update({ loaded: true, error: undefined, changes: this.#snapshot.changes + 1 });
      this.#follow(from.toString(), run);
    } catch (err) {
      if (run !== this.#run) return;
      const message = err instanceof ApiError ? err.message : String(err);
      this.#update({ state: 'lost', error: message });
      this.#retry = setTimeout(() => void this.#load(run), 2_000);
    }
  }

  #follow(from: string, run: number): void {
    const query = new URLSearchParams({
      kinds: this.#plurals.join(','),
      resourceVersion: from,
    });
    if (this.#project && !this.#plurals.includes('projects')) query.set('project', this.#project);
    const source = new EventSource(`/v1/watch?${query.toString()}`);
    this.#source = source;
    source.onopen = () => this.#update({ state: 'live', error: undefined });
    source.onerror = () => {
      if (run !== this.#run) return;
      // EventSource retries by itself (CONNECTING); CLOSED means it gave up: list again.
      this.#update({ state: 'lost', error: 'the connection to the Gantry server was lost' });
      if (source.readyState === EventSource.CLOSED) {
        // The server answered but refused the stream. EventSource hides the status: asking who
        // we are tells a session that ended (401, which sends the page to sign in) from the rest.
        // Any other answer: the retry below lists again and shows what fails.
        void api.whoami().catch(() => undefined);
        this.#retry = setTimeout(() => void this.#load(run), 2_000);
      }
    };
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as WatchEvent;
      if (event.type === 'ERROR') {
        source.close();
        void this.#load(run);
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
      this.#snapshot = {
        ...this.#snapshot,
        objects: this.#objects,
        changes: this.#snapshot.changes + 1,
      };
      this.#notify();
    });
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
