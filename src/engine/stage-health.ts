/** How healthy a Stage is, as Kargo's `status.health.status` reports it. */
export type HealthStatus = 'Healthy' | 'Progressing' | 'Unhealthy' | 'Unknown' | 'NotApplicable';

export interface HealthResult {
  status: Exclude<HealthStatus, 'NotApplicable'>;
  issues?: string[] | undefined;
  output?: unknown;
}

/**
 * A kind of health check that steps register (Kargo's argocd-update registers `argocd-update`
 * checks for the Applications it touched). Listed explicitly where the server is composed.
 */
export interface HealthChecker {
  uses: string;
  check(
    config: Record<string, unknown> | undefined,
    context: { project: string; stage: string; signal: AbortSignal },
  ): Promise<HealthResult>;
}

export interface StageHealth {
  status: HealthStatus;
  issues?: string[] | undefined;
  config?: unknown;
  output?: unknown;
}

/** Worst first: the Stage is as healthy as its least healthy check. */
const SEVERITY: Record<HealthStatus, number> = {
  Unhealthy: 4,
  Unknown: 3,
  Progressing: 2,
  Healthy: 1,
  NotApplicable: 0,
};

/**
 * The Stage's health from the checks its last promotion's steps registered: every check is
 * run and the worst result wins; issues of all checks are kept. Without checks the health is
 * NotApplicable (and verification goes ahead); a check nobody can run is Unknown.
 */
export async function assessStageHealth(
  checks: Array<{ uses: string; config?: Record<string, unknown> | undefined }>,
  checkers: readonly HealthChecker[],
  context: { project: string; stage: string; signal: AbortSignal },
): Promise<StageHealth> {
  if (checks.length === 0) return { status: 'NotApplicable' };
  let status: HealthStatus = 'Healthy';
  const issues: string[] = [];
  const outputs: unknown[] = [];
  for (const check of checks) {
    const checker = checkers.find((c) => c.uses === check.uses);
    let result: HealthResult;
    if (!checker) {
      result = {
        status: 'Unknown',
        issues: [`no health checker for "${check.uses}" on this server`],
      };
    } else {
      try {
        result = await checker.check(check.config, context);
      } catch (err) {
        result = { status: 'Unknown', issues: [`${check.uses}: ${(err as Error).message}`] };
      }
    }
    if (SEVERITY[result.status] > SEVERITY[status]) status = result.status;
    issues.push(...(result.issues ?? []));
    if (result.output !== undefined) outputs.push(result.output);
  }
  return {
    status,
    ...(issues.length > 0 ? { issues } : {}),
    config: checks,
    ...(outputs.length > 0 ? { output: outputs } : {}),
  };
}
