import type { Freight } from '../api/freight.js';
import { FORCED_BY_ANNOTATION } from '../api/labels.js';
import { redactUrl } from '../api/redact-url.js';
import { normalizeChartUrl, normalizeGitUrl } from '../api/repo-urls.js';
import { parseConstraint, parseVersion } from '../api/semver-constraint.js';
import type {
  ChartSubscription,
  GitSubscription,
  ImageSubscription,
  WarehouseSpec,
} from '../api/warehouse.js';
import { errorMessage, inputError, unavailableError, type FieldIssue } from '../errors.js';
import { filterTags, orderTags } from '../sources/oci/tag-order.js';

/**
 * How hand-made Freight is checked against the places its artifacts come from:
 * `check` asks the registries (the tag exists, its digest is filled in or must match),
 * `force` skips those lookups (the structural checks still apply) and marks the Freight.
 */
export type FreightSourceMode = 'check' | 'force';

/** The registry lookups admission needs; main.ts wires them to the discovery clients. */
export interface FreightSourceLookups {
  /**
   * The image `reference` (a tag or a digest) as the registry has it now, or undefined when it
   * is not built for the subscription's platform. Throws an error with `notFound: true` when
   * the registry has no such tag, any other error when the registry cannot answer.
   */
  image(
    project: string,
    subscription: ImageSubscription,
    reference: string,
  ): Promise<{ digest: string; annotations?: Record<string, string> | undefined } | undefined>;
  /** Every version the chart repository publishes (throws as `image` does). */
  chartVersions(project: string, subscription: ChartSubscription): Promise<string[]>;
  /**
   * The commit `id` (possibly abbreviated) of the subscription's repository, or undefined when
   * the repository has no such commit. Throws when the repository cannot be fetched.
   */
  commit?(
    project: string,
    subscription: GitSubscription,
    id: string,
  ): Promise<{ id: string; subject?: string; author?: string; committer?: string } | undefined>;
}

export interface FreightSourceCheck {
  project: string;
  mode: FreightSourceMode;
  /** Who creates the Freight, recorded on forced Freight. */
  actor?: string | undefined;
  /** Absent: only the structural checks run (nothing can be asked). */
  lookups?: FreightSourceLookups | undefined;
}

/**
 * Checks each image, chart and commit of a hand-made Freight against its Warehouse
 * subscription and where it comes from, and returns the Freight as it will be stored: image
 * digests filled in (a Freight names what a pull resolves to), commits completed, and, when
 * forced, `gantry.io/forced-by` set.
 *
 * Structural checks (always): the artifact is within the subscription's constraint
 * (semver, allowTagsRegexes/ignoreTagsRegexes, the one tag a Digest subscription follows).
 * Registry checks (unless forced): the tag exists, is built for the subscription's platform,
 * and a given digest is the tag's digest; a chart version is published.
 * Problems are input errors naming the artifact (`images[0] repo:9.9.9: tag not found in the
 * registry`); a registry that cannot be asked is an Unavailable error suggesting --force.
 * A git commit must exist in its repository when the repository can be fetched (its full id,
 * message and authors are filled in); one that cannot be fetched leaves the commit unchecked.
 */
