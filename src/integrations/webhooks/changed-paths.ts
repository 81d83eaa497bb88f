import { z } from 'zod';

/** The file lists of one commit in a GitHub, GitLab or Gitea push payload. */
export const commitFilesSchema = z.looseObject({
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});

export type CommitFiles = z.infer<typeof commitFilesSchema>;

/**
 * The union of the files a push's commits added, modified or removed, in first-seen order.
 *
 * Undefined when the payload lists no commits: the receiver then refreshes every subscribed
 * Warehouse, whereas an empty list would skip every Warehouse with include/exclude paths.
 * Pushes of a new branch or tag at an existing commit list none, yet may matter. Callers
 * also pass undefined when the provider truncated the list (Kargo's graceful degradation).
 */
export function changedPaths(
  commits: readonly CommitFiles[] | null | undefined,
): string[] | undefined {
  if (!commits || commits.length === 0) return undefined;
  const paths = new Set<string>();
  for (const commit of commits) {
    for (const path of [
      ...(commit.added ?? []),
      ...(commit.modified ?? []),
      ...(commit.removed ?? []),
    ]) {
      paths.add(path);
    }
  }
  return [...paths];
}
