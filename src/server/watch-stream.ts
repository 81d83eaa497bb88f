import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { StoredResource } from '../api/resource.js';
import { isGantryError } from '../errors.js';
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
  heartbeatMs?: number;
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
    const controller = new AbortController();
    const stop = () => controller.abort();
    options.shutdown.addEventListener('abort', stop);
    stream.onAbort(stop);
    const stillAuthenticated = c.get('stillAuthenticated');
    const heartbeat = setInterval(() => {
      void stream.write(': keep-alive\n\n');
      // A watch outlives its caller's rights no longer than one heartbeat.
      void stillAuthenticated?.().then(
        async (valid) => {
          if (valid || controller.signal.aborted) return;
          await send({
            type: 'ERROR',
            error: {
              code: 'Unauthenticated',
              message: 'the credentials of this watch were revoked or have expired',
            },
          });
          controller.abort();
        },
        () => undefined,
      );
    }, options.heartbeatMs ?? 15_000);
    const send = (data: unknown, id?: string) =>
      stream.writeSSE({ data: JSON.stringify(data), ...(id === undefined ? {} : { id }) });
    try {
      let from = request.resourceVersion;
      if ((from === undefined || from === '') && request.list) {
        const listed = await request.list();
        // Thousands of objects: other requests get turns while they are sent.
        const yieldNow = createYielder();
        for (const object of listed.items) {
          if (!request.filter || request.filter(object))
            await send({ type: 'ADDED', object: present(object) });
          await yieldNow();
        }
        from = listed.resourceVersion;
        await send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: from } } }, from);
      }
      const events = options.store.watch({
        kinds: request.kinds,
        namespace: request.namespace,
        fromResourceVersion: from,
        signal: controller.signal,
      });
      for await (const event of events) {
        if (!matchesName(event, request.name)) continue;
        if (request.filter && !request.filter(event.object)) continue;
        await send({ type: event.type, object: present(event.object) }, event.resourceVersion);
      }
    } catch (err) {
      if (!controller.signal.aborted || isGantryError(err)) {
        await send({ type: 'ERROR', ...errorResponse(err).body });
      }
    } finally {
      clearInterval(heartbeat);
      options.shutdown.removeEventListener('abort', stop);
    }
  });
}

function matchesName(event: WatchEvent, name: string | undefined): boolean {
  return name === undefined || event.object.metadata.name === name;
}
