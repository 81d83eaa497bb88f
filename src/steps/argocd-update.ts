import { z } from 'zod';
import { defineStep, type StepContext, type StepOutcome } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import {
  appKey,
  authorizedFor,
  syncedRevisionsOf,
  type Application,
} from '../integrations/argocd/application.js';
import type { ArgoCdClient } from '../integrations/argocd/argocd-client.js';
import {
  appSelectionFields,
  asStepError,
  pollDelayMs,
  refineAppSelection,
  selectApps,
} from './argocd-apps.js';
import { planSourceUpdates, sourceUpdateSchema, type SourcePlan } from './argocd-source-updates.js';

export const argocdUpdateConfigSchema = z.strictObject({
  apps: z
    .array(
      z
        .strictObject({
          ...appSelectionFields,
          sources: z
            .array(sourceUpdateSchema)
            .min(1)
            .optional()
            .describe('Sources to update; without them the apps are only synced'),
        })
        .superRefine(refineAppSelection),
    )
    .min(1)
    .describe('The Applications to update and sync'),
});

/**
 * The `operation.info` entry by which the step recognises the sync it started: Kargo's, so a
 * sync Kargo started for the same Promotion name is recognised too, and tools that read
 * Kargo's marks (Argo CD's UI, the Kargo extension) read Gantry's.
 */
export const PROMOTION_INFO = 'kargo.akuity.io/promotion';
/** The `Reason` info Kargo writes on the syncs it starts. */
const SYNC_REASON = 'Promotion triggered a sync of this Application resource.';
/** A sync that lands on the wrong revision this often means the app cannot reach it. */
const MAX_RESYNCS = 3;

interface Target {
  client: ArgoCdClient;
  app: Application;
  plan: SourcePlan;
}

interface Memo {
  polls: number;
  resyncs: Record<string, number>;
}

type Progress =
  | { state: 'waiting'; why: string }
  | { state: 'done'; app: Application; note?: string | undefined };

/**
 * argocd-update (kargo-compat §5): updates Argo CD Applications' sources (targetRevision,
 * Kustomize images, Helm parameters), syncs exactly those apps, and waits until each runs the
 * desired revision, Synced, with its health settled. Only apps whose
 * `kargo.akuity.io/authorized-stage` annotation names this Stage are touched; one refusal
 * stops the step before any app is changed. The sync is marked with the Promotion's name
 * (`operation.info`), so after a restart the step recognises its own sync instead of starting
 * another. An app that ends Degraded still completes the step: the Stage's health check
 * (registered here) then keeps its Freight from being verified. In plan mode it reports the
 * changes and syncs nothing.
 */
export const argocdUpdateStep = defineStep({
  kind: 'argocd-update',
  description: 'Update Argo CD Applications, sync them and wait until they run the new revision',
  configSchema: argocdUpdateConfigSchema,
  capabilities: ['argocd'],
  defaultErrorThreshold: 5,
  defaultTimeoutMs: 5 * 60_000,
  async run(context, config) {
    const targets = await resolveTargets(context, config);
    if (context.plan) return planOutcome(context, targets);

    const memo: Memo = (context.memo as Memo | undefined) ?? { polls: 0, resyncs: {} };
    const progress: Progress[] = [];
    for (const target of targets) progress.push(await advance(context, target, memo));

    const waiting = progress.filter((p) => p.state === 'waiting').map((p) => p.why);
    if (waiting.length > 0) {
      const next: Memo = { ...memo, polls: memo.polls + 1 };
      return {
        status: 'Running',
        message: `waiting: ${waiting.join('; ')}`,
        retryAfterMs: pollDelayMs(memo.polls),
        memo: next,
      };
    }
    return doneOutcome(context, targets, progress);
  },
});

/**
 * Every app of every entry, authorized and planned, before anything is changed. As Kargo's
 * getAuthorizedApplications: an app named by `name` must authorize the Stage; among the apps a
 * selector matches, those that do not are skipped (with a log line), and it is an error only
 * when none does.
 */
