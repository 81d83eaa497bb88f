import type { Condition, Resource } from '../../api/types.js';

/** A condition with the times Gantry records on it. */
export interface TimedCondition extends Condition {
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/**
 * A Warehouse as the API serves it: Kargo's spec, and the status Gantry's discovery writes
 * (src/api/warehouse.ts, warehouseStatusSchema). Loose: the UI shows what is there.
 */
export interface Warehouse extends Resource {
  spec?: {
    interval?: string;
    freightCreationPolicy?: string;
    freightCreationCriteria?: { expression?: string };
    subscriptions?: Subscription[];
  };
  status?: {
    conditions?: TimedCondition[];
    observedGeneration?: number;
    lastHandledRefresh?: string;
    lastFreightID?: string;
    discoveredArtifacts?: DiscoveredArtifacts;
  };
}

/** One subscription: `image`, `git`, `chart`, or a generic type Gantry cannot discover. */
export type Subscription = { name?: string } & Record<string, unknown>;

export interface DiscoveredArtifacts {
  discoveredAt?: string;
  images?: Array<{
    repoURL: string;
    platform?: string;
    subscriptionName?: string;
    references?: Array<{ tag: string; digest: string; createdAt?: string }>;
  }>;
  git?: Array<{
    repoURL: string;
    subscriptionName?: string;
    commits?: Array<{
      id: string;
      branch?: string;
      tag?: string;
      subject?: string;
      author?: string;
      creatorDate?: string;
    }>;
  }>;
  charts?: Array<{
    repoURL: string;
    name?: string;
    subscriptionName?: string;
    versions?: string[];
  }>;
}

/** `POST …/warehouses/NAME/refresh` answers the token the controller will echo. */
export interface RefreshAnswer {
  token: string;
  warehouse: Warehouse;
}
