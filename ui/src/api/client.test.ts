import { afterEach, describe, expect, it } from 'vitest';
import { api, ApiError } from './client.js';

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
});
