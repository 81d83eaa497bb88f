import { z } from 'zod';
import type { HealthChecker, HealthResult } from '../../engine/stage-health.js';
import { appHealth, appKey, syncedRevisionsOf } from './application.js';
import type { ArgoCdClient } from './argocd-client.js';
import { isArgoCdError } from './argocd-error.js';

/**
 * What argocd-update registers for a Stage: the Applications it synced and the revisions
 * each must run (Kargo's health check config, `Promotion.status.healthChecks[].config`).
 */
export const argocdHealthCheckConfigSchema = z.object({
  apps: z
    .array(
      z.object({
        name: z.string().min(1),
        namespace: z.string().min(1).default('argocd'),
        /** Which configured Argo CD instance; the default one when absent. */
        instance: z.string().optional(),
        desiredRevisions: z.array(z.string()).optional(),
      }),
    )
    .default([]),
});

const SEVERITY = { Healthy: 1, Progressing: 2, Unknown: 3, Unhealthy: 4 } as const;

/**
 * The Stage health of Applications argocd-update synced: each app's health as Kargo derives
 * it (appHealth), the worst one winning. `output` keeps each app's health and sync status
 * without volatile timestamps, so an unchanged app does not change the Stage's status. An
 * app that cannot be read is Unknown, with the reason (bounded, token-free) as its issue.
 */
export function argocdHealthChecker(
  clientFor: (instance: string | undefined) => ArgoCdClient | undefined,
): HealthChecker {
  return {
    uses: 'argocd-update',
    async check(config, context): Promise<HealthResult> {
      const parsed = argocdHealthCheckConfigSchema.safeParse(config ?? {});
      if (!parsed.success)
        return {
          status: 'Unknown',
          issues: ['the argocd-update health check config is not valid'],
        };
      let status: HealthResult['status'] = 'Healthy';
      const issues: string[] = [];
      const output: unknown[] = [];
      for (const ref of parsed.data.apps) {
        const client = clientFor(ref.instance);
        let result: { status: HealthResult['status']; issues: string[] };
        if (!client) {
          result = {
            status: 'Unknown',
            issues: [
              `no Argo CD instance "${ref.instance ?? 'default'}" is configured on this server`,
            ],
          };
        } else {
          try {
            const app = await client.getApplication(ref.name, ref.namespace, {
              signal: context.signal,
            });
            result = appHealth(app, ref.desiredRevisions ?? []);
            output.push({
              app: appKey(app),
              health: app.status?.health?.status ?? '',
              sync: app.status?.sync?.status ?? '',
              revisions: syncedRevisionsOf(app),
            });
          } catch (err) {
            if (!isArgoCdError(err)) throw err;
            result = { status: 'Unknown', issues: [err.message] };
          }
        }
        if (SEVERITY[result.status] > SEVERITY[status]) status = result.status;
        issues.push(...result.issues);
      }
      return { status, issues, output };
    },
  };
}
