/** A parsed Server-Sent Event. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Reads SSE frames from a response body as they arrive. `next()` resolves with the next event
 * (comments such as keep-alives are skipped); `close()` cancels the stream.
 */
export function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pending: SseEvent[] = [];

  const parseFrames = () => {
    let index: number;
    while ((index = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      const event: SseEvent = { data: '' };
      const data: string[] = [];
      let hasField = false;
      for (const line of frame.split('\n')) {
        if (line.startsWith(':') || line === '') continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        hasField = true;
        if (field === 'data') data.push(value);
        else if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
      }
      if (!hasField) continue;
      event.data = data.join('\n');
      pending.push(event);
    }
  };

  return {
    async next(timeoutMs = 5_000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      while (pending.length === 0) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error('timed out waiting for a server-sent event');
        let timer: NodeJS.Timeout | undefined;
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error('timed out waiting for a server-sent event')),
              remaining,
            );
          }),
        ]).finally(() => clearTimeout(timer));
        if (chunk.done) throw new Error('the event stream ended');
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, '\n');
        parseFrames();
      }
      return pending.shift()!;
    },
    async json<
      T = {
        type: string;
        object: { kind: string; metadata: { name: string; resourceVersion: string } };
      },
    >(timeoutMs?: number): Promise<T & { id?: string }> {
      const event = await this.next(timeoutMs);
      return {
        ...(JSON.parse(event.data) as T),
        ...(event.id === undefined ? {} : { id: event.id }),
      };
    },
    async close(): Promise<void> {
      await reader.cancel().catch(() => undefined);
    },
  };
}
