import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import { requestGuard } from './auth-middleware.js';

function appWith(options: { allowedHosts?: string[]; allowedOrigins?: string[] } = {}) {
  const app = new Hono();
  app.use(
    '*',
    requestGuard({
      allowedHosts: options.allowedHosts ?? [],
      allowedOrigins: options.allowedOrigins ?? [],
    }),
  );
  app.all('*', (c) => c.json({ reached: true }));
  app.onError((err, c) =>
    c.json({ error: err.message }, isGantryError(err, 'NotAllowed') ? 403 : 500),
  );
  return app;
}

const post = (headers: Record<string, string>, path = '/v1/projects') =>
  appWith().request(`http://127.0.0.1:8080${path}`, { method: 'POST', headers, body: '{}' });

describe('the request guard (CSRF and DNS rebinding)', () => {
  it.each([
    [
      'a JSON request from the page itself',
      {
        host: '127.0.0.1:8080',
        origin: 'http://127.0.0.1:8080',
        'content-type': 'application/json',
      },
      200,
    ],
    [
      'a JSON request with no Origin (the CLI, curl)',
      { host: '127.0.0.1:8080', 'content-type': 'application/json' },
      200,
    ],
    [
      'a bearer-token request with any content type',
      { host: '127.0.0.1:8080', authorization: 'Bearer x', 'content-type': 'text/plain' },
      200,
    ],
    [
      'a text/plain POST (a browser "simple request")',
      { host: '127.0.0.1:8080', 'content-type': 'text/plain' },
      403,
    ],
    [
      'a form POST',
      { host: '127.0.0.1:8080', 'content-type': 'application/x-www-form-urlencoded' },
      403,
    ],
    ['a POST with no content type and no token', { host: '127.0.0.1:8080' }, 403],
    [
      'a JSON request from another origin',
      { host: '127.0.0.1:8080', origin: 'http://evil.example', 'content-type': 'application/json' },
      403,
    ],
    [
      'a bearer request from another origin',
      {
        host: '127.0.0.1:8080',
        origin: 'http://evil.example',
        authorization: 'Bearer x',
        'content-type': 'application/json',
      },
      403,
    ],
    [
      'a cross-site fetch',
      {
        host: '127.0.0.1:8080',
        'sec-fetch-site': 'cross-site',
        'content-type': 'application/json',
      },
      403,
    ],
    [
      'a rebinding host name',
      { host: 'evil.example:8080', 'content-type': 'application/json' },
      403,
    ],
    ['localhost', { host: 'localhost:8080', 'content-type': 'application/json' }, 200],
    ['an IPv6 literal', { host: '[::1]:8080', 'content-type': 'application/json' }, 200],
  ])('%s → %i', async (_, headers, status) => {
    expect((await post(headers)).status).toBe(status);
  });

  it('refuses a rebinding host name even for reads, and names the flag', async () => {
    const response = await appWith().request('http://evil.example/v1/projects', {
      headers: { host: 'evil.example' },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toContain('--allowed-hosts');
  });

  it('answers allowed host names, and webhooks and probes from anywhere', async () => {
    const app = appWith({ allowedHosts: ['gantry.example.com'] });
    expect(
      (await app.request('http://x/v1/projects', { headers: { host: 'gantry.example.com' } }))
        .status,
    ).toBe(200);
    for (const path of ['/healthz', '/webhook/github/abc'])
      expect(
        (
          await appWith().request(`http://x${path}`, {
            method: 'POST',
            headers: { host: 'hooks.example.com', 'content-type': 'text/plain' },
          })
        ).status,
      ).toBe(200);
  });

  it('keeps CORS closed unless an origin is allowed, then answers its preflight', async () => {
    const closed = await appWith().request('http://127.0.0.1/v1/projects', {
      method: 'OPTIONS',
      headers: { host: '127.0.0.1', origin: 'https://portal.example.com' },
    });
    expect(closed.status).toBe(403);
    const open = appWith({ allowedOrigins: ['https://portal.example.com'] });
    const preflight = await open.request('http://127.0.0.1/v1/projects', {
      method: 'OPTIONS',
      headers: { host: '127.0.0.1', origin: 'https://portal.example.com' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://portal.example.com');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const call = await open.request('http://127.0.0.1/v1/projects', {
      method: 'POST',
      headers: {
        host: '127.0.0.1',
        origin: 'https://portal.example.com',
        authorization: 'Bearer x',
        'content-type': 'application/json',
      },
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('https://portal.example.com');
  });
});
