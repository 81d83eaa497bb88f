import { unauthenticatedError } from '../errors.js';
import { ApiTokens } from './api-tokens.js';
import type { Principal } from './principal.js';
import type { Sessions } from './sessions.js';

/**
 * Verifies bearer tokens that are not Gantry API tokens: OIDC ID or access tokens (JWTs)
 * checked against the provider's keys, issuer and audience. Absent when no OIDC is configured,
 * and then such tokens are refused (never passed on or trusted unverified).
 */
export interface BearerVerifier {
  /** The user the token stands for; throws Unauthenticated saying why it is not valid. */
  verify(token: string): Promise<Principal>;
}

export interface Credentials {
  /** The `Authorization` header. */
  authorization?: string | undefined;
  /** The session cookie's value. */
  session?: string | undefined;
}

export type Authentication =
  | { principal: Principal; via: 'bearer' | 'session' }
  | {
      principal?: undefined;
      via: 'none';
      /** Why a session cookie that came along is no longer valid (it is then ignored). */
      staleSession?: string | undefined;
      /**
       * The session still exists but its token was revoked: every request with the cookie
       * keeps saying so (the browser's requests in flight, its reconnecting watches), so the
       * cookie is kept rather than cleared, and whichever request the page hears first says why.
       */
      sessionRevoked?: boolean | undefined;
    };

/**
 * Who is asking: a bearer token (an API token, or an OIDC token when OIDC is configured), or a
 * browser session cookie. A bearer token that is not valid is an error (401), never treated as
 * anonymous. A session cookie that is no longer valid (expired, its token revoked) is ignored
 * with the reason, so its browser can still reach the sign-in page and sign in again.
 */
export class Authenticator {
  readonly #tokens: ApiTokens;
  readonly #sessions: Sessions;
  readonly #oidc: BearerVerifier | undefined;

  constructor(options: {
    tokens: ApiTokens;
    sessions: Sessions;
    oidc?: BearerVerifier | undefined;
  }) {
    this.#tokens = options.tokens;
    this.#sessions = options.sessions;
    this.#oidc = options.oidc;
  }

  async authenticate(credentials: Credentials): Promise<Authentication> {
    const header = credentials.authorization?.trim();
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw unauthenticatedError('the Authorization header must be "Bearer <token>"');
      return { principal: await this.verifyBearer(match[1]!), via: 'bearer' };
    }
    if (credentials.session) {
      const subject = await this.#sessions.lookup(credentials.session);
      if (!subject) return { via: 'none', staleSession: 'your session has expired: sign in again' };
      if (subject.kind === 'user') return { principal: subject.principal, via: 'session' };
      const principal = await this.#tokens.verify(subject.token);
      if (!principal)
        return {
          via: 'none',
          staleSession:
            'the API token this session was made with was revoked or has expired: sign in again',
          sessionRevoked: true,
        };
      return { principal, via: 'session' };
    }
    return { via: 'none' };
  }

  /** The principal of a bearer token; Unauthenticated when it is not valid. */
  async verifyBearer(token: string): Promise<Principal> {
    if (ApiTokens.isApiToken(token)) {
      const principal = await this.#tokens.verify(token);
      if (!principal)
        throw unauthenticatedError('the API token is not valid (unknown, revoked or expired)');
      return principal;
    }
    if (!this.#oidc)
      throw unauthenticatedError(
        'the bearer token is not a Gantry API token, and this server has no single sign-on configured',
      );
    return this.#oidc.verify(token);
  }
}
