import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { compileGlob } from '../api/glob.js';

/** One path a glob matched, relative to the root (with `/`), and whether it is a directory. */
export interface GlobMatch {
  path: string;
  directory: boolean;
}

/**
 * Whether `pattern` is malformed the way doublestar (Kargo's glob library) finds it: a `[`
 * class that does not close or is empty, a `}` or `{` without its partner, a trailing `\`.
 * Such a pattern can never match, so the step fails for good. Returns why, or undefined.
 */
export function globSyntaxProblem(pattern: string): string | undefined {
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (++i >= pattern.length) return 'it ends with a lone \\';
    } else if (ch === '[') {
      i++;
      if (pattern[i] === '^' || pattern[i] === '!') i++;
      if (i >= pattern.length || pattern[i] === ']') return 'a [ class is empty or never closes';
      let closed = false;
      for (; i < pattern.length; i++) {
        if (pattern[i] === '\\') i++;
        else if (pattern[i] === ']') {
          closed = true;
          break;
        }
      }
      if (!closed) return 'a [ class never closes';
    } else if (ch === '{') braces++;
    else if (ch === '}') {
      if (braces === 0) return 'a } has no {';
      braces--;
    }
  }
  return braces === 0 ? undefined : 'a { never closes';
}

/**
 * Expands a doublestar glob (`*` within one segment, `**` across segments, `?`, `[abc]`,
 * `{a,b}`) under `root`, as Kargo's delete step does with doublestar over os.DirFS: a leading
 * `./` is dropped, a trailing `/` matches directories only, and a pattern with `.` or `..`
 * segments (or an absolute one) matches nothing. Links to directories inside `root` are
 * followed; `.git` directories are never entered nor matched. The literal leading segments
 * are returned as `base` so the caller can check them (a link out of the root) first.
 */
export function globFiles(root: string, pattern: string): { base: string; matches: GlobMatch[] } {
  let glob = pattern;
  while (glob.startsWith('./')) glob = glob.slice(2);
  const directoryOnly = glob.endsWith('/');
  if (directoryOnly) glob = glob.replace(/\/+$/, '');
  const segments = glob.split('/');
  if (
    glob === '' ||
    glob.startsWith('/') ||
    segments.some((s) => s === '.' || s === '..' || s === '')
  )
    return { base: '', matches: [] };
  const firstMeta = segments.findIndex((s) => /[*?[{\\]/.test(s));
  const literal = firstMeta < 0 ? segments.length : firstMeta;
  const regex = compileGlob(glob);
  const matches: GlobMatch[] = [];
  const isGit = (name: string) => name.toLowerCase() === '.git';
  if (segments.slice(0, literal).some(isGit)) return { base: '', matches };

  if (literal === segments.length) {
    // No wildcard: the path itself, when it exists.
    const kind = entryKind(join(root, ...segments));
    if (kind && (!directoryOnly || kind === 'directory'))
      matches.push({ path: glob, directory: kind === 'directory' });
    return { base: segments.slice(0, -1).join('/'), matches };
  }
  const base = segments.slice(0, literal).join('/');
  const rootReal = realpathSync(root);
  const walk = (dir: string, rel: string, seen: Set<string>) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (isGit(name)) continue;
      const path = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const kind = entryKind(path);
      const directory = kind === 'directory';
      if (regex.test(relPath) && (!directoryOnly || directory))
        matches.push({ path: relPath, directory });
      if (!directory) continue;
      // Into links only while they stay inside the root, and never round a loop.
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        continue;
      }
      if (seen.has(real) || !(real === rootReal || real.startsWith(rootReal + sep))) continue;
      walk(path, relPath, new Set([...seen, real]));
    }
  };
  const start = join(root, ...segments.slice(0, literal));
  if (entryKind(start) === 'directory') {
    let real: string | undefined;
    try {
      real = realpathSync(start);
    } catch {
      real = undefined;
    }
    if (real) walk(start, base, new Set([real]));
  }
  return { base, matches };
}

/** 'directory' for a directory or a link to one, 'other' for anything else there, undefined when nothing is. */
function entryKind(path: string): 'directory' | 'other' | undefined {
  try {
    lstatSync(path);
  } catch {
    return undefined;
  }
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'other';
  }
}
