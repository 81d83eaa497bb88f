import { compileGlob } from '../../api/glob.js';
import { compileUserRegex, prefixedRegex, type UserRegex } from '../../api/user-regex.js';

/**
 * The `includePaths` / `excludePaths` of a git subscription, as Kargo reads them
 * (`pkg/pattern.ParsePathPattern`): an entry is a plain path (the file itself, or a
 * directory and everything below it), `glob:<pattern>` (doublestar syntax: `*`, `**`, `?`,
 * `[a-z]`, `{a,b}`) or `regex:` / `regexp:<pattern>` (RE2, unanchored, like Go's MatchString).
 * Both run under RE2 (user-regex.ts), so matching a path takes time linear in its length.
 *
 * A commit is selected when at least one path it changes is included (every path is when
 * `includePaths` is empty) and not excluded. A commit that changes no path is selected only
 * when neither list has entries.
 */
export class PathSelector {
  readonly #include: Matcher[];
  readonly #exclude: Matcher[];

  /** Throws an Error naming the entry (`includePaths[1]: …`) when an entry is not valid. */
  constructor(include: readonly string[] = [], exclude: readonly string[] = []) {
    this.#include = include.map((entry, index) => compile(entry, `includePaths[${index}]`));
    this.#exclude = exclude.map((entry, index) => compile(entry, `excludePaths[${index}]`));
  }

  /** True when neither list has entries: every commit is selected, no diff needs reading. */
  get selectsAll(): boolean {
    return this.#include.length === 0 && this.#exclude.length === 0;
  }

  /** Whether a commit that changed `paths` (relative, `/`-separated) is selected. */
  selects(paths: readonly string[]): boolean {
    if (this.selectsAll) return true;
    return paths.some(
      (path) =>
        (this.#include.length === 0 || this.#include.some((m) => m(path))) &&
        !this.#exclude.some((m) => m(path)),
    );
  }
}

type Matcher = (path: string) => boolean;

function compile(entry: string, field: string): Matcher {
  const regex = prefixedRegex(entry);
  let compiled: UserRegex;
  try {
    if (regex !== undefined) compiled = compileUserRegex(regex);
    else if (entry.startsWith('glob:')) compiled = compileGlob(entry.slice('glob:'.length));
    else return underDirectory(entry);
  } catch (err) {
    throw new Error(`${field}: ${(err as Error).message}`, { cause: err });
  }
  return (path) => compiled.test(path);
}

/**
 * A plain entry: the path itself or anything below it, compared segment by segment (`app`
 * covers `app/x` but not `apps/x`). `./`, a leading `/` and trailing `/` are ignored; `.` or
 * `/` covers the whole repository. (Kargo never matches an entry with a leading `/`; reading
 * it as relative to the repository root is what anyone writing one means.)
 */
function underDirectory(entry: string): Matcher {
  const base = entry
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
  if (base === '') return () => true;
  const below = `${base}/`;
  return (path) => path.startsWith(below) || path === base;
}
