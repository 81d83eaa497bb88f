import { createYielder } from '../event-loop.js';

/** About how much text one chunk of a list body holds at most. */
const CHUNK_CHARS = 256 * 1024;
/** How long rendering one chunk may take before the chunk is sent as it is. */
const SLICE_MS = 20;

/**
 * A JSON document with one long array (a list's `items`, a table's `rows`) as a stream:
 * `head`, then the elements (each already JSON text, or made JSON text by `render` as the
 * stream reaches it), comma-separated, then `tail`. The elements are rendered and sent in
 * chunks of at most about 256 KB or 20 ms of rendering, and the event loop gets a turn
 * whenever 20 ms of work have passed,
 * so a list of 10,000 objects (7 MB) no longer holds the loop for the ~200 ms that building
 * and writing it in one piece took (issue 17: no request blocks the loop for more than 100 ms).
 * A client that stops reading stops the rendering.
 */
export function jsonListStream<T>(
  head: string,
  elements: readonly T[],
  render: (element: T) => string,
  tail: string,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const yieldNow = createYielder(SLICE_MS);
  let next = 0;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        await yieldNow();
        let chunk = started ? '' : head;
        started = true;
        const from = performance.now();
        while (
          next < elements.length &&
          chunk.length < CHUNK_CHARS &&
          performance.now() - from < SLICE_MS
        ) {
          if (next > 0) chunk += ',';
          chunk += render(elements[next]!);
          next++;
        }
        if (next >= elements.length) {
          controller.enqueue(encoder.encode(chunk + tail));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(chunk));
      },
    },
    // One chunk at a time: the next is rendered when the socket has taken this one.
    { highWaterMark: 1 },
  );
}

/** The element as it is: already JSON text. */
export const asIs = (text: string): string => text;
