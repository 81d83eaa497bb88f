import type * as Client from 'openid-client';
import { errorMessage, unavailableError } from '../../errors.js';

/** openid-client, loaded when a command needs it (most CLI runs never do). */
export type OpenIdClient = typeof Client;

export function loadOpenIdClient(): Promise<OpenIdClient> {
  return import('openid-client');
}

/**
 * The provider's metadata for the CLI's public client (no secret: PKCE, the device flow and
 * refresh tokens need none). Plain http is allowed for an http:// issuer (a local provider).
 */
export async function discoverProvider(
  client: OpenIdClient,
  issuer: string,
  clientId: string,
): Promise<Client.Configuration> {
  const url = new URL(issuer);
  try {
    return await client.discovery(url, clientId, undefined, client.None(), {
      ...(url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: 15,
    });
  } catch (err) {
    throw unavailableError(
      `cannot reach the single sign-on provider ${issuer} (${errorMessage(err)})`,
      err,
    );
  }
}

/** When a token response's ID token expires (its `exp`), as ISO 8601. */
export function idTokenExpiry(tokens: {
  claims(): { exp?: number } | undefined;
}): string | undefined {
  const exp = tokens.claims()?.exp;
  return typeof exp === 'number' ? new Date(exp * 1000).toISOString() : undefined;
}
