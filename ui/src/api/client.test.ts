import { afterEach, describe, expect, it } from 'vitest';
import { api, ApiError, onSignedOut } from './client.js';

describe('the API client', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  const answer = (status: number, body: string) => {
    globalThis.fetch = () => Promise.resolve(new Response(body, { status }));
  };
  const failure = async (promise: Promise<unknown>): Promise<ApiError> => {
    try {
      await promise;
    } catch (err) {
      if (err instanceof ApiError) return err;
      throw err;
    }
    throw new Error('expected an ApiError');
  };

  it("shows the server's own message for a refused call", async () => {
    answer(
      409,
      JSON.stringify({
        error: { code: 'Conflict', message: 'Stage "prod" has no earlier verified Freight' },
      }),
    );
    const err = await failure(api.rollback('shop', 'prod'));
    expect(err).toMatchObject({
      status: 409,
      message: 'Stage "prod" has no earlier verified Freight',
    });
  });

  it('says what failed when the answer is not the API’s', async () => {
    answer(502, '<html>bad gateway</html>');
    expect((await failure(api.verify('shop', 'dev'))).message).toBe(
      'POST /v1/projects/shop/stages/dev/verification: HTTP 502',
    );
    globalThis.fetch = () => Promise.reject(new TypeError('fetch failed'));
    expect(await failure(api.list('projects'))).toMatchObject({
      status: 0,
      message: 'the Gantry server cannot be reached',
    });
  });

  it('sends a JSON content type with every change, body or not (the server refuses others)', async () => {
    const sent: Array<{ method: string; type: string | null; body: unknown }> = [];
    globalThis.fetch = (_input, init) => {
      sent.push({
        method: init?.method ?? 'GET',
        type: new Headers(init?.headers).get('content-type'),
        body: init?.body,
      });
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    await api.verify('shop', 'dev');
    await api.unfreeze('shop');
    await api.logout();
    await api.freeze('shop', 'release');
    await api.list('projects');
    expect(sent).toEqual([
      { method: 'POST', type: 'application/json', body: undefined },
      { method: 'POST', type: 'application/json', body: undefined },
      { method: 'POST', type: 'application/json', body: undefined },
      { method: 'POST', type: 'application/json', body: '{"reason":"release"}' },
      { method: 'GET', type: null, body: undefined },
    ]);
  });

  it('reports a 401 as the session ending, except for a sign-in attempt', async () => {
    const heard: string[] = [];
    const stop = onSignedOut((message) => heard.push(message));
    try {
      answer(
        401,
        JSON.stringify({
          error: { code: 'Unauthenticated', message: 'your session has expired: sign in again' },
        }),
      );
      expect(await failure(api.list('projects'))).toMatchObject({
        status: 401,
        code: 'Unauthenticated',
      });
      expect(heard).toEqual(['your session has expired: sign in again']);
      // A wrong token typed into the sign-in page is that page's error, not a session ending.
      expect((await failure(api.login('gty_wrong'))).status).toBe(401);
      expect(heard).toHaveLength(1);
    } finally {
      stop();
    }
    await failure(api.list('projects'));
    expect(heard).toHaveLength(1); // no longer listening
  });
});
