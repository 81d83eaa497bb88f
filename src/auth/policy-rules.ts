import type { PolicyRule } from '../api/role.js';

/**
 * What a request asks to do, in Kubernetes RBAC's terms: a verb on a resource (a kind's
 * plural, or `plural/subresource`), in a project or cluster-wide, optionally one object.
 */
export interface AccessRequest {
  verb: Verb;
  resource: string;
  /** The project (namespace); undefined for cluster-scoped resources and cross-project lists. */
  project?: string | undefined;
  /** The object's name; undefined for lists and creates without a name. */
  name?: string | undefined;
}

/**
 * Kubernetes' verbs plus Kargo's `promote` (promote, approve, abort, verify, rollback, resume a
 * Stage) and Gantry's `refresh` (ask a Warehouse to discover now).
 */
export const VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'promote',
  'refresh',
] as const;
export type Verb = (typeof VERBS)[number];

export const READ_VERBS: readonly Verb[] = ['get', 'list', 'watch'];

/**
 * True when `rule` allows `request` (project scoping is the caller's business). `*` matches
 * every verb and every resource except subresources such as `stages/status`: those are
 * written by the server's controllers, so a wildcard never grants them.
 */
export function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(request.verb)) return false;
  const isSubresource = request.resource.includes('/');
  const wanted = normalizeResource(request.resource);
  const resourceMatches = rule.resources.some(
    (resource) => normalizeResource(resource) === wanted || (resource === '*' && !isSubresource),
  );
  if (!resourceMatches) return false;
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return request.name !== undefined && rule.resourceNames.includes(request.name);
}

export function rulesAllow(rules: readonly PolicyRule[], request: AccessRequest): boolean {
  return rules.some((rule) => ruleAllows(rule, request));
}

/**
 * True when `held` grants everything `wanted` grants (no escalation): every verb on every
 * resource (and name) of `wanted` must be allowed by `held`.
 */
export function rulesCover(held: readonly PolicyRule[], wanted: readonly PolicyRule[]): boolean {
  return wanted.every((rule) => {
    const verbs = rule.verbs.includes('*') ? [...VERBS] : rule.verbs;
    const resources = rule.resources.includes('*') ? ['*'] : rule.resources;
    const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
    return verbs.every((verb) =>
      resources.every((resource) =>
        names.every((name) =>
          resource === '*'
            ? held.some(
                (h) =>
                  (h.verbs.includes('*') || h.verbs.includes(verb)) &&
                  h.resources.includes('*') &&
                  !h.resourceNames?.length,
              )
            : rulesAllow(held, { verb: verb as Verb, resource, name }) &&
              (name !== undefined ||
                held.some(
                  (h) =>
                    (h.verbs.includes('*') || h.verbs.includes(verb)) &&
                    h.resources.some(
                      (r) => r === '*' || normalizeResource(r) === normalizeResource(resource),
                    ) &&
                    !h.resourceNames?.length,
                )),
        ),
      ),
    );
  });
}

/** Kargo's RBAC says `freights`; Gantry's plural is `freight`. Both name the same resource. */
export function normalizeResource(resource: string): string {
  return resource === 'freights' || resource.startsWith('freights/')
    ? `freight${resource.slice('freights'.length)}`
    : resource;
}
