import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileGlob } from '../api/glob.js';

/**
 * Glob patterns for delete (Node 20 has no fs.glob): `*` matches within one path segment, `**`
 * across segments, `?` one character, `[abc]` a class (matched under RE2, so in time linear in
 * each path). Returns matching paths relative to `root`.
 */
export function globFiles(root: string, pattern: string): string[] {
  const regex = compileGlob(pattern.replace(/^\.\//, ''));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (regex.test(rel)) out.push(rel);
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(path);
    }
  };
  walk(root);
  return out;
}
