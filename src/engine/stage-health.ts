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
  check(config: Record<string, unknown> | undefined, context: HealthContext): Promise<HealthResult>;
}

export interface HealthContext {
  project: string;
  stage: string;
  signal: AbortSignal;
  /** The Stage's health as last assessed, for checks that judge a state by what came before. */
  previous?: Partial<StageHealth> | undefined;
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
  context: HealthContext,
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

/** A Stage's status as far as its health is concerned. */
interface StageHealthInputs {
  health?: Partial<StageHealth> | undefined;
  lastPromotion?:
    | {
        name: string;
        status?:
          | {
              phase?: string | undefined;
              message?: string | undefined;
              healthChecks?:
                Array<{ uses: string; config?: Record<string, unknown> | undefined }> | undefined;
            }
          | undefined;
      }
    | undefined;
}

/**
 * A Stage's health now (Kargo): the checks its last Promotion's steps registered, judged
 * against the previous assessment; and a last Promotion that failed or errored makes the Stage
 * Unhealthy whatever the checks say, since what runs may be half-changed.
 */
export async function assessStage(
  status: StageHealthInputs | undefined,
  checkers: readonly HealthChecker[],
  context: Omit<HealthContext, 'previous'>,
): Promise<StageHealth> {
  const last = status?.lastPromotion;
  const health = await assessStageHealth(last?.status?.healthChecks ?? [], checkers, {
    ...context,
    previous: status?.health,
  });
  const phase = last?.status?.phase;
  if (last && (phase === 'Failed' || phase === 'Errored')) {
    const why = last.status?.message ? `: ${last.status.message}` : '';
    return {
      ...health,
      status: 'Unhealthy',
      issues: [
        `the last Promotion, ${last.name}, ${phase.toLowerCase()}${why}`,
        ...(health.issues ?? []),
      ],
    };
  }
  return health;
}
