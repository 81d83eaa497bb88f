import type { Context } from 'hono';
import type { StoredResource } from '../api/resource.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Verb } from '../auth/policy-rules.js';
import { inputError, notFoundError } from '../errors.js';
import type { ResourceService } from '../resources/resource-service.js';
import { principalOf, type RouteAccess, type RouteGuard } from '../server/guarded-routes.js';
import { selectorQuery } from '../server/list-query.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { fieldSelectorMatcher } from './field-selector.js';
import { registerKubeEventRoutes } from './kube-event-routes.js';
import type { KubeResource } from './kube-resources.js';
import { registerKubeReviewRoutes } from './kube-review-routes.js';
import {
  accessOf,
  notFoundLike,
  RESOURCE_PREFIXES,
  resourceOfPath,
  shown,
  type GroupVersionOf,
} from './kube-objects.js';
import { isWatchRequest, kubeWatch, type KubeWatchDeps } from './kube-watch.js';
import {
  tableColumnDefinitions,
  tableRowOf,
  wantsTable,
  type IncludeObject,
} from './kube-table.js';

export interface KubeRouteDeps extends KubeWatchDeps {
  service: ResourceService;
  /** The audit trail, served as core v1 Events (kube-event-routes.ts). */
  audit?: AuditLog | undefined;
  now?: () => Date;
}

/**
 * The Kubernetes API's reads for Gantry's kinds (docs/kubernetes-api.md): discovery, and
 * get and list under `/apis/{group}/{version}` and `/api/v1`, Projects as namespaces, with
 * the same authentication and authorization as every other route.
 */
export function registerKubeRoutes(routes: RouteGuard, deps: KubeRouteDeps): void {
  const now = deps.now ?? (() => new Date());
  routes.get('/version', { kind: 'public', why: 'kubectl version, as kube-apiserver' }, (c) =>
    c.json(versionInfo()),
  );
  routes.get('/api', { kind: 'authenticated' }, (c) => c.json(apiVersions()));
  routes.get('/apis', { kind: 'authenticated' }, (c) => c.json(apiGroupList()));
  routes.get('/api/v1', { kind: 'authenticated' }, (c) => c.json(apiResourceList('v1')));
  routes.get('/apis/:group', { kind: 'authenticated' }, (c) => {
    const group = apiGroup(c.req.param('group'));
    if (!group) throw notFoundError(`the server could not find the requested resource`);
    return c.json(group);
  });
  routes.get('/apis/:group/:version', { kind: 'authenticated' }, (c) => {
    const list = apiResourceList(`${c.req.param('group')}/${c.req.param('version')}`);
    if (!list) throw notFoundError(`the server could not find the requested resource`);
    return c.json(list);
  });

  registerKubeReviewRoutes(routes);
  registerKubeEventRoutes(routes, deps);

  const reads = (prefix: string, groupOf: GroupVersionOf) => {
    const resourceOf = (c: Context): KubeResource => resourceOfPath(c, groupOf);
    const check = (verb: (c: Context) => Verb, scoped: boolean): RouteAccess => ({
      kind: 'check',
      requests: (c) => [accessOf(c, resourceOf(c), verb(c), scoped)],
    });
    const readVerb = (c: Context): Verb => (isWatchRequest(c) ? 'watch' : 'list');
    // A namespace's objects, and one of them.
    routes.get(`${prefix}/namespaces/:namespace/:plural`, check(readVerb, true), (c) =>
      list(c, deps, resourceOf(c), c.req.param('namespace'), undefined, now()),
    );
    routes.get(
      `${prefix}/namespaces/:namespace/:plural/:name`,
      check(() => 'get', true),
      async (c) => get(c, deps, resourceOf(c), c.req.param('namespace'), c.req.param('name')),
    );
    // Cluster-scoped objects, or a namespaced kind across the namespaces the caller may read.
    routes.get(
      `${prefix}/:plural`,
      { kind: 'filtered', verb: 'list', resources: (c) => [resourceOf(c).gantry.plural] },
      async (c) => {
        const resource = resourceOf(c);
        const visible = await routes.authorizer.view(principalOf(c), readVerb(c));
        return list(
          c,
          deps,
          resource,
          undefined,
          (object) =>
            visible(resource.gantry.plural, object.metadata.namespace, object.metadata.name),
          now(),
        );
      },
    );
    routes.get(
      `${prefix}/:plural/:name`,
      check(() => 'get', false),
      async (c) => {
        const resource = resourceOf(c);
        if (resource.namespaced)
          throw notFoundError('the server could not find the requested resource');
        return get(c, deps, resource, undefined, c.req.param('name'));
      },
    );
  };
  for (const [prefix, groupOf] of RESOURCE_PREFIXES) reads(prefix, groupOf);
}

async function get(
  c: Context,
  deps: KubeRouteDeps,
  resource: KubeResource,
  namespace: string | undefined,
  name: string | undefined,
) {
  const object = await deps.service
    .get({ kind: resource.gantry.kind, namespace: namespace ?? '', name: name ?? '' })
    .catch((err: unknown) => {
      throw notFoundLike(err, resource, name);
    });
  return c.json(shown(resource, object));
}

async function list(
  c: Context,
  deps: KubeRouteDeps,
  resource: KubeResource,
  namespace: string | undefined,
  visible: ((object: StoredResource) => boolean) | undefined,
  now: Date,
) {
  if (isWatchRequest(c))
    return kubeWatch(c, deps, resource, namespace, visible, deps.now ?? (() => new Date()));
  const limit = c.req.query('limit');
  const selected = fieldSelectorMatcher(c.req.query('fieldSelector'), resource.kind);
  const page = await deps.service.list(resource.gantry.kind, {
    namespace,
    labelSelector: selectorQuery(c),
    limit: limit ? positive(limit, 'limit') : undefined,
    continue: c.req.query('continue') || undefined,
  });
  const items = page.items.filter(
    (object) => (!visible || visible(object)) && selected(shown(resource, object)),
  );
  const metadata = {
    resourceVersion: page.resourceVersion,
    ...(page.continue ? { continue: page.continue } : {}),
  };
  if (wantsTable(c.req.header('accept'))) {
    const include = (c.req.query('includeObject') ?? 'Metadata') as IncludeObject;
    return c.json({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata,
      columnDefinitions: tableColumnDefinitions(resource),
      rows: items.map((object) =>
        tableRowOf(resource, shown(resource, object) as unknown as StoredResource, include, now),
      ),
    });
  }
  return c.json({
    kind: `${resource.kind}List`,
    apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version,
    metadata,
    items: items.map((object) => shown(resource, object)),
  });
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw inputError(`${name} must be a non-negative integer, not "${text}"`);
  return value;
}
