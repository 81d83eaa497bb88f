import { tryCompileGlob } from './glob.js';
import {
  fromStructuredSelector,
  matchesSelector,
  type StructuredLabelSelector,
} from './label-selector.js';
import { prefixedRegex, tryCompileUserRegex, type RegexCompilation } from './user-regex.js';

/**
 * Compiled name patterns, by pattern. Compiling RE2 costs far more than matching, and every
 * auto-promotion decision matches each Stage against the project's policies. Compilation is
 * pure, so sharing results is safe; the map is bounded so patterns never seen again age out.
 */
const compiledPatterns = new Map<string, RegexCompilation | undefined>();
const MAX_COMPILED_PATTERNS = 1_000;

/**
 * Which Stages a ProjectConfig entry (a promotion policy, a promotion window) applies to,
 * as Kargo matches a `PromotionPolicySelector` (`pkg/pattern.ParseNamePattern` plus
 * `metav1.LabelSelectorAsSelector`): `name` is an exact Stage name, `glob:<pattern>` or
 * `regex:`/`regexp:<expression>` (RE2, unanchored, like Go's MatchString); `matchLabels` and
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
 * pattern that does not compile (stored before RE2 was required) matches nothing.
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
  const compiled = compiledPattern(pattern);
  if (compiled === undefined) return pattern === name;
  return compiled.regex?.test(name) ?? false;
}

function compiledPattern(pattern: string): RegexCompilation | undefined {
  if (compiledPatterns.has(pattern)) return compiledPatterns.get(pattern);
  const regex = prefixedRegex(pattern);
  const compiled = pattern.startsWith('glob:')
    ? tryCompileGlob(pattern.slice('glob:'.length))
    : regex !== undefined
      ? tryCompileUserRegex(regex)
      : undefined;
  if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) compiledPatterns.clear();
  compiledPatterns.set(pattern, compiled);
  return compiled;
}
