import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { terminalError } from './step-error.js';

/**
 * A promotion's working directory. Every path a step reads or writes goes through `resolve`,
 * which refuses absolute paths, `..` that climbs out, and symbolic links that lead outside, so
 * a config (or a file in a cloned repository) can never make a step touch the rest of the
 * machine.
 */
export class WorkDir {
  readonly root: string;

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /** The absolute path of `path` (relative to the working directory), checked to stay inside. */
  resolve(path: string, field = 'path'): string {
    if (path.includes('\0'))
      throw terminalError(`${field}: ${JSON.stringify(path)} contains a NUL byte`);
    if (isAbsolute(path)) {
      throw terminalError(
        `${field}: ${JSON.stringify(path)} is absolute; paths are relative to the promotion's working directory`,
      );
    }
    const target = resolve(this.root, path);
    if (!inside(this.root, target)) {
      throw terminalError(
        `${field}: ${JSON.stringify(path)} leaves the promotion's working directory`,
      );
    }
    // Follow links on the part that exists: a link inside may point outside.
    let existing = target;
    while (!existsSync(existing) && existing !== this.root) existing = dirname(existing);
    const real = realpathSync(existing);
    if (!inside(this.root, real)) {
      throw terminalError(
        `${field}: ${JSON.stringify(path)} leads outside the promotion's working directory through a symbolic link`,
      );
    }
    return target;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
