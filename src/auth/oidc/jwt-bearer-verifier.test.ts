import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startOidcProvider, type TestOidcProvider } from '../../../test/oidc-provider.js';
import { isGantryError } from '../../errors.js';
import { JwtBearerVerifier } from './jwt-bearer-verifier.js';
import { refusedAddress } from '../../../test/refused-address.js';

const hour = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** The error `promise` rejects with (a test fails if it resolves). */
async function refusalOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a refusal, but the token was accepted');
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JwtBearerVerifier against a real OpenID provider', () => {
  let provider: TestOidcProvider;
  const verifierFor = (options: { jwksCooldownMs?: number } = {}) =>
    new JwtBearerVerifier({
      provider: () => ({ issuer: provider.issuer, jwksUri: `${provider.issuer}/jwks` }),
      audiences: ['gantry', 'gantry-cli'],
      ...options,
    });
  const jwksFetches = () => provider.requests.get('/jwks') ?? 0;
  const claims = (extra: Record<string, unknown> = {}) => ({
    sub: 'ana',
    aud: 'gantry-cli',
    exp: now() + hour,
    email: 'ana@example.com',
    groups: ['devs'],
    ...extra,
  });

  beforeAll(async () => {
    provider = await startOidcProvider();
  });
  afterAll(async () => {
    await provider?.stop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts a valid token and makes its claims the principal', async () => {
    const principal = await verifierFor().verify(await provider.mint(claims()));
    expect(principal).toMatchObject({
      kind: 'user',
      actor: 'email:ana@example.com',
      subject: 'ana',
      email: 'ana@example.com',
      claims: { groups: ['devs'], email: ['ana@example.com'], sub: ['ana'], aud: ['gantry-cli'] },
    });
  });

  it('accepts a token whose audience list includes an accepted one, and one just past expiry within the clock skew', async () => {
    const verifier = verifierFor();
    await expect(
      verifier.verify(await provider.mint(claims({ aud: ['other', 'gantry'] }))),
    ).resolves.toMatchObject({ subject: 'ana' });
    await expect(
      verifier.verify(await provider.mint(claims({ exp: now() - 10 }))),
    ).resolves.toMatchObject({ subject: 'ana' });
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    [
      'expired',
      () => provider.mint(claims({ exp: now() - hour })),
      /^the token expired at \d{4}-\d\d-\d\dT.*sign in again/,
    ],
    [
      'for another audience',
      () => provider.mint(claims({ aud: 'someone-else' })),
      /audience "someone-else", not this server \(it accepts gantry, gantry-cli/,
    ],
    [
      'from another issuer',
      () => provider.mint(claims({ iss: 'https://evil.example' })),
      /issued by "https:\/\/evil.example", not by this server's provider http:\/\/127\.0\.0\.2:/,
    ],
    [
      'not valid yet',
      () => provider.mint(claims({ nbf: now() + hour })),
      /not valid before \d{4}-/,
    ],
    [
      'without an expiry',
      () => provider.mint({ sub: 'ana', aud: 'gantry' }),
      /no "exp" claim, which is required/,
    ],
    [
      'without a subject',
      () => provider.mint({ aud: 'gantry', exp: now() + hour }),
      /no "sub" claim/,
    ],
    [
      'signed by another key under a published key id',
      () => provider.mint(claims(), { key: 'unpublished', kid: provider.currentKid() }),
      /signature is not valid: it was not signed by the provider's key/,
    ],
    [
      'signed with alg none',
      () =>
        Promise.resolve(
          `${base64url({ alg: 'none', typ: 'JWT', kid: provider.currentKid() })}.${base64url({ ...claims(), iss: provider.issuer })}.`,
        ),
      /signed with "none", which is not allowed/,
    ],
    [
      'signed with HS256 (a public key used as a secret)',
      () =>
        new SignJWT({ ...claims(), iss: provider.issuer })
          .setProtectedHeader({ alg: 'HS256', kid: provider.currentKid() })
          .sign(new TextEncoder().encode('the provider public key, used as an HMAC secret')),
      /signed with "HS256", which is not allowed/,
    ],
    ['not a JWT at all', () => Promise.resolve('abc.def.ghi'), /not a valid JWT/],
    [
      'neither an API token nor a JWT',
      () => Promise.resolve('opaque-access-token'),
      /neither a Gantry API token \(gty_…\) nor a signed JWT/,
    ],
  ])('refuses a token %s with a 401 saying so', async (_what, token, message) => {
    const jwt = await token();
    const err = await refusalOf(verifierFor().verify(jwt));
    expect(isGantryError(err, 'Unauthenticated')).toBe(true);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(jwt);
  });

  it('picks up a rotated key by fetching the key set again, at most once per cooldown', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = verifierFor();
    const before = jwksFetches();
    await verifier.verify(await provider.mint(claims()));
    expect(jwksFetches()).toBe(before + 1);

    // An unknown key id right after a fetch: refused without asking the provider again, however
    // many such tokens arrive.
    const unknown = await provider.mint(claims(), { key: 'unpublished' });
    for (let i = 0; i < 5; i++)
      expect((await refusalOf(verifier.verify(unknown))).message).toMatch(
        /signed with a key the provider does not publish \(kid "[0-9a-f-]+", alg "RS256"\)/,
      );
    expect(jwksFetches()).toBe(before + 1);

    await provider.rotateKeys();
    const rotated = await provider.mint(claims());
    expect((await refusalOf(verifier.verify(rotated))).message).toMatch(/does not publish/);
    expect(jwksFetches()).toBe(before + 1);

    // Once the cooldown has passed, the new key id makes the verifier fetch the set once.
    vi.setSystemTime(Date.now() + 31_000);
    await expect(verifier.verify(await provider.mint(claims()))).resolves.toMatchObject({
      subject: 'ana',
    });
    expect(jwksFetches()).toBe(before + 2);
    // Tokens signed with the previous key, still published, keep working without a fetch.
    await expect(
      verifier.verify(await provider.mint(claims(), { key: 'previous' })),
    ).resolves.toMatchObject({ subject: 'ana' });
    expect(jwksFetches()).toBe(before + 2);

    // After the next cooldown a key id nobody publishes costs one fetch, then none.
    vi.setSystemTime(Date.now() + 31_000);
    expect((await refusalOf(verifier.verify(unknown))).message).toMatch(/does not publish/);
    expect(jwksFetches()).toBe(before + 3);
    expect((await refusalOf(verifier.verify(unknown))).message).toMatch(/does not publish/);
    expect(jwksFetches()).toBe(before + 3);
  });

  it('answers 503 when the key set cannot be fetched (the token may be fine)', async () => {
    const refused = await refusedAddress();
    const verifier = new JwtBearerVerifier({
      provider: () => ({ issuer: provider.issuer, jwksUri: `${refused.url}/jwks` }),
      audiences: ['gantry'],
    });
    const err = await refusalOf(
      verifier.verify(await provider.mint(claims({ aud: 'gantry' }))),
    ).finally(() => refused.close());
    expect(isGantryError(err, 'Unavailable')).toBe(true);
    expect(err.message).toContain(`provider's keys at ${refused.url}/jwks could not be fetched`);
  });
});
