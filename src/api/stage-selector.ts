import {
  fromStructuredSelector,
  matchesSelector,
  type StructuredLabelSelector,
} from './label-selector.js';

/**
 * Which Stages a ProjectConfig entry (a promotion policy, a promotion window) applies to,
 * as Kargo matches a `PromotionPolicySelector` (`pkg/pattern.ParseNamePattern` plus
 * `metav1.LabelSelectorAsSelector`): `name` is an exact Stage name, `glob:<pattern>` or
 * `regex:`/`regexp:<expression>` (unanchored, like Go's MatchString); `matchLabels` and
 * `matchExpressions` form a label selector. A Stage must match every part that is set; an
 * empty selector matches every Stage.
 */
export interface StageSelector extends StructuredLabelSelector {
  name?: string | undefined;
}

export interface SelectableStage {
  name: string;
  labels?: Record<string, string> | undefined;
}

/**
 * Whether `stage` is selected. Expects a selector that passed the ProjectConfig schema; a
 * regular expression that does not compile matches nothing.
 */
export function matchesStageSelector(selector: StageSelector, stage: SelectableStage): boolean {
  if (
    selector.name !== undefined &&
    selector.name !== '' &&
    !matchesName(selector.name, stage.name)
  )
    return false;
  return matchesSelector(fromStructuredSelector(selector), stage.labels);
}

function matchesName(pattern: string, name: string): boolean {
  if (pattern.startsWith('glob:')) return globToRegExp(pattern.slice('glob:'.length)).test(name);
  const regex = /^regexp?:/.exec(pattern);
  if (regex) {
    try {
      return new RegExp(pattern.slice(regex[0].length)).test(name);
    } catch {
      return false;
    }
  }
  return pattern === name;
}

/**
 * A glob over a Stage name (doublestar syntax, as Kargo uses; names hold no `/`): `*` any
 * run of characters, `?` one character, `[a-z]`/`[!a]` a class, `{a,b}` alternatives, `\`
 * escapes the next character. An unclosed `[` or `{` is a literal character.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${translate(glob, 0, false).source}$`);
}

function translate(
  glob: string,
  start: number,
  inBraces: boolean,
): { source: string; end: number } {
  let source = '';
  let i = start;
  while (i < glob.length) {
    const ch = glob[i]!;
    if (inBraces && (ch === ',' || ch === '}')) break;
    if (ch === '\\' && i + 1 < glob.length) {
      source += escape(glob[i + 1]!);
      i += 2;
    } else if (ch === '*') {
      while (glob[i] === '*') i++;
      source += '.*';
    } else if (ch === '?') {
      source += '.';
      i++;
    } else if (ch === '[') {
      const close = classEnd(glob, i);
      if (close === undefined) {
        source += '\\[';
        i++;
      } else {
        let body = glob.slice(i + 1, close);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        source += `[${negated ? '^' : ''}${body.replace(/[\]\\[^]/g, '\\$&')}]`;
        i = close + 1;
      }
    } else if (ch === '{') {
      const alternatives: string[] = [];
      let j = i + 1;
      let closed = false;
      while (j <= glob.length) {
        const part = translate(glob, j, true);
        alternatives.push(part.source);
        if (part.end >= glob.length) break;
        j = part.end + 1;
        if (glob[part.end] === '}') {
          closed = true;
          break;
        }
      }
      if (closed) {
        source += `(?:${alternatives.join('|')})`;
        i = j;
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

/** The index of the `]` closing the class opened at `open` (a leading `]` is a member). */
function classEnd(glob: string, open: number): number | undefined {
  let i = open + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++;
  const close = glob.indexOf(']', i);
  return close < 0 ? undefined : close;
}

function escape(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
