import type { Freight, FreightReference, Stage } from '../../api/types.js';

/** The Freight a Stage runs now, one per origin. */
export function currentFreightOf(stage: Stage): FreightReference[] {
  return Object.values(stage.status?.freightHistory?.[0]?.items ?? {});
}

/** Newest first, by creation time then name (Freight names are fingerprints, not times). */
export function newestFirst(freight: Freight[]): Freight[] {
  return [...freight].sort(
    (a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}

export interface FreightMarkers {
  /** Stages running it now. */
  in: string[];
  verifiedIn: string[];
  approvedFor: string[];
}

/** Where a Freight is: running in, verified in, approved for (each sorted). */
export function markersOf(freight: Freight, stages: Stage[]): FreightMarkers {
  const running = stages
    .filter((s) => currentFreightOf(s).some((item) => item.name === freight.metadata.name))
    .map((s) => s.metadata.name);
  return {
    in: running.sort(),
    verifiedIn: Object.keys(freight.status?.verifiedIn ?? {}).sort(),
    approvedFor: Object.keys(freight.status?.approvedFor ?? {}).sort(),
  };
}

/** The alias of a Freight by name, for showing references. */
export function aliasIndex(freight: Freight[]): Map<string, string> {
  return new Map(freight.map((f) => [f.metadata.name, f.alias ?? f.metadata.name.slice(0, 7)]));
}
