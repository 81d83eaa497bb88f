import {
  compareVersionsDescending,
  parseConstraint,
  parseVersion,
} from '../../api/semver-constraint.js';
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

/** allowTagsRegexes: a tag must match one (when any are given); ignoreTagsRegexes: none. */
export function filterTags(
  tags: string[],
  allow: string[] | undefined,
  ignore: string[] | undefined,
): string[] {
  const allowRegexes = (allow ?? []).map((pattern) => new RegExp(pattern));
  const ignoreRegexes = (ignore ?? []).map((pattern) => new RegExp(pattern));
  return tags.filter(
    (tag) =>
      (allowRegexes.length === 0 || allowRegexes.some((regex) => regex.test(tag))) &&
      !ignoreRegexes.some((regex) => regex.test(tag)),
  );
}
