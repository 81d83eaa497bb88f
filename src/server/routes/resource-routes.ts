import type { Context, Hono } from 'hono';
import { KINDS, type KindInfo } from '../../api/kinds.js';
import { parseLabelSelector } from '../../api/label-selector.js';
import { tableOf } from '../../api/printer-columns.js';
import type { ObjectKey, Resource } from '../../api/resource.js';
import { inputError } from '../../errors.js';
import type { ResourceService, WriteMode } from '../../resources/resource-service.js';
import type { Store } from '../../store/store.js';
import { booleanQuery, readJsonBody } from '../request-body.js';
import { present } from '../presentation.js';
import { watchStream } from '../watch-stream.js';

export interface ResourceRouteDeps {
  service: ResourceService;
  store: Store;
  shutdown: AbortSignal;
}

/**
 * REST for every kind.
 * `?as=table` answers a list with the columns `gantry get` prints instead of the objects. Namespaced kinds live under `/v1/projects/{project}/{plural}`,
 * cluster-scoped ones under `/v1/{plural}`; `GET /v1/{plural}` on a namespaced kind lists
 * across all projects. Collections take `labelSelector`, `limit`, `continue`, and
 * `watch=true` (Server-Sent Events, optionally from `resourceVersion`).
 */
export function registerResourceRoutes(app: Hono, deps: ResourceRouteDeps): void {
  for (const info of KINDS) {
    const collection = info.namespaced
      ? `/v1/projects/:project/${info.plural}`
      : `/v1/${info.plural}`;
    const item = `${collection}/:name`;

    app.get(collection, (c) => listOrWatch(c, info, deps, namespaceOf(c, info)));
    if (info.namespaced) {
      app.get(`/v1/${info.plural}`, (c) => listOrWatch(c, info, deps, undefined));
    }
    app.post(collection, async (c) => writeOne(c, info, deps, 'create'));
    app.get(item, async (c) => {
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
          { store: deps.store, shutdown: deps.shutdown },
        );
      }
      return c.json(present(await deps.service.get(key)));
    });
    app.put(item, async (c) => writeOne(c, info, deps, 'apply'));
    app.delete(item, async (c) => {
      const [deleted] = await deps.service.delete(
        [{ key: keyOf(c, info), resourceVersion: c.req.query('resourceVersion') }],
        { dryRun: booleanQuery(c, 'dryRun') },
      );
      return c.json(deleted && present(deleted));
    });
    if (info.statusSchema) {
      app.get(`${item}/status`, async (c) => c.json(await deps.service.get(keyOf(c, info))));
      app.put(`${item}/status`, async (c) => {
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
      });
    }
  }
}

async function listOrWatch(
  c: Context,
  info: KindInfo,
  deps: ResourceRouteDeps,
  namespace: string | undefined,
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
      },
      { store: deps.store, shutdown: deps.shutdown },
    );
  }
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
    // Stages show their Freight by alias: look the aliases up once for the page.
    let aliases: Map<string, string> | undefined;
    if (info.kind === 'Stage') {
      const freight = await deps.service.list('Freight', { namespace });
      aliases = new Map(
        freight.items.map((f) => [f.metadata.name, (f as { alias?: string }).alias ?? '']),
      );
    }
    return c.json({
      ...tableOf(info.kind, page.items, {
        freightAlias: (name) => aliases?.get(name) || undefined,
      }),
      metadata: {
        resourceVersion: page.resourceVersion,
        ...(page.continue ? { continue: page.continue } : {}),
      },
    });
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
    `{"apiVersion":${JSON.stringify(info.apiVersion)},"kind":${JSON.stringify(`${info.kind}List`)},"metadata":${metadata},"items":[${page.items.join(',')}]}`,
    200,
    { 'content-type': 'application/json' },
  );
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
  });
  c.header('Gantry-Outcome', result!.outcome);
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

function selectorQuery(c: Context) {
  const text = c.req.query('labelSelector');
  if (!text) return undefined;
  try {
    return parseLabelSelector(text);
  } catch (err) {
    throw inputError(`labelSelector: ${(err as Error).message}`, [
      { path: 'labelSelector', message: (err as Error).message },
    ]);
  }
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
