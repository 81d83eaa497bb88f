import { TERMINAL_PROMOTION_PHASES } from '../../api/promotion.js';
import { KARGO_API_VERSION } from '../../api/api-versions.js';
import { OVERRIDE_ANNOTATION } from '../../api/promotion-gates.js';
import type { StoredResource } from '../../api/resource.js';
import { inputError } from '../../errors.js';
import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface PromoteOptions {
  project?: string;
  stage?: string;
  freight?: string;
  abort?: string;
  wait?: boolean;
  plan?: boolean;
  override?: string;
}

/**
 * `gantry promote --project P --stage S --freight NAME|ALIAS [--wait]` creates a Promotion;
 * `gantry promote --abort NAME --project P` aborts one. With --wait it follows the Promotion to
 * its end and fails unless it succeeded.
 */
export async function promoteCommand(ctx: CliContext, options: PromoteOptions): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  const base = `/v1/projects/${encodeURIComponent(project)}/promotions`;
  if (options.abort) {
    await ctx.client.request('POST', `${base}/${encodeURIComponent(options.abort)}/abort`);
    ctx.out(`${qualifiedName('Promotion', 'kargo.akuity.io', options.abort)} aborted`);
    return;
  }
  if (!options.stage) throw usageError('--stage is required');
  if (!options.freight) throw usageError('--freight is required (a Freight name or alias)');
  if (options.plan) {
    await printPlan(ctx, project, options.stage, options.freight);
    return;
  }
  const created = await ctx.client.request<StoredResource>('POST', base, {
    apiVersion: KARGO_API_VERSION,
    kind: 'Promotion',
    metadata: {
      namespace: project,
      ...(options.override ? { annotations: { [OVERRIDE_ANNOTATION]: options.override } } : {}),
    },
    spec: { stage: options.stage, freight: options.freight },
  });
  const name = created.metadata.name;
  ctx.out(`${qualifiedName('Promotion', 'kargo.akuity.io', name)} created`);
  if (!options.wait) return;
  for (;;) {
    const promotion = await ctx.client.request<StoredResource>(
      'GET',
      `${base}/${encodeURIComponent(name)}`,
    );
    const status = (promotion.status ?? {}) as { phase?: string; message?: string };
    if (status.phase && TERMINAL_PROMOTION_PHASES.has(status.phase)) {
      ctx.out(`${name}: ${status.phase}${status.message ? ` (${status.message})` : ''}`);
      if (status.phase !== 'Succeeded')
        throw inputError(
          `promotion ${name} ended ${status.phase}${status.message ? `: ${status.message}` : ''}`,
        );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface PlanReport {
  phase: string;
  message?: string;
  steps: Array<{
    alias: string;
    uses: string;
    status: string;
    message?: string;
    output?: { plan?: { commits: string[]; diff: string } };
  }>;
}

/** `--plan`: the steps run on a scratch copy; what git-push would push is shown as a diff. */
async function printPlan(
  ctx: CliContext,
  project: string,
  stage: string,
  freight: string,
): Promise<void> {
  const report = await ctx.client.request<PlanReport>(
    'POST',
    `/v1/projects/${encodeURIComponent(project)}/stages/${encodeURIComponent(stage)}/plan`,
    { freight },
  );
  ctx.out(`Plan for promoting ${freight} to ${stage} (nothing was pushed):`);
  for (const step of report.steps) {
    ctx.out(
      `  ${step.status.padEnd(9)} ${step.alias} (${step.uses})${step.message ? `: ${step.message}` : ''}`,
    );
    const plan = step.output?.plan;
    if (!plan) continue;
    for (const commit of plan.commits) ctx.out(`    commit ${commit}`);
    for (const line of plan.diff.trimEnd().split('\n')) ctx.out(`    ${line}`);
  }
  if (report.phase !== 'Succeeded')
    throw inputError(
      `the plan ended ${report.phase}${report.message ? `: ${report.message}` : ''}`,
    );
}
