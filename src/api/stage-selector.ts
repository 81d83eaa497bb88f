import { tryCompileGlob } from './glob.js';
import {
  fromStructuredSelector,
  matchesSelector,
  type StructuredLabelSelector,
} from './label-selector.js';
import { prefixedRegex, tryCompileUserRegex } from './user-regex.js';

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
  const regex = prefixedRegex(pattern);
  const compiled = pattern.startsWith('glob:')
    ? tryCompileGlob(pattern.slice('glob:'.length))
    : regex !== undefined
      ? tryCompileUserRegex(regex)
      : undefined;
  if (compiled === undefined) return pattern === name;
  return compiled.regex?.test(name) ?? false;
}
