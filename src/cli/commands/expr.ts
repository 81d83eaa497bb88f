import { stringify as toYaml } from 'yaml';
import type { CliContext } from '../context.js';

export interface ExprOptions {
  project?: string;
  stage?: string;
  freight?: string;
}

/**
 * `gantry expr 'EXPR' [--project P --stage S --freight F]`: what an expression evaluates to in
 * a promotion's context (the Stage's vars, the Freight's artifacts), without promoting. Without
 * a project it evaluates locally with the standard functions.
 */
export async function exprCommand(
  ctx: CliContext,
  expression: string,
  options: ExprOptions,
): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  let value: unknown;
  if (project) {
    ({ value } = await ctx.client.request<{ value: unknown }>(
      'POST',
      `/v1/projects/${encodeURIComponent(project)}/expressions`,
      {
        expression,
        stage: options.stage,
        freight: options.freight,
      },
    ));
  } else {
    const { evaluateInContext } = await import('../../engine/evaluate-in-context.js');
    const { isExprError } = await import('../../expr/expr-error.js');
    const { toJsonValue } = await import('../../expr/values.js');
    const { inputError } = await import('../../errors.js');
    try {
      value = toJsonValue(evaluateInContext(expression, { project: '' }));
    } catch (err) {
      throw isExprError(err) ? inputError(err.message) : err;
    }
  }
  ctx.out(
    typeof value === 'string'
      ? value
      : value !== null && typeof value === 'object'
        ? toYaml(value).trimEnd()
        : JSON.stringify(value),
  );
}
