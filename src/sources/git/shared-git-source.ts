import { createHash } from 'node:crypto';
import type { GitCredentials } from '../../git/credentials.js';
import type { RemoteRefs, RepositoryCache } from '../../git/repository-cache.js';
import { CoalescedRuns } from './coalesced-runs.js';
import { FirstParentHistory } from './first-parent-history.js';
import { MirrorSync, type MirrorWants } from './mirror-sync.js';

/**
 * What every git subscription of the server shares, whatever Warehouse or project it is in:
 * per repository URL, the `git ls-remote` of the callers that ask together (and have the same
 * credentials), one fetch into Gantry's mirror when it lacks what they saw (MirrorSync), and
 * one history walk per head from which each subscription picks its commits with its own
 * filters (FirstParentHistory). Everything git does happens in the mirror, in the data
 * directory. Made once per server (main.ts).
 */
export class SharedGitSource {
  readonly repositories: RepositoryCache;
  readonly history: FirstParentHistory;
  readonly #mirrors: MirrorSync;
  readonly #refs = new CoalescedRuns<RemoteRefs>();
  #lsRemotes = 0;

  constructor(repositories: RepositoryCache) {
    this.repositories = repositories;
    this.history = new FirstParentHistory();
    this.#mirrors = new MirrorSync(repositories);
  }

  /** `git ls-remote` and fetch processes run so far (for tests and benchmarks). */
  get counts(): { lsRemotes: number; fetches: number; gitLogs: number } {
    return {
      lsRemotes: this.#lsRemotes,
      fetches: this.#mirrors.fetches,
      gitLogs: this.history.gitLogs,
    };
  }

  /**
   * The refs of `url` as the remote advertises them, read after this call: callers with the
   * same URL, credentials and TLS setting that ask together share one `git ls-remote`.
   */
  lsRemote(
    url: string,
    credentials: GitCredentials | undefined,
    signal: AbortSignal,
    insecure = false,
  ): Promise<RemoteRefs> {
    const key = createHash('sha256')
      .update(
        JSON.stringify([url, credentials?.username ?? '', credentials?.password ?? '', insecure]),
      )
      .digest('hex');
    return this.#refs.run(key, signal, (shared) => {
      this.#lsRemotes++;
      return this.repositories.lsRemote(url, credentials, shared, insecure);
    });
  }

  /** The mirror of `url` holding `wants` (fetched once for everyone when it does not). */
  mirror(
    url: string,
    wants: MirrorWants,
    credentials: GitCredentials | undefined,
    signal: AbortSignal,
    insecure = false,
  ): Promise<string> {
    return this.#mirrors.ensure(url, wants, credentials, signal, insecure);
  }
}
