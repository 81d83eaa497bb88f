import type { Context } from 'hono';
import { apiGroupList, apiResourceList } from './discovery.js';

/**
 * Aggregated discovery (apidiscovery.k8s.io v2, and v2beta1 which kubectl 1.32 also
 * accepts): `/api` and `/apis` answer with every group, version and resource in one
 * `APIGroupDiscoveryList` when the client's Accept offers it, so kubectl learns the whole API
 * in two requests instead of one per group version. Built from the same resource lists as
 * unaggregated discovery (discovery.ts); clients that do not offer it get the plain JSON.
 */

const GROUP = 'apidiscovery.k8s.io';
const VERSIONS = new Set(['v2', 'v2beta1']);

/** The aggregated discovery version an Accept header asks for first, if any. */
export function aggregatedDiscoveryVersion(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (type?.toLowerCase() !== 'application/json') continue;
    const values = new Map(
      params.map((param) => {
        const [key = '', value = ''] = param.split('=').map((s) => s.trim());
        return [key, value];
      }),
    );
    const version = values.get('v');
    if (
      values.get('g') === GROUP &&
      values.get('as') === 'APIGroupDiscoveryList' &&
      version &&
      VERSIONS.has(version)
    )
      return version;
    // A plain `application/json` offered before: the client prefers unaggregated.
    if (!values.has('g') && !values.has('as')) return undefined;
  }
  return undefined;
}

type ResourceEntry = ReturnType<typeof entries>[number];

function entries(groupVersion: string) {
  return apiResourceList(groupVersion)?.resources ?? [];
}

/** One version of a group: its resources, each with its subresources (`stages/status`). */
function versionDiscovery(group: string, version: string) {
  const all = entries(group ? `${group}/${version}` : version);
  const kindOf = (entry: ResourceEntry) => ({ group, version, kind: entry.kind });
  return {
    version,
    resources: all
      .filter((entry) => !entry.name.includes('/'))
      .map((entry) => ({
        resource: entry.name,
        responseKind: kindOf(entry),
        scope: entry.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: entry.singularName,
        verbs: entry.verbs,
        ...('shortNames' in entry && entry.shortNames ? { shortNames: entry.shortNames } : {}),
        ...('categories' in entry && entry.categories ? { categories: entry.categories } : {}),
        subresources: all
          .filter((sub) => sub.name.startsWith(`${entry.name}/`))
          .map((sub) => ({
            subresource: sub.name.slice(entry.name.length + 1),
            responseKind: kindOf(sub),
            verbs: sub.verbs,
          })),
      })),
    freshness: 'Current',
  };
}

/** One group (apidiscovery.k8s.io APIGroupDiscovery); the core group has no name. */
export interface GroupDiscovery {
  metadata: { name?: string; creationTimestamp: null };
  versions: Array<ReturnType<typeof versionDiscovery>>;
}

function list(version: string, items: GroupDiscovery[]) {
  return { kind: 'APIGroupDiscoveryList', apiVersion: `${GROUP}/${version}`, metadata: {}, items };
}

/** `GET /api` in aggregated form: the core group, one version. */
export function aggregatedCore(version: string) {
  return list(version, [
    { metadata: { creationTimestamp: null }, versions: [versionDiscovery('', 'v1')] },
  ]);
}

/** `GET /apis` in aggregated form: every named group. */
export function aggregatedGroups(version: string) {
  return list(
    version,
    apiGroupList().groups.map((group) => ({
      metadata: { name: group.name, creationTimestamp: null },
      versions: group.versions.map((v) => versionDiscovery(group.name, v.version)),
    })),
  );
}

/**
 * Answers a discovery request: aggregated when the Accept header offers it (Content-Type
 * naming the version chosen, as client-go checks), otherwise `plain()` as JSON.
 */
export function negotiateDiscovery(
  c: Context,
  aggregated: (version: string) => unknown,
  plain: () => unknown,
) {
  c.header('Vary', 'Accept');
  const version = aggregatedDiscoveryVersion(c.req.header('accept'));
  if (!version) return c.json(plain());
  c.header('Content-Type', `application/json;g=${GROUP};v=${version};as=APIGroupDiscoveryList`);
  return c.body(JSON.stringify(aggregated(version)), 200);
}
