import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { StoredResource } from '../api/resource.js';
import { isGantryError, unauthenticatedError } from '../errors.js';
import type { Store, WatchEvent } from '../store/store.js';
import { errorResponse } from './http-errors.js';
import { present } from './presentation.js';
import { createYielder } from '../event-loop.js';

export interface WatchRequest {
  kinds?: string[] | undefined;
  namespace?: string | undefined;
  /** Only this object (a watch on one name). */
  name?: string | undefined;
  /** Resume after this version; when absent the stream starts with the current objects. */
  resourceVersion?: string | undefined;
  /** Lists the current objects, for the start of a watch without a version. */
  list?: () => Promise<{ items: StoredResource[]; resourceVersion: string }>;
  /** Only objects this accepts are sent (what the caller may see). */
  filter?: ((object: StoredResource) => boolean) | undefined;
}

export interface WatchStreamOptions {
  store: Store;
  /** Aborted when the server shuts down, ending every stream. */
  shutdown: AbortSignal;
  heartbeatMs?: number | undefined;
}

/**
 * Where a watch's events go, whatever the wire: Server-Sent Events here, newline-delimited
 * JSON on the Kubernetes API (src/kube/kube-watch.ts). One feed reader serves both.
 */
export interface WatchSink {
  /** A change, or (`initial`) one of the current objects a watch without a version starts with. */
  event(event: WatchEvent, initial: boolean): Promise<void>;
  /** The current objects were all sent; changes after this version follow. */
  synced(resourceVersion: string): Promise<void>;
  /**
   * Every heartbeat, with the newest version the watch has read (sent or not): resuming from
   * it misses nothing. Undefined before the start is known.
   */
  heartbeat(resourceVersion: string | undefined): Promise<void>;
  /** The watch ends with this error (history gone, credentials revoked, the store away). */
  error(err: unknown): Promise<void>;
}

export interface WatchRun extends WatchStreamOptions {
  /** Ends the watch (the client left, a timeout). */
  signal: AbortSignal;
  /** Whether the caller's credentials still hold; checked every heartbeat. */
  stillAuthenticated?: (() => Promise<boolean>) | undefined;
}

/**
 * Follows the store's change feed for one watch until `run.signal` or shutdown aborts it or it
 * fails: the current objects first when there is no version to resume from (and `list`), then
 * every change the request selects, each through `sink`.
 */
export async function followWatch(
  request: WatchRequest,
  run: WatchRun,
  sink: WatchSink,
): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (run.shutdown.aborted || run.signal.aborted) return;
  run.shutdown.addEventListener('abort', stop);
  run.signal.addEventListener('abort', stop);
  let progress: string | undefined = request.resourceVersion || undefined;
  const heartbeat = setInterval(() => {
    void sink.heartbeat(progress).catch(() => undefined);
    // A watch outlives its caller's rights no longer than one heartbeat.
    void run.stillAuthenticated?.().then(
      async (valid) => {
        if (valid || controller.signal.aborted) return;
        await sink.error(
          unauthenticatedError('the credentials of this watch were revoked or have expired'),
        );
        controller.abort();
      },
      () => undefined,
    );
  }, run.heartbeatMs ?? 15_000);
  try {
    let from = request.resourceVersion;
    if ((from === undefined || from === '') && request.list) {
      const listed = await request.list();
      // Thousands of objects: other requests get turns while they are sent.
      const yieldNow = createYielder();
      for (const object of listed.items) {
        if (!request.filter || request.filter(object))
          await sink.event(
            { type: 'ADDED', object, resourceVersion: object.metadata.resourceVersion ?? '' },
            true,
          );
        await yieldNow();
      }
      from = listed.resourceVersion;
      progress = from;
      await sink.synced(from);
    }
    const events = run.store.watch({
      kinds: request.kinds,
      namespace: request.namespace,
      fromResourceVersion: from,
      signal: controller.signal,
    });
    for await (const event of events) {
      progress = event.resourceVersion;
      if (!matchesName(event, request.name)) continue;
      if (request.filter && !request.filter(event.object)) continue;
      await sink.event(event, false);
    }
  } catch (err) {
    if (!controller.signal.aborted || isGantryError(err)) await sink.error(err);
  } finally {
    clearInterval(heartbeat);
    run.shutdown.removeEventListener('abort', stop);
    run.signal.removeEventListener('abort', stop);
  }
}

/**
 * A watch as Server-Sent Events. Each change is one event whose `data` is
 * `{"type":"ADDED|MODIFIED|DELETED","object":{…}}` and whose `id` is the change's
 * resourceVersion, so a browser's EventSource resumes exactly where it stopped (it sends
 * `Last-Event-ID`). A watch without a version first sends the current objects as ADDED, then a
 * `BOOKMARK` carrying the version they were read at. When the history needed to resume is gone,
 * the stream ends with an `ERROR` event holding the usual error body (code `Expired`): list
 * again and watch from the list's version.
 */
export function watchStream(
  c: Context,
  request: WatchRequest,
  options: WatchStreamOptions,
): Response {
  return streamSSE(c, async (stream) => {
    const gone = new AbortController();
    stream.onAbort(() => gone.abort());
    const send = (data: unknown, id?: string) =>
      stream.writeSSE({ data: JSON.stringify(data), ...(id === undefined ? {} : { id }) });
    await followWatch(
      request,
      { ...options, signal: gone.signal, stillAuthenticated: c.get('stillAuthenticated') },
      {
        event: (event, initial) =>
          send(
            { type: event.type, object: present(event.object) },
            initial ? undefined : event.resourceVersion,
          ),
        synced: (from) =>
          send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: from } } }, from),
        heartbeat: () => stream.write(': keep-alive\n\n').then(() => undefined),
        error: (err) => send({ type: 'ERROR', ...errorResponse(err).body }),
      },
    );
  });
}

function matchesName(event: WatchEvent, name: string | undefined): boolean {
  return name === undefined || event.object.metadata.name === name;
}
