import type { Context } from 'hono';
import { KINDS, type KindInfo } from '../../api/kinds.js';
import { pipelineOrder } from '../../api/pipeline-order.js';
import { columnsFor, tableColumns, tableOf, tableRow } from '../../api/printer-columns.js';
import { asIs, jsonListStream } from '../json-list-stream.js';
import { selectorQuery } from '../list-query.js';
import type { ObjectKey, Resource, StoredResource } from '../../api/resource.js';
import type { LabelSelector } from '../../api/label-selector.js';
import { inputError } from '../../errors.js';
import type { ResourceService, WriteMode } from '../../resources/resource-service.js';
import type { Store } from '../../store/store.js';
import { booleanQuery, readJsonBody } from '../request-body.js';
import { present } from '../presentation.js';
import { watchStream } from '../watch-stream.js';
import { addWarningHeaders } from '../warning-headers.js';
import { principalOf, type RouteAccess, type RouteGuard } from '../guarded-routes.js';
import type { AccessRequest, Verb } from '../../auth/policy-rules.js';
import type { Authorizer } from '../../auth/authorizer.js';
import { writeAuthorization } from '../../auth/write-authorization.js';

export interface ResourceRouteDeps {
  service: ResourceService;
  store: Store;
  shutdown: AbortSignal;
  /** Between keep-alives on watches, which also re-check the caller (default 15 s). */
  watchHeartbeatMs?: number | undefined;
  /** The one authorization decision, for the checks admission asks per document. */
  authorizer: Authorizer;
}

/**
 * REST for every kind.
 * `?as=table` answers a list with the columns `gantry get` prints instead of the objects. Namespaced kinds live under `/v1/projects/{project}/{plural}`,
 * cluster-scoped ones under `/v1/{plural}`; `GET /v1/{plural}` on a namespaced kind lists
 * across all projects. Collections take `labelSelector`, `limit`, `continue`, and
 * `watch=true` (Server-Sent Events, optionally from `resourceVersion`).
 */
export function registerResourceRoutes(routes: RouteGuard, deps: ResourceRouteDeps): void {
  for (const info of KINDS) {
    const collection = info.namespaced
      ? `/v1/projects/:project/${info.plural}`
      : `/v1/${info.plural}`;
    const item = `${collection}/:name`;
    /** The access a request on this kind needs: the verb on the plural, in the URL's project. */
    const on = (verb: (c: Context) => Verb, subresource = ''): RouteAccess => ({
      kind: 'check',
      requests: (c) => [accessOf(c, info, verb(c), subresource)],
    });
    const readVerb = (c: Context): Verb => (booleanQuery(c, 'watch') ? 'watch' : 'list');

    if (info.kind !== 'Project')
      routes.get(collection, on(readVerb), (c) =>
        listOrWatch(c, info, deps, namespaceOf(c, info), undefined),
      );
    if (info.namespaced) {
      routes.get(
        `/v1/${info.plural}`,
        { kind: 'filtered', verb: 'list', resources: () => [info.plural] },
        async (c) => {
          const visible = await routes.authorizer.view(principalOf(c), readVerb(c));
          return listOrWatch(c, info, deps, undefined, (object) =>
            visible(info.plural, object.metadata.namespace, object.metadata.name),
          );
        },
      );
    } else if (info.kind === 'Project') {
      // Projects are listed to everyone signed in, each caller seeing the ones they have a role in.
      routes.get(
        '/v1/projects',
        { kind: 'filtered', verb: 'list', resources: () => ['projects'] },
        async (c) => {
          const visible = await routes.authorizer.view(principalOf(c), readVerb(c));
          return listOrWatch(c, info, deps, undefined, (object) =>
            visible('projects', undefined, object.metadata.name),
          );
        },
      );
    }
    routes.post(
      collection,
      on(() => 'create'),
      async (c) => writeOne(c, info, deps, 'create'),
    );
    routes.get(
      item,
      on((c) => (booleanQuery(c, 'watch') ? 'watch' : 'get')),
      async (c) => {
        const key = keyOf(c, info);
        if (booleanQuery(c, 'watch')) {
          return watchStream(
            c,
            {
              kinds: [info.kind],
              namespace: key.namespace,
              name: key.name,
              resourceVersion: resumeVersion(c),
              list: async () => {
                const object = await deps.store.get(key);
                const resourceVersion = await deps.store.currentResourceVersion();
                return { items: object ? [object] : [], resourceVersion };
              },
            },
            { store: deps.store, shutdown: deps.shutdown, heartbeatMs: deps.watchHeartbeatMs },
          );
        }
        return c.json(present(await deps.service.get(key)));
      },
    );
    // PUT creates or updates: admission asks for create or update by whether the object exists.
    routes.put(item, { kind: 'per-object' }, async (c) => writeOne(c, info, deps, 'apply'));
    routes.delete(
      item,
      on(() => 'delete'),
      async (c) => {
        const [deleted] = await deps.service.delete(
          [{ key: keyOf(c, info), resourceVersion: c.req.query('resourceVersion') }],
          {
            dryRun: booleanQuery(c, 'dryRun'),
            authorize: writeAuthorization(deps.authorizer, principalOf(c)),
          },
        );
        return c.json(deleted && present(deleted));
      },
    );
    if (info.statusSchema) {
      routes.get(
        `${item}/status`,
        on(() => 'get'),
        async (c) => c.json(present(await deps.service.get(keyOf(c, info)))),
      );
      // Status is the controllers' record of what happened (a Freight's verifiedIn, a Stage's
      // current Freight): no user role grants writing it, wildcards included.
      routes.put(
        `${item}/status`,
        on(() => 'update', '/status'),
        async (c) => {
          const body = (await readJsonBody(c)) as {
            status?: unknown;
            metadata?: { resourceVersion?: string };
          };
          if (typeof body !== 'object' || body === null || !('status' in body)) {
            throw inputError('send {"status": {…}} (optionally with metadata.resourceVersion)', [
              { path: 'status', message: 'required' },
            ]);
          }
          return c.json(
            await deps.service.updateStatus(
              keyOf(c, info),
              body.status,
              body.metadata?.resourceVersion,
            ),
          );
        },
      );
    }
  }
}

