import type { WarehouseStatus } from '../api/warehouse.js';

/** Username and password (or token) for one repository, from the project's Secrets. */
export interface DiscoveryCredentials {
  username: string;
  password: string;
}

export type CredentialKind = 'git' | 'image' | 'helm';

/** What a subscriber gets from the Warehouse controller for one discovery. */
export interface DiscoveryContext {
  /** The project the Warehouse is in (credentials are the project's). */
  project: string;
  credentialsFor(kind: CredentialKind, url: string): Promise<DiscoveryCredentials | undefined>;
  signal: AbortSignal;
  /**
   * True for an explicit refresh (CLI, annotation, webhook): re-check what interval
   * discoveries trust from the last one (an unchanged tag's digest, unmoved git refs).
   */
  revalidate: boolean;
  now(): Date;
}

type Discovered = NonNullable<WarehouseStatus['discoveredArtifacts']>;
/** One image subscription's candidates, best first, as stored in the Warehouse status. */
export type DiscoveredImages = NonNullable<Discovered['images']>[number];
/** One git subscription's candidates, best first, plus the refs observed (to skip fetches). */
export type DiscoveredCommits = NonNullable<Discovered['git']>[number];
/** One chart subscription's versions, best first. */
export type DiscoveredCharts = NonNullable<Discovered['charts']>[number];

/**
 * A failure of one subscription's discovery, in plain words for the Warehouse's conditions
 * (`image 127.0.0.1:5000/team/api: registry answered 401: no credentials matched this
 * repository`). `transient` failures (network, 5xx, 429) are retried sooner.
 */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
  /** The registry or repository answered that the thing asked for does not exist (404). */
  readonly notFound: boolean;
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown; notFound?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.notFound = options?.notFound ?? false;
  }
}
