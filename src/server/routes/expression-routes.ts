import type { Hono } from 'hono';
import type { ExpressionVariable } from '../../api/common.js';
import { ALIAS_LABEL } from '../../api/labels.js';
import type { StageSpec } from '../../api/stage.js';
import { projectLookups } from '../../controllers/project-lookups.js';
import { freightReference } from '../../controllers/stage-promotion-status.js';
import { evaluateInContext } from '../../engine/evaluate-in-context.js';
import { inputError } from '../../errors.js';
import { isExprError } from '../../expr/expr-error.js';
import { toJsonValue } from '../../expr/values.js';
import type { ResourceService } from '../../resources/resource-service.js';
import { readJsonBody } from '../request-body.js';

/**
 * `POST /v1/projects/{project}/expressions` with `{"expression", "stage"?, "freight"?}`:
 * evaluates against the real context — the Stage's vars, the Freight's artifacts — and
 * answers `{"value": …}` without running anything. Freight is named by name or alias.
 */
export function registerExpressionRoutes(app: Hono, deps: { service: ResourceService }): void {
  app.post('/v1/projects/:project/expressions', async (c) => {
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
    if (typeof body.stage === 'string') {
      const stage = await deps.service.get({ kind: 'Stage', namespace: project, name: body.stage });
      const spec = stage.spec as StageSpec;
      vars = [...(spec.vars ?? []), ...(spec.promotionTemplate?.spec.vars ?? [])];
    }
    let freight;
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
    try {
      const lookups = await projectLookups(deps.service, project, false);
      const value = evaluateInContext(body.expression, {
        lookups,
        project,
        stage: body.stage as string | undefined,
        vars,
        freight,
      });
      return c.json({ value: toJsonValue(value) });
    } catch (err) {
      if (isExprError(err))
        throw inputError(err.message, [{ path: 'expression', message: err.message }]);
      throw err;
    }
  });
}
