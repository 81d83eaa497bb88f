import { z } from 'zod';
import type { HealthChecker, HealthResult } from '../../engine/stage-health.js';
import { appHealth, appKey, syncedRevisionsOf, type Application } from './application.js';
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

/** What the check records per app in the Stage's `status.health.output`. */
export interface AppHealthOutput {
  app: string;
  instance: string;
  health: string;
  sync: string;
  revisions: string[];
  /** The app's page in Argo CD's UI, when the instance's UI is known. */
  url?: string;
  /**
   * The app has been Healthy at these revisions since the promotion: a later Progressing with
   * nothing syncing is the app scaling or restarting pods, not a rollout.
   */
  settled?: true;
  note?: string;
}

/**
 * The Stage health of Applications argocd-update synced: each app's health as Kargo derives
 * it (appHealth), the worst one winning. An app that cannot be read is Unknown, with the reason
 * (bounded, token-free) as its issue.
 *
 * One judgement goes beyond Kargo: an app that was Healthy at the desired revisions, and is now
 * Progressing while Synced at the same revisions with no operation running, is counted Healthy
 * (with a note in the output). That is what an autoscaler adding pods, or a pod being
 * replaced, looks like in Argo CD; it must not hold verification or look like a failure. A
 * rollout that really goes wrong ends Degraded, which still counts.
 *
 * `output` keeps each app's health and sync status without volatile timestamps, so an unchanged
 * app does not change the Stage's status.
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
      const before = previousOutputs(context.previous?.output);
      let status: HealthResult['status'] = 'Healthy';
      const issues: string[] = [];
      const output: AppHealthOutput[] = [];
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
            const desired = ref.desiredRevisions ?? [];
            result = appHealth(app, desired);
            const entry: AppHealthOutput = {
              app: appKey(app),
              instance: client.instance,
              health: app.status?.health?.status ?? '',
              sync: app.status?.sync?.status ?? '',
              revisions: syncedRevisionsOf(app).map((revision) => revision ?? ''),
            };
            const url = client.appUrl(app.metadata.name, app.metadata.namespace ?? ref.namespace);
            if (url !== undefined) entry.url = url;
            const previous = before.get(`${entry.instance}:${entry.app}`);
            const steady = previous?.settled === true && sameRevisions(previous, entry);
            if (result.status === 'Healthy') {
              entry.settled = true;
            } else if (steady && scaling(app, entry)) {
              entry.settled = true;
              entry.note =
                'Progressing with nothing syncing (scaling or pods restarting); counted Healthy';
              result = { status: 'Healthy', issues: [] };
            }
            output.push(entry);
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

/** Progressing, Synced, and no operation requested or running. */
function scaling(app: Application, entry: AppHealthOutput): boolean {
  const phase = app.status?.operationState?.phase;
  return (
    entry.health === 'Progressing' &&
    entry.sync === 'Synced' &&
    app.operation === undefined &&
    phase !== 'Running' &&
    phase !== 'Terminating'
  );
}

function sameRevisions(a: AppHealthOutput, b: AppHealthOutput): boolean {
  return JSON.stringify(a.revisions) === JSON.stringify(b.revisions);
}

/** The per-app entries of the previous assessment, by `instance:namespace/name`. */
function previousOutputs(output: unknown): Map<string, AppHealthOutput> {
  const entries = new Map<string, AppHealthOutput>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const entry = value as Partial<AppHealthOutput>;
    if (typeof entry.app === 'string' && typeof entry.instance === 'string')
      entries.set(`${entry.instance}:${entry.app}`, entry as AppHealthOutput);
  };
  visit(output);
  return entries;
}
