import { runGit } from '../../git/git-cli.js';
import type { GitCredentials } from '../../git/credentials.js';
import type { RepositoryCache } from '../../git/repository-cache.js';
import { readCommitLog, type LoggedCommit } from './commit-log.js';

/**
 * One commit of a repository, for checking hand-made Freight: the repository's mirror is
 * brought up to date (the one discovery and promotions share) and the commit looked up in it.
 * Undefined when the repository has no such commit; throws when the repository cannot be
 * fetched. `id` may be abbreviated; the commit returned carries the full id.
 */
export async function lookUpCommit(
  repositories: RepositoryCache,
  repoURL: string,
  id: string,
  options: {
    credentials?: GitCredentials | undefined;
    signal?: AbortSignal | undefined;
    insecure?: boolean | undefined;
  },
): Promise<LoggedCommit | undefined> {
  // Only hexadecimal ids reach git: nothing here can be read as an option or a revision range.
  if (!/^[0-9a-f]{4,64}$/i.test(id)) return undefined;
  const mirror = await repositories.refresh(
    repoURL,
    options.credentials,
    options.signal,
    options.insecure,
  );
  try {
    await runGit(['rev-parse', '--verify', '--quiet', `${id}^{commit}`], {
      cwd: mirror,
      signal: options.signal,
    });
  } catch {
    return undefined; // the mirror is up to date: the repository has no such commit
  }
  const [commit] = await readCommitLog(mirror, ['-1', `${id}^{commit}`, '--'], {
    paths: false,
    signal: options.signal,
  });
  return commit;
}
