import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { errorMessage, unavailableError } from '../../errors.js';
import type { Logger } from '../../logger.js';

export interface IssuerDiscoveryOptions {
  /** The issuer identifier (`oidc.issuerURL`). */
  issuerUrl: string;
  /** The client the server signs people in with (the UI's). */
  clientId: string;
  /** Its secret, for a confidential client; a public client uses PKCE alone. */
  clientSecret?: string | undefined;
  logger: Logger;
  /** Ends the retries (server shutdown). */
  signal: AbortSignal;
  /** The wait after the n-th failed attempt (0-based): 1 s doubling to 60 s by default. */
  retryDelayMs?: ((attempt: number) => number) | undefined;
  /** The HTTP client for the provider (tests count or fail requests with it). */
  fetch?: typeof fetch | undefined;
}

/**
 * The provider's metadata (OpenID Connect Discovery 1.0), fetched once and kept. Start-up
 * never waits for it: `start` tries in the background and keeps retrying with a growing
 * delay, logging each failure, and until it succeeds single sign-on answers 503 (`require`)
 * while API tokens keep working. The issuer in the metadata must be the configured one
 * (openid-client checks it), so a misconfigured URL fails loudly here, not at sign-in.
 */
export class IssuerDiscovery {
  readonly issuerUrl: string;
  readonly #options: IssuerDiscoveryOptions;
  #configuration: client.Configuration | undefined;
  #started = false;
  readonly #ready: Promise<client.Configuration>;
  #resolveReady!: (configuration: client.Configuration) => void;

  constructor(options: IssuerDiscoveryOptions) {
    this.issuerUrl = options.issuerUrl;
    this.#options = options;
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  /** Starts discovering in the background (once); never throws. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#run();
  }

  /** The discovered configuration, or undefined while the provider has not answered. */
  current(): client.Configuration | undefined {
    return this.#configuration;
  }

  /** The discovered configuration; Unavailable (503) saying why while there is none. */
  require(): client.Configuration {
    if (this.#configuration) return this.#configuration;
    throw unavailableError(
      `single sign-on is not available yet: the OpenID provider ${this.issuerUrl} has not answered discovery; the server keeps trying (its log says why), and API tokens still work`,
    );
  }

  /** Resolves once discovery has succeeded (for tests and diagnostics). */
  ready(): Promise<client.Configuration> {
    return this.#ready;
  }

  async #run(): Promise<void> {
    const { logger, signal } = this.#options;
    const delay = this.#options.retryDelayMs ?? ((n: number) => Math.min(60_000, 1000 * 2 ** n));
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const configuration = await this.#discover();
        // ID tokens from the code exchange are checked against the provider's keys too, not
        // only their claims (openid-client relies on TLS alone by default).
        client.enableNonRepudiationChecks(configuration);
        this.#configuration = configuration;
        this.#resolveReady(configuration);
        logger.info('single sign-on ready', {
          issuer: configuration.serverMetadata().issuer,
          attempts: attempt + 1,
        });
        return;
      } catch (err) {
        if (signal.aborted) return;
        const retryInMs = delay(attempt);
        logger.warn('single sign-on unavailable: cannot discover the OpenID provider; retrying', {
          issuer: this.issuerUrl,
          error: errorMessage(err),
          attempt: attempt + 1,
          retryInMs,
        });
        await sleep(retryInMs, undefined, { signal, ref: false }).catch(() => undefined);
      }
    }
  }

  async #discover(): Promise<client.Configuration> {
    const { issuerUrl, clientId, clientSecret } = this.#options;
    const url = new URL(issuerUrl);
    return client.discovery(
      url,
      clientId,
      clientSecret === undefined ? undefined : { client_secret: clientSecret },
      clientSecret === undefined ? client.None() : client.ClientSecretBasic(clientSecret),
      {
        // A provider on plain http (a test, a cluster-internal Dex) is the operator's choice.
        ...(url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
        ...(this.#options.fetch ? { [client.customFetch]: this.#options.fetch } : {}),
        timeout: 10,
      },
    );
  }
}
