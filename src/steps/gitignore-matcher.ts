import { compileGlob } from '../api/glob.js';

/**
 * The `.gitignore` rules of Kargo's copy step (go-git's gitignore package), for paths
 * relative to the directory being copied, split into segments.
 *
 * Each line not blank and not starting with `#` is a pattern: `!` makes it re-include, a
 * trailing `/` makes it match directories only, trailing spaces are dropped (unless escaped).
 * A pattern without `/` matches any one segment of the path (so `.git` also matches
 * everything below a `.git` directory); one with `/` matches segment by segment from the top,
 * `**` spanning any number of them. The last pattern that matches decides.
 */
export interface IgnoreMatcher {
  ignores(segments: readonly string[], isDirectory: boolean): boolean;
}

interface Pattern {
  include: boolean;
  directoryOnly: boolean;
  anchored: boolean;
  segments: string[];
}

export function createIgnoreMatcher(lines: readonly string[]): IgnoreMatcher {
  const patterns = lines
    .filter((line) => !line.startsWith('#') && line.trim() !== '')
    .map(parsePattern);
  const cache = new Map<string, ((name: string) => boolean) | undefined>();
  const segmentMatcher = (glob: string) => {
    if (!cache.has(glob)) cache.set(glob, compileSegment(glob));
    return cache.get(glob);
  };
  const matchSegment = (glob: string, name: string) => segmentMatcher(glob)?.(name) ?? false;
  return {
    ignores(segments, isDirectory) {
      for (let i = patterns.length - 1; i >= 0; i--) {
        const p = patterns[i]!;
        const hit = p.anchored
          ? anchoredMatch(p, segments, isDirectory, matchSegment)
          : nameMatch(p, segments, isDirectory, matchSegment);
        if (hit) return !p.include;
      }
      return false;
    },
  };
}

function parsePattern(line: string): Pattern {
  let text = line;
  const include = text.startsWith('!');
  if (include) text = text.slice(1);
  if (!text.endsWith('\\ ')) text = text.replace(/ +$/, '');
  const directoryOnly = text.endsWith('/');
  if (directoryOnly) text = text.slice(0, -1);
  return { include, directoryOnly, anchored: text.includes('/'), segments: text.split('/') };
}

type SegmentMatch = (glob: string, name: string) => boolean;

/** A pattern without `/`: any segment of the path matches it (the last only if a directory, when directory-only). */
function nameMatch(p: Pattern, path: readonly string[], isDirectory: boolean, match: SegmentMatch) {
  for (const [i, name] of path.entries()) {
    if (!match(p.segments[0]!, name)) continue;
    return !(p.directoryOnly && !isDirectory && i === path.length - 1);
  }
  return false;
}

/** A pattern with `/`: matched from the top, as go-git's globMatch. */
function anchoredMatch(
  p: Pattern,
  fullPath: readonly string[],
  isDirectory: boolean,
  match: SegmentMatch,
) {
  let path = fullPath.slice();
  let matched = false;
  let traverse = false;
  for (const [i, glob] of p.segments.entries()) {
    if (glob === '') {
      traverse = false;
      continue;
    }
    if (glob === '**') {
      if (i === p.segments.length - 1) break;
      traverse = true;
      continue;
    }
    if (glob.includes('**')) return false;
    if (path.length === 0) return false;
    if (traverse) {
      traverse = false;
      while (path.length > 0) {
        const name = path[0]!;
        path = path.slice(1);
        if (match(glob, name)) {
          matched = true;
          break;
        } else if (path.length === 0) matched = false;
      }
    } else {
      if (!match(glob, path[0]!)) return false;
      matched = true;
      path = path.slice(1);
    }
  }
  if (matched && p.directoryOnly && !isDirectory && path.length === 0) matched = false;
  return matched;
}

/**
 * One segment glob with Go's filepath.Match syntax (`*`, `?`, `[...]`, `\` escapes; braces
 * are plain characters). Undefined for a malformed glob, which go-git treats as no match.
 */
function compileSegment(glob: string): ((name: string) => boolean) | undefined {
  let escaped = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) {
      escaped += ch + glob[i + 1]!;
      i++;
    } else if (ch === '{' || ch === '}' || ch === ',') escaped += `\\${ch}`;
    else escaped += ch;
  }
  try {
    const regex = compileGlob(escaped);
    return (name) => regex.test(name);
  } catch {
    return undefined;
  }
}
