import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { terminalError } from './step-error.js';

/** How `WorkDir.resolve` treats a path. */
export interface ResolveOptions {
  /**
   * The step creates, changes or removes what the path names. Such paths may not lead into a
   * `.git` directory: git's own files (config, hooks) decide which programs git runs.
   */
  write?: boolean;
  /**
   * The path names the entry itself: a symbolic link as the last component is not followed
   * (delete removes the link, copy copies it as a link). Links before it are.
   */
  entry?: boolean;
}

/** The kernel's limit on links followed in one lookup (Linux MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * A promotion's working directory. Every path a step reads or writes goes through `resolve`,
 * which refuses absolute paths, `..` that climbs out, and symbolic links that lead outside —
 * dangling ones included, at every component, through chains of links — so a config (or a
 * file in a cloned repository) can never make a step touch the rest of the machine.
 *
 * `readFile` and `writeFile` also open what they resolved without following a link there
 * (O_NOFOLLOW) and check the opened file is the one resolved, so a link swapped in between
 * the check and the use is refused rather than followed.
 */
export class WorkDir {
  readonly root: string;

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /**
   * The absolute path `path` (relative to the working directory) leads to, with every symbolic
   * link on the way resolved and checked to stay inside (see ResolveOptions). What does not
   * exist yet is resolved as written. Terminal errors name `field`.
   */
  resolve(path: string, field = 'path', options: ResolveOptions = {}): string {
    const quoted = JSON.stringify(path);
    if (path.includes('\0')) throw terminalError(`${field}: ${quoted} contains a NUL byte`);
    if (isAbsolute(path)) {
      throw terminalError(
        `${field}: ${quoted} is absolute; paths are relative to the promotion's working directory`,
      );
    }
    const target = resolve(this.root, path);
    if (!inside(this.root, target)) {
      throw terminalError(`${field}: ${quoted} leaves the promotion's working directory`);
    }
    const walked = walk(this.root, relative(this.root, target), !options.entry);
    if ('escape' in walked) {
      const { link, to } = walked.escape;
      throw terminalError(
        `${field}: ${quoted} leads outside the promotion's working directory through a symbolic link (${link} → ${to})`,
      );
    }
    if ('loop' in walked)
      throw terminalError(`${field}: ${quoted} goes through too many symbolic links`);
    if (options.write && inGitDirectory(relative(this.root, walked.path))) {
      throw terminalError(
        `${field}: ${quoted} is inside a .git directory; steps may not change git's own files`,
      );
    }
    return walked.path;
  }

  /**
   * A git working tree for the git steps: `path` must hold a `.git` directory of its own (not
   * a link, not a `gitdir:` file), so git never picks up a repository the promotion's files
   * could have made (a committed directory that looks like a bare repository, say).
   */
  gitWorkTree(path: string, field = 'path'): string {
    const dir = this.resolve(path, field);
    let git: Stats | undefined;
    try {
      git = lstatSync(join(dir, '.git'));
    } catch {
      git = undefined;
    }
    if (!git?.isDirectory())
      throw terminalError(
        `${field}: ${JSON.stringify(path)} is not a git working tree (it has no .git directory); check one out there with git-clone first`,
      );
    return dir;
  }

  /** Reads a file, resolved as `resolve` does, never through a link swapped in meanwhile. */
  readFile(path: string, field = 'path'): Buffer {
    const file = this.resolve(path, field);
    const fd = openChecked(file, constants.O_RDONLY, 0, field, path);
    try {
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Writes a file (creating its directories), resolved as `resolve` does for a write. With
   * `exclusive`, an existing file is an error (EEXIST). `mode` applies to a new file.
   */
  writeFile(
    path: string,
    data: string | Uint8Array,
    options: { field?: string; mode?: number; exclusive?: boolean } = {},
  ): string {
    const field = options.field ?? 'path';
    const file = this.resolve(path, field, { write: true });
    mkdirSync(dirname(file), { recursive: true });
    // Truncated only once the opened file is known to be the one resolved.
    const flags =
      constants.O_WRONLY | constants.O_CREAT | (options.exclusive ? constants.O_EXCL : 0);
    const fd = openChecked(file, flags, options.mode ?? 0o644, field, path);
    try {
      ftruncateSync(fd, 0);
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let offset = 0; offset < bytes.length;)
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } finally {
      closeSync(fd);
    }
    return file;
  }
}

/**
 * Opens `file` with O_NOFOLLOW, then checks it is still where `resolve` found it: its
 * directory resolves to itself and the opened file is the entry there. Anything else means a
 * link was swapped in after the check.
 */
function openChecked(file: string, flags: number, mode: number, field: string, path: string) {
  let fd: number;
  try {
    fd = openSync(file, flags | constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP')
      throw terminalError(
        `${field}: ${JSON.stringify(path)} is a symbolic link that changed while in use`,
      );
    throw err;
  }
  try {
    const opened = fstatSync(fd);
    const there = lstatSync(file);
    if (
      realpathSync(dirname(file)) !== dirname(file) ||
      opened.ino !== there.ino ||
      opened.dev !== there.dev
    )
      throw terminalError(`${field}: ${JSON.stringify(path)} changed while in use`);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

type Walked = { path: string } | { escape: { link: string; to: string } } | { loop: true };

/**
 * Resolves `rel` (normalised, relative to `root`) one component at a time as the kernel
 * would, following symbolic links (the last one only with `followLast`). Each position
 * reached must be inside `root`, or an ancestor of it on the way back in (a link such as
 * `../work/x`); anything else is an escape. Once a component does not exist, the rest is
 * taken as written: nothing there can be a link yet.
 */
function walk(root: string, rel: string, followLast: boolean): Walked {
  const pending = rel === '' ? [] : rel.split(sep);
  let current = root;
  let links = 0;
  let lastLink: { link: string; to: string } | undefined;
  const allowed = (path: string) =>
    inside(root, path) || root.startsWith(path.endsWith(sep) ? path : `${path}${sep}`);
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    const next = part === '..' ? dirname(current) : join(current, part);
    let stat: Stats | undefined;
    if (part !== '..') {
      try {
        stat = lstatSync(next);
      } catch {
        stat = undefined;
      }
    }
    if (part !== '..' && !stat) {
      // Missing (or below a file): the rest will be created as written.
      current = next;
      for (const rest of pending) {
        if (rest === '' || rest === '.') continue;
        current = rest === '..' ? dirname(current) : join(current, rest);
        if (!allowed(current)) return escape(lastLink, root, current);
      }
      pending.length = 0;
      break;
    }
    if (stat?.isSymbolicLink() && (pending.length > 0 || followLast)) {
      if (++links > MAX_LINKS) return { loop: true };
      const to = readlinkSync(next);
      lastLink = { link: relative(root, next) || '.', to };
      pending.unshift(...to.split('/'));
      // An absolute target starts over from `/`: allowed only on the way back into root.
      current = isAbsolute(to) ? '/' : current;
      if (!allowed(current)) return escape(lastLink, root, current);
      continue;
    }
    current = next;
    if (!allowed(current)) return escape(lastLink, root, current);
  }
  if (!inside(root, current)) return escape(lastLink, root, current);
  return { path: current };
}

function escape(link: { link: string; to: string } | undefined, root: string, at: string): Walked {
  return { escape: link ?? { link: '.', to: relative(root, at) } };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function inGitDirectory(rel: string): boolean {
  return rel.split(sep).some((part) => part.toLowerCase() === '.git');
}