function accessOf(c: Context, info: KindInfo, verb: Verb, subresource: string): AccessRequest {
  return {
    verb,
    resource: `${info.plural}${subresource}`,
    project: info.namespaced ? c.req.param('project') : undefined,
    name: c.req.param('name'),
  };
}

async function listOrWatch(
  c: Context,
  info: KindInfo,
  deps: ResourceRouteDeps,
  namespace: string | undefined,
  /** For lists across projects: only objects the caller may see. */
  visible: ((object: StoredResource) => boolean) | undefined,
) {
  const labelSelector = selectorQuery(c);
  if (booleanQuery(c, 'watch')) {
    return watchStream(
      c,
      {
        kinds: [info.kind],
        namespace,
        resourceVersion: resumeVersion(c),
        list: () => deps.service.list(info.kind, { namespace, labelSelector }),
        filter: visible,
      },
      { store: deps.store, shutdown: deps.shutdown, heartbeatMs: deps.watchHeartbeatMs },
    );
  }
  if (visible) return filteredList(c, info, deps, labelSelector, visible);
  if (info.redacted && c.req.query('as') !== 'table') {
    // Secrets are small and few: parse them to hide their values.
    const page = await deps.service.list(info.kind, {
      namespace,
      labelSelector,
      limit: limitQuery(c),
      continue: c.req.query('continue') || undefined,
    });
    return c.json({
      apiVersion: info.apiVersion,
      kind: `${info.kind}List`,
      metadata: {
        resourceVersion: page.resourceVersion,
        ...(page.continue ? { continue: page.continue } : {}),
      },
      items: page.items.map(present),
    });
  }
  if (c.req.query('as') === 'table') {
    const page = await deps.service.list(info.kind, {
      namespace,
      labelSelector,
      limit: limitQuery(c),
      continue: c.req.query('continue') || undefined,
    });
    // Stages and Promotions show Freight by alias: look the aliases up once for the page.
    let aliases: Map<string, string> | undefined;
    if (info.kind === 'Stage' || info.kind === 'Promotion') {
      const freight = await deps.service.list('Freight', { namespace });
      aliases = new Map(
        freight.items.map((f) => [f.metadata.name, (f as { alias?: string }).alias ?? '']),
      );
    }
    // Stages in the order Freight flows through them, as a pipeline is read.
    const rows = info.kind === 'Stage' ? pipelineOrder(page.items) : page.items;
    const columns = columnsFor(info.kind);
    const context = { freightAlias: (name: string) => aliases?.get(name) || undefined };
    const metadata = JSON.stringify({
      resourceVersion: page.resourceVersion,
      ...(page.continue ? { continue: page.continue } : {}),
    });
    // Rows are made as the response is sent, in chunks that let other requests through.
    return c.body(
      jsonListStream(
        `{"kind":"Table","columns":${JSON.stringify(tableColumns(columns))},"rows":[`,
        rows,
        (object) => JSON.stringify(tableRow(columns, object, context)),
        `],"metadata":${metadata}}`,
      ),
      200,
      { 'content-type': 'application/json' },
    );
  }
  const page = await deps.service.listJson(info.kind, {
    namespace,
    labelSelector,
    limit: limitQuery(c),
    continue: c.req.query('continue') || undefined,
  });
  // Items are passed through as stored JSON text: no parse and re-serialise per object.
  const metadata = JSON.stringify({
    resourceVersion: page.resourceVersion,
    ...(page.continue ? { continue: page.continue } : {}),
  });
  return c.body(
    jsonListStream(
      `{"apiVersion":${JSON.stringify(info.apiVersion)},"kind":${JSON.stringify(`${info.kind}List`)},"metadata":${metadata},"items":[`,
      page.items,
      asIs,
      ']}',
    ),
    200,
    { 'content-type': 'application/json' },
  );
}

