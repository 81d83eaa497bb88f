import {
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { isGantryError, unauthenticatedError, unavailableError } from '../../errors.js';
import type { BearerVerifier } from '../authenticator.js';
import { principalFromClaims, type UserPrincipal } from './principal-from-claims.js';

/**
 * Signature algorithms a token may use: asymmetric ones only. `none` is never accepted, and
 * neither are HS* (a provider's public key must never serve as an HMAC secret).
 */
export const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export interface JwtBearerVerifierOptions {
  /** The provider's issuer and key set; throws Unavailable while discovery has not succeeded. */
  provider: () => { issuer: string; jwksUri: string };
  /** Accepted `aud` values: a token must be for at least one. */
  audiences: readonly string[];
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (default 30). */
  clockToleranceSeconds?: number | undefined;
  /**
   * After a fetch of the key set, how long a token with an unknown `kid` waits before the set
   * is fetched again (default 30 s): a rotated key is picked up, and a flood of made-up key
   * ids cannot make the server hammer the provider.
   */
  jwksCooldownMs?: number | undefined;
  /** How long fetched keys are trusted without a fetch (default 10 min). */
  jwksMaxAgeMs?: number | undefined;
  now?: (() => Date) | undefined;
  /** The HTTP client for the key set (tests). */
  fetch?: typeof fetch | undefined;
}

/**
 * Verifies OIDC bearer tokens (ID tokens, and JWT access tokens) with the provider's published
 * keys (`jwks_uri`, fetched and cached by jose): signature with an allowed algorithm, `iss`
 * equal to the discovered issuer, `aud` among the accepted audiences, `exp` present and not
 * passed, `nbf` reached, with a small clock skew. Every refusal is Unauthenticated (401) with
 * the reason (expired, wrong audience, wrong issuer, bad signature, unknown key, algorithm);
 * the token itself is never logged or echoed. A key set that cannot be fetched is Unavailable
 * (503): the token may be fine.
 */
export class JwtBearerVerifier implements BearerVerifier {
  readonly #options: JwtBearerVerifierOptions;
  #keys: { uri: string; get: JWTVerifyGetKey } | undefined;

  constructor(options: JwtBearerVerifierOptions) {
    this.#options = options;
  }

  async verify(token: string): Promise<UserPrincipal> {
    if (token.split('.').length !== 3)
      throw unauthenticatedError(
        'the bearer token is neither a Gantry API token (gty_…) nor a signed JWT from the single sign-on provider',
      );
    const { issuer, jwksUri } = this.#options.provider();
    const audiences = [...this.#options.audiences];
    try {
      const { payload } = await jwtVerify(token, this.#keySet(jwksUri), {
        issuer,
        audience: audiences,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: this.#options.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp', 'sub'],
        ...(this.#options.now ? { currentDate: this.#options.now() } : {}),
      });
      return principalFromClaims(payload);
    } catch (err) {
      if (isGantryError(err)) throw err;
      throw refusal(err, token, { issuer, audiences, jwksUri });
    }
  }

  #keySet(uri: string): JWTVerifyGetKey {
    if (this.#keys?.uri !== uri)
      this.#keys = {
        uri,
        get: createRemoteJWKSet(new URL(uri), {
          cooldownDuration: this.#options.jwksCooldownMs ?? 30_000,
          cacheMaxAge: this.#options.jwksMaxAgeMs ?? 600_000,
          timeoutDuration: 5_000,
          ...(this.#options.fetch ? { [customFetch]: this.#options.fetch } : {}),
        }),
      };
    return this.#keys.get;
  }
}

/** Why jose refused the token, in words for the caller. */
function refusal(
  err: unknown,
  token: string,
  context: { issuer: string; audiences: string[]; jwksUri: string },
) {
  const code = (err as { code?: unknown }).code;
  const claims = safely(() => decodeJwt(token));
  const header = safely(() => decodeProtectedHeader(token));
  const when = (seconds: unknown) =>
    typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : 'an unknown time';
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return unauthenticatedError(
        `the token expired at ${when(claims?.exp)}: sign in again (gantry login --sso)`,
      );
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (err as { claim?: string }).claim;
      const reason = (err as { reason?: string }).reason;
      if (reason === 'missing')
        return unauthenticatedError(`the token has no "${claim}" claim, which is required`);
      if (claim === 'aud')
        return unauthenticatedError(
          `the token is for audience ${JSON.stringify(claims?.aud)}, not this server (it accepts ${context.audiences.join(', ')}; set oidc.audiences in the auth config to accept another)`,
        );
      if (claim === 'iss')
        return unauthenticatedError(
          `the token was issued by ${JSON.stringify(claims?.iss)}, not by this server's provider ${context.issuer}`,
        );
      if (claim === 'nbf')
        return unauthenticatedError(`the token is not valid before ${when(claims?.nbf)}`);
      return unauthenticatedError(`the token's "${claim}" claim is not valid (${reason})`);
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return unauthenticatedError(
        `the token is signed with ${JSON.stringify(header?.alg)}, which is not allowed (only ${ALLOWED_ALGORITHMS.join(', ')})`,
      );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return unauthenticatedError(
        `the token's signature is not valid: it was not signed by the provider's key ${JSON.stringify(header?.kid)}`,
      );
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return unauthenticatedError(
        `the token is signed with a key the provider does not publish (kid ${JSON.stringify(header?.kid)}, alg ${JSON.stringify(header?.alg)})`,
      );
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return unavailableError(
        `cannot check the token: the provider's keys at ${context.jwksUri} could not be fetched (${(err as Error).message})`,
        err,
      );
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWK_INVALID':
      return unauthenticatedError(`the token is not a valid JWT: ${(err as Error).message}`);
    default:
      // Anything else comes from fetching the key set (network, HTTP status).
      return unavailableError(
        `cannot check the token: the provider's keys at ${context.jwksUri} could not be fetched (${(err as Error).message ?? String(err)})`,
        err,
      );
  }
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
