import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Client from 'openid-client';
import { errorMessage, unauthenticatedError } from '../../errors.js';
import type { OpenIdClient } from './discover-provider.js';

export type TokenResponse = Awaited<ReturnType<typeof Client.authorizationCodeGrant>>;

/**
 * The authorization code flow with PKCE (S256) for a native app (RFC 8252): a one-shot HTTP
 * server on 127.0.0.1 receives the browser at `http://127.0.0.1:<port>/callback`, the state
 * is checked, and the code is exchanged (the ID token's nonce, issuer, audience and expiry
 * checked by openid-client). `show` gets the URL to visit as soon as it is known.
 */
export async function loopbackLogin(
  client: OpenIdClient,
  configuration: Client.Configuration,
  options: {
    scopes: string[];
    /** The local port (0: any free one); the provider must accept the redirect URI. */
    port?: number | undefined;
    show: (url: string) => void;
    signal: AbortSignal;
  },
): Promise<TokenResponse> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  let settle!: { resolve: (url: URL) => void; reject: (err: Error) => void };
  const callback = new Promise<URL>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', redirectUri);
    if (url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    // Another page's request (a stale tab, a probe) must not end the sign-in.
    if (url.searchParams.get('state') !== state) {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('this sign-in is not the one gantry is waiting for');
      return;
    }
    const failed = url.searchParams.get('error');
    res
      .writeHead(failed ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        page(
          failed
            ? 'Sign-in failed: go back to your terminal.'
            : 'Signed in to Gantry: you can close this tab.',
        ),
      );
    settle.resolve(url);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const onAbort = () =>
    settle.reject(
      unauthenticatedError('single sign-on did not finish in time: run gantry login --sso again'),
    );
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: options.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    options.show(url.href);
    const returned = await callback;
    try {
      return await client.authorizationCodeGrant(configuration, returned, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw tokenFailure(client, err);
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    server.closeAllConnections();
    server.close();
  }
}

/** A failed authorization or token request, in the CLI's words. */
export function tokenFailure(client: OpenIdClient, err: unknown): Error {
  if (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError)
    return unauthenticatedError(
      `single sign-on failed: the provider answered ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
    );
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return unauthenticatedError(`single sign-on failed: ${errorMessage(err)}${cause}`);
}

function page(message: string): string {
  return `<!doctype html><html><head><title>Gantry</title></head><body><p>${message}</p></body></html>`;
}
