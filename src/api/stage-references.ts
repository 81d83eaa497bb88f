import type { StageSpec } from './stage.js';

/** Reasons of a Stage's `Ready=False` condition when what it requests Freight from is missing. */
export const MISSING_WAREHOUSE = 'MissingWarehouse';
export const MISSING_UPSTREAM_STAGE = 'MissingUpstreamStage';
export const REFERENCE_REASONS: ReadonlySet<string> = new Set([
  MISSING_WAREHOUSE,
  MISSING_UPSTREAM_STAGE,
]);

/** One Warehouse or upstream Stage a Stage requests Freight from that does not exist. */
export interface StageReferenceProblem {
  reason: typeof MISSING_WAREHOUSE | typeof MISSING_UPSTREAM_STAGE;
  /** Where in the Stage it is named, e.g. `spec.requestedFreight[0].origin.name`. */
  path: string;
  /** `requests Freight from Warehouse "frontnd", which does not exist in project "frontend"` */
  message: string;
}

/**
 * What a Stage requests Freight from that does not exist in its project. Kargo accepts such a
 * Stage (objects may arrive in any order), so these are warnings at apply time and a problem
 * in the Stage's status until the Warehouse or Stage appears.
 */
export function stageReferenceProblems(
  project: string,
  spec: Pick<StageSpec, 'requestedFreight'>,
  exists: { warehouse(name: string): boolean; stage(name: string): boolean },
): StageReferenceProblem[] {
  const problems: StageReferenceProblem[] = [];
  const seen = new Set<string>();
  (spec.requestedFreight ?? []).forEach((request, index) => {
    const origin = request.origin;
    if (origin.kind === 'Warehouse' && !exists.warehouse(origin.name))
      problems.push({
        reason: MISSING_WAREHOUSE,
        path: `spec.requestedFreight[${index}].origin.name`,
        message: `requests Freight from Warehouse "${origin.name}", which does not exist in project "${project}"`,
      });
    (request.sources.stages ?? []).forEach((upstream, at) => {
      if (exists.stage(upstream) || seen.has(upstream)) return;
      seen.add(upstream);
      problems.push({
        reason: MISSING_UPSTREAM_STAGE,
        path: `spec.requestedFreight[${index}].sources.stages[${at}]`,
        message: `requests Freight from upstream Stage "${upstream}", which does not exist in project "${project}"`,
      });
    });
  });
  return problems;
}
