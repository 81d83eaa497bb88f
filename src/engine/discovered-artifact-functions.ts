import { parseGoTime } from '../expr/time-values.js';
import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../api/repo-urls.js';
import type { WarehouseStatus } from '../api/warehouse.js';
import { evaluate, type ExprFunction } from '../expr/evaluator.js';
import { standardFunctions } from '../expr/functions/index.js';
import { GoStruct, goTypeOf } from '../expr/functions/go-struct.js';
import { parse } from '../expr/parser.js';
import { isPlainObject, stringify } from '../expr/values.js';
import { artifactStruct } from './promotion-functions.js';

export type DiscoveredArtifacts = NonNullable<WarehouseStatus['discoveredArtifacts']>;

/**
 * Kargo's `DiscoveredArtifactsOperations`: `imageFrom`, `commitFrom`, `chartFrom` and
 * `artifactFrom` as a Warehouse's `freightCreationCriteria` sees them — over what discovery
 * found (the newest candidate per repository), not over Freight. The results are Kargo's
 * discovery types: a `DiscoveredImageReference` (`Tag`, `Digest`, `Annotations`,
 * `CreatedAt`), a `DiscoveredCommit` (`ID`, `Branch`, `Tag`, `Subject`, `Author`,
 * `Committer`, `CreatorDate`), a `Chart`, or a generic artifact; nil when nothing matches.
 */
export function discoveredArtifactFunctions(
  artifacts: DiscoveredArtifacts | undefined,
): Record<string, ExprFunction> {
  return {
    commitFrom: (args) => {
      const repo = normalizeGitUrl(onlyString(args));
      if (!artifacts) return null;
      for (const found of artifacts.git ?? []) {
        if (normalizeGitUrl(found.repoURL) !== repo) continue;
        const commit = found.commits?.[0];
        if (commit) return discoveredCommit(commit);
      }
      return null;
    },
    imageFrom: (args) => {
      const repo = normalizeImageRepo(onlyString(args));
      if (!artifacts) return null;
      for (const found of artifacts.images ?? []) {
        if (normalizeImageRepo(found.repoURL) !== repo) continue;
        const image = found.references?.[0];
        if (image) return discoveredImage(image);
      }
      return null;
    },
    chartFrom: (args) => {
      if (args.length === 0 || args.length > 2)
        throw new Error(`expected 1-2 arguments, got ${args.length}`);
      if (typeof args[0] !== 'string')
        throw new Error(`first argument must be string, got ${goTypeOf(args[0])}`);
      let name = '';
      if (args.length === 2) {
        if (typeof args[1] !== 'string')
          throw new Error(`second argument must be string, got ${goTypeOf(args[1])}`);
        name = args[1];
      }
      if (!artifacts) return null;
      const repo = normalizeChartUrl(args[0]);
      for (const found of artifacts.charts ?? []) {
        if (normalizeChartUrl(found.repoURL) !== repo || (name !== '' && found.name !== name))
          continue;
        const version = found.versions?.[0];
        if (version !== undefined) {
          const chartName = found.name ?? '';
          return new GoStruct(
            'v1alpha1.Chart',
            { RepoURL: repo, Name: chartName, Version: version, SubscriptionName: '' },
            { repoURL: repo, ...(chartName ? { name: chartName } : {}), version },
          );
        }
      }
      return null;
    },
    artifactFrom: (args) => {
      const subscription = onlyString(args);
      if (!artifacts) return null;
      // As Kargo: the newest reference of the last result for that subscription.
      let artifact: Record<string, unknown> | undefined;
      for (const result of artifacts.results ?? []) {
        if (result.name !== subscription) continue;
        const first = result.artifactReferences?.[0];
        if (first) artifact = first;
      }
      if (!artifact) return null;
      const text = (key: string) => (typeof artifact[key] === 'string' ? artifact[key] : '');
      const metadata = artifact.metadata;
      return artifactStruct({
        artifactType: text('artifactType'),
        subscriptionName: text('subscriptionName'),
        version: text('version'),
        metadata: isPlainObject(metadata) ? metadata : undefined,
      });
    },
  };
}

/**
 * Evaluates a Warehouse's `freightCreationCriteria.expression` as Kargo does: with the
 * discovered-artifact functions and no variables; a bool result is the verdict, anything else
 * is read as Go's strconv.ParseBool reads its text (`"true"`, `"1"`, `"F"`, …) or is an error.
 */
export function freightCreationCriteriaMet(
  expression: string,
  artifacts: DiscoveredArtifacts | undefined,
): boolean {
  const result = evaluate(parse(expression), {
    variables: {},
    functions: { ...standardFunctions, ...discoveredArtifactFunctions(artifacts) },
  });
  if (typeof result === 'boolean') return result;
  const text = result === null || result === undefined ? '<nil>' : stringify(result);
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(
    `failed to parse freight creation criteria expression result ${JSON.stringify(text)} as bool`,
  );
}

function onlyString(args: unknown[]): string {
  if (args.length !== 1) throw new Error(`expected 1 argument, got ${args.length}`);
  if (typeof args[0] !== 'string')
    throw new Error(`first argument must be string, got ${goTypeOf(args[0])}`);
  return args[0];
}

type DiscoveredCommit = NonNullable<DiscoveredArtifacts['git']>[number]['commits'] extends
  Array<infer C> | undefined
  ? C
  : never;
type DiscoveredImage = NonNullable<DiscoveredArtifacts['images']>[number]['references'] extends
  Array<infer I> | undefined
  ? I
  : never;

/** Kargo's `v1alpha1.DiscoveredCommit` (CreatorDate a time, as Kargo's *metav1.Time). */
function discoveredCommit(commit: DiscoveredCommit): GoStruct {
  return new GoStruct(
    'v1alpha1.DiscoveredCommit',
    {
      ID: commit.id,
      Branch: commit.branch ?? '',
      Tag: commit.tag ?? '',
      Subject: commit.subject ?? '',
      Author: commit.author ?? '',
      Committer: commit.committer ?? '',
      CreatorDate: goTimeOf(commit.creatorDate),
    },
    Object.fromEntries(
      Object.entries({
        id: commit.id,
        branch: commit.branch,
        tag: commit.tag,
        subject: commit.subject,
        author: commit.author,
        committer: commit.committer,
        creatorDate: commit.creatorDate,
      }).filter(([, v]) => v !== undefined && v !== ''),
    ),
  );
}

/** Kargo's `v1alpha1.DiscoveredImageReference` (CreatedAt a time, as Kargo's *metav1.Time). */
function discoveredImage(image: DiscoveredImage): GoStruct {
  return new GoStruct(
    'v1alpha1.DiscoveredImageReference',
    {
      Tag: image.tag,
      Digest: image.digest,
      Annotations: { ...image.annotations },
      CreatedAt: goTimeOf(image.createdAt),
    },
    {
      tag: image.tag,
      digest: image.digest,
      ...(image.annotations && Object.keys(image.annotations).length > 0
        ? { annotations: image.annotations }
        : {}),
      ...(image.createdAt ? { createdAt: image.createdAt } : {}),
    },
  );
}

/** An RFC 3339 date as a time value (nil when there is none). */
function goTimeOf(rfc3339: string | undefined): unknown {
  if (!rfc3339) return null;
  try {
    return parseGoTime(rfc3339, '2006-01-02T15:04:05Z07:00');
  } catch {
    return rfc3339;
  }
}
