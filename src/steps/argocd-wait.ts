import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { appKey, syncedRevisionsOf, type Application } from '../integrations/argocd/application.js';
import {
  appSelectionFields,
  pollDelayMs,
  refineAppSelection,
  selectApps,
  type SelectedApps,
} from './argocd-apps.js';

const CONDITIONS = ['health', 'sync', 'operation', 'suspended', 'degraded'] as const;
type Condition = (typeof CONDITIONS)[number];

export const argocdWaitConfigSchema = z.strictObject({
  apps: z
    .array(
      z
        .strictObject({
          ...appSelectionFields,
          waitFor: z
            .array(z.enum(CONDITIONS))
            .min(1)
            .refine((conditions) => new Set(conditions).size === conditions.length, {
              message: 'must not name a condition twice',
            })
            .optional()
            .describe(
              'What to wait for: health (Healthy), sync (Synced), operation (none running), suspended, degraded; default health, sync and operation',
            ),
        })
        .superRefine(refineAppSelection),
    )
    .min(1)
    .describe('The Applications to wait for'),
});

const DEFAULT_WAIT_FOR: readonly Condition[] = ['health', 'sync', 'operation'];
/** Health conditions are alternatives: any one of them will do. */
const HEALTH_OF: Partial<Record<Condition, string>> = {
  health: 'Healthy',
  suspended: 'Suspended',
  degraded: 'Degraded',
};

interface Memo {
  polls: number;
  /** The health each app had at the previous look, to notice one turning Degraded. */
  health: Record<string, string>;
}

/** Conditions that say the Application is misconfigured: waiting cannot help (Kargo). */
const ERROR_CONDITIONS = ['ComparisonError', 'InvalidSpecError'];

/**
 * argocd-wait (Kargo v1.10): waits, changing nothing, until Argo CD Applications meet the
 * conditions, judged as Kargo's checkAppReadiness: a ComparisonError or InvalidSpecError
 * condition fails the step; `operation` waits while an operation is requested or unfinished;
 * health (health, suspended, degraded OR'd) is trusted only once Argo CD reassessed the app
 * after its last operation (`reconciledAt` not before `finishedAt`); an app that turns
 * Degraded from a known state other than Degraded or Unknown while `health` is awaited fails
 * the step; `sync` waits for Synced. It needs no authorization annotation, since it only
 * reads.
 */
export const argocdWaitStep = defineStep({
  kind: 'argocd-wait',
  description: 'Wait until Argo CD Applications are healthy, synced or idle',
  configSchema: argocdWaitConfigSchema,
  capabilities: ['argocd'],
  defaultErrorThreshold: 5,
  defaultTimeoutMs: 5 * 60_000,
  async run(context, config) {
    const memo: Memo = (context.memo as Memo | undefined) ?? { polls: 0, health: {} };
    // Seeded with the last look: an app seen without health keeps what it had (as Kargo).
    const health: Record<string, string> = { ...memo.health };
    const waiting: string[] = [];
    const met: Array<{ selected: SelectedApps; app: Application }> = [];
    for (const entry of config.apps) {
      const selected = await selectApps(context, entry);
      const waitFor = entry.waitFor ?? DEFAULT_WAIT_FOR;
      for (const app of selected.apps) {
        const key = `${selected.client.instance}:${appKey(app)}`;
        const now = app.status?.health?.status ?? '';
        if (now !== '') health[key] = now;
        const unmet = readiness(app, waitFor, memo.health[key] ?? '');
        if (unmet.length > 0) waiting.push(`Application ${appKey(app)} ${unmet.join(', ')}`);
        else met.push({ selected, app });
      }
    }
    if (waiting.length > 0) {
      return {
        status: 'Running',
        message: `waiting: ${waiting.join('; ')}`,
        retryAfterMs: pollDelayMs(memo.polls),
        memo: { polls: memo.polls + 1, health } satisfies Memo,
      };
    }
    const message = `${met.map(({ app }) => appKey(app)).join(', ')} ready`;
    context.log(message);
    return {
      status: 'Succeeded',
      message,
      output: {
        apps: met.map(({ selected, app }) => ({
          name: app.metadata.name,
          namespace: app.metadata.namespace ?? selected.namespace,
          instance: selected.client.instance,
          revisions: syncedRevisionsOf(app).map((revision) => revision ?? ''),
          sync: app.status?.sync?.status ?? '',
          health: app.status?.health?.status ?? '',
        })),
      },
    };
  },
});

/**
 * What the app still lacks, in words (`is Progressing, not Healthy`), in Kargo's order of
 * checks; empty when all is met. Terminal errors for what waiting cannot fix.
 */
function readiness(app: Application, waitFor: readonly Condition[], before: string): string[] {
  const { name, namespace } = app.metadata;
  const which = `Argo CD Application ${JSON.stringify(name)} in namespace ${JSON.stringify(namespace ?? '')}`;
  const errors = (app.status?.conditions ?? []).filter((c) => ERROR_CONDITIONS.includes(c.type));
  if (errors.length > 0)
    throw terminalError(
      errors
        .map((c) => `${which} has ${JSON.stringify(c.type)} condition: ${c.message ?? ''}`)
        .join('; '),
    );
  const operation = app.status?.operationState;
  if (
    waitFor.includes('operation') &&
    (app.operation !== undefined || (operation !== undefined && !operation.finishedAt))
  )
    return ['has an operation running'];
  const wantedHealth = waitFor.flatMap((c) => (HEALTH_OF[c] ? [HEALTH_OF[c]] : []));
  const health = app.status?.health?.status ?? '';
  if (wantedHealth.length > 0) {
    const finishedAt = operation?.finishedAt;
    const reconciledAt = app.status?.reconciledAt;
    if (finishedAt && (!reconciledAt || Date.parse(reconciledAt) < Date.parse(finishedAt)))
      return ['has not been reassessed since its last operation ended'];
    if (
      waitFor.includes('health') &&
      health === 'Degraded' &&
      before !== '' &&
      before !== 'Degraded' &&
      before !== 'Unknown'
    ) {
      const detail = app.status?.health?.message ? `: ${app.status.health.message}` : '';
      throw terminalError(
        `${which} health has regressed from ${before} to Degraded while waiting for it to be Healthy${detail}`,
      );
    }
    if (!wantedHealth.includes(health))
      return [`is ${health || 'without health'}, not ${wantedHealth.join(' or ')}`];
  }
  const sync = app.status?.sync?.status ?? '';
  if (waitFor.includes('sync') && sync !== 'Synced')
    return [`is ${sync || 'without sync status'}, not Synced`];
  return [];
}
