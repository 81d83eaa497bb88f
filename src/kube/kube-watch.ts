import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { matchesSelector, type LabelSelector } from '../api/label-selector.js';
import type { StoredResource } from '../api/resource.js';
import { inputError, isGantryError, unavailableError } from '../errors.js';
import type { ResourceService } from '../resources/resource-service.js';
import { selectorQuery } from '../server/list-query.js';
import { booleanQuery } from '../server/request-body.js';
import { followWatch, type WatchRequest } from '../server/watch-stream.js';
import { linkSignals } from '../abort-signals.js';
import type { Store } from '../store/store.js';
import { fieldSelectorMatcher } from './field-selector.js';
import { shown } from './kube-objects.js';
import { WatchSelection } from './watch-selection.js';
import type { KubeResource } from './kube-resources.js';
import { kubeStatus } from './kube-status.js';
import {
  tableColumnDefinitions,
  tableRowOf,
  wantsTable,
  type IncludeObject,
} from './kube-table.js';

/**
 * Watches on the Kubernetes API (`GET …/{plural}?watch=true`), as kube-apiserver serves them
 * ("Efficient detection of changes" in the Kubernetes API concepts): newline-delimited JSON
 * `{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{…}}`, one line flushed per event,
 * fed by the same change feed as the REST API's watches (server/watch-stream.ts).
 */
export interface KubeWatchDeps {
  service: ResourceService;
  store: Store;
  /** Aborted at shutdown: every watch ends. */
  shutdown: AbortSignal;
  /** Between BOOKMARKs (with allowWatchBookmarks) and credential re-checks (default 15 s). */
  watchHeartbeatMs?: number | undefined;
}

/** kube-apiserver's annotation on the BOOKMARK that ends the initial events (sendInitialEvents). */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Whether a list request is a watch (`?watch=true` or `1`). */
export function isWatchRequest(c: Context): boolean {
  return booleanQuery(c, 'watch');
}

/** What the query asks of a watch, validated as kube-apiserver validates ListOptions for watch. */
interface WatchQuery {
  /** A specific version to resume after; undefined for "now" or "any" (`0`). */
  from: string | undefined;
  /** Send the current objects first (resourceVersion unset or 0, or sendInitialEvents=true). */
  initial: boolean;
  /** Mark the end of the initial objects with the annotated BOOKMARK (sendInitialEvents). */
  markInitialEnd: boolean;
  bookmarks: boolean;
  timeoutMs: number | undefined;
  labels: LabelSelector | undefined;
  /** The field selector's test of an object as Kubernetes shows it. */
  fields: (object: Record<string, unknown>) => boolean;
}

