import { notFoundError, unauthenticatedError } from '../../errors.js';
import { ApiClient } from '../client.js';
import type { CliContext } from '../context.js';
import { saveServerCredentials } from '../credentials.js';
import { usageError } from '../usage-error.js';
import { deviceLogin } from './device-login.js';
import { discoverProvider, idTokenExpiry, loadOpenIdClient } from './discover-provider.js';
import { loopbackLogin } from './loopback-login.js';
import { openBrowser } from './open-browser.js';

/** What `GET /v1/auth/config` tells a client that wants to sign in. */
interface AuthConfigAnswer {
  sso: boolean;
  issuer?: string;
  cliClientID?: string;
  scopes?: string[];
}

/**
 * `gantry login --sso [--device] [--no-browser]`: signs in with the server's OpenID provider
 * as Kargo's CLI does. The server says which provider, client (`cliClientID`) and scopes
 * (`GET /v1/auth/config`); `offline_access` is added when the provider offers it, for a
 * refresh token. The ID token is the bearer token: it is checked with the server
 * (`whoami`) and saved for that server with the refresh token (CLI config, 0600), and
 * refreshed when it expires.
 */
export async function ssoLogin(
  ctx: CliContext,
  options: {
    device?: boolean | undefined;
    /** Open a browser (default); `--no-browser` only prints the URL. */
    browser?: boolean | undefined;
    callbackPort?: string | undefined;
    /** How long to wait for the browser to come back (default 5 minutes). */
    timeoutMs?: number | undefined;
    open?: ((url: string) => boolean) | undefined;
  },
): Promise<void> {
  const server = ctx.client.baseUrl;
  // Without credentials: a saved token that has expired must not stand in the way.
  const config = await new ApiClient(server).request<AuthConfigAnswer>('GET', '/v1/auth/config');
  if (!config.sso || !config.issuer || !config.cliClientID)
    throw notFoundError(
      `the server at ${server} has no single sign-on configured: sign in with an API token (gantry login --token-stdin)`,
    );
  const client = await loadOpenIdClient();
  const configuration = await discoverProvider(client, config.issuer, config.cliClientID);
  const scopes = [...(config.scopes ?? ['openid', 'profile', 'email'])];
  if (!scopes.includes('openid')) scopes.unshift('openid');
  if (
    configuration.serverMetadata().scopes_supported?.includes('offline_access') &&
    !scopes.includes('offline_access')
  )
    scopes.push('offline_access');

  const tokens = options.device
    ? await deviceLogin(client, configuration, {
        scopes,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15 * 60_000),
        show: ({ verificationUri, userCode, completeUri }) => {
          ctx.err(`To sign in, open ${verificationUri} and enter the code ${userCode}`);
          if (completeUri) ctx.err(`(or open ${completeUri})`);
          ctx.err('Waiting for you to sign in…');
        },
      })
    : await loopbackLogin(client, configuration, {
        scopes,
        port: parsePort(options.callbackPort),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5 * 60_000),
        show: (url) => {
          const opened = options.browser !== false && (options.open ?? openBrowser)(url);
          ctx.err(
            opened
              ? `Opening your browser to sign in. If it does not open, visit:\n  ${url}`
              : `To sign in, open this URL in a browser on this machine:\n  ${url}`,
          );
          ctx.err('Waiting for you to sign in…');
        },
      });
  if (!tokens.id_token)
    throw unauthenticatedError(
      'single sign-on failed: the provider sent no ID token (the openid scope must be among the scopes)',
    );
  const identity = await new ApiClient(server, tokens.id_token).request<{ actor: string }>(
    'GET',
    '/v1/auth/whoami',
  );
  const file = saveServerCredentials(ctx.env, server, {
    token: tokens.id_token,
    user: identity.actor,
    sso: {
      issuer: config.issuer,
      clientID: config.cliClientID,
      refreshToken: tokens.refresh_token,
      expiresAt: idTokenExpiry(tokens),
    },
  });
  ctx.out(`Signed in to ${server} as ${identity.actor} (saved in ${file})`);
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw usageError(`--callback-port: "${value}" is not a port number`);
  return port;
}
