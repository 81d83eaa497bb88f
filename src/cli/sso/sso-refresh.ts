import { errorMessage } from '../../errors.js';
import { normalizeServer, readCliConfig, saveServerCredentials } from '../credentials.js';
import { discoverProvider, idTokenExpiry, loadOpenIdClient } from './discover-provider.js';

/** A token this close to its expiry is refreshed first, so it cannot expire on the way. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Before a command runs: when `gantry login --sso` saved the credentials for `server` and the
 * ID token has expired (or is about to), gets a new one with the refresh token and saves it
 * (with the new refresh token, when the provider rotates them). Does nothing for API tokens,
 * for a token still valid, or without a refresh token. A refresh that fails is reported and
 * the command goes on: the server then says the token expired and to sign in again.
 */
export async function refreshSavedLogin(options: {
  env: NodeJS.ProcessEnv;
  server: string;
  now: () => Date;
  err: (text: string) => void;
}): Promise<void> {
  const saved = readCliConfig(options.env).servers[normalizeServer(options.server)];
  const sso = saved?.sso;
  if (!saved?.token || !sso?.refreshToken) return;
  const expiresAt = Date.parse(sso.expiresAt ?? '');
  if (Number.isFinite(expiresAt) && expiresAt - REFRESH_MARGIN_MS > options.now().getTime()) return;
  try {
    const client = await loadOpenIdClient();
    const configuration = await discoverProvider(client, sso.issuer, sso.clientID);
    const tokens = await client.refreshTokenGrant(configuration, sso.refreshToken);
    if (!tokens.id_token)
      throw new Error('the provider sent no new ID token with the refreshed access token');
    saveServerCredentials(options.env, options.server, {
      ...saved,
      token: tokens.id_token,
      sso: {
        ...sso,
        refreshToken: tokens.refresh_token ?? sso.refreshToken,
        expiresAt: idTokenExpiry(tokens),
      },
    });
  } catch (err) {
    const detail =
      err instanceof Error && 'error' in err
        ? String((err as { error: unknown }).error)
        : errorMessage(err);
    options.err(
      `warning: could not refresh the single sign-on for ${options.server} (${detail}): run gantry login --sso`,
    );
  }
}
