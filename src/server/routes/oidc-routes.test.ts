import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuth } from '../../../test/auth-fixtures.js';
import type { UserPrincipal } from '../../auth/oidc/principal-from-claims.js';
import type { PendingLogin, SingleSignOn } from '../../auth/oidc/single-sign-on.js';
import { PromotionLogs } from '../../engine/promotion-logs.js';
import { unauthenticatedError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import { ResourceService } from '../../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { createApp } from '../app.js';

/** A provider stand-in: records what it was asked, signs in whoever `code` names. */
class FakeSingleSignOn implements SingleSignOn {
  readonly info = {
    issuer: 'https://login.example.com',
    cliClientID: 'gantry-cli',
    scopes: ['openid', 'groups'],
  };
  readonly begun: Array<{ redirectUri: string; returnTo: string }> = [];
  completed: Array<{ url: string; pending: PendingLogin }> = [];
  #counter = 0;

  begin(options: { redirectUri: string; returnTo: string }) {
    this.begun.push(options);
    const state = `state-${++this.#counter}-abcdefghijklmnop`;
    return Promise.resolve({
      url: `https://login.example.com/auth?state=${state}`,
      pending: { state, nonce: 'n', codeVerifier: 'v', ...options },
    });
  }

  complete(callbackUrl: URL, pending: PendingLogin): Promise<UserPrincipal> {
    this.completed.push({ url: callbackUrl.href, pending });
    const code = callbackUrl.searchParams.get('code');
    if (code !== 'good')
      return Promise.reject(unauthenticatedError('single sign-on failed: bad code'));
    return Promise.resolve({
      kind: 'user',
      actor: 'email:ana@example.com',
      subject: 'ana',
      email: 'ana@example.com',
      claims: { groups: ['devs'], sub: ['ana'] },
    });
  }

  endSessionUrl() {
    return 'https://login.example.com/logout?client_id=gantry';
  }
}

describe('single sign-on routes', () => {
  let store: SqliteStore;
  let app: Hono;
  let plain: Hono;
  const sso = new FakeSingleSignOn();
  const shutdown = new AbortController();

  beforeAll(async () => {
    store = openSqliteStore({ path: ':memory:' });
    const { auth } = await testAuth(store);
    const options = {
      service: new ResourceService({ store }),
      store,
      logger: silentLogger,
      shutdown: shutdown.signal,
      storeKind: 'sqlite',
      logs: new PromotionLogs(join(tmpdir(), 'gantry-oidc-routes-logs')),
    };
    app = createApp({ ...options, auth: { ...auth, sso } });
    plain = createApp({ ...options, auth });
  });
  afterAll(async () => {
    shutdown.abort();
    await store.close();
  });

  /** Starts a sign-in; answers the provider URL and the pending-login cookie. */
  const login = async (
    query: string,
    headers: Record<string, string> = {},
    origin = 'http://127.0.0.1:8080',
  ) => {
    const response = await app.request(`${origin}/v1/auth/oidc/login${query}`, { headers });
    expect(response.status).toBe(302);
    const cookie = response.headers.get('set-cookie') ?? '';
    return { response, cookie, location: response.headers.get('location') ?? '' };
  };
  const cookiePair = (setCookie: string) => setCookie.split(';')[0]!;

  it('serves what the CLI needs to sign in with the provider', async () => {
    expect(await (await app.request('/v1/auth/config')).json()).toEqual({
      sso: true,
      tokens: true,
      issuer: 'https://login.example.com',
      cliClientID: 'gantry-cli',
      scopes: ['openid', 'groups'],
    });
    expect(await (await plain.request('/v1/auth/config')).json()).toEqual({
      sso: false,
      tokens: true,
    });
  });

  it('sends the browser to the provider with a short-lived, HttpOnly, SameSite=Lax cookie for the callback only', async () => {
    const { cookie, location, response } = await login('?redirect=/projects/x');
    expect(location).toMatch(/^https:\/\/login\.example\.com\/auth\?state=state-\d+-/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(cookie).toMatch(/^gantry_oidc_state-\d+-abcdefghijklmnop=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/v1/auth/oidc/callback');
    expect(cookie).toContain('Max-Age=600');
    expect(cookie).not.toContain('Secure');
    expect(sso.begun.at(-1)).toEqual({
      redirectUri: 'http://127.0.0.1:8080/v1/auth/oidc/callback',
      returnTo: '/projects/x',
    });
  });

  it('uses https (and a Secure cookie) behind a TLS proxy', async () => {
    const { cookie } = await login('', { 'x-forwarded-proto': 'https' }, 'http://192.0.2.10');
    expect(sso.begun.at(-1)?.redirectUri).toBe('https://192.0.2.10/v1/auth/oidc/callback');
    expect(cookie).toContain('Secure');
  });

  it.each(['//evil.example', 'https://evil.example/', '/\\evil.example', '/%2F%2Fevil.example'])(
    'remembers / instead of the redirect %j',
    async (redirect) => {
      await login(`?redirect=${encodeURIComponent(redirect)}`);
      expect(sso.begun.at(-1)?.returnTo).toBe('/');
    },
  );

  it('signs the user in on the way back and lands on the path asked for', async () => {
    const { cookie } = await login('?redirect=/projects/x%3Fstage%3Ddev');
    const state = /^gantry_oidc_([^=]+)=/.exec(cookie)![1]!;
    const response = await app.request(
      `http://127.0.0.1:8080/v1/auth/oidc/callback?code=good&state=${state}&iss=https%3A%2F%2Flogin.example.com`,
      { headers: { cookie: cookiePair(cookie) } },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/projects/x?stage=dev');
    expect(sso.completed.at(-1)?.pending.redirectUri).toBe(
      'http://127.0.0.1:8080/v1/auth/oidc/callback',
    );
    const cookies = response.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith(`gantry_oidc_${state}=;`))).toContain('Max-Age=0');
    const session = cookies.find((c) => c.startsWith('gantry_session='))!;
    expect(session).toContain('HttpOnly');
    expect(session).toContain('SameSite=Strict');
    const whoami = await app.request('/v1/auth/whoami', {
      headers: { cookie: cookiePair(session) },
    });
    expect(await whoami.json()).toMatchObject({
      kind: 'user',
      actor: 'email:ana@example.com',
      groups: ['devs'],
    });
    const logout = await app.request('/v1/auth/logout', {
      method: 'POST',
      headers: { cookie: cookiePair(session), 'content-type': 'application/json' },
    });
    expect(await logout.json()).toEqual({
      signedOut: true,
      endSessionURL: 'https://login.example.com/logout?client_id=gantry',
    });
  });

  it.each<[string, (state: string, cookie: string) => [string, Record<string, string>], RegExp]>([
    [
      'no state',
      (_state, cookie) => ['?code=good', { cookie }],
      /the provider sent no valid state/,
    ],
    [
      'no cookie (another browser, or too late)',
      (state) => [`?code=good&state=${state}`, {}],
      /not started in this browser, or took longer than 10 minutes/,
    ],
    [
      "another sign-in's cookie",
      (_state, cookie) => [`?code=good&state=${'x'.repeat(20)}`, { cookie }],
      /not started in this browser/,
    ],
    [
      'a tampered cookie',
      (state) => [
        `?code=good&state=${state}`,
        { cookie: `gantry_oidc_${state}=eyJub3QiOiJvdXJzIn0` },
      ],
      /not started in this browser/,
    ],
    [
      'a code the provider refuses',
      (state, cookie) => [`?code=bad&state=${state}`, { cookie }],
      /single sign-on failed: bad code/,
    ],
  ])('refuses a callback with %s (401), starting no session', async (_case, make, message) => {
    const { cookie } = await login('?redirect=/x');
    const state = /^gantry_oidc_([^=]+)=/.exec(cookie)![1]!;
    const [query, headers] = make(state, cookiePair(cookie));
    const response = await app.request(`/v1/auth/oidc/callback${query}`, { headers });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      message,
    );
    expect(response.headers.getSetCookie().some((c) => c.startsWith('gantry_session='))).toBe(
      false,
    );
  });

  it('answers 404 saying so when single sign-on is not configured', async () => {
    for (const path of ['/v1/auth/oidc/login', '/v1/auth/oidc/callback?state=x'])
      expect(((await (await plain.request(path)).json()) as any).error.message).toContain(
        'single sign-on is not configured',
      );
  });
});
