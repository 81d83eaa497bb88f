import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GitCredentials } from '../../git/credentials.js';
import { runGit } from '../../git/git-cli.js';
import { KeyedMutex } from '../../git/keyed-mutex.js';
import type { RepositoryCache } from '../../git/repository-cache.js';

/** What a discovery needs the mirror to hold, as `git ls-remote` reported it. */
export interface MirrorWants {
  /** Commits that must be present (a branch head: the walk starts from the id itself). */
  commits?: readonly string[] | undefined;
  /** Tags that must be present and name these commits (tag strategies read the mirror's tags). */
  tags?: ReadonlyArray<{ name: string; id: string }> | undefined;
}

interface MirrorState {
  /** The mirror's refs when last read: ref name → the commit it resolves to. */
  refs: Map<string, string>;
  /** The commits of `refs`, plus commits found present since. */
  commits: Set<string>;
}

/** Commits remembered per mirror beyond its refs (ids of older heads), before starting over. */
const MAX_REMEMBERED = 10_000;

/**
 * Fetches a repository only when its mirror lacks what a discovery needs, and then once for
 * every discovery waiting on it: the discoveries of one repository take turns (one lock per
 * mirror), and each turn first checks, in memory, whether an earlier turn's fetch already
 * brought the commits and tags the caller's `ls-remote` saw. 57 Warehouses on one repository
 * whose head moved therefore cost one fetch, and a mirror already up to date (a promotion
 * fetched it) costs one `git for-each-ref`.
 *
 * Sharing is safe across credentials: a caller reaches this only after its own `ls-remote`,
 * with its own credentials, was answered, so it may read what the remote showed it.
 */
export class MirrorSync {
  readonly #repositories: RepositoryCache;
  readonly #locks = new KeyedMutex();
  readonly #states = new Map<string, MirrorState>();
  /** Fetches started per mirror, and the last one's failure when it failed. */
  readonly #attempts = new Map<string, number>();
  readonly #failures = new Map<string, { attempt: number; error: unknown }>();
  #fetches = 0;

  constructor(repositories: RepositoryCache) {
    this.#repositories = repositories;
  }

  /** Fetches this object started since it was created. */
  get fetches(): number {
    return this.#fetches;
  }

  /** The up-to-date mirror of `url` for `wants`; fetches only when the mirror lacks them. */
  ensure(
    url: string,
    wants: MirrorWants,
    credentials: GitCredentials | undefined,
    signal: AbortSignal,
    insecure = false,
  ): Promise<string> {
    const mirror = this.#repositories.mirrorPath(url);
    const queuedAfter = this.#attempts.get(mirror) ?? 0;
    return this.#locks.run(mirror, async () => {
      signal.throwIfAborted();
      const state = this.#states.get(mirror);
      if (existsSync(join(mirror, 'HEAD'))) {
        if (state && holds(state, wants)) return mirror;
        // Someone else (a promotion) may have fetched since: look before fetching.
        const current = await readState(mirror, signal, state);
        this.#states.set(mirror, current);
        await findCommits(mirror, current, wants, signal);
        if (holds(current, wants)) return mirror;
      }
      // A fetch that failed while this caller waited answers it too: a repository that
      // cannot be fetched is tried once per wave, not once per waiting subscription.
      const failed = this.#failures.get(mirror);
      if (failed && failed.attempt > queuedAfter) throw failed.error;
      const attempt = (this.#attempts.get(mirror) ?? 0) + 1;
      this.#attempts.set(mirror, attempt);
      this.#fetches++;
      try {
        await this.#repositories.refresh(url, credentials, signal, insecure);
        this.#failures.delete(mirror);
      } catch (err) {
        if (!signal.aborted) this.#failures.set(mirror, { attempt, error: err });
        throw err;
      }
      const fetched = await readState(mirror, signal, undefined);
      this.#states.set(mirror, fetched);
      // A branch that moved again since the caller's ls-remote no longer points at the
      // commit it saw; the commit itself is still here, and the walk starts from it.
      await findCommits(mirror, fetched, wants, signal);
      return mirror;
    });
  }
}

function holds(state: MirrorState, wants: MirrorWants): boolean {
  return (
    (wants.commits ?? []).every((id) => state.commits.has(id)) &&
    (wants.tags ?? []).every((tag) => state.refs.get(`refs/tags/${tag.name}`) === tag.id)
  );
}

/** The mirror's refs, each resolved to a commit (annotated tags peeled), in one process. */
async function readState(
  mirror: string,
  signal: AbortSignal,
  previous: MirrorState | undefined,
): Promise<MirrorState> {
  const output = await runGit(
    ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)'],
    { cwd: mirror, signal },
  );
  const refs = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [name, object, peeled] = line.split('\0');
    if (name && object) refs.set(name, peeled || object);
  }
  const remembered =
    previous && previous.commits.size < MAX_REMEMBERED ? previous.commits : new Set<string>();
  return { refs, commits: new Set([...remembered, ...refs.values()]) };
}

/** Adds the wanted commits the mirror holds though no ref names them (one `cat-file`). */
async function findCommits(
  mirror: string,
  state: MirrorState,
  wants: MirrorWants,
  signal: AbortSignal,
): Promise<void> {
  const missing = (wants.commits ?? []).filter((id) => !state.commits.has(id));
  if (missing.length === 0) return;
  // Only full hexadecimal ids reach git: nothing here can be read as an option.
  const ids = missing.filter((id) => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id));
  const output = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    cwd: mirror,
    signal,
    input: ids.map((id) => `${id}\n`).join(''),
  });
  for (const line of output.split('\n')) {
    const [id, type] = line.split(' ');
    if (id && type === 'commit') state.commits.add(id);
  }
}
