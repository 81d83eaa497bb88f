import type { ExpressionVariable, PromotionStep } from '../api/common.js';
import type { PromotionTaskSpec } from '../api/promotion-task.js';
import { inputError } from '../errors.js';

/** Looks up a PromotionTask (in the project) or ClusterPromotionTask by reference. */
export type TaskLookup = (reference: {
  name: string;
  kind: 'PromotionTask' | 'ClusterPromotionTask';
}) => PromotionTaskSpec | undefined;

export interface InflatedTemplate {
  vars: ExpressionVariable[];
  steps: PromotionStep[];
}

/** Separates a task step's alias from its inner steps' aliases, as Kargo does. */
export const TASK_ALIAS_SEPARATOR = '::';

/**
 * Turns a Stage's promotion template into a Promotion's steps, as Kargo's admission does:
 * promotion vars are the Stage's vars followed by the template's; every step that references a
 * (Cluster)PromotionTask is replaced by the task's steps, aliased `<task alias>::<step alias>`,
 * each carrying the task's var defaults (unless a promotion var of that name has a value), then
 * the referencing step's vars, then its own; a task var without a value that nothing supplies
 * is an error. Steps without an alias get `step-<n>` (and task references `task-<n>`).
 */
export function inflateSteps(
  stageVars: ExpressionVariable[] | undefined,
  template: { vars?: ExpressionVariable[] | undefined; steps?: PromotionStep[] | undefined },
  lookup: TaskLookup,
): InflatedTemplate {
  const vars = [...(stageVars ?? []), ...(template.vars ?? [])];
  const promotionValues = new Map(
    vars.filter((v) => v.value !== undefined && v.value !== '').map((v) => [v.name, v.value]),
  );
  const steps: PromotionStep[] = [];
  (template.steps ?? []).forEach((step, index) => {
    if (!step.task) {
      steps.push({ ...step, as: step.as || `step-${index + 1}` });
      return;
    }
    const taskAlias = step.as || `task-${index + 1}`;
    const kind = step.task.kind ?? 'PromotionTask';
    const task = lookup({ name: step.task.name, kind });
    if (!task) {
      throw inputError(`step ${taskAlias}: ${kind} "${step.task.name}" not found`, [
        {
          path: `spec.promotionTemplate.spec.steps[${index}].task.name`,
          message: `${kind} "${step.task.name}" not found`,
        },
      ]);
    }
    const referenceVars = step.vars ?? [];
    const defaults: ExpressionVariable[] = [];
    for (const taskVar of task.vars ?? []) {
      const supplied = referenceVars.some(
        (v) => v.name === taskVar.name && v.value !== undefined && v.value !== '',
      );
      if (taskVar.value === undefined || taskVar.value === '') {
        if (!supplied && !promotionValues.has(taskVar.name)) {
          throw inputError(
            `step ${taskAlias}: missing value for variable "${taskVar.name}" required by ${kind} "${step.task.name}"`,
            [
              {
                path: `spec.promotionTemplate.spec.steps[${index}].vars`,
                message: `missing value for variable "${taskVar.name}"`,
              },
            ],
          );
        }
        continue;
      }
      if (!promotionValues.has(taskVar.name)) defaults.push(taskVar);
    }
    task.steps.forEach((inner, innerIndex) => {
      const innerAlias = inner.as || `step-${innerIndex + 1}`;
      steps.push({
        ...inner,
        as: `${taskAlias}${TASK_ALIAS_SEPARATOR}${innerAlias}`,
        vars: [...defaults, ...referenceVars, ...(inner.vars ?? [])],
      });
    });
  });
  return { vars, steps };
}