async function resolveTargets(
  context: StepContext,
  config: z.output<typeof argocdUpdateConfigSchema>,
): Promise<Target[]> {
  const targets: Target[] = [];
  const refusals: string[] = [];
  const seen = new Set<string>();
  const wanted = `${context.project}:${context.stage}`;
  for (const entry of config.apps) {
    const selected = await selectApps(context, entry);
    const authorized: Application[] = [];
    const refused: string[] = [];
    for (const app of selected.apps) {
      const authorization = authorizedFor(app, context.project, context.stage);
      if (authorization.authorized) authorized.push(app);
      else refused.push(authorization.message);
    }
    if (entry.selector !== undefined && authorized.length > 0) {
      for (const message of refused) context.log(`skipping: ${message}`);
    } else if (entry.selector !== undefined) {
      refusals.push(
        `found ${selected.apps.length} Application(s) matching selector in namespace ${JSON.stringify(selected.namespace)}, but none are authorized for Stage ${wanted} (${refused.join('; ')})`,
      );
    } else {
      refusals.push(...refused);
    }
    const incompatible: string[] = [];
    for (const app of authorized) {
      const key = `${selected.client.instance}:${appKey(app)}`;
      if (seen.has(key))
        throw terminalError(`Application ${appKey(app)} is selected by more than one apps entry`);
      seen.add(key);
      try {
        targets.push({
          client: selected.client,
          app,
          plan: planSourceUpdates(app, entry.sources ?? []),
        });
      } catch (err) {
        if (!isStepError(err) || authorized.length === 1) throw err;
        incompatible.push(err.message);
      }
    }
    if (incompatible.length > 0) {
      // Kargo's validateSourceUpdatesApplicable: every app is checked, three are reported.
      const shown = incompatible.length > 3 ? ` (showing first 3)` : '';
      throw terminalError(
        `selected Applications must have compatible sources; ${incompatible.length} incompatible${shown}. No Applications were updated:\n${incompatible.slice(0, 3).join('\n')}`,
      );
    }
  }
  if (refusals.length > 0)
    throw terminalError(
      `${refusals.join('; ')}. No Application was changed. Add the annotation kargo.akuity.io/authorized-stage: "${wanted}" to each Application this Stage may update`,
    );
  return targets;
}

/** One look at one app: start what is missing, or say what it is waiting for. */
async function advance(context: StepContext, target: Target, memo: Memo): Promise<Progress> {
  const { app, plan } = target;
  const name = `Application ${appKey(app)}`;
  const operation = app.operation ?? app.status?.operationState?.operation;
  const phase = app.status?.operationState?.phase;
  const running = app.operation !== undefined || phase === 'Running' || phase === 'Terminating';
  const ours = infoOf(operation, PROMOTION_INFO) === context.promotion;

  if (running && ours) return { state: 'waiting', why: `${name} is syncing` };
  if (running) {
    const by = initiatorOf(operation);
    return {
      state: 'waiting',
      why: `${name} has an operation${by ? ` started by ${by}` : ''} running; syncing after it ends`,
    };
  }
  if (!ours) {
    await startSync(context, target, `syncing ${name}`);
    return { state: 'waiting', why: `${name} sync requested` };
  }
  if (phase !== 'Succeeded') {
    const message = app.status?.operationState?.message ?? 'no message';
    await startSync(
      context,
      target,
      `sync of ${name} ended ${phase ?? 'without a phase'}: ${message}; syncing again`,
    );
    throw transientError(`the sync of ${name} ended ${phase ?? 'without a phase'}: ${message}`);
  }

  // As Kargo: the revisions the operation's sync result reports, compared source by source.
  const synced = syncResultRevisions(app);
  const wrong = plan.desiredRevisions.findIndex((want, i) => want !== '' && synced[i] !== want);
  if (wrong >= 0) {
    const key = appKey(app);
    const resyncs = (memo.resyncs[key] ?? 0) + 1;
    const got = synced[wrong] || 'no revision';
    const want = plan.desiredRevisions[wrong]!;
    if (resyncs > MAX_RESYNCS)
      throw terminalError(
        `${name} was synced to ${got}, not ${want}, ${MAX_RESYNCS} times: does its targetRevision (${plan.sources[wrong]?.targetRevision ?? 'HEAD'}) lead to ${want}?`,
      );
    memo.resyncs[key] = resyncs;
    await startSync(context, target, `${name} is at ${got}, want ${want}; syncing again`);
    return { state: 'waiting', why: `${name} is at ${got}, want ${want}; synced again` };
  }
  const syncStatus = app.status?.sync?.status ?? '';
  if (syncStatus !== 'Synced')
    return { state: 'waiting', why: `${name} is ${syncStatus || 'without a sync status'}` };
  const health = app.status?.health?.status ?? '';
  if (health === 'Healthy') return { state: 'done', app };
  if (health === '' || health === 'Progressing')
    return { state: 'waiting', why: `${name} is ${health || 'without health yet'}` };
  const detail = app.status?.health?.message ? ` (${app.status.health.message})` : '';
  return {
    state: 'done',
    app,
    note: `${name} is ${health}${detail}: the Stage stays unhealthy, and its Freight unverified, until it is Healthy`,
  };
}

