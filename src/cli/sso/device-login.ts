import { setTimeout as delay } from 'node:timers/promises';
import type * as Client from 'openid-client';
import { unauthenticatedError } from '../../errors.js';
import type { OpenIdClient } from './discover-provider.js';
import { tokenFailure, type TokenResponse } from './loopback-login.js';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** What one poll of the token endpoint gave: tokens, or the provider's error code. */
export type PollOutcome<T> = { tokens: T } | { error: string; description?: string | undefined };

/**
 * Polls the token endpoint until the user has signed in (RFC 8628 §3.4–3.5): every `interval`
 * seconds (5 when the provider names none); `authorization_pending` polls again,
 * `slow_down` adds 5 seconds to the interval for this and every later poll,
 * `expired_token`, `access_denied` and any other error end it, and so does the code's
 * expiry. Time is injected so tests need not wait.
 */
export async function pollForTokens<T>(
  poll: () => Promise<PollOutcome<T>>,
  options: {
    intervalSeconds?: number | undefined;
    expiresInSeconds: number;
    now: () => number;
    sleep: (ms: number) => Promise<void>;
  },
): Promise<T> {
  let intervalMs = (options.intervalSeconds ?? 5) * 1000;
  const deadline = options.now() + options.expiresInSeconds * 1000;
  for (;;) {
    if (options.now() + intervalMs > deadline) throw expired();
    await options.sleep(intervalMs);
    const outcome = await poll();
    if ('tokens' in outcome) return outcome.tokens;
    switch (outcome.error) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        intervalMs += 5000;
        continue;
      case 'expired_token':
        throw expired();
      case 'access_denied':
        throw unauthenticatedError(
          'single sign-on failed: the sign-in was refused at the provider (access_denied)',
        );
      default:
        throw unauthenticatedError(
          `single sign-on failed: the provider answered ${outcome.error}${outcome.description ? ` (${outcome.description})` : ''}`,
        );
    }
  }
}

function expired(): Error {
  return unauthenticatedError(
    'the sign-in code expired before anyone used it: run gantry login --sso --device again',
  );
}

/**
 * The device authorization grant (RFC 8628), for a terminal without a browser: asks the
 * provider for a code, shows where to enter it, and polls until the user has signed in.
 */
export async function deviceLogin(
  client: OpenIdClient,
  configuration: Client.Configuration,
  options: {
    scopes: string[];
    show: (prompt: { verificationUri: string; userCode: string; completeUri?: string }) => void;
    signal: AbortSignal;
  },
): Promise<TokenResponse> {
  if (!configuration.serverMetadata().device_authorization_endpoint)
    throw unauthenticatedError(
      `the single sign-on provider ${configuration.serverMetadata().issuer} does not offer the device flow (no device_authorization_endpoint): use gantry login --sso`,
    );
  let device: Awaited<ReturnType<typeof client.initiateDeviceAuthorization>>;
  try {
    device = await client.initiateDeviceAuthorization(configuration, {
      scope: options.scopes.join(' '),
    });
  } catch (err) {
    throw tokenFailure(client, err);
  }
  options.show({
    verificationUri: device.verification_uri,
    userCode: device.user_code,
    completeUri: device.verification_uri_complete,
  });
  return pollForTokens<TokenResponse>(
    async () => {
      try {
        return {
          tokens: await client.genericGrantRequest(configuration, DEVICE_CODE_GRANT, {
            device_code: device.device_code,
          }),
        };
      } catch (err) {
        if (err instanceof client.ResponseBodyError)
          return { error: err.error, description: err.error_description };
        throw tokenFailure(client, err);
      }
    },
    {
      intervalSeconds: device.interval,
      expiresInSeconds: device.expires_in,
      now: () => Date.now(),
      sleep: (ms) => delay(ms, undefined, { signal: options.signal }),
    },
  );
}
