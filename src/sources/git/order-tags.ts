import type { GitSubscription } from '../../api/warehouse.js';
import {
  compareVersionsDescending,
  parseConstraint,
  parseVersion,
} from '../../api/semver-constraint.js';

type TagStrategy = Exclude<GitSubscription['commitSelectionStrategy'], 'NewestFromBranch'>;

/**
 * Tags best first, as the tag strategies rank them:
 * - `NewestTag`: by creator date (the tag's own date for an annotated tag, its commit's for
 *   a lightweight one), newest first; tags made in the same second by name, as `git tag
 *   --sort=-creatordate` lists them.
 * - `Lexical`: by name, descending, comparing characters (not the locale's collation).
 * - `SemVer`: only names that parse as versions (`strictSemvers`) and satisfy
 *   `semverConstraint`, highest first.
 * Throws an Error when `semverConstraint` is not a constraint.
 */
export function orderTags<T extends { tag: string; creatorDate: string }>(
  tags: readonly T[],
  strategy: TagStrategy,
  options: { strictSemvers?: boolean; semverConstraint?: string | undefined } = {},
): T[] {
  switch (strategy) {
    case 'NewestTag':
      return [...tags].sort(
        (a, b) => compareText(b.creatorDate, a.creatorDate) || compareText(a.tag, b.tag),
      );
    case 'Lexical':
      return [...tags].sort((a, b) => compareText(b.tag, a.tag));
    case 'SemVer': {
      const constraint =
        options.semverConstraint === undefined
          ? undefined
          : parseConstraint(options.semverConstraint);
      return tags
        .flatMap((tag) => {
          const version = parseVersion(tag.tag, options.strictSemvers ?? true);
          return version && (!constraint || constraint.matches(version))
            ? [{ tag, version, text: tag.tag }]
            : [];
        })
        .sort(compareVersionsDescending)
        .map(({ tag }) => tag);
    }
  }
}

/** Code-unit order, like Go's string comparison for the ASCII that tags are made of. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
