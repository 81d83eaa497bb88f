import type { Freight, FreightStatus } from '../api/freight.js';
import { freightAvailability } from '../api/freight-availability.js';
import { OVERRIDE_ANNOTATION, promotionGate } from '../api/promotion-gates.js';
import type { ProjectConfigSpec } from '../api/project-config.js';
import type { PromotionTaskSpec } from '../api/promotion-task.js';
import type { Resource, StoredResource } from '../api/resource.js';
import type { StageSpec } from '../api/stage.js';
import { STAGE_LABEL } from '../api/labels.js';
import { inflateSteps } from '../engine/inflate-steps.js';
import { conflictError, inputError } from '../errors.js';
import { deepEqualJson } from '../api/canonical-json.js';

export const CREATE_ACTOR_ANNOTATION = 'kargo.akuity.io/create-actor';

/** What Promotion admission needs to read. */
export interface PromotionLookups {
  stage(name: string): Promise<StoredResource | Resource | undefined>;
  freight(nameOrAlias: string): Promise<StoredResource | Resource | undefined>;
  task(
    name: string,
    kind: 'PromotionTask' | 'ClusterPromotionTask',
  ): Promise<PromotionTaskSpec | undefined>;
  /** The project and its ProjectConfig, for freezes and promotion windows. */
  project(): Promise<StoredResource | undefined>;
  config(): Promise<StoredResource | Resource | undefined>;
}

/**
 * Kargo's admission of a new Promotion: the Stage must exist and have steps; the Freight (by
 * name or alias) must exist and come from an origin the Stage requests; the name becomes
 * `<stage>.<ulid>.<first 7 of the freight>`; the steps and vars are copied from the Stage's
 * template with PromotionTasks inflated. The Freight must be available to the Stage
 * (freight-availability.ts): verified upstream and soaked, direct, or approved.
 */
export async function admitNewPromotion(
  promotion: Resource,
  lookups: PromotionLookups,
  options: { ulid: () => string; now: Date; actor?: string | undefined },
): Promise<Resource> {
  const spec = promotion.spec as { stage: string; freight?: string; origin?: unknown };
  const issue = (path: string, message: string): never => {
    throw inputError(`${path}: ${message}`, [{ path, message }]);
  };
  const stage = await lookups.stage(spec.stage);
  if (!stage)
    issue(
      'spec.stage',
      `Stage "${spec.stage}" does not exist in project "${promotion.metadata.namespace ?? ''}"`,
    );
  const stageSpec = stage!.spec as StageSpec;
  const template = stageSpec.promotionTemplate?.spec;
  if (!template?.steps || template.steps.length === 0) {
    issue(
      'spec.stage',
      `Stage "${spec.stage}" defines no promotion steps (a control-flow Stage is never promoted to)`,
    );
  }
  if (!spec.freight)
    issue(
      'spec.freight',
      'required: the Freight to promote (promoting by origin comes with auto-promotion)',
    );
  const freight = await lookups.freight(spec.freight!);
  if (!freight)
    issue(
      'spec.freight',
      `Freight "${spec.freight}" does not exist in project "${promotion.metadata.namespace ?? ''}" (by name or alias)`,
    );
  const origin = (freight as unknown as Freight).origin;
  if (
    !stageSpec.requestedFreight.some(
      (request) => request.origin.kind === origin.kind && request.origin.name === origin.name,
    )
  ) {
    issue(
      'spec.freight',
      `Freight "${spec.freight}" comes from ${origin.kind} "${origin.name}", which Stage "${spec.stage}" does not request`,
    );
  }
  const availability = freightAvailability(
    { name: spec.stage, spec: stageSpec },
    { origin, status: freight!.status as FreightStatus | undefined },
    options.now,
  );
  // A rollback returns to Freight the Stage verified before: it needs no fresh availability.
  const rollback =
    promotion.metadata.annotations?.['kargo.akuity.io/rollback'] === 'true' &&
    !!(freight!.status as FreightStatus | undefined)?.verifiedIn?.[spec.stage];
  if (!availability.available && !rollback)
    issue(
      'spec.freight',
      `Freight "${spec.freight}" is not available to Stage "${spec.stage}": ${availability.reason}`,
    );
  // Freezes and closed windows stop promotions, except rollbacks (which restore a known-good
  // state) and promotions someone explicitly overrides (recorded on the Promotion).
  const override = promotion.metadata.annotations?.[OVERRIDE_ANNOTATION];
  if (!rollback && !override) {
    const gate = promotionGate(
      await lookups.project(),
      (await lookups.config()) as { spec?: ProjectConfigSpec } | undefined,
      { name: spec.stage, labels: stage!.metadata.labels },
      options.now,
    );
    if (!gate.open)
      issue('spec.stage', `${gate.reason}; promote with --override "<why>" to go ahead anyway`);
  }
  const tasks = new Map<string, PromotionTaskSpec>();
  for (const step of template!.steps ?? []) {
    if (!step.task) continue;
    const kind = step.task.kind ?? 'PromotionTask';
    const task = await lookups.task(step.task.name, kind);
    if (task) tasks.set(`${kind}/${step.task.name}`, task);
  }
  const inflated = inflateSteps(stageSpec.vars, template!, ({ name, kind }) =>
    tasks.get(`${kind}/${name}`),
  );
  const freightName = freight!.metadata.name;
  const name = `${spec.stage.slice(0, 218).replace(/[.-]+$/, '')}.${options.ulid().toLowerCase()}.${freightName.slice(0, 7)}`;
  return {
    ...promotion,
    metadata: {
      ...promotion.metadata,
      name,
      labels: {
        ...promotion.metadata.labels,
        [STAGE_LABEL]: spec.stage.slice(0, 63).replace(/[^A-Za-z0-9]+$/, ''),
      },
      annotations: {
        ...promotion.metadata.annotations,
        ...(options.actor ? { [CREATE_ACTOR_ANNOTATION]: options.actor } : {}),
      },
    },
    spec: {
      stage: spec.stage,
      freight: freightName,
      vars: inflated.vars,
      steps: inflated.steps,
    },
  };
}

/** A Promotion's spec never changes after creation (Kargo's webhook enforces the same). */
export function promotionSpecImmutable(before: StoredResource | undefined, after: Resource): void {
  if (before && !deepEqualJson(before.spec, after.spec)) {
    throw conflictError(
      `Promotion "${before.metadata.name}" is immutable: its spec cannot change (abort it and promote again)`,
    );
  }
}
