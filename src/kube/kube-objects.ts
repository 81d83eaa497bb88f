import type { Context } from 'hono';
import type { StoredResource } from '../api/resource.js';
import type { AccessRequest, Verb } from '../auth/policy-rules.js';
import { isGantryError, notFoundError } from '../errors.js';
import { present } from '../server/presentation.js';
import { kubeResource, type KubeResource } from './kube-resources.js';
import { kubeRedactedSecret } from './kube-secrets.js';

/**
 * What every Kubernetes API route shares: the resource a path names, the access request a
 * verb on it is, and the object as Kubernetes clients see it.
 */

/** Where a route's group and version come from: fixed (`/api/v1`) or the path's params. */
export type GroupVersionOf = (c: Context) => [group: string, version: string];

export const CORE_GROUP: GroupVersionOf = () => ['', 'v1'];
export const NAMED_GROUP: GroupVersionOf = (c) => [
  c.req.param('group') ?? '',
  c.req.param('version') ?? '',
];

/** The two prefixes every resource route is served under, with where their group comes from. */
export const RESOURCE_PREFIXES: ReadonlyArray<[prefix: string, groupOf: GroupVersionOf]> = [
  ['/api/v1', CORE_GROUP],
  ['/apis/:group/:version', NAMED_GROUP],
];

/** The resource of a path with a `:plural` param; a Status 404 when nothing is served there. */
export function resourceOfPath(c: Context, groupOf: GroupVersionOf): KubeResource {
  const [group, version] = groupOf(c);
  const resource = kubeResource(group, version, c.req.param('plural') ?? '');
  if (!resource) throw notFoundError('the server could not find the requested resource');
  return resource;
}

/** The authorization question a verb on a path's object (or collection) asks. */
export function accessOf(
  c: Context,
  resource: KubeResource,
  verb: Verb,
  scoped: boolean,
): AccessRequest {
  // Namespaces are Projects: reading one is reading the Project.
  if (resource.kind === 'Namespace')
    return { verb, resource: 'projects', name: c.req.param('name') };
  return {
    verb,
    resource: resource.gantry.plural,
    project: scoped ? c.req.param('namespace') : undefined,
    name: c.req.param('name'),
  };
}

/** The object as Kubernetes shows it: Projects as namespaces, Secrets without their values. */
export function shown(resource: KubeResource, object: StoredResource): Record<string, unknown> {
  if (resource.gantry.redacted) return kubeRedactedSecret(object);
  if (resource.kind !== 'Namespace') return present(object);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: object.metadata,
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** kube-apiserver's name for a resource in messages: `stages.kargo.akuity.io`, `secrets`. */
export function qualifiedName(resource: KubeResource): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

/** kube-apiserver's not-found message: `stages.kargo.akuity.io "qa" not found`. */
export function notFoundLike(
  err: unknown,
  resource: KubeResource,
  name: string | undefined,
): unknown {
  if (!isGantryError(err, 'NotFound')) return err;
  return notFoundError(`${qualifiedName(resource)} "${name ?? ''}" not found`);
}
