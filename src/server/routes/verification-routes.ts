import { randomBytes } from 'node:crypto';
import { principalOf, promoteStageAccess, type RouteGuard } from '../guarded-routes.js';
import type { StageStatus } from '../../api/stage.js';
import {
  ABORT_VERIFICATION_ANNOTATION,
  REVERIFY_ANNOTATION,
} from '../../controllers/stage-verification.js';
import { inputError } from '../../errors.js';
import type { ResourceService } from '../../resources/resource-service.js';

/**
 * - `POST /v1/projects/:project/stages/:stage/verification`: verify the Stage's current
 *   Freight again (Kargo's reverify annotation with a new token).
 * - `POST …/verification/abort`: abort the verification running now.
 */
export function registerVerificationRoutes(
  routes: RouteGuard,
  deps: { service: ResourceService },
): void {
  const path = '/v1/projects/:project/stages/:stage/verification';
  const promoteStage = promoteStageAccess;
  const stageKey = (project: string, name: string) => ({ kind: 'Stage', namespace: project, name });

  routes.post(path, promoteStage, async (c) => {
    const key = stageKey(c.req.param('project'), c.req.param('stage'));
    const stage = await deps.service.get(key);
    if (!(stage.status as StageStatus | undefined)?.freightHistory?.[0])
      throw inputError(`Stage "${key.name}" has no Freight to verify yet`);
    const token = `${new Date().toISOString()}.${randomBytes(3).toString('hex')}`;
    await deps.service.patchMetadata(
      key,
      { annotations: { [REVERIFY_ANNOTATION]: token } },
      { actor: principalOf(c).actor, action: 'verify' },
    );
    return c.json({ id: `reverify-${token}` });
  });

  routes.post(`${path}/abort`, promoteStage, async (c) => {
    const key = stageKey(c.req.param('project'), c.req.param('stage'));
    const stage = await deps.service.get(key);
    const running = (stage.status as StageStatus | undefined)?.freightHistory?.[0]
      ?.verificationHistory?.[0];
    if (!running || running.phase !== 'Running' || !running.id)
      throw inputError(`Stage "${key.name}" has no verification running`);
    await deps.service.patchMetadata(
      key,
      { annotations: { [ABORT_VERIFICATION_ANNOTATION]: running.id } },
      { actor: principalOf(c).actor, action: 'abort-verification' },
    );
    return c.json({ id: running.id });
  });
}