/**
 * A list across projects, filtered to what the caller may see. Pages (`limit`, `continue`)
 * are pages of the visible objects: the store is read in pages until one is full.
 */
async function filteredList(
  c: Context,
  info: KindInfo,
  deps: ResourceRouteDeps,
  labelSelector: LabelSelector | undefined,
  visible: (object: StoredResource) => boolean,
) {
  const limit = limitQuery(c);
  let token = c.req.query('continue') || undefined;
  const items: StoredResource[] = [];
  let resourceVersion = '';
  for (;;) {
    const page = await deps.service.list(info.kind, {
      labelSelector,
      // Never more than the page still needs, so no visible object is skipped by a cut.
      limit: limit === undefined ? undefined : limit - items.length,
      continue: token,
    });
    resourceVersion ||= page.resourceVersion;
    for (const item of page.items) if (visible(item)) items.push(item);
    token = page.continue;
    if (!token || (limit !== undefined && items.length >= limit)) break;
  }
  const shown = items;
  if (c.req.query('as') === 'table')
    return c.json({
      ...tableOf(info.kind, info.kind === 'Stage' ? pipelineOrder(shown) : shown, {}),
      metadata: { resourceVersion, ...(token ? { continue: token } : {}) },
    });
  return c.json({
    apiVersion: info.apiVersion,
    kind: `${info.kind}List`,
    metadata: { resourceVersion, ...(token ? { continue: token } : {}) },
    items: shown.map(present),
  });
}

async function writeOne(c: Context, info: KindInfo, deps: ResourceRouteDeps, mode: WriteMode) {
  const body = await readJsonBody(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw inputError(`send one ${info.kind} as a JSON object`);
  }
  const object = body as Resource;
  const metadata = {
    ...(object.metadata as Record<string, unknown> | undefined),
  } as Resource['metadata'];
  fillFromUrl(metadata, 'name', c.req.param('name'), 'name');
  fillFromUrl(metadata, 'namespace', c.req.param('project'), 'project');
  if (object.kind !== undefined && object.kind !== info.kind) {
    throw inputError(
      `kind "${String(object.kind)}" does not match the URL, which is for ${info.kind}`,
      [{ path: 'kind', message: `must be ${info.kind}` }],
    );
  }
  const document = {
    ...object,
    apiVersion: object.apiVersion ?? info.apiVersion,
    kind: info.kind,
    metadata,
  };
  const [result] = await deps.service.apply({
    documents: [document],
    mode,
    dryRun: booleanQuery(c, 'dryRun'),
    honorResourceVersion: true,
    actor: principalOf(c).actor,
    authorize: writeAuthorization(deps.authorizer, principalOf(c)),
    freightSources: booleanQuery(c, 'force') ? 'force' : 'check',
  });
  c.header('Gantry-Outcome', result!.outcome);
  addWarningHeaders(c, result!.warnings ?? []);
  return c.json(present(result!.object), result!.outcome === 'created' ? 201 : 200);
}

/** Takes a field from the URL; a body that says otherwise is an error rather than a surprise. */
function fillFromUrl(
  metadata: Resource['metadata'],
  field: 'name' | 'namespace',
  fromUrl: string | undefined,
  what: string,
): void {
  if (fromUrl === undefined) return;
  const inBody = metadata[field];
  if (inBody !== undefined && inBody !== fromUrl) {
    throw inputError(
      `metadata.${field} "${inBody}" does not match the URL's ${what} "${fromUrl}"`,
      [{ path: `metadata.${field}`, message: `must be "${fromUrl}" (the ${what} in the URL)` }],
    );
  }
  metadata[field] = fromUrl;
}

function namespaceOf(c: Context, info: KindInfo): string | undefined {
  return info.namespaced ? c.req.param('project') : undefined;
}

function keyOf(c: Context, info: KindInfo): ObjectKey {
  return {
    kind: info.kind,
    namespace: info.namespaced ? (c.req.param('project') ?? '') : '',
    name: c.req.param('name') ?? '',
  };
}

function limitQuery(c: Context): number | undefined {
  const text = c.req.query('limit');
  if (text === undefined || text === '') return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) {
    throw inputError(`limit must be a positive integer, got "${text}"`, [
      { path: 'limit', message: 'must be a positive integer' },
    ]);
  }
  return limit;
}

/** `Last-Event-ID` (an EventSource reconnecting) wins over `?resourceVersion=`. */
export function resumeVersion(c: Context): string | undefined {
  return c.req.header('last-event-id') || c.req.query('resourceVersion') || undefined;
}
