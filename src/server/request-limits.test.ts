import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorResponse } from './http-errors.js';
import { MAX_LABEL_SELECTOR_LENGTH, requestLimits } from './request-limits.js';

/** The middleware in front of routes that echo what they got, behind the app's error mapping. */
function appWithLimits(maxBodyBytes = 1024) {
  const app = new Hono();
  app.use('*', requestLimits({ maxBodyBytes }));
  app.all('*', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  app.onError((err, c) => {
    const { status, body } = errorResponse(err);
    return c.json(body, status);
  });
  return app;
}

async function answer(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('requestLimits', () => {
  it('accepts a body up to the limit', async () => {
    const ok = await answer(
      await appWithLimits().request('/v1/x', { method: 'PUT', body: 'x'.repeat(1024) }),
    );
    expect(ok).toEqual({ status: 200, body: { bytes: 1024 } });
  });

  it('refuses a larger body with 413, naming the limit and the flag', async () => {
    const refused = await answer(
      await appWithLimits().request('/v1/x', { method: 'PUT', body: 'x'.repeat(1025) }),
    );
    expect(refused).toEqual({
      status: 413,
      body: {
        error: {
          code: 'TooLarge',
          message:
            "the request body is larger than 1024 bytes (1 KiB), this server's limit: send less, or start the server with a larger --max-body-size",
        },
      },
    });
  });

  it('refuses a streamed body without Content-Length once it passes the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512));
        if (pulled > 1000) controller.close();
      },
    });
    const response = await appWithLimits().request('/v1/x', {
      method: 'PUT',
      body: endless,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it.each([
    ['a path', '/v1/projects/%E0%A4%A/stages', 'the URL path is not valid percent-encoding'],
    ['a truncated escape', '/v1/projects/p%/stages', 'the URL path is not valid percent-encoding'],
    [
      'a query value',
      '/v1/stages?labelSelector=%ZZ',
      'query parameter "labelSelector" is not valid',
    ],
    ['a query name', '/v1/stages?%E0=1', 'a query parameter name is not valid'],
    ['a NUL in a name', '/v1/projects/a%00b/stages', 'the URL path contains a control character'],
    ['a line break in a query', '/v1/stages?project=a%0Ab', 'contains a control character'],
    ['a bare UI path too', '/ui/%FF', 'the URL path is not valid percent-encoding'],
  ])('refuses malformed percent-encoding or control characters in %s', async (_, path, message) => {
    const refused = await answer(await appWithLimits().request(path));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('Invalid');
    expect(refused.body.error.message).toContain(message);
  });

  it('lets well-formed escapes through', async () => {
    const ok = await appWithLimits().request('/v1/projects/a%20b/stages?labelSelector=a%3Db+c');
    expect(ok.status).toBe(200);
  });

  it.each([
    ['limit=0', 'limit must be a whole number from 1 to 10000, got "0"'],
    ['limit=10001', 'limit must be a whole number from 1 to 10000'],
    ['limit=99999999999999999999', 'got "99999999999999999999"'],
    ['limit=-1', 'limit must be a whole number'],
    ['limit=1e3', 'limit must be a whole number'],
    ['limit=ten', 'limit must be a whole number'],
    [
      'resourceVersion=abc',
      'resourceVersion must be a version number (a whole number such as 42), got "abc"',
    ],
    ['resourceVersion=99999999999999999999', 'resourceVersion must be a version number'],
    ['resourceVersion=-5', 'resourceVersion must be a version number'],
    [
      `labelSelector=${'a'.repeat(MAX_LABEL_SELECTOR_LENGTH + 1)}`,
      'labelSelector is 8193 characters long; at most 8192',
    ],
    [`continue=${'A'.repeat(3000)}`, 'continue token is not one this server issued'],
  ])('refuses ?%s', async (query, message) => {
    const refused = await answer(await appWithLimits().request(`/v1/stages?${query}`));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(message);
  });

  it('checks Last-Event-ID as a version', async () => {
    const refused = await answer(
      await appWithLimits().request('/v1/watch', { headers: { 'last-event-id': 'garbage' } }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(
      'the Last-Event-ID header must be a version number',
    );
  });

  it.each(['limit=1', 'limit=10000', 'limit=', 'resourceVersion=0', 'resourceVersion=42'])(
    'accepts ?%s',
    async (query) => {
      expect((await appWithLimits().request(`/v1/stages?${query}`)).status).toBe(200);
    },
  );

  it('leaves the query of paths outside the API to their routes', async () => {
    expect((await appWithLimits().request('/projects?limit=abc')).status).toBe(200);
  });
});
