import type { StoredResource } from './resource.js';

interface StageLike {
  metadata: { name: string; namespace?: string | undefined };
  spec?: unknown;
}

/**
 * Stages in pipeline order, as a person reads a pipeline: those fed by a Warehouse first, then
 * each Stage after every Stage it takes Freight from (by its longest path from a Warehouse),
 * ties alphabetical. An upstream that does not exist is ignored; Stages in a cycle come last,
 * alphabetically. Stages of several projects stay grouped by project, projects alphabetical.
 */
export function pipelineOrder<T extends StageLike = StoredResource>(stages: readonly T[]): T[] {
  const byProject = new Map<string, T[]>();
  for (const stage of stages) {
    const project = stage.metadata.namespace ?? '';
    byProject.set(project, [...(byProject.get(project) ?? []), stage]);
  }
  return [...byProject.keys()]
    .sort()
    .flatMap((project) => orderOneProject(byProject.get(project)!));
}

function upstreamsOf(stage: StageLike): string[] {
  const requested = (stage.spec as { requestedFreight?: unknown } | undefined)?.requestedFreight;
  if (!Array.isArray(requested)) return [];
  return requested.flatMap((request) => {
    const upstream = (request as { sources?: { stages?: unknown } }).sources?.stages;
    return Array.isArray(upstream)
      ? upstream.filter((s): s is string => typeof s === 'string')
      : [];
  });
}

function orderOneProject<T extends StageLike>(stages: T[]): T[] {
  const names = new Set(stages.map((s) => s.metadata.name));
  const upstreams = new Map(
    stages.map((s) => [s.metadata.name, upstreamsOf(s).filter((u) => names.has(u))]),
  );
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const CYCLE = Number.POSITIVE_INFINITY;
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return CYCLE;
    visiting.add(name);
    const above = upstreams.get(name) ?? [];
    const value = above.length === 0 ? 0 : Math.max(...above.map(depthOf)) + 1;
    visiting.delete(name);
    depth.set(name, value);
    return value;
  };
  // Two Stages in a cycle differ by NaN (Infinity - Infinity), which falls through to names.
  return [...stages].sort(
    (a, b) =>
      depthOf(a.metadata.name) - depthOf(b.metadata.name) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}