export async function checkFreightSources(
  freight: Freight,
  warehouse: WarehouseSpec,
  check: FreightSourceCheck,
): Promise<Freight> {
  const issues: FieldIssue[] = [];
  const unreachable: string[] = [];
  const images = [...(freight.images ?? [])];
  const ask = check.mode === 'check' ? check.lookups : undefined;
  for (const [index, image] of images.entries()) {
    const path = `images[${index}]`;
    const subscription = imageSubscriptionFor(warehouse, image.repoURL);
    if (!subscription) continue; // freightMatchesWarehouse reports it
    const ref = image.tag
      ? `${image.repoURL}:${image.tag}`
      : `${image.repoURL ?? ''}@${image.digest ?? ''}`;
    if (!image.tag && !image.digest) {
      issues.push({ path, message: `${image.repoURL ?? ''}: a tag or a digest is required` });
      continue;
    }
    const outside = image.tag ? tagOutsideSubscription(image.tag, subscription) : undefined;
    if (outside) {
      issues.push({ path, message: `${ref}: ${outside}` });
      continue;
    }
    if (!ask) continue;
    try {
      const found = await ask.image(check.project, subscription, image.tag ?? image.digest!);
      if (!found) {
        issues.push({
          path,
          message: `${ref}: not built for platform ${subscription.platform ?? ''} (the subscription's platform)`,
        });
      } else if (image.tag && image.digest && image.digest !== found.digest) {
        issues.push({
          path,
          message: `${ref}: digest ${image.digest} does not match the registry's ${found.digest} for this tag`,
        });
      } else {
        images[index] = {
          ...image,
          digest: found.digest,
          ...(!image.annotations && found.annotations ? { annotations: found.annotations } : {}),
        };
      }
    } catch (err) {
      if ((err as { notFound?: unknown }).notFound === true)
        issues.push({
          path,
          message: `${ref}: ${image.tag ? 'tag' : 'digest'} not found in the registry`,
        });
      else unreachable.push(`${path} ${ref}: ${errorMessage(err)}`);
    }
  }
  for (const [index, chart] of (freight.charts ?? []).entries()) {
    const path = `charts[${index}]`;
    const subscription = chartSubscriptionFor(warehouse, chart.repoURL, chart.name);
    if (!subscription) continue;
    const ref = `${chart.repoURL ?? ''}${chart.name ? `/${chart.name}` : ''}:${chart.version ?? ''}`;
    if (!chart.version) {
      issues.push({ path, message: `${ref}: a version is required` });
      continue;
    }
    const outside = versionOutsideConstraint(chart.version, subscription.semverConstraint);
    if (outside) {
      issues.push({ path, message: `${ref}: ${outside}` });
      continue;
    }
    if (!ask) continue;
    try {
      const published = await ask.chartVersions(check.project, subscription);
      if (!published.includes(chart.version))
        issues.push({ path, message: `${ref}: version not found in the chart repository` });
    } catch (err) {
      if ((err as { notFound?: unknown }).notFound === true)
        issues.push({ path, message: `${ref}: chart not found in the chart repository` });
      else unreachable.push(`${path} ${ref}: ${errorMessage(err)}`);
    }
  }
  const commits = [...(freight.commits ?? [])];
  for (const [index, commit] of commits.entries()) {
    const path = `commits[${index}]`;
    const subscription = gitSubscriptionFor(warehouse, commit.repoURL);
    if (!subscription) continue;
    const ref = `${redactUrl(commit.repoURL ?? '')}@${commit.id ?? ''}`;
    if (!commit.id || !/^[0-9a-f]{4,64}$/i.test(commit.id)) {
      issues.push({ path, message: `${ref}: the commit id must be a hexadecimal commit SHA` });
      continue;
    }
    if (!ask?.commit) continue;
    let found;
    try {
      found = await ask.commit(check.project, subscription, commit.id);
    } catch {
      continue; // a repository that cannot be fetched: checked when it can be (see above)
    }
    if (!found) {
      issues.push({ path, message: `${ref}: commit not found in the repository` });
      continue;
    }
    commits[index] = {
      ...commit,
      id: found.id,
      ...(!commit.message && found.subject ? { message: found.subject } : {}),
      ...(!commit.author && found.author ? { author: found.author } : {}),
      ...(!commit.committer && found.committer ? { committer: found.committer } : {}),
    };
  }
  if (issues.length > 0) {
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw inputError(`${first.path}: ${first.message}${more}`, issues);
  }
  if (unreachable.length > 0)
    throw unavailableError(
      `cannot check Freight against its sources: ${unreachable.join('; ')}; try again when it can be reached, or force (gantry create freight --force, gantry apply --force, ?force=true) to create it without asking`,
    );
  if (check.mode === 'force')
    return {
      ...freight,
      metadata: {
        ...freight.metadata,
        annotations: {
          ...freight.metadata.annotations,
          [FORCED_BY_ANNOTATION]: check.actor ?? 'unknown',
        },
      },
    };
  return {
    ...freight,
    ...(images.length > 0 ? { images } : {}),
    ...(commits.length > 0 ? { commits } : {}),
  };
}

function gitSubscriptionFor(
  warehouse: WarehouseSpec,
  repoURL: string | undefined,
): GitSubscription | undefined {
  // Freight names repositories without credentials (redactUrl); subscriptions may not.
  const url = normalizeGitUrl(redactUrl(repoURL ?? ''));
  for (const sub of warehouse.subscriptions) {
    const git = 'git' in sub ? (sub.git as GitSubscription | undefined) : undefined;
    if (git && normalizeGitUrl(redactUrl(git.repoURL)) === url) return git;
  }
  return undefined;
}

function imageSubscriptionFor(
  warehouse: WarehouseSpec,
  repoURL: string | undefined,
): ImageSubscription | undefined {
  for (const sub of warehouse.subscriptions) {
    const image = 'image' in sub ? (sub.image as ImageSubscription | undefined) : undefined;
    if (image?.repoURL === repoURL) return image;
  }
  return undefined;
}

function chartSubscriptionFor(
  warehouse: WarehouseSpec,
  repoURL: string | undefined,
  name: string | undefined,
): ChartSubscription | undefined {
  const key = `${normalizeChartUrl(redactUrl(repoURL ?? ''))}/${name ?? ''}`;
  for (const sub of warehouse.subscriptions) {
    const chart = 'chart' in sub ? (sub.chart as ChartSubscription | undefined) : undefined;
    if (chart && `${normalizeChartUrl(redactUrl(chart.repoURL))}/${chart.name ?? ''}` === key)
      return chart;
  }
  return undefined;
}

/** Why discovery would never pick this tag for the subscription, or undefined if it could. */
export function tagOutsideSubscription(
  tag: string,
  subscription: ImageSubscription,
): string | undefined {
  if (subscription.imageSelectionStrategy === 'Digest')
    return tag === subscription.constraint
      ? undefined
      : `the subscription follows tag "${subscription.constraint ?? ''}" only (imageSelectionStrategy: Digest)`;
  if (filterTags([tag], subscription.allowTagsRegexes, subscription.ignoreTagsRegexes).length === 0)
    return 'tag excluded by the subscription (allowTagsRegexes / ignoreTagsRegexes)';
  if (orderTags([tag], subscription).length > 0) return undefined;
  if (!parseVersion(tag, subscription.strictSemvers))
    return 'tag is not a semantic version (the subscription selects by SemVer)';
  return `tag outside the subscription's constraint "${subscription.constraint ?? ''}"`;
}

function versionOutsideConstraint(
  version: string,
  constraint: string | undefined,
): string | undefined {
  const parsed = parseVersion(version, false);
  if (!parsed) return 'version is not a semantic version';
  if (constraint && !parseConstraint(constraint).matches(parsed))
    return `version outside the subscription's semverConstraint "${constraint}"`;
  return undefined;
}
