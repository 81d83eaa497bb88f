import { inputError } from '../errors.js';
import {
  quotePattern,
  tryCompileUserRegex,
  type RegexCompilation,
  type UserRegex,
} from './user-regex.js';

/**
 * Doublestar globs (the syntax Kargo uses for path filters and Stage names), shared by path
 * selectors, Stage selectors and the file steps.
 */

/**
 * Compiles a doublestar glob into an anchored regular expression. `*` and `?` never cross
 * a `/`; `**` as a whole segment spans any number of directories (none included, so
 * `apps/**` also matches `apps` and `**\/x.yaml` matches `x.yaml`); `{a,b}` are alternatives;
 * `\` escapes the next character. Unbalanced `[` or `{` are literal characters.
 *
 * The glob is the user's, so its translation runs under RE2 like any user regex: with
 * backtracking, `*a*a*a*a*a*b` against a long path costs a power of its length per star.
 * Throws an input error naming the glob when it cannot compile (a class range such as `[z-a]`).
 */
export function compileGlob(glob: string): UserRegex {
  const { regex, problem } = tryCompileGlob(glob);
  if (regex) return regex;
  throw inputError(problem);
}

/** Why `glob` does not compile (`invalid glob "[z-a]": …`), or undefined when it does. */
export function globProblem(glob: string): string | undefined {
  return tryCompileGlob(glob).problem;
}

/** The compiled glob, or why it does not compile. */
export function tryCompileGlob(glob: string): RegexCompilation {
  const { regex, problem } = tryCompileUserRegex(`^${translate(glob, 0, false).source}$`);
  return regex
    ? { regex: { pattern: glob, test: (text) => regex.test(text) } }
    : { problem: `invalid glob ${quotePattern(glob)}: ${problem}` };
}

/** Translates `glob` from `start` up to the end, or, inside braces, to the next `,` or `}`. */
function translate(
  glob: string,
  start: number,
  inBraces: boolean,
): { source: string; end: number } {
  let source = '';
  let i = start;
  const segmentStart = (at: number) => at === start || glob[at - 1] === '/';
  const segmentEnd = (at: number) =>
    at >= glob.length || glob[at] === '/' || (inBraces && (glob[at] === ',' || glob[at] === '}'));
  while (i < glob.length) {
    const ch = glob[i]!;
    if (inBraces && (ch === ',' || ch === '}')) break;
    if (ch === '\\' && i + 1 < glob.length) {
      source += escape(glob[i + 1]!);
      i += 2;
    } else if (ch === '/' && glob.startsWith('**', i + 1) && segmentEnd(i + 3)) {
      // `dir/**` at the end: the directory itself or anything below it.
      source += '(?:/.*)?';
      i += 3;
    } else if (ch === '*' && glob[i + 1] === '*' && segmentStart(i) && segmentEnd(i + 2)) {
      if (glob[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 3;
      } else {
        source += '.*';
        i += 2;
      }
    } else if (ch === '*') {
      while (glob[i] === '*') i++;
      source += '[^/]*';
    } else if (ch === '?') {
      source += '[^/]';
      i++;
    } else if (ch === '[') {
      const cls = characterClass(glob, i);
      if (cls) {
        source += cls.source;
        i = cls.end;
      } else {
        source += '\\[';
        i++;
      }
    } else if (ch === '{') {
      const alternatives = braces(glob, i);
      if (alternatives) {
        source += alternatives.source;
        i = alternatives.end;
      } else {
        source += '\\{';
        i++;
      }
    } else {
      source += escape(ch);
      i++;
    }
  }
  return { source, end: i };
}

/** `[abc]`, `[a-z]`, `[!x]` / `[^x]` starting at `open`; undefined when never closed. */
function characterClass(glob: string, open: number): { source: string; end: number } | undefined {
  let i = open + 1;
  const negated = glob[i] === '!' || glob[i] === '^';
  if (negated) i++;
  let body = '';
  // A `]` right after the opening (or the negation) is a member, not the end.
  for (let first = true; i < glob.length; first = false) {
    const ch = glob[i]!;
    if (ch === ']' && !first) {
      // Classes never match `/`, as in doublestar.
      return { source: negated ? `[^/${body}]` : `[${body}]`, end: i + 1 };
    }
    if (ch === '\\' && i + 1 < glob.length) {
      // Only ASCII punctuation is escaped: `\d` is the letter d, as in doublestar, not a class
      // (RE2 refuses escapes of anything else).
      const escaped = glob[i + 1]!;
      body += /[!-/:-@[-`{-~]/.test(escaped) ? `\\${escaped}` : escaped;
      i += 2;
      continue;
    }
    body += ch === '-' ? '-' : ch.replace(/[\]\\^[]/g, '\\$&');
    i++;
  }
  return undefined;
}

/** `{a,b,…}` starting at `open`, each alternative a glob; undefined when never closed. */
function braces(glob: string, open: number): { source: string; end: number } | undefined {
  const alternatives: string[] = [];
  let i = open + 1;
  for (;;) {
    const part = translate(glob, i, true);
    alternatives.push(part.source);
    if (part.end >= glob.length) return undefined;
    i = part.end + 1;
    if (glob[part.end] === '}') return { source: `(?:${alternatives.join('|')})`, end: i };
  }
}

function escape(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
