/**
 * Doublestar globs (the syntax Kargo uses for path filters and Stage names), shared by path
 * selectors, Stage selectors and the file steps.
 */

/**
 * Translates a doublestar glob into an anchored regular expression. `*` and `?` never cross
 * a `/`; `**` as a whole segment spans any number of directories (none included, so
 * `apps/**` also matches `apps` and `**\/x.yaml` matches `x.yaml`); `{a,b}` are alternatives;
 * `\` escapes the next character. Unbalanced `[` or `{` are literal characters.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${translate(glob, 0, false).source}$`);
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
      body += `\\${glob[i + 1]!}`;
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
