import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface WorkingTreePoolOptions {
  /** Trees kept per key; more are deleted when returned. */
  perKey?: number | undefined;
}

/**
 * Working trees kept between promotions. On a large repository a checkout costs mostly the
 * creation of its files (2,000 files take about a second on this kind of disk), so a tree
 * given back after one promotion is moved into the next promotion on the same repository,
 * which then rewrites only the files that differ. Moving is a rename inside the data
 * directory, so it costs nothing.
 *
 * The pool only stores and hands out directories; `RepositoryCache` decides what a key is
 * and makes a taken tree clean before use. Trees survive restarts: the pool is the directory
 * itself (`<root>/<key>/<id>`).
 */
export class WorkingTreePool {
  readonly #root: string;
  readonly #perKey: number;

  constructor(root: string, options: WorkingTreePoolOptions = {}) {
    this.#root = root;
    this.#perKey = options.perKey ?? 4;
    mkdirSync(root, { recursive: true });
    // Leftovers of a move interrupted by a crash.
    for (const key of readdirSync(root)) {
      for (const entry of readdirSync(join(root, key))) {
        if (entry.endsWith('.discard')) void discard(join(root, key, entry));
      }
    }
  }

  /** Moves a pooled tree of `key` to `target` (which must not exist); false when none is left. */
  take(key: string, target: string): boolean {
    const dir = join(this.#root, key);
    if (!existsSync(dir)) return false;
    for (const entry of readdirSync(dir)) {
      if (entry.endsWith('.discard')) continue;
      try {
        mkdirSync(dirname(target), { recursive: true });
        renameSync(join(dir, entry), target);
        return true;
      } catch {
        // Taken meanwhile, or another filesystem: try the next one, else clone afresh.
      }
    }
    return false;
  }

  /** Keeps `path` (a tree made clean by the caller) for a later `take`, or deletes it. */
  give(key: string, path: string): void {
    const dir = join(this.#root, key);
    mkdirSync(dir, { recursive: true });
    const kept = readdirSync(dir).filter((entry) => !entry.endsWith('.discard')).length;
    const id = randomBytes(6).toString('hex');
    if (kept < this.#perKey) {
      try {
        renameSync(path, join(dir, id));
        return;
      } catch {
        // Another filesystem: fall through and delete it.
      }
    }
    this.discard(path);
  }

  /** Deletes a tree in the background: unlinking thousands of files need not hold anyone up. */
  discard(path: string): void {
    const aside = `${path}.${randomBytes(4).toString('hex')}.discard`;
    try {
      renameSync(path, aside);
    } catch {
      rmSync(path, { recursive: true, force: true });
      return;
    }
    void discard(aside);
  }
}

async function discard(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
}
