import { runGit } from '../../git/git-cli.js';

/** One commit as `readCommitLog` reports it. */
export interface LoggedCommit {
  id: string;
  /** `Name <email>` */
  author: string;
  /** `Name <email>` */
  committer: string;
  /** The committer date, RFC 3339 in UTC (`2026-01-31T12:00:00Z`). */
  commitDate: string;
  subject: string;
  /** Parent commit ids, the first parent first (none for a root commit). */
  parents: string[];
  /** Paths the commit changed against its first parent (all its files for a root commit). */
  paths: string[];
}

// Records start with RS and fields are split by US: neither can appear in a name, an email
// or a one-line subject, and with -z the paths that follow a record are NUL-separated.
const RECORD = '\x1e';
const FIELD = '\x1f';
const FORMAT = `--format=${RECORD}%H${FIELD}%an <%ae>${FIELD}%cn <%ce>${FIELD}%ct${FIELD}%P${FIELD}%s`;

/**
 * Runs one `git log` in `repository` with `args` (revisions, limits) and returns its commits
 * in git's order. With `paths`, also the paths each changed: merge commits are diffed against
 * their first parent, as Kargo does, and renames count as a deletion plus an addition so
 * that moving a file out of a directory is a change to that directory.
 */
export async function readCommitLog(
  repository: string,
  args: string[],
  options: { paths: boolean; input?: string | undefined; signal?: AbortSignal | undefined },
): Promise<LoggedCommit[]> {
  const output = await runGit(
    [
      'log',
      '-z',
      FORMAT,
      ...(options.paths ? ['--name-only', '--no-renames', '--diff-merges=first-parent'] : []),
      ...args,
    ],
    { cwd: repository, input: options.input, signal: options.signal },
  );
  return parseCommitLog(output);
}

export function parseCommitLog(output: string): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  for (const record of output.split(RECORD).slice(1)) {
    const [header = '', ...rest] = record.split('\0');
    const [id = '', author = '', committer = '', seconds = '', parents = '', ...subject] =
      header.split(FIELD);
    commits.push({
      id,
      author,
      committer,
      commitDate: rfc3339(Number(seconds)),
      subject: subject.join(FIELD),
      parents: parents.split(' ').filter((parent) => parent !== ''),
      // The first path follows the newline that ends the header.
      paths: rest
        .map((path, index) => (index === 0 ? path.replace(/^\n/, '') : path))
        .filter((path) => path !== ''),
    });
  }
  return commits;
}

/** Seconds since the epoch as RFC 3339 in UTC, without fractions (as Kubernetes writes times). */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
