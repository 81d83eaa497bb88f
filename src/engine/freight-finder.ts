import type { FreightReference } from '../api/common.js';
import { normalizeGitUrl } from '../api/repo-urls.js';
import type { Subscription } from '../api/warehouse.js';
import { goQuote } from '../expr/go-strconv.js';

/** An origin of Freight: `{ kind: 'Warehouse', name }`. */
export interface FreightOriginRef {
  kind: string;
  name: string;
}

/** One of a Stage's `spec.requestedFreight`, as far as finding artifacts goes. */
export interface FreightRequestRef {
  origin: FreightOriginRef;
}

/**
 * What Kargo's freight finder (pkg/controller/freight/finder.go) looks at: the project, the
 * origins the Stage requests, the subscriptions of the project's Warehouses (by name; a
 * requested Warehouse missing here does not exist), and the Freight being promoted with the
 * Stage's Freight from its other origins.
 */
export interface FreightFinderContext {
  project: string;
  freightRequests: readonly FreightRequestRef[];
  warehouses: Readonly<Record<string, readonly Subscription[]>> | undefined;
  freight: readonly FreightReference[];
}

type ImageRef = NonNullable<FreightReference['images']>[number];
type CommitRef = NonNullable<FreightReference['commits']>[number];
type ChartRef = NonNullable<FreightReference['charts']>[number];
type ArtifactRef = NonNullable<FreightReference['artifacts']>[number];

/** Kargo's `NotFoundError` of FindChart: no requested Warehouse subscribes to the chart. */
export class ChartNotFoundError extends Error {
  override name = 'ChartNotFoundError';
}

/**
 * Kargo's FindCommit: without an origin, the one requested origin whose Warehouse subscribes to
 * the repository (git URLs compared normalized), then that origin's commit of it; null when no
 * requested Warehouse subscribes or its Freight is not there.
 */
export function findCommit(
  context: FreightFinderContext,
  origin: FreightOriginRef | undefined,
  repoURL: string,
): CommitRef | null {
  const repo = normalizeGitUrl(repoURL);
  const desired =
    origin ??
    inferOrigin(
      context,
      (sub) => {
        const git = body(sub, 'git');
        return git !== undefined && normalizeGitUrl(stringField(git, 'repoURL')) === repo;
      },
      () =>
        `multiple requested Freight could potentially provide a commit from repo ${repo}; please update promotion steps to disambiguate`,
    );
  if (!desired) return null;
  return firstOf(context, desired, (ref) =>
    (ref.commits ?? []).find((c) => normalizeGitUrl(c.repoURL ?? '') === repo),
  );
}

/**
 * Kargo's FindImage: as findCommit, but repository URLs must be equal as written (in the
 * Warehouse's subscription and in the Freight).
 */
export function findImage(
  context: FreightFinderContext,
  origin: FreightOriginRef | undefined,
  repoURL: string,
): ImageRef | null {
  const desired =
    origin ??
    inferOrigin(
      context,
      (sub) => {
        const image = body(sub, 'image');
        return image !== undefined && stringField(image, 'repoURL') === repoURL;
      },
      () =>
        `multiple requested Freight could potentially provide a container image from repository ${repoURL}: please provide a Freight origin to disambiguate`,
    );
  if (!desired) return null;
  return firstOf(context, desired, (ref) =>
    (ref.images ?? []).find((i) => (i.repoURL ?? '') === repoURL),
  );
}

/**
 * Kargo's FindChart: repository URL and chart name equal as written. Unlike the others, when no
 * origin is given and no requested Warehouse subscribes to the chart, it is an error
 * (ChartNotFoundError), not null.
 */
