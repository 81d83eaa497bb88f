import type { ProjectConfig } from '../api/project-config.js';
import type { StoredResource } from '../api/resource.js';
import { matchesStageSelector } from '../api/stage-selector.js';
import type { StageStatus } from '../api/stage.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { ROLLBACK_ANNOTATION, type StageActions } from '../resources/stage-actions.js';
import type { Store } from '../store/store.js';
import type { VerificationInfo } from './stage-verification.js';

export const AUTO_ROLLBACK_ACTOR = 'system:auto-rollback';

/**
 * `autoRollback` of a promotion policy: when a Stage's verification ends in one of the
 * phases it names (default Failed), the Stage is rolled back to its previous verified
 * Freight, the failed Freight is marked rejected for the Stage (auto-promotion skips it),
 * and auto-promotion is held until someone resumes. A rollback is never rolled back.
 */
export async function autoRollback(
  deps: { store: Store; stageActions: StageActions; logger: Logger },
  project: string,
  stage: StoredResource,
  info: VerificationInfo,
): Promise<void> {
  const config = (await deps.store.get({
    kind: 'ProjectConfig',
    namespace: project,
    name: project,
  })) as (StoredResource & ProjectConfig) | undefined;
  const policy = config?.spec?.promotionPolicies?.find((p) =>
    matchesStageSelector(p.stageSelector ?? { name: p.stage }, {
      name: stage.metadata.name,
      labels: stage.metadata.labels,
    }),
  );
  const phases: string[] = policy?.autoRollback?.onVerification ?? [];
  if (!policy?.autoRollback || !phases.includes(info.phase ?? '')) return;
  const last = (stage.status as StageStatus | undefined)?.lastPromotion?.name;
  if (last) {
    const promotion = await deps.store.get({ kind: 'Promotion', namespace: project, name: last });
    if (promotion?.metadata.annotations?.[ROLLBACK_ANNOTATION] === 'true') {
      deps.logger.warn('verification of a rollback failed; not rolling back again', {
        project,
        stage: stage.metadata.name,
      });
      return;
    }
  }
  try {
    const result = await deps.stageActions.rollback(project, stage.metadata.name, {
      actor: AUTO_ROLLBACK_ACTOR,
      reason: `verification ${info.phase} in ${stage.metadata.name}: ${info.message ?? ''}`.slice(
        0,
        250,
      ),
    });
    deps.logger.info('auto-rollback', {
      project,
      stage: stage.metadata.name,
      from: result.from,
      to: result.to.metadata.name,
    });
  } catch (err) {
    deps.logger.warn('auto-rollback impossible', {
      project,
      stage: stage.metadata.name,
      error: errorMessage(err),
    });
  }
}