/** Writes the planned source changes (if any), then asks for a hard refresh and a sync. */
async function startSync(context: StepContext, target: Target, line: string): Promise<void> {
  const { client, plan } = target;
  const options = { signal: context.signal };
  let app = target.app;
  if (plan.changes.length > 0) {
    context.log(`updating Application ${appKey(app)}: ${plan.changes.join(', ')}`);
    app = await asStepError(() => client.updateSources(app, plan.sources, options));
  }
  context.log(line);
  const request = {
    revisions: plan.sources.map((source) => source.targetRevision ?? ''),
    initiator: context.actor ?? 'gantry',
    info: [
      { name: 'Reason', value: SYNC_REASON },
      { name: PROMOTION_INFO, value: context.promotion },
    ],
  };
  await asStepError(async () => {
    try {
      await client.sync(app, request, options);
    } catch (err) {
      // An automated sync (or a person) got there first: wait for it, then sync again.
      if (err instanceof Error && /another operation is already in progress/i.test(err.message)) {
        context.log(`Application ${appKey(app)} started another operation first; waiting for it`);
        return;
      }
      throw err;
    }
  });
}

function doneOutcome(context: StepContext, targets: Target[], progress: Progress[]): StepOutcome {
  const apps = progress.flatMap((p) => (p.state === 'done' ? [p.app] : []));
  const notes = progress.flatMap((p) => (p.state === 'done' && p.note ? [p.note] : []));
  const summary = apps
    .map(
      (app) =>
        `${appKey(app)} at ${syncedRevisionsOf(app).map(short).join(', ') || 'its revision'}`,
    )
    .join('; ');
  const message = `synced ${summary}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`;
  context.log(message);
  return {
    status: 'Succeeded',
    message,
    output: {
      apps: targets.map(({ client }, i) => {
        const app = apps[i]!;
        return {
          name: app.metadata.name,
          namespace: app.metadata.namespace ?? client.defaultNamespace,
          instance: client.instance,
          revisions: syncedRevisionsOf(app).map((revision) => revision ?? ''),
          sync: app.status?.sync?.status ?? '',
          health: app.status?.health?.status ?? '',
        };
      }),
    },
    healthCheck: {
      uses: 'argocd-update',
      config: {
        apps: targets.map(({ client, app, plan }) => ({
          name: app.metadata.name,
          namespace: app.metadata.namespace ?? client.defaultNamespace,
          instance: client.instance,
          desiredRevisions: plan.desiredRevisions,
        })),
      },
    },
  };
}

function planOutcome(context: StepContext, targets: Target[]): StepOutcome {
  const lines = targets.map(({ app, plan }) =>
    plan.changes.length > 0
      ? `would update Application ${appKey(app)} (${plan.changes.join(', ')}) and sync it`
      : `would sync Application ${appKey(app)}`,
  );
  for (const line of lines) context.log(`plan: ${line}`);
  return {
    status: 'Succeeded',
    message: lines.join('; '),
    output: {
      apps: targets.map(({ client, app }) => ({
        name: app.metadata.name,
        namespace: app.metadata.namespace ?? client.defaultNamespace,
        instance: client.instance,
      })),
    },
  };
}

/** The operation's `syncResult.revisions`, else its one `revision` (Kargo's mustPerformUpdate). */
function syncResultRevisions(app: Application): Array<string | undefined> {
  const result = app.status?.operationState?.syncResult;
  if (result === undefined) return [];
  return result.revisions !== undefined && result.revisions.length > 0
    ? result.revisions
    : [result.revision];
}

function infoOf(operation: Application['operation'], name: string): string | undefined {
  return operation?.info?.find((entry) => entry.name === name)?.value;
}

function initiatorOf(operation: Application['operation']): string | undefined {
  if (operation?.initiatedBy?.automated) return 'Argo CD (automated sync)';
  return operation?.initiatedBy?.username;
}

function short(revision: string | undefined): string {
  if (revision === undefined || revision === '') return '(none)';
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision;
}
