import type { WebhookProviderName } from '../../api/project-config.js';

/** An incoming webhook call, as the provider modules see it. Header names are lower-case. */
export interface WebhookRequest {
  headers: Record<string, string>;
  /** The raw body, exactly as received: signatures are computed over these bytes. */
  body: Buffer;
}

/** A repository an event names, to find the Warehouses subscribed to it. */
export interface RepositoryRef {
  type: 'git' | 'image' | 'chart';
  /** As the event names it; matching normalises it (normalizeGitUrl / Image / Chart). */
  url: string;
}

/** What a call asks for. Malformed payloads throw an input error (answered 400). */
export type WebhookOutcome =
  | { kind: 'ping'; message: string }
  | {
      kind: 'refresh';
      repositories: RepositoryRef[];
      /** For git pushes that list changed files: Warehouses whose paths match none are skipped. */
      changedPaths?: string[] | undefined;
      /** One line for logs and the response, e.g. `push to refs/heads/main of acme/gitops`. */
      description: string;
    }
  | {
      /**
       * A pull request was merged or closed: Promotions waiting on it (git-wait-for-pr, whose
       * state records the pull request's web page) look again at once instead of at their next
       * poll.
       */
      kind: 'pull-request';
      /** The pull request's web page, as the host's API reports it (`html_url`, `web_url`). */
      urls: string[];
      description: string;
    }
  | { kind: 'ignored'; reason: string };

/**
 * One webhook provider (GitHub, GitLab, Docker Hub, …): how a call is authenticated with the
 * receiver's Secret, and which repositories it names. Pure: no I/O. Listed explicitly in
 * webhook-providers.ts.
 */
export interface WebhookProvider {
  name: Exclude<WebhookProviderName, 'generic'>;
  /** The key of the receiver's Secret that holds its secret (`secret`, `secret-token`, …). */
  secretKey: string;
  /**
   * Checks the call against the secret: undefined when authentic, else why not (answered
   * 401). Providers whose only protection is the unguessable URL accept every call.
   */
  verify(request: WebhookRequest, secret: string): string | undefined;
  parse(request: WebhookRequest): WebhookOutcome;
}
