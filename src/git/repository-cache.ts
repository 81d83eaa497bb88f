import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { normalizeGitUrl } from '../api/repo-urls.js';
import { askpassProgram, type GitCredentials } from './credentials.js';
import { runGit, type GitRunOptions } from './git-cli.js';
import { GitError } from './git-error.js';
import { checkRemoteUrl } from './remote-url-policy.js';
import { KeyedMutex } from './keyed-mutex.js';
import { WorkingTreePool } from './working-tree-pool.js';

export interface CheckoutRequest {
  /** Where the working copy goes (an empty or missing directory). */
  path: string;
  branch?: string | undefined;
  commit?: string | undefined;
  tag?: string | undefined;
  /** With `branch`: start an empty (orphan) branch when the remote has none by that name. */
  create?: boolean | undefined;
  /**
   * Who the tree is for (a project). Trees given back are reused only by the same owner, so
   * no project ever works in a tree another project has had in its hands.
   */
  owner?: string | undefined;
}

/** What a remote advertises, as `lsRemote` reads it. */
export interface RemoteRefs {
  /** The default branch (what the remote's HEAD names); absent for an empty repository. */
  head?: string | undefined;
  /** Branch name → commit id. */
  branches: Map<string, string>;
  /** Tag name → the commit id it resolves to (annotated tags are peeled to their commit). */
  tags: Map<string, string>;
}

interface Lease {
  key: string;
  mirror: string;
  url: string;
}

