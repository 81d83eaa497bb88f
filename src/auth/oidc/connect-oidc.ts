import { unavailableError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { OidcConfig } from '../auth-config.js';
import type { BearerVerifier } from '../authenticator.js';
import { IssuerDiscovery } from './issuer-discovery.js';
import { JwtBearerVerifier } from './jwt-bearer-verifier.js';
import { OpenIdSingleSignOn } from './openid-single-sign-on.js';
import type { SingleSignOn } from './single-sign-on.js';

export interface OidcConnection {
  /** The browser sign-in (UI). */
  signOn: SingleSignOn;
  /** Bearer tokens from the provider (CLI, scripts): for the Authenticator. */
  verifier: BearerVerifier;
  discovery: IssuerDiscovery;
}

/**
 * Single sign-on for the server's `oidc` settings: starts discovering the provider in the
 * background (start-up does not wait; see IssuerDiscovery) and answers the sign-in flow and
 * the bearer verifier, both on the discovered metadata.
 */
export function connectOidc(
  config: OidcConfig,
  options: {
    logger: Logger;
    signal: AbortSignal;
    fetch?: typeof fetch | undefined;
    retryDelayMs?: ((attempt: number) => number) | undefined;
  },
): OidcConnection {
  const discovery = new IssuerDiscovery({
    issuerUrl: config.issuerUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    logger: options.logger,
    signal: options.signal,
    fetch: options.fetch,
    retryDelayMs: options.retryDelayMs,
  });
  discovery.start();
  const verifier = new JwtBearerVerifier({
    audiences: config.audiences,
    fetch: options.fetch,
    provider: () => {
      const metadata = discovery.require().serverMetadata();
      if (!metadata.jwks_uri)
        throw unavailableError(
          `cannot check OIDC tokens: the OpenID provider ${metadata.issuer} publishes no jwks_uri`,
        );
      return { issuer: metadata.issuer, jwksUri: metadata.jwks_uri };
    },
  });
  return { discovery, verifier, signOn: new OpenIdSingleSignOn({ config, discovery }) };
}
