import { originKey } from '../api/common.js';
import { freightAvailability } from '../api/freight-availability.js';
import type { Freight, FreightStatus } from '../api/freight.js';
import { newestFirst } from '../api/freight-order.js';
import type { ProjectConfig } from '../api/project-config.js';
import type { StoredResource } from '../api/resource.js';
import type { FreightRequest, StageSpec, StageStatus } from '../api/stage.js';
import { matchesStageSelector } from '../api/stage-selector.js';

/** The Freight auto-promotion would move into one request slot of a Stage, or why none. */
export type Candidate =
  | { origin: string; freight: StoredResource; reason?: undefined }
  | { origin: string; freight?: undefined; reason: string };

/**
 * Whether the project's promotion policies enable auto-promotion for the Stage. As in Kargo
 * this lives in the ProjectConfig, not the Stage: whoever may edit a Stage cannot grant it
 * auto-promotion. The first policy that selects the Stage decides.
 */
export function autoPromotionEnabled(
  config: ProjectConfig | undefined,
  stage: StoredResource,
): boolean {
  for (const policy of config?.spec?.promotionPolicies ?? []) {
    const selector = policy.stageSelector ?? { name: policy.stage };
    if (
      matchesStageSelector(selector, { name: stage.metadata.name, labels: stage.metadata.labels })
    )
      return policy.autoPromotionEnabled;
  }
  return false;
}

/**
 * The candidate of one request slot: with `NewestFreight` (the default) the newest available
 * Freight of the origin (by discovery time); with `MatchUpstream` the Freight the one
 * upstream Stage runs now, if it is available here.
 */
export function candidateFor(
  stage: StoredResource,
  request: FreightRequest,
  freight: StoredResource[],
  stages: Map<string, StoredResource>,
  now: Date,
): Candidate {
  const origin = originKey(request.origin);
  const spec = stage.spec as StageSpec;
  const rejected = (item: StoredResource) =>
    item.metadata.annotations?.[`rejected.gantry.io/${stage.metadata.name}`] !== undefined;
  const available = (item: StoredResource) =>
    !rejected(item) &&
    freightAvailability(
      { name: stage.metadata.name, spec },
      {
        origin: (item as unknown as Freight).origin,
        status: item.status as FreightStatus | undefined,
      },
      now,
    ).available;
  if (request.sources.autoPromotionOptions?.selectionPolicy === 'MatchUpstream') {
    const upstream = request.sources.stages?.[0] ?? '';
    const name = (stages.get(upstream)?.status as StageStatus | undefined)?.freightHistory?.[0]
      ?.items?.[origin]?.name;
    const match = freight.find((item) => item.metadata.name === name);
    if (!match) return { origin, reason: `${upstream} runs no Freight from ${origin} yet` };
    if (!available(match))
      return { origin, reason: `the Freight ${upstream} runs is not available here yet` };
    return { origin, freight: match };
  }
  const newest = freight
    .filter((item) => originKey((item as unknown as Freight).origin) === origin)
    .sort(newestFirst)
    .find(available);
  return newest
    ? { origin, freight: newest }
    : { origin, reason: `no available Freight from ${origin}` };
}

/** The Freight the Stage runs now from `origin`, if any. */
export function currentFreight(stage: StoredResource, origin: string): string | undefined {
  return (stage.status as StageStatus | undefined)?.freightHistory?.[0]?.items?.[origin]?.name;
}