function watchQuery(c: Context, resource: KubeResource): WatchQuery {
  const rv = c.req.query('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv))
    throw inputError(`invalid resource version: "${rv}"`, [
      { path: 'resourceVersion', message: 'must be a resource version from this server' },
    ]);
  const sendInitial = c.req.query('sendInitialEvents');
  const match = c.req.query('resourceVersionMatch') ?? '';
  if (match !== '') {
    if (sendInitial === undefined)
      throw forbidden(
        'resourceVersionMatch',
        'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      );
    if (match !== 'NotOlderThan')
      throw forbidden(
        'resourceVersionMatch',
        `Unsupported value: "${match}": supported values: "NotOlderThan"`,
      );
  } else if (sendInitial !== undefined)
    throw forbidden(
      'resourceVersionMatch',
      'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    );
  const initialEvents =
    sendInitial === undefined ? undefined : booleanQuery(c, 'sendInitialEvents');
  const timeout = c.req.query('timeoutSeconds');
  if (timeout !== undefined && !/^\d+$/.test(timeout))
    throw inputError(`timeoutSeconds must be a non-negative integer, not "${timeout}"`, [
      { path: 'timeoutSeconds', message: 'must be a non-negative integer' },
    ]);
  const bookmarks = booleanQuery(c, 'allowWatchBookmarks');
  return {
    from: rv === '' || rv === '0' ? undefined : rv,
    initial: initialEvents ?? (rv === '' || rv === '0'),
    markInitialEnd: initialEvents === true && bookmarks,
    bookmarks,
    timeoutMs: timeout && Number(timeout) > 0 ? Number(timeout) * 1000 : undefined,
    labels: selectorQuery(c),
    fields: fieldSelectorMatcher(c.req.query('fieldSelector'), resource.kind),
  };
}

function forbidden(path: string, message: string) {
  return inputError(`${path}: ${message}`, [{ path, message }]);
}

/**
 * Serves a watch on `resource` (in `namespace`, or across the namespaces `visible` accepts).
 * Label selectors decide per change what the client sees, as kube-apiserver's watch cache
 * does: an object that starts matching arrives as ADDED, one that stops matching as DELETED.
 */
export async function kubeWatch(
  c: Context,
  deps: KubeWatchDeps,
  resource: KubeResource,
  namespace: string | undefined,
  visible: ((object: StoredResource) => boolean) | undefined,
  now: () => Date,
): Promise<Response> {
  const query = watchQuery(c, resource);
  // A watch begun while the server stops would end at once: the client should come back later.
  if (deps.shutdown.aborted) throw unavailableError('the server is shutting down');
  const selects = (object: StoredResource) =>
    (!query.labels || matchesSelector(query.labels, object.metadata.labels)) &&
    query.fields(shown(resource, object));
  const list = () =>
    deps.service.list(resource.gantry.kind, { namespace, labelSelector: query.labels });
  const view = new WatchSelection(selects, query.labels === undefined);
  let from = query.from;
  if (!query.initial && query.labels) {
    // Which objects the client holds decides ADDED/DELETED when labels change: the objects
    // matching now are the baseline (and "now" is the list's version, so nothing falls between).
    const listed = await list();
    view.baseline(
      listed.items.filter((object) => !visible || visible(object)),
      listed.resourceVersion,
    );
    from ??= listed.resourceVersion;
  }
  // "Changes from now": now is before the answer starts, so a change the client makes once
  // the watch is open (its headers received) is never missed.
  if (!query.initial) from ??= await deps.store.currentResourceVersion();
  const request: WatchRequest = {
    kinds: [resource.gantry.kind],
    namespace,
    resourceVersion: from,
    list: query.initial ? list : undefined,
    filter: visible,
  };
  const table = wantsTable(c.req.header('accept'));
  const include = (c.req.query('includeObject') ?? 'Metadata') as IncludeObject;
  const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  let headers = true;
  /** The object as the client asked for it: itself, or a one-row Table. */
  const encode = (object: Record<string, unknown>): unknown => {
    if (!table) return object;
    const metadata = object.metadata as { resourceVersion?: string } | undefined;
    const encoded = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: metadata?.resourceVersion ?? '' },
      // kube-apiserver sends the column definitions with the first event only.
      columnDefinitions: headers ? tableColumnDefinitions(resource) : null,
      rows: [tableRowOf(resource, object as unknown as StoredResource, include, now())],
    };
    headers = false;
    return encoded;
  };
  const bookmark = (resourceVersion: string, annotations?: Record<string, string>) => ({
    kind: resource.kind,
    apiVersion,
    metadata: { resourceVersion, ...(annotations ? { annotations } : {}) },
  });

  c.header('Content-Type', 'application/json');
  c.header('Cache-Control', 'no-cache, private');
  return stream(c, async (out) => {
    const gone = new AbortController();
    out.onAbort(() => gone.abort());
    // Linked, not AbortSignal.any over AbortSignal.timeout: on Node 20 nothing holds the
    // timeout signal strongly, so a garbage collection before it fires left the watch open for
    // good (abort-signals.ts).
    const ends = linkSignals([gone.signal], { timeoutMs: query.timeoutMs });
    const send = async (type: string, object: unknown) => {
      if (gone.signal.aborted) return;
      await out.write(`${JSON.stringify({ type, object })}\n`);
    };
    try {
      await followWatch(
        request,
        {
          store: deps.store,
          shutdown: deps.shutdown,
          heartbeatMs: deps.watchHeartbeatMs,
          signal: ends.signal,
          stillAuthenticated: c.get('stillAuthenticated'),
        },
        {
          event: async (event, initial) => {
            const type = initial ? view.initial(event) : view.change(event);
            if (type) await send(type, encode(shown(resource, event.object)));
          },
          synced: async (resourceVersion) => {
            view.synced(resourceVersion);
            if (query.markInitialEnd)
              await send(
                'BOOKMARK',
                encode(bookmark(resourceVersion, { [INITIAL_EVENTS_END]: 'true' })),
              );
          },
          heartbeat: async (resourceVersion) => {
            if (query.bookmarks && resourceVersion !== undefined)
              await send('BOOKMARK', encode(bookmark(resourceVersion)));
          },
          error: (err) => send('ERROR', watchStatus(err)),
        },
      );
    } finally {
      ends.dispose();
    }
  });
}

/** The Status an ERROR event carries; history gone reads as kube-apiserver's watch cache says it. */
function watchStatus(err: unknown): Record<string, unknown> {
  const { body } = kubeStatus(err);
  if (!isGantryError(err, 'Expired')) return body;
  const expired = /resourceVersion (\d+) is too old: history before (\d+)/.exec(err.message);
  // A watcher that fell too far behind keeps the feed's own message.
  if (!expired) return body;
  return {
    ...body,
    message: `too old resource version: ${expired[1]} (${Number(expired[2]) - 1})`,
  };
}
