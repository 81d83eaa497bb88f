import type { RouteGuard } from '../guarded-routes.js';
import type { ExpressionVariable } from '../../api/common.js';
import { ALIAS_LABEL } from '../../api/labels.js';
import { SecretSet, secretDataValues } from '../../api/secret-set.js';
import type { FreightReference } from '../../api/common.js';
import type { StageSpec, StageStatus } from '../../api/stage.js';
import { projectLookups } from '../../controllers/project-lookups.js';
import { freightReference, requestedOrigins } from '../../controllers/stage-promotion-status.js';
import { evaluateInContext } from '../../engine/evaluate-in-context.js';
import { inputError } from '../../errors.js';
import { isExprError } from '../../expr/expr-error.js';
import { toJsonValue } from '../../expr/values.js';
import type { ResourceService } from '../../resources/resource-service.js';
import { readJsonBody } from '../request-body.js';

/**
 * `POST /v1/projects/{project}/expressions` with `{"expression", "stage"?, "freight"?}`:
 * evaluates against the real context — the Stage's vars, current Freight and requested
 * origins, the Freight's artifacts — and answers `{"value": …}` without running anything. Freight is named by name or alias.
 * secret() is not available here, and whatever else would answer a value of one of the
 * project's Secrets (metadata a step recorded, a var holding a literal token) is masked.
 */
export function registerExpressionRoutes(
  routes: RouteGuard,
  deps: { service: ResourceService },
): void {
  // Evaluation reads the project's Stages, Freight, Warehouses (which origin provides an
  // artifact) and ConfigMaps (configMap()), never its Secrets: secret() is not given values here.
  const readProject = {
    kind: 'check' as const,
    requests: (c: import('hono').Context) =>
      (['stages', 'freight', 'warehouses', 'configmaps'] as const).map((resource) => ({
        verb: 'get' as const,
        resource,
        project: c.req.param('project'),
      })),
  };
  routes.post('/v1/projects/:project/expressions', readProject, async (c) => {
    const project = c.req.param('project');
    const body = (await readJsonBody(c)) as {
      expression?: unknown;
      stage?: unknown;
      freight?: unknown;
    };
    if (typeof body?.expression !== 'string' || body.expression === '') {
      throw inputError('expression: required (a string)', [
        { path: 'expression', message: 'required' },
      ]);
    }
    await deps.service.get({ kind: 'Project', namespace: '', name: project });
    let vars: ExpressionVariable[] = [];
    // With a Stage, imageFrom() & co. see what a promotion to it sees: its current Freight and
    // the origins it requests. Without one they look through the Freight given alone.
    let stageFreight: FreightReference[] = [];
    let freightRequests: ReturnType<typeof requestedOrigins> | undefined;
    if (typeof body.stage === 'string') {
      const stage = await deps.service.get({ kind: 'Stage', namespace: project, name: body.stage });
      const spec = stage.spec as StageSpec;
      vars = [...(spec.vars ?? []), ...(spec.promotionTemplate?.spec.vars ?? [])];
      stageFreight = Object.values(
        (stage.status as StageStatus | undefined)?.freightHistory?.[0]?.items ?? {},
      );
      freightRequests = requestedOrigins(stage);
    }
    let freight: (FreightReference & { alias?: string | undefined }) | undefined;
    if (typeof body.freight === 'string') {
      const found = await deps.service
        .get({ kind: 'Freight', namespace: project, name: body.freight })
        .catch(
          async () =>
            (
              await deps.service.list('Freight', {
                namespace: project,
                labelSelector: [
                  {
                    key: ALIAS_LABEL,
                    operator: 'In',
                    values: [body.freight as string],
                  },
                ],
              })
            ).items[0],
        );
      if (!found)
        throw inputError(
          `freight: Freight "${body.freight}" does not exist in project "${project}" (by name or alias)`,
          [{ path: 'freight', message: 'not found' }],
        );
      freight = { ...freightReference(found), alias: found.alias as string | undefined };
    }
    // Secrets are read only to be masked: the expression cannot read them (secret(),
    // sharedSecret() and repoCredentials() say so), but a value equal to one is still hidden.
    const {
      secrets: projectSecrets,
      sharedSecrets,
      repoCredentials: _credentials,
      ...lookups
    } = await projectLookups(deps.service, project, true);
    const secrets = new SecretSet([
      ...Object.values(projectSecrets ?? {}).flatMap((data) => secretDataValues(data)),
      ...Object.values(sharedSecrets ?? {}).flatMap(({ data }) => secretDataValues(data)),
    ]);
    try {
      const value = evaluateInContext(body.expression, {
        lookups,
        project,
        stage: body.stage as string | undefined,
        vars,
        freight,
        otherFreight: stageFreight.filter((item) => item.origin?.name !== freight?.origin?.name),
        freightRequests,
      });
      return c.json({ value: secrets.mask(toJsonValue(value)) });
    } catch (err) {
      if (isExprError(err)) {
        const message = secrets.maskText(err.message);
        throw inputError(message, [{ path: 'expression', message }]);
      }
      throw err;
    }
  });
}