/** Fetch arguments that copy the mirror's branches and tags into a working tree. */
const SYNC_FROM_MIRROR = (mirror: string) => [
  '--quiet',
  '--prune',
  '--no-tags',
  mirror,
  '+refs/heads/*:refs/remotes/origin/*',
  '+refs/tags/*:refs/tags/*',
];

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
  readonly #pool: WorkingTreePool;
  /** Working trees handed out and not yet given back, by path. */
  readonly #leases = new Map<string, Lease>();
  readonly #allowLocal: boolean;

  /**
   * `allowLocalRepositories`: the operator's `--allow-local-repositories`. Without it, every
   * remote (clone, fetch, ls-remote, push, submodules) must be a network URL: a local path or
   * file:// URL is refused, so a manifest cannot copy a repository from the server's disk.
   */
  constructor(dataDir: string, options: { allowLocalRepositories?: boolean | undefined } = {}) {
    this.#allowLocal = options.allowLocalRepositories ?? false;
    this.#root = join(dataDir, 'git', 'mirrors');
    mkdirSync(this.#root, { recursive: true });
    this.#askpass = askpassProgram(dataDir);
    this.#pool = new WorkingTreePool(join(dataDir, 'git', 'trees'));
  }

  get askpass(): string {
    return this.#askpass;
  }

  /** Whether the operator allows local repositories (git-push passes it on to git). */
  get allowsLocalRepositories(): boolean {
    return this.#allowLocal;
  }

  /** Throws a terminal GitError when `url` may not be used as a remote (remote-url-policy.ts). */
  checkRemote(url: string): void {
    checkRemoteUrl(url, { allowLocal: this.#allowLocal });
  }

  /** Trees are shared only between promotions of one owner on one repository. */
  #poolKey(url: string, owner = ''): string {
    return createHash('sha256')
      .update(`${owner}\0${normalizeGitUrl(url)}`)
      .digest('hex')
      .slice(0, 32);
  }

  mirrorPath(url: string): string {
    return join(
      this.#root,
      `${createHash('sha256').update(normalizeGitUrl(url)).digest('hex').slice(0, 32)}.git`,
    );
  }

  /**
   * Brings the mirror of `url` up to date, creating it on first use. `insecure` accepts any
   * TLS certificate for this fetch only (a subscription's `insecureSkipTLSVerify`).
   */
  refresh(
    url: string,
    credentials?: GitCredentials,
    signal?: AbortSignal,
    insecure = false,
  ): Promise<string> {
    const mirror = this.mirrorPath(url);
    return this.#mirrorLocks.run(mirror, async () => {
      this.checkRemote(url);
      const options = {
        cwd: this.#root,
        credentials,
        askpass: this.#askpass,
        signal,
        env: insecureEnv(insecure),
        allowFileProtocol: this.#allowLocal,
      };
      if (existsSync(join(mirror, 'HEAD'))) {
        await runGit(['-C', mirror, 'remote', 'set-url', 'origin', url], options);
        await runGit(['-C', mirror, 'fetch', '--quiet', '--prune', '--tags', 'origin'], options);
        return mirror;
      }
      // Built aside and moved into place once complete, so a failed first fetch (no
      // credentials, network down) never leaves a half-made mirror behind.
      const building = `${mirror}.${process.pid}.${Date.now()}.tmp`;
      try {
        // A mirror clone: every ref as the remote has it (`origin` fetches +refs/*:refs/*), and
        // HEAD naming the remote's default branch, for checkouts that name none. Unlike a
        // first fetch into an empty repository, a clone trusts a pack that is complete by
        // itself and skips the walk over every object that checks it (a quarter of a second
        // for 15,000 commits; issue 17).
        await runGit(['clone', '--quiet', '--mirror', '--', url, building], options);
        renameSync(building, mirror);
      } finally {
        rmSync(building, { recursive: true, force: true });
      }
      return mirror;
    });
  }

  /**
   * The branches and tags of `url` as the remote advertises them now, in one round trip and
   * without touching the mirror: what Warehouses compare with their last observation before
   * deciding whether a fetch is worth it.
   */
  async lsRemote(
    url: string,
    credentials?: GitCredentials,
    signal?: AbortSignal,
    insecure = false,
  ): Promise<RemoteRefs> {
    this.checkRemote(url);
    const output = await runGit(
      ['ls-remote', '--symref', '--end-of-options', url, 'HEAD', 'refs/heads/*', 'refs/tags/*'],
      {
        cwd: this.#root,
        credentials,
        askpass: this.#askpass,
        signal,
        env: insecureEnv(insecure),
        allowFileProtocol: this.#allowLocal,
      },
    );
    return parseLsRemote(output);
  }

  /**
   * A working copy of `url` at `request.path`, checked out as asked; returns the HEAD commit
   * ('' for a new empty branch). A tree given back by an earlier promotion of the same owner
   * is reused when there is one (see `release`), else the mirror is cloned.
   */
  async checkout(
    url: string,
    request: CheckoutRequest,
    credentials?: GitCredentials,
    signal?: AbortSignal,
  ): Promise<string> {
    const mirror = await this.refresh(url, credentials, signal);
    const options = { cwd: this.#root, credentials, askpass: this.#askpass, signal };
    const inWork = { ...options, cwd: request.path };
    // Copying from Gantry's own mirror is a local transport, always allowed.
    const fromMirror = { allowFileProtocol: true };
    const key = this.#poolKey(url, request.owner);
    let ready = false;
    if (this.#pool.take(key, request.path)) {
      // Bring the reused tree's refs to the mirror's: the objects are shared, so this only
      // rewrites refs. A tree that cannot be brought up to date is thrown away.
      ready = await this.#mirrorLocks
        .run(mirror, () =>
          runGit(['fetch', ...SYNC_FROM_MIRROR(mirror)], { ...inWork, ...fromMirror }),
        )
        .then(() => dropLocalRefs(inWork))
        .then(
          () => true,
          () => {
            this.#pool.discard(request.path);
            return false;
          },
        );
    }
    if (!ready) {
      await this.#mirrorLocks.run(mirror, () =>
        runGit(['clone', '--quiet', '--shared', '--no-checkout', mirror, request.path], {
          ...options,
          ...fromMirror,
        }),
      );
    }
    this.#leases.set(request.path, { key, mirror, url });
    await runGit(['remote', 'set-url', 'origin', url], inWork);
    const head = await this.#checkoutRef(url, mirror, request, inWork);
    // A reused tree may hold files of the last promotion that its checkout did not touch.
    if (ready) await runGit(['clean', '-ffdxq'], inWork);
    return head;
  }

  async #checkoutRef(
    url: string,
    mirror: string,
    request: CheckoutRequest,
    inWork: GitRunOptions,
  ): Promise<string> {
    if (request.commit) {
      await runGit(['checkout', '--quiet', '--force', '--detach', request.commit], inWork).catch(
        (err: unknown) => {
          throw notFound(err, `commit ${request.commit} not found in ${url}`);
        },
      );
    } else if (request.tag) {
      await runGit(
        ['checkout', '--quiet', '--force', '--detach', `refs/tags/${request.tag}`],
        inWork,
      ).catch((err: unknown) => {
        throw notFound(err, `tag ${request.tag} not found in ${url}`);
      });
    } else {
      const branch = request.branch ?? (await this.#defaultBranch(mirror));
      const exists = await runGit(
        ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`],
        inWork,
      ).then(
        () => true,
        () => false,
      );
      if (exists) {
        await runGit(
          ['checkout', '--quiet', '--force', '-B', branch, `refs/remotes/origin/${branch}`],
          inWork,
        );
      } else if (request.create) {
        await runGit(['checkout', '--quiet', '--force', '--orphan', branch], inWork);
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

  /**
   * Gives back the working trees checked out under `dir` (a finished promotion's working
   * directory) for reuse by the owner's next promotion on the same repository. Whatever a
   * promotion may have changed inside `.git` is reset first: configuration, hooks, info and
   * alternates are rewritten, so nothing set by one promotion reaches the next. Sparse trees
   * and trees with submodules are not kept; with `reuse: false` (a plan's trees) none is.
   */
  release(dir: string, options: { reuse?: boolean | undefined } = {}): void {
    for (const [path, lease] of this.#leases) {
      if (path !== dir && !path.startsWith(`${dir}${sep}`)) continue;
      this.#leases.delete(path);
      if (!existsSync(path)) continue;
      if (options.reuse === false) {
        this.#pool.discard(path);
        continue;
      }
      if (!resetGitDirectory(join(path, '.git'), lease)) {
        this.#pool.discard(path);
        continue;
      }
      this.#pool.give(lease.key, path);
    }
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
    // Submodules are remotes like any other: local ones only when the operator allows them.
    const inWork = {
      cwd: path,
      credentials: options.credentials,
      askpass: this.#askpass,
      allowFileProtocol: this.#allowLocal,
    };
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

  async #defaultBranch(path: string): Promise<string> {
    const head = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: path }).catch(
      () => 'main',
    );
    return head.trim() || 'main';
  }
}

/** Parses `git ls-remote --symref` output (`<id>\t<ref>` lines, `ref: <target>\tHEAD`). */
export function parseLsRemote(output: string): RemoteRefs {
  const refs: RemoteRefs = { branches: new Map(), tags: new Map() };
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [left, name] = line.split('\t');
    if (!left || !name) continue;
    if (left.startsWith('ref: ')) {
      const target = left.slice('ref: '.length);
      if (name === 'HEAD' && target.startsWith('refs/heads/'))
        refs.head = target.slice('refs/heads/'.length);
    } else if (name.startsWith('refs/heads/')) {
      refs.branches.set(name.slice('refs/heads/'.length), left);
    } else if (name.startsWith('refs/tags/')) {
      const tag = name.slice('refs/tags/'.length);
      // An annotated tag is listed twice: its tag object, then `<tag>^{}` with the commit.
      if (tag.endsWith('^{}')) peeled.set(tag.slice(0, -'^{}'.length), left);
      else refs.tags.set(tag, left);
    }
  }
  for (const [tag, id] of peeled) if (refs.tags.has(tag)) refs.tags.set(tag, id);
  return refs;
}

/**
 * Deletes a reused tree's own refs: local branches and anything else an earlier promotion or
 * plan made (its tags are already pruned to the mirror's by the sync). Without this, a branch
 * created by an earlier run (`create: true`, or a failed push) would still exist locally, and
 * the next checkout would find it or refuse to create it ("a branch named … already exists").
 * `update-ref -d` also deletes the checked-out branch; the checkout that follows sets HEAD.
 */
async function dropLocalRefs(inWork: GitRunOptions): Promise<void> {
  const refs = (await runGit(['for-each-ref', '--format=%(refname)'], inWork))
    .split('\n')
    .filter(
      (ref) => ref && !ref.startsWith('refs/remotes/origin/') && !ref.startsWith('refs/tags/'),
    );
  if (refs.length === 0) return;
  await runGit(['update-ref', '--stdin'], {
    ...inWork,
    input: refs.map((ref) => `delete ${ref}\n`).join(''),
  });
}

function notFound(err: unknown, message: string): unknown {
  return err instanceof GitError && !err.transient ? new GitError(message, false) : err;
}

/**
 * Rewrites what in a working tree's `.git` a promotion could have changed and a later git
 * command would act on. False when the tree must not be kept (sparse, submodules, or `.git`
 * is not a plain directory).
 */
function resetGitDirectory(gitDir: string, lease: Lease): boolean {
  try {
    if (!lstatSync(gitDir).isDirectory()) return false;
    // The URL goes into the configuration file as text: anything that could end the line is out.
    if ([...lease.url].some((c) => c < ' ' || c === '"' || c === '\\')) return false;
    if (existsSync(join(gitDir, 'modules')) || existsSync(join(gitDir, 'info', 'sparse-checkout')))
      return false;
    for (const name of ['config', 'hooks', 'info', join('objects', 'info')])
      rmSync(join(gitDir, name), { recursive: true, force: true });
    writeFileSync(
      join(gitDir, 'config'),
      [
        '[core]',
        '\trepositoryformatversion = 0',
        '\tfilemode = true',
        '\tbare = false',
        '\tlogallrefupdates = true',
        '[remote "origin"]',
        `\turl = ${lease.url}`,
        '\tfetch = +refs/heads/*:refs/remotes/origin/*',
        '',
      ].join('\n'),
    );
    mkdirSync(join(gitDir, 'objects', 'info'));
    writeFileSync(
      join(gitDir, 'objects', 'info', 'alternates'),
      `${join(lease.mirror, 'objects')}\n`,
    );
    return true;
  } catch {
    return false;
  }
}

/** Git's own switch for skipping TLS verification, for one git process. */
function insecureEnv(insecure: boolean): NodeJS.ProcessEnv | undefined {
  return insecure ? { GIT_SSL_NO_VERIFY: 'true' } : undefined;
}
