import { afterEach, describe, expect, it } from 'vitest';
import { onSignedOut } from './client.js';
import { LiveStore } from './live-store.js';

/** Just enough of EventSource: the store opens one, the test plays the server's part. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }
}

describe('the live store', () => {
  const saved = { fetch: globalThis.fetch, EventSource: globalThis.EventSource };
  afterEach(() => {
    globalThis.fetch = saved.fetch;
    globalThis.EventSource = saved.EventSource;
    FakeEventSource.opened = [];
  });

  it('sends the page to sign in when the watch stream is refused because the session ended', async () => {
    const asked: string[] = [];
    globalThis.fetch = (input) => {
      const path = input as string;
      asked.push(path);
      if (path.startsWith('/v1/auth/whoami'))
        return Promise.resolve(
          new Response(
            JSON.stringify({
              error: {
                code: 'Unauthenticated',
                message: 'your session has expired: sign in again',
              },
            }),
            { status: 401 },
          ),
        );
      return Promise.resolve(
        new Response(JSON.stringify({ metadata: { resourceVersion: '7' }, items: [] })),
      );
    };
    globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
    const heard: string[] = [];
    const stopListening = onSignedOut((message) => heard.push(message));
    const store = new LiveStore(['stages'], 'shop');
    try {
      store.start();
      await expect.poll(() => FakeEventSource.opened.length).toBe(1);
      const stream = FakeEventSource.opened[0]!;
      expect(stream.url).toBe('/v1/watch?kinds=stages&resourceVersion=7&project=shop');
      // The server answers the reconnection with 401: EventSource gives up without a status.
      stream.readyState = FakeEventSource.CLOSED;
      stream.onerror?.();
      await expect.poll(() => heard).toEqual(['your session has expired: sign in again']);
      expect(store.getSnapshot().state).toBe('lost');
      expect(asked).toEqual(['/v1/projects/shop/stages', '/v1/auth/whoami']);
    } finally {
      store.stop();
      stopListening();
    }
  });

  it('does not ask who we are while the browser reconnects a dropped stream on its own', async () => {
    const asked: string[] = [];
    globalThis.fetch = (input) => {
      asked.push(input as string);
      return Promise.resolve(
        new Response(JSON.stringify({ metadata: { resourceVersion: '3' }, items: [] })),
      );
    };
    globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
    const store = new LiveStore(['stages'], 'shop');
    try {
      store.start();
      await expect.poll(() => FakeEventSource.opened.length).toBe(1);
      const stream = FakeEventSource.opened[0]!;
      stream.readyState = FakeEventSource.CONNECTING; // a network drop: EventSource retries
      stream.onerror?.();
      expect(store.getSnapshot()).toMatchObject({
        state: 'lost',
        error: 'the connection to the Gantry server was lost',
      });
      expect(asked).toEqual(['/v1/projects/shop/stages']);
    } finally {
      store.stop();
    }
  });

  it("starts again after a stop, as React's StrictMode does, following once", async () => {
    globalThis.fetch = () =>
      Promise.resolve(
        new Response(JSON.stringify({ metadata: { resourceVersion: '5' }, items: [] })),
      );
    globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
    const store = new LiveStore(['stages'], 'shop');
    try {
      store.start();
      store.stop();
      store.start();
      await expect.poll(() => store.getSnapshot().loaded).toBe(true);
      // Both runs' lists came back (in order); the first run's were dropped: one stream.
      expect(FakeEventSource.opened).toHaveLength(1);
    } finally {
      store.stop();
    }
  });
});
