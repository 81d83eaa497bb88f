import type { StoredResource } from './resource.js';
import { nameOrderFor } from './name-order.js';

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
    const group = byProject.get(project);
    if (group) group.push(stage);
    else byProject.set(project, [stage]);
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
  const CYCLE = Number.POSITIVE_INFINITY;
  // Depth-first without recursion (a chain of 10,000 Stages is 10,000 levels deep): a name is
  // on the path while its upstreams are being measured; meeting it again there is a cycle.
  const onPath = new Set<string>();
  const path: Array<{ name: string; next: number; deepest: number }> = [];
  const enter = (name: string) => {
    onPath.add(name);
    path.push({ name, next: 0, deepest: -1 });
  };
  const depthOf = (start: string): number => {
    enter(start);
    let result = 0;
    while (path.length > 0) {
      const frame = path[path.length - 1]!;
      const above = upstreams.get(frame.name) ?? [];
      if (frame.next < above.length) {
        const upstream = above[frame.next++]!;
        const known = depth.get(upstream);
        if (known !== undefined) frame.deepest = Math.max(frame.deepest, known);
        else if (onPath.has(upstream)) frame.deepest = CYCLE;
        else enter(upstream);
        continue;
      }
      result = frame.deepest + 1;
      depth.set(frame.name, result);
      onPath.delete(frame.name);
      path.pop();
      const below = path[path.length - 1];
      if (below) below.deepest = Math.max(below.deepest, result);
    }
    return result;
  };
  // Sort keys computed once per Stage, not once per comparison.
  const keyed = stages.map((stage) => {
    const name = stage.metadata.name;
    return { stage, name, depth: depth.get(name) ?? depthOf(name) };
  });
  const compareNames = nameOrderFor(keyed.map((entry) => entry.name));
  // Two Stages in a cycle differ by NaN (Infinity - Infinity), which falls through to names.
  keyed.sort((a, b) => a.depth - b.depth || compareNames(a.name, b.name));
  return keyed.map((entry) => entry.stage);
}
