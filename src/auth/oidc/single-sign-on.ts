import type { UserPrincipal } from './principal-from-claims.js';

/**
 * What a browser sign-in must remember between leaving for the provider and coming back:
 * kept by the browser (a short-lived HttpOnly cookie), checked on the way back.
 */
export interface PendingLogin {
  /** Binds the callback to this browser's request (CSRF). */
  state: string;
  /** Binds the ID token to this request (replay). */
  nonce: string;
  /** PKCE (RFC 7636, S256): only the holder of the verifier can redeem the code. */
  codeVerifier: string;
  /** The redirect_uri sent, which the token request must repeat exactly. */
  redirectUri: string;
  /** The same-origin path to land on afterwards. */
  returnTo: string;
}

/** What the CLI needs to sign in by itself with the provider (`GET /v1/auth/config`). */
export interface SingleSignOnInfo {
  issuer: string;
  cliClientID: string;
  scopes: string[];
}

/**
 * Single sign-on through an OpenID provider: the port the HTTP routes use. The adapter is
 * `OpenIdSingleSignOn` (openid-client); a test may pass a fake.
 */
export interface SingleSignOn {
  readonly info: SingleSignOnInfo;
  /**
   * Starts an authorization code flow with PKCE: the provider URL to send the browser to, and
   * what the callback will need. Unavailable (503) while the provider is not discovered.
   */
  begin(options: {
    redirectUri: string;
    returnTo: string;
  }): Promise<{ url: string; pending: PendingLogin }>;
  /**
   * Finishes it from the URL the provider redirected to: exchanges the code, validates the ID
   * token (signature, issuer, audience, expiry, nonce) and answers the user it names.
   * Unauthenticated (401) saying why when anything does not hold.
   */
  complete(callbackUrl: URL, pending: PendingLogin): Promise<UserPrincipal>;
  /** The provider's RP-initiated logout URL (`end_session_endpoint`), when it has one. */
  endSessionUrl(): string | undefined;
}
