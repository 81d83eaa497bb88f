import { gantryVersion } from '../version.js';
import { groupVersions, type KubeResource } from './kube-resources.js';
import { NON_KIND_RESOURCES } from './non-kind-resources.js';

/**
 * Kubernetes API discovery documents (k8s.io/apimachinery meta/v1 types), as kubectl reads
 * them to learn what it may ask for: `/api`, `/apis`, `/apis/{group}`, and each group
 * version's resource list.
 */

/** `GET /api`: the core group's versions. */
export function apiVersions() {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }],
  };
}

function groupOf(name: string, versions: string[]) {
  const listed = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: listed, preferredVersion: listed[0]! };
}

/** The named groups (all but core) and their versions. */
function namedGroups(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const id of [...groupVersions().keys(), ...NON_KIND_RESOURCES.keys()]) {
    if (!id.includes('/')) continue;
    const [group, version] = id.split('/') as [string, string];
    const known = groups.get(group) ?? [];
    if (!known.includes(version)) groups.set(group, [...known, version]);
  }
  return groups;
}

/** `GET /apis` */
export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...namedGroups()].map(([name, versions]) => groupOf(name, versions)),
  };
}

/** `GET /apis/{group}`, or undefined when no such group is served. */
export function apiGroup(name: string) {
  const versions = namedGroups().get(name);
  return versions && { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(name, versions) };
}

function resourceEntries(resource: KubeResource) {
  const entry = {
    name: resource.plural,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: resource.verbs,
    ...(resource.shortNames.length > 0 ? { shortNames: resource.shortNames } : {}),
    ...(resource.group === 'kargo.akuity.io' ? { categories: ['kargo'] } : {}),
  };
  if (!resource.status) return [entry];
  return [
    entry,
    {
      name: `${resource.plural}/status`,
      singularName: '',
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: ['get', 'patch', 'update'],
    },
  ];
}

/** `GET /api/v1` or `GET /apis/{group}/{version}`, or undefined when not served. */
export function apiResourceList(groupVersion: string) {
  const resources = groupVersions().get(groupVersion);
  const others = NON_KIND_RESOURCES.get(groupVersion);
  if (!resources && !others) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: [...(resources ?? []).flatMap(resourceEntries), ...(others ?? [])],
  };
}

/** `GET /version`: the Kubernetes API level served, and Gantry's own version beside it. */
export function versionInfo() {
  return {
    major: '1',
    minor: '32',
    gitVersion: `v1.32.0+gantry-${gantryVersion()}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: '',
    compiler: 'gantry',
    platform: `${process.platform}/${process.arch}`,
  };
}
