import * as client from 'openid-client';
import { errorMessage, unauthenticatedError, unavailableError } from '../../errors.js';
import type { OidcConfig } from '../auth-config.js';
import type { IssuerDiscovery } from './issuer-discovery.js';
import { principalFromClaims, type UserPrincipal } from './principal-from-claims.js';
import type { PendingLogin, SingleSignOn, SingleSignOnInfo } from './single-sign-on.js';

/**
 * Single sign-on with openid-client: the authorization code flow with PKCE (S256), `state`
 * and `nonce`, for the UI's client (`oidc.clientID`, confidential with `clientSecret` or
 * public). The ID token's signature is checked against the provider's keys as well as its
 * claims. When the ID token carries no `groups` (providers that keep scope claims for
 * userinfo), the userinfo endpoint is asked for them.
 */
export class OpenIdSingleSignOn implements SingleSignOn {
  readonly info: SingleSignOnInfo;
  readonly #config: OidcConfig;
  readonly #discovery: IssuerDiscovery;

  constructor(options: { config: OidcConfig; discovery: IssuerDiscovery }) {
    this.#config = options.config;
    this.#discovery = options.discovery;
    this.info = {
      issuer: options.config.issuerUrl,
      cliClientID: options.config.cliClientId,
      scopes: [...options.config.scopes],
    };
  }

  async begin(options: {
    redirectUri: string;
    returnTo: string;
  }): Promise<{ url: string; pending: PendingLogin }> {
    const configuration = this.#discovery.require();
    const pending: PendingLogin = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      redirectUri: options.redirectUri,
      returnTo: options.returnTo,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: pending.redirectUri,
      scope: this.#config.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  async complete(callbackUrl: URL, pending: PendingLogin): Promise<UserPrincipal> {
    const configuration = this.#discovery.require();
    // openid-client takes the redirect_uri for the token request from the URL it is given:
    // the one sent, not the one this request arrived at (a proxy may have rewritten it).
    const current = new URL(pending.redirectUri);
    current.search = callbackUrl.search;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw signInFailure(err);
    }
    const claims = tokens.claims();
    if (!claims) throw unauthenticatedError('single sign-on failed: the provider sent no ID token');
    let all: Record<string, unknown> = { ...claims };
    const metadata = configuration.serverMetadata();
    if (claims.groups === undefined && metadata.userinfo_endpoint && tokens.access_token) {
      try {
        const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        all = { ...userinfo, ...claims };
      } catch (err) {
        throw signInFailure(err);
      }
    }
    return principalFromClaims(all);
  }

  endSessionUrl(): string | undefined {
    const configuration = this.#discovery.current();
    if (!configuration?.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(configuration, {}).href;
  }
}

/** A failed code exchange or ID token check, as a 401 (or 503 when the provider is down). */
function signInFailure(err: unknown) {
  if (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError)
    return unauthenticatedError(
      `single sign-on failed: the provider answered ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
    );
  if (err instanceof client.ClientError && err.code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    // openid-client's message is generic ("unexpected JWT claim value encountered"); its
    // cause names the claim.
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return unauthenticatedError(`single sign-on failed: ${err.message}${cause}`);
  }
  return unavailableError(
    `single sign-on failed: the OpenID provider could not be reached or answered an error (${errorMessage(err)})`,
    err,
  );
}
