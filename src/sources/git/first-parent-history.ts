import { readCommitLog, type LoggedCommit } from './commit-log.js';

/** The first batch of a head no chain of the mirror is known for. */
const FIRST_BATCH = 256;
/** The first batch of a new head when the mirror has chains: usually a push on top of one. */
const FIRST_BATCH_ON_KNOWN = 16;
/** The most commits one `git log` reads (parsing 2,048 takes a few tens of ms); batches double up to it. */
const MAX_BATCH = 2048;

/**
 * One history walk per repository and head, shared by every subscription that reads it.
 *
 * A chain is the first-parent history of one commit, newest first, each commit with the
 * paths it changed against its first parent (all its files for a root commit), as Kargo
 * reads a branch. It is loaded lazily, in growing batches, as far as the hungriest reader
 * needs (a rare include path reads further than a common one); the readers apply their own
 * filters to it in memory. Commits are immutable, so a chain never goes stale: a new head is
 * read only down to a head already known, and the known chain is spliced on (a push of one
 * commit costs one small `git log`).
 *
 * Chains are kept per mirror, the most recently used few, for a bounded number of mirrors and
 * about 200,000 commits in all (a huge history read to its root is not kept whole).
 */
export class FirstParentHistory {
  readonly #maxChains: number;
  readonly #maxMirrors: number;
  readonly #maxCommits: number;
  readonly #mirrors = new Map<string, Map<string, HistoryChain>>();
  readonly #commits = new Map<string, Map<string, LoggedCommit>>();
  #gitLogs = 0;

  constructor(
    options: { maxChainsPerMirror?: number; maxMirrors?: number; maxCommits?: number } = {},
  ) {
    this.#maxChains = options.maxChainsPerMirror ?? 4;
    this.#maxMirrors = options.maxMirrors ?? 64;
    this.#maxCommits = options.maxCommits ?? 200_000;
  }

  /** `git log` processes run so far (for tests and benchmarks). */
  get gitLogs(): number {
    return this.#gitLogs;
  }

  /** The chain of `head` in `mirror` (which must hold the commit). */
  chain(mirror: string, head: string): HistoryChain {
    const chains = this.#chainsOf(mirror);
    let chain = chains.get(head);
    if (chain) chains.delete(head);
    else
      chain = new HistoryChain(head, {
        firstBatch: chains.size > 0 ? FIRST_BATCH_ON_KNOWN : FIRST_BATCH,
        read: (args) => this.#log(mirror, args),
        known: (id) => (id === head ? undefined : chains.get(id)),
      });
    chains.set(head, chain); // most recently used last
    while (chains.size > this.#maxChains) chains.delete(chains.keys().next().value!);
    this.#bound(chain);
    return chain;
  }

  /**
   * Commits by id, with their changed paths (the tag strategies' path filters), each read once
   * per mirror: what is not known yet is read in one `git log --no-walk`.
   */
  async commits(
    mirror: string,
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, LoggedCommit>> {
    let known = this.#commits.get(mirror);
    if (!known || known.size > 50_000)
      this.#commits.set(mirror, (known = new Map<string, LoggedCommit>()));
    const unknown = [...new Set(ids)].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      this.#gitLogs++;
      for (const commit of await readCommitLog(mirror, ['--no-walk=unsorted', '--stdin'], {
        paths: true,
        input: `${unknown.join('\n')}\n`,
        signal,
      }))
        known.set(commit.id, commit);
    }
    return new Map(ids.flatMap((id) => (known.has(id) ? [[id, known.get(id)!] as const] : [])));
  }

  /**
   * Keeps the commits held (counted per chain, though spliced chains share them) under the
   * bound, dropping the least recently used chains first; `current` is handed out and stays.
   * A reader of a dropped chain goes on reading it; only the cache forgets it.
   */
  #bound(current: HistoryChain): void {
    const all = [...this.#mirrors.values()].flatMap((chains) => [...chains]);
    let held = all.reduce((sum, [, chain]) => sum + chain.loaded, 0);
    for (const [head, chain] of all) {
      if (held <= this.#maxCommits) return;
      if (chain === current) continue;
      for (const chains of this.#mirrors.values())
        if (chains.get(head) === chain) chains.delete(head);
      held -= chain.loaded;
    }
  }

  #chainsOf(mirror: string): Map<string, HistoryChain> {
    let chains = this.#mirrors.get(mirror);
    if (chains) this.#mirrors.delete(mirror);
    else chains = new Map();
    this.#mirrors.set(mirror, chains);
    while (this.#mirrors.size > this.#maxMirrors) {
      const oldest = this.#mirrors.keys().next().value!;
      this.#mirrors.delete(oldest);
      this.#commits.delete(oldest);
    }
    return chains;
  }

  #log(mirror: string, args: { from: string; count: number; signal: AbortSignal }) {
    this.#gitLogs++;
    // The start is a commit id from ls-remote or from git itself: never read as an option.
    const range = ['--end-of-options', args.from, '--'];
    return readCommitLog(mirror, ['--first-parent', `--max-count=${args.count}`, ...range], {
      paths: true,
      signal: args.signal,
    });
  }
}

type ReadLog = (args: {
  from: string;
  count: number;
  signal: AbortSignal;
}) => Promise<LoggedCommit[]>;

/** The first-parent history of one commit, loaded as far as readers have needed. */
export class HistoryChain {
  readonly head: string;
  readonly #commits: LoggedCommit[] = [];
  /** Where the next batch starts; undefined once the root commit is loaded. */
  #next: string | undefined;
  #batch: number;
  #loading: Promise<void> | undefined;
  readonly #read: ReadLog;
  /** Another chain of the mirror whose head is this commit, to splice onto. */
  readonly #known: (id: string) => HistoryChain | undefined;

  constructor(
    head: string,
    options: {
      firstBatch: number;
      read: ReadLog;
      known: (id: string) => HistoryChain | undefined;
    },
  ) {
    this.head = head;
    this.#next = head;
    this.#batch = options.firstBatch;
    this.#read = options.read;
    this.#known = options.known;
  }

  /** How many commits are loaded. */
  get loaded(): number {
    return this.#commits.length;
  }

  /** The commit `index` places below the head (0 is the head), if loaded already. */
  at(index: number): LoggedCommit | undefined {
    return this.#commits[index];
  }

  /** The commit at `index`, loading batches until it is there; undefined past the root. */
  async load(index: number, signal: AbortSignal): Promise<LoggedCommit | undefined> {
    while (index >= this.#commits.length && this.#next !== undefined) {
      // One batch at a time, whoever asks: a second reader waits for the first's batch.
      this.#loading ??= this.#loadBatch(signal).finally(() => (this.#loading = undefined));
      await this.#loading;
    }
    return this.#commits[index];
  }

  async #loadBatch(signal: AbortSignal): Promise<void> {
    const from = this.#next;
    if (from === undefined) return;
    const count = this.#batch;
    const batch = await this.#read({ from, count, signal });
    this.#batch = Math.min(Math.max(this.#commits.length + batch.length, count * 2), MAX_BATCH);
    for (const commit of batch) {
      const other = this.#known(commit.id);
      if (other) {
        // Below a known head the history is that chain's: take what it has loaded.
        other.#copyInto(this);
        return;
      }
      this.#commits.push(commit);
    }
    const last = batch.at(-1);
    this.#next = batch.length < count || !last ? undefined : last.parents[0];
  }

  #copyInto(target: HistoryChain): void {
    for (const commit of this.#commits) target.#commits.push(commit);
    target.#next = this.#next;
    target.#batch = Math.max(target.#batch, this.#batch);
  }
}
