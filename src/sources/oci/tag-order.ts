import {
  compareVersionsDescending,
  parseConstraint,
  parseVersion,
} from '../../api/semver-constraint.js';
import { compileUserRegex, type UserRegex } from '../../api/user-regex.js';
import type { ImageSubscription } from '../../api/warehouse.js';

/**
 * The tags a subscription may pick from, best first, for the strategies that order by the tag
 * itself: SemVer (highest version within the constraint; `strictSemvers` decides what counts
 * as a version) and Lexical (reverse lexical order). NewestBuild keeps the filtered tags in
 * any order: it orders by build time, which needs the registry. Digest never lists tags.
 */
export function orderTags(tags: string[], subscription: ImageSubscription): string[] {
  const allowed = filterTags(tags, subscription.allowTagsRegexes, subscription.ignoreTagsRegexes);
  switch (subscription.imageSelectionStrategy) {
    case 'SemVer': {
      const constraint = parseConstraint(subscription.constraint ?? '');
      return allowed
        .map((text) => ({ text, version: parseVersion(text, subscription.strictSemvers) }))
        .filter(
          (entry): entry is { text: string; version: NonNullable<typeof entry.version> } =>
            entry.version !== undefined && constraint.matches(entry.version),
        )
        .sort(compareVersionsDescending)
        .map((entry) => entry.text);
    }
    case 'Lexical':
      return [...allowed].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    default:
      return allowed;
  }
}

/**
 * allowTagsRegexes: a tag must match one (when any are given); ignoreTagsRegexes: none. The
 * patterns are RE2 (unanchored, as Kargo's Go `regexp.MatchString`), so filtering takes time
 * linear in each tag whatever the pattern. Admission refuses patterns that do not compile; one
 * stored before that (JavaScript-only syntax) throws an input error naming its field.
 */
export function filterTags(
  tags: string[],
  allow: string[] | undefined,
  ignore: string[] | undefined,
): string[] {
  const allowRegexes = compileAll(allow, 'allowTagsRegexes');
  const ignoreRegexes = compileAll(ignore, 'ignoreTagsRegexes');
  return tags.filter(
    (tag) =>
      (allowRegexes.length === 0 || allowRegexes.some((regex) => regex.test(tag))) &&
      !ignoreRegexes.some((regex) => regex.test(tag)),
  );
}

function compileAll(patterns: string[] | undefined, field: string): UserRegex[] {
  return (patterns ?? []).map((pattern, index) => compileUserRegex(pattern, `${field}[${index}]`));
}
