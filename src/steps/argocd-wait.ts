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

/**
 * argocd-wait (Kargo v1.10): waits, changing nothing, until Argo CD Applications meet the
 * conditions: the health ones (health, suspended, degraded) OR'd, sync and operation AND'd
 * with them. It needs no authorization annotation, since it only reads. When it waits for
 * health and an app turns Degraded from a state that was neither Degraded nor Unknown, it
 * fails at once instead of waiting out its timeout.
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
    const health: Record<string, string> = {};
    const waiting: string[] = [];
    const met: Array<{ selected: SelectedApps; app: Application }> = [];
    for (const entry of config.apps) {
      const selected = await selectApps(context, entry);
      const waitFor = entry.waitFor ?? DEFAULT_WAIT_FOR;
      for (const app of selected.apps) {
        const key = `${selected.client.instance}:${appKey(app)}`;
        const now = app.status?.health?.status ?? '';
        health[key] = now;
        const before = memo.health[key];
        if (
          waitFor.includes('health') &&
          !waitFor.includes('degraded') &&
          now === 'Degraded' &&
          before !== undefined &&
          before !== 'Degraded' &&
          before !== 'Unknown'
        ) {
          const detail = app.status?.health?.message ? `: ${app.status.health.message}` : '';
          throw terminalError(
            `Application ${appKey(app)} turned Degraded (it was ${before || 'without health'}) while waiting for it to be Healthy${detail}`,
          );
        }
        const unmet = unmetConditions(app, waitFor);
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

/** What the app still lacks, in words (`is Progressing, not Healthy`); empty when all is met. */
function unmetConditions(app: Application, waitFor: readonly Condition[]): string[] {
  const unmet: string[] = [];
  const wantedHealth = waitFor.flatMap((c) => (HEALTH_OF[c] ? [HEALTH_OF[c]] : []));
  const health = app.status?.health?.status ?? '';
  if (wantedHealth.length > 0 && !wantedHealth.includes(health))
    unmet.push(`is ${health || 'without health'}, not ${wantedHealth.join(' or ')}`);
  const sync = app.status?.sync?.status ?? '';
  if (waitFor.includes('sync') && sync !== 'Synced')
    unmet.push(`is ${sync || 'without sync status'}, not Synced`);
  const phase = app.status?.operationState?.phase;
  if (
    waitFor.includes('operation') &&
    (app.operation !== undefined || phase === 'Running' || phase === 'Terminating')
  )
    unmet.push('has an operation running');
  return unmet;
}
