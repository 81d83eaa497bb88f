import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signInWithFetch,
  startOidcProvider,
  type TestOidcProvider,
} from '../../../test/oidc-provider.js';
import { isGantryError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { OidcConfig } from '../auth-config.js';
import { connectOidc } from './connect-oidc.js';

/** A logger that keeps what it was told. */
function recordingLogger(): Logger & {
  lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('connectOidc', () => {
  let provider: TestOidcProvider;
  const shutdown = new AbortController();
  let config: OidcConfig;

  beforeAll(async () => {
    provider = await startOidcProvider({
      users: [{ login: 'ana', email: 'ana@example.com', groups: ['devs'] }],
      clients: [
        {
          client_id: 'gantry',
          client_secret: 'ui-secret',
          redirect_uris: ['http://127.0.0.1:9/v1/auth/oidc/callback'],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
    });
    config = {
      issuerUrl: provider.issuer,
      clientId: 'gantry',
      clientSecret: 'ui-secret',
      cliClientId: 'gantry-cli',
      scopes: ['openid', 'email', 'groups'],
      audiences: ['gantry', 'gantry-cli'],
    };
  });
  afterAll(async () => {
    shutdown.abort();
    await provider?.stop();
  });

  it('does not hold start-up: answers 503 until discovery succeeds, retrying and logging each failure', async () => {
    let failuresLeft = 2;
    const logger = recordingLogger();
    const oidc = connectOidc(config, {
      logger,
      signal: shutdown.signal,
      retryDelayMs: () => 10,
      fetch: (input, init) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          return Promise.reject(new TypeError('fetch failed (the provider is still starting)'));
        }
        return fetch(input, init);
      },
    });
    // Returned at once: nothing was awaited.
    const early = await rejection(oidc.signOn.begin({ redirectUri: 'http://x/cb', returnTo: '/' }));
    expect(isGantryError(early, 'Unavailable')).toBe(true);
    expect(early.message).toMatch(
      /single sign-on is not available yet: the OpenID provider http:\/\/127\.0\.0\.2:\d+ has not answered discovery/,
    );
    const bearer = await rejection(
      oidc.verifier.verify(await provider.mint({ sub: 'ana', aud: 'gantry' })),
    );
    expect(isGantryError(bearer, 'Unavailable')).toBe(true);

    await oidc.discovery.ready();
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({
      message: 'single sign-on unavailable: cannot discover the OpenID provider; retrying',
      fields: { issuer: provider.issuer, attempt: 1, retryInMs: 10 },
    });
    expect(String(warnings[0]!.fields!.error)).toContain('the provider is still starting');
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', message: 'single sign-on ready' });

    // Now both halves work.
    const principal = await oidc.verifier.verify(
      await provider.mint({ sub: 'ana', aud: 'gantry', exp: Math.floor(Date.now() / 1000) + 60 }),
    );
    expect(principal.actor).toBe('subject:ana');
    const { url, pending } = await oidc.signOn.begin({
      redirectUri: 'http://127.0.0.1:9/v1/auth/oidc/callback',
      returnTo: '/projects/x',
    });
    const authorize = new URL(url);
    expect(authorize.origin).toBe(provider.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: 'gantry',
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:9/v1/auth/oidc/callback',
      scope: 'openid email groups',
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    expect(oidc.signOn.endSessionUrl()).toBe(`${provider.issuer}/session/end?client_id=gantry`);
  });

  it('completes a sign-in: the code is exchanged with the client secret and the ID token checked', async () => {
    const oidc = connectOidc(config, { logger: recordingLogger(), signal: shutdown.signal });
    await oidc.discovery.ready();
    const { url, pending } = await oidc.signOn.begin({
      redirectUri: 'http://127.0.0.1:9/v1/auth/oidc/callback',
      returnTo: '/',
    });
    // The user agent stops at the redirect URI: nothing listens there, the test reads the URL.
    const callback = new URL((await signInWithFetch(provider, url, 'ana', { deliver: false })).url);
    expect(callback.searchParams.get('state')).toBe(pending.state);
    const keyFetches = provider.requests.get('/jwks') ?? 0;
    const principal = await oidc.signOn.complete(callback, pending);
    // The ID token's signature was checked with the provider's published keys.
    expect(provider.requests.get('/jwks')).toBe(keyFetches + 1);
    expect(principal).toMatchObject({
      actor: 'email:ana@example.com',
      claims: { groups: ['devs'], aud: ['gantry'] },
    });
    // The same callback again (a replayed code, or a nonce from another sign-in) is refused.
    const replay = await rejection(oidc.signOn.complete(callback, pending));
    expect(isGantryError(replay, 'Unauthenticated')).toBe(true);
    expect(replay.message).toMatch(/single sign-on failed: the provider answered invalid_grant/);
    const { pending: other } = await oidc.signOn.begin({
      redirectUri: 'http://127.0.0.1:9/v1/auth/oidc/callback',
      returnTo: '/',
    });
    const wrongState = await rejection(oidc.signOn.complete(callback, other));
    expect(wrongState.message).toMatch(/single sign-on failed/);
  });

  it('asks userinfo for the groups when the provider keeps them out of the ID token', async () => {
    const strict = await startOidcProvider({
      conformIdTokenClaims: true,
      users: [{ login: 'ana', email: 'ana@example.com', groups: ['devs'] }],
      clients: [
        {
          client_id: 'gantry',
          client_secret: 'ui-secret',
          redirect_uris: ['http://127.0.0.1:9/v1/auth/oidc/callback'],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
    });
    try {
      const oidc = connectOidc(
        { ...config, issuerUrl: strict.issuer },
        { logger: recordingLogger(), signal: shutdown.signal },
      );
      await oidc.discovery.ready();
      const { url, pending } = await oidc.signOn.begin({
        redirectUri: 'http://127.0.0.1:9/v1/auth/oidc/callback',
        returnTo: '/',
      });
      const callback = new URL((await signInWithFetch(strict, url, 'ana', { deliver: false })).url);
      const before = strict.requests.get('/me') ?? 0;
      const principal = await oidc.signOn.complete(callback, pending);
      expect(strict.requests.get('/me')).toBe(before + 1);
      expect(principal).toMatchObject({
        actor: 'email:ana@example.com',
        claims: { groups: ['devs'], email: ['ana@example.com'] },
      });
    } finally {
      await strict.stop();
    }
  });
});