export function findChart(
  context: FreightFinderContext,
  origin: FreightOriginRef | undefined,
  repoURL: string,
  chartName: string,
): ChartRef | null {
  let desired = origin;
  if (!desired) {
    desired = inferOrigin(
      context,
      (sub) => {
        const chart = body(sub, 'chart');
        return (
          chart !== undefined &&
          stringField(chart, 'repoURL') === repoURL &&
          stringField(chart, 'name') === chartName
        );
      },
      () =>
        `multiple requested Freight could potentially provide a chart from repository ${repoURL}: please provide a Freight origin to disambiguate`,
    );
    if (!desired) {
      throw new ChartNotFoundError(
        chartName === ''
          ? `chart from repo ${repoURL} not found in referenced Freight`
          : `chart ${goQuote(chartName)} from repo ${repoURL} not found in referenced Freight`,
      );
    }
  }
  return firstOf(context, desired, (ref) =>
    (ref.charts ?? []).find((c) => (c.repoURL ?? '') === repoURL && (c.name ?? '') === chartName),
  );
}

/**
 * Kargo's FindArtifact: a generic (not git, image or chart) subscription named `subName`, then
 * that origin's artifact of the subscription.
 */
export function findArtifact(
  context: FreightFinderContext,
  origin: FreightOriginRef | undefined,
  subName: string,
): ArtifactRef | null {
  const desired =
    origin ??
    inferOrigin(
      context,
      (sub) => genericName(sub) === subName,
      () =>
        `multiple requested Freight could potentially provide a ${goQuote(subName)} artifact; please update promotion steps to disambiguate`,
    );
  if (!desired) return null;
  return firstOf(context, desired, (ref) =>
    (ref.artifacts ?? []).find((a) => a.subscriptionName === subName),
  );
}

/**
 * The requested origin whose Warehouse has a matching subscription: undefined when none has,
 * an error when a requested Warehouse does not exist or more than one subscription matches.
 * Every request is read, as Kargo does (a missing Warehouse after a match is still an error).
 */
function inferOrigin(
  context: FreightFinderContext,
  matches: (sub: Subscription) => boolean,
  ambiguous: () => string,
): FreightOriginRef | undefined {
  let found: FreightOriginRef | undefined;
  for (const request of context.freightRequests) {
    const subscriptions = Object.hasOwn(context.warehouses ?? {}, request.origin.name)
      ? context.warehouses![request.origin.name]!
      : undefined;
    if (!subscriptions) {
      throw new Error(
        `Warehouse ${goQuote(request.origin.name)} not found in namespace ${goQuote(context.project)}`,
      );
    }
    for (const sub of subscriptions) {
      if (!matches(sub)) continue;
      if (found) throw new Error(ambiguous());
      found = request.origin;
    }
  }
  return found;
}

/** The first item `pick` finds in the Freight of `origin` (Kargo's FreightOrigin.Equals). */
function firstOf<T>(
  context: FreightFinderContext,
  origin: FreightOriginRef,
  pick: (ref: FreightReference) => T | undefined,
): T | null {
  for (const ref of context.freight) {
    if ((ref.origin?.kind ?? 'Warehouse') !== origin.kind || ref.origin?.name !== origin.name)
      continue;
    const item = pick(ref);
    if (item !== undefined) return item;
  }
  return null;
}

const TYPED = ['git', 'image', 'chart'];

/** The body of a typed subscription (`{ git: {...} }`), undefined for another type. */
function body(sub: Subscription, type: string): Record<string, unknown> | undefined {
  const value = (sub as Record<string, unknown>)[type];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringField(object: Record<string, unknown>, key: string): string {
  const value = object[key];
  return typeof value === 'string' ? value : '';
}

/**
 * The name of a generic subscription (`{ name, <type>: {...} }`); undefined for a git, image or
 * chart one. Kargo reads the sibling `name`; Gantry also accepts the name inside the body.
 */
function genericName(sub: Subscription): string | undefined {
  const entries = Object.entries(sub as Record<string, unknown>).filter(([k]) => k !== 'name');
  if (entries.length !== 1 || TYPED.includes(entries[0]![0])) return undefined;
  if (typeof sub.name === 'string') return sub.name;
  const inner = entries[0]![1];
  const name =
    typeof inner === 'object' && inner !== null
      ? (inner as Record<string, unknown>).name
      : undefined;
  return typeof name === 'string' ? name : '';
}
