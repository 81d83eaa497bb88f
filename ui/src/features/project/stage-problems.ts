import type { Stage } from '../../api/types.js';

/** The reasons the server gives a Stage whose Warehouse or upstream Stage does not exist. */
const MISSING_REFERENCE = new Set(['MissingWarehouse', 'MissingUpstreamStage']);

/**
 * What a Stage requests Freight from that does not exist, in words for its card
 * (`requests Freight from Warehouse "frontnd", which does not exist in project "shop"`), or
 * undefined. The server keeps it in the Stage's Ready condition until the Warehouse or Stage
 * exists; without it the Stage floats unconnected in the pipeline.
 */
export function missingReference(stage: Stage): string | undefined {
  const ready = stage.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status !== 'False' || !MISSING_REFERENCE.has(ready.reason ?? ''))
    return undefined;
  return ready.message || ready.reason;
}
