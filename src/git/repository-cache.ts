import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeGitUrl } from '../api/repo-urls.js';
import { askpassProgram, type GitCredentials } from './credentials.js';
import { runGit } from './git-cli.js';
import { GitError } from './git-error.js';
import { KeyedMutex } from './keyed-mutex.js';

export interface CheckoutRequest {
  /** Where the working copy goes (an empty or missing directory). */
  path: string;
  branch?: string | undefined;
  commit?: string | undefined;
  tag?: string | undefined;
  /** With `branch`: start an empty (orphan) branch when the remote has none by that name. */
  create?: boolean | undefined;
}

/**
 * Git repositories as Gantry uses them: one bare mirror per repository URL in the data
 * directory, shared by every promotion (and by Warehouses), refreshed with an incremental
 * fetch; working copies are local clones of the mirror that share its objects, with `origin`
 * pointing at the real repository for pushes. The second promotion on a repository with a
 * long history therefore downloads only what is new.
 */
export class RepositoryCache {
  readonly #root: string;
  readonly #askpass: string;
  readonly #mirrorLocks = new KeyedMutex();
  readonly #pushLocks = new KeyedMutex();

  constructor(dataDir: string) {
    this.#root = join(dataDir, 'git', 'mirrors');
    mkdirSync(this.#root, { recursive: true });
    this.#askpass = askpassProgram(dataDir);
  }

  get askpass(): string {
    return this.#askpass;
  }

  mirrorPath(url: string): string {
    return join(
      this.#root,
      `${createHash('sha256').update(normalizeGitUrl(url)).digest('hex').slice(0, 32)}.git`,
    );
  }

  /** Brings the mirror of `url` up to date, creating it on first use. */
  refresh(url: string, credentials?: GitCredentials, signal?: AbortSignal): Promise<string> {
    const mirror = this.mirrorPath(url);
    return this.#mirrorLocks.run(mirror, async () => {
      const options = { cwd: this.#root, credentials, askpass: this.#askpass, signal };
      if (existsSync(join(mirror, 'HEAD'))) {
        await runGit(['-C', mirror, 'remote', 'set-url', 'origin', url], options);
        await runGit(['-C', mirror, 'fetch', '--quiet', '--prune', '--tags', 'origin'], options);
        return mirror;
      }
      // Built aside and moved into place once complete, so a failed first fetch (no
      // credentials, network down) never leaves a half-made mirror behind.
      const building = `${mirror}.${process.pid}.${Date.now()}.tmp`;
      try {
        await runGit(['init', '--quiet', '--bare', building], options);
        await runGit(['-C', building, 'remote', 'add', '--mirror=fetch', 'origin', url], options);
        await runGit(['-C', building, 'fetch', '--quiet', '--prune', '--tags', 'origin'], options);
        // The mirror's HEAD names the remote's default branch, for checkouts that name none.
        const symref = await runGit(
          ['-C', building, 'ls-remote', '--symref', 'origin', 'HEAD'],
          options,
        );
        const head = /^ref: (refs\/heads\/\S+)\s+HEAD/m.exec(symref)?.[1];
        if (head) await runGit(['-C', building, 'symbolic-ref', 'HEAD', head], options);
        renameSync(building, mirror);
      } finally {
        rmSync(building, { recursive: true, force: true });
      }
      return mirror;
    });
  }

  /** A working copy of `url` at `request.path`, checked out as asked; returns the HEAD commit. */
  async checkout(
    url: string,
    request: CheckoutRequest,
    credentials?: GitCredentials,
    signal?: AbortSignal,
  ): Promise<string> {
    const mirror = await this.refresh(url, credentials, signal);
    const options = { cwd: this.#root, credentials, askpass: this.#askpass, signal };
    await this.#mirrorLocks.run(mirror, () =>
      runGit(['clone', '--quiet', '--shared', '--no-checkout', mirror, request.path], options),
    );
    const inWork = { ...options, cwd: request.path };
    await runGit(['remote', 'set-url', 'origin', url], inWork);
    if (request.commit) {
      await runGit(['checkout', '--quiet', '--detach', request.commit], inWork).catch(
        (err: unknown) => {
          throw notFound(err, `commit ${request.commit} not found in ${url}`);
        },
      );
    } else if (request.tag) {
      await runGit(['checkout', '--quiet', '--detach', `refs/tags/${request.tag}`], inWork).catch(
        (err: unknown) => {
          throw notFound(err, `tag ${request.tag} not found in ${url}`);
        },
      );
    } else {
      const branch = request.branch ?? (await this.defaultBranch(request.path));
      const exists = await runGit(
        ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`],
        inWork,
      ).then(
        () => true,
        () => false,
      );
      if (exists) {
        await runGit(
          ['checkout', '--quiet', '-B', branch, `refs/remotes/origin/${branch}`],
          inWork,
        );
      } else if (request.create) {
        await runGit(['checkout', '--quiet', '--orphan', branch], inWork);
        await runGit(['rm', '-r', '--quiet', '--force', '--ignore-unmatch', '.'], inWork);
        return '';
      } else {
        throw new GitError(
          `branch ${branch} not found in ${url} (set create: true to start it)`,
          false,
        );
      }
    }
    return (await runGit(['rev-parse', 'HEAD'], inWork)).trim();
  }

  /** Settings of a working tree: commit identity, sparse paths, submodules. */
  async configureWorkTree(
    path: string,
    options: {
      author?: { name?: string | undefined; email?: string | undefined } | undefined;
      sparse?: string[] | undefined;
      submodules?: boolean | undefined;
      credentials?: GitCredentials | undefined;
    },
  ): Promise<void> {
    const inWork = { cwd: path, credentials: options.credentials, askpass: this.#askpass };
    if (options.author?.name) await runGit(['config', 'user.name', options.author.name], inWork);
    if (options.author?.email) await runGit(['config', 'user.email', options.author.email], inWork);
    if (options.sparse && options.sparse.length > 0) {
      await runGit(['sparse-checkout', 'set', '--no-cone', ...options.sparse], inWork);
    }
    if (options.submodules)
      await runGit(['submodule', 'update', '--init', '--recursive', '--quiet'], inWork);
  }

  /** Runs `work` while holding the push lock of one branch of one repository. */
  withPushLock<T>(url: string, branch: string, work: () => Promise<T>): Promise<T> {
    return this.#pushLocks.run(`${normalizeGitUrl(url)}#${branch}`, work);
  }

  private async defaultBranch(path: string): Promise<string> {
    const head = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: path }).catch(
      () => 'main',
    );
    return head.trim() || 'main';
  }
}

function notFound(err: unknown, message: string): unknown {
  return err instanceof GitError && !err.transient ? new GitError(message, false) : err;
}
