import { z } from 'zod';

/**
 * The subset of Argo CD's `Application` (argoproj.io/v1alpha1, as served by the API server's
 * `/api/v1/applications`) that Gantry reads or writes. Every object is loose: fields Gantry does
 * not know (spec.destination, spec.syncPolicy, status.resources, ...) are kept, because
 * `PUT /api/v1/applications/{name}` replaces the whole spec and must send them back untouched.
 *
 * Statuses are plain strings, not enums: Argo CD can report health statuses from custom health
 * checks, and an unknown value must not make the whole Application unreadable.
 */
const helmParameterSchema = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  forceString: z.boolean().optional(),
});

export const applicationSourceSchema = z.looseObject({
  repoURL: z.string().optional(),
  targetRevision: z.string().optional(),
  path: z.string().optional(),
  chart: z.string().optional(),
  helm: z.looseObject({ parameters: z.array(helmParameterSchema).optional() }).optional(),
  /** Kustomize image overrides, `name=newName:tag` strings (Argo CD's `KustomizeImage`). */
  kustomize: z.looseObject({ images: z.array(z.string()).optional() }).optional(),
});

const syncResultSchema = z.looseObject({
  revision: z.string().optional(),
  revisions: z.array(z.string()).optional(),
});

/** An operation (a sync): who started it, what for (`info`), and to which revision(s). */
const operationSchema = z.looseObject({
  sync: syncResultSchema.optional(),
  initiatedBy: z
    .looseObject({ username: z.string().optional(), automated: z.boolean().optional() })
    .optional(),
  info: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
});

export const applicationSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    resourceVersion: z.string().optional(),
  }),
  spec: z.looseObject({
    project: z.string().optional(),
    source: applicationSourceSchema.optional(),
    sources: z.array(applicationSourceSchema).optional(),
  }),
  /** Present from the moment an operation is requested until the controller finishes it. */
  operation: operationSchema.optional(),
  status: z
    .looseObject({
      sync: z
        .looseObject({
          /** `Synced`, `OutOfSync` or `Unknown`. */
          status: z.string().optional(),
          revision: z.string().optional(),
          revisions: z.array(z.string()).optional(),
        })
        .optional(),
      health: z
        .looseObject({
          /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown` or custom. */
          status: z.string().optional(),
          message: z.string().optional(),
        })
        .optional(),
      operationState: z
        .looseObject({
          /** `Running`, `Terminating`, `Succeeded`, `Failed` or `Error`. */
          phase: z.string().optional(),
          message: z.string().optional(),
          /** The operation this state is about (the last one, once it finished). */
          operation: operationSchema.optional(),
          syncResult: syncResultSchema.optional(),
          startedAt: z.string().optional(),
          finishedAt: z.string().optional(),
        })
        .optional(),
      /** When the controller last assessed the app (sync status and health). */
      reconciledAt: z.string().optional(),
      /** `ComparisonError`, `InvalidSpecError`, `SyncError`, … with their messages. */
      conditions: z
        .array(z.looseObject({ type: z.string(), message: z.string().optional() }))
        .nullish(),
    })
    .optional(),
});

export const applicationListSchema = z.looseObject({
  /** Argo CD omits (or nulls) an empty list. */
  items: z.array(applicationSchema).nullish(),
});

export type Application = z.infer<typeof applicationSchema>;
export type ApplicationSource = z.infer<typeof applicationSourceSchema>;

/** `namespace/name`, the way Argo CD and Kargo name an Application in messages. */
export function appKey(app: Pick<Application, 'metadata'>): string {
  return `${app.metadata.namespace ?? ''}/${app.metadata.name}`;
}

/**
 * The app's sources in Argo CD's order: `spec.sources` when it has any (a multi-source app;
 * Argo CD then ignores `spec.source`), otherwise the single `spec.source`, otherwise none.
 */
export function sourcesOf(app: Application): ApplicationSource[] {
  const { sources, source } = app.spec;
  if (sources !== undefined && sources.length > 0) return sources;
  return source === undefined ? [] : [source];
}

/**
 * The `spec` fragment that gives the app `sources` in place of its current ones: `sources`
 * for a multi-source app, `source` (the only entry) otherwise. For a JSON merge patch.
 */
export function sourcesPatch(
  app: Application,
  sources: ApplicationSource[],
): { sources: ApplicationSource[] } | { source: ApplicationSource | undefined } {
  if (app.spec.sources !== undefined && app.spec.sources.length > 0) return { sources };
  return { source: sources[0] };
}

/** The revision(s) the app is synced to, index by index with `sourcesOf`. */
export function syncedRevisionsOf(app: Application): Array<string | undefined> {
  const sync = app.status?.sync;
  if (app.spec.sources !== undefined && app.spec.sources.length > 0) {
    return app.spec.sources.map((_, i) => sync?.revisions?.[i]);
  }
  return [sync?.revision];
}

export type AppHealthStatus = 'Healthy' | 'Progressing' | 'Unhealthy' | 'Unknown';

export interface AppHealth {
  status: AppHealthStatus;
  /** One line per problem, each naming the app; empty when Healthy. */
  issues: string[];
}

/**
 * One Application's contribution to its Stage's health (kargo-compat §5 "Stage health per app",
 * after Kargo's argocd health checker):
 * - an operation requested or running → Unknown (the outcome is not known yet);
 * - a synced revision differing from the desired one → Unhealthy. `desiredRevisions` is index by
 *   index with `sourcesOf`; an empty or missing entry means "any revision";
 * - Argo CD health Progressing, empty or Suspended → Progressing;
 * - Healthy → Healthy, unless the sync status says it differs from Git (OutOfSync) → Unknown;
 * - Degraded, Missing, Unknown or anything else → Unhealthy.
 */
export function appHealth(app: Application, desiredRevisions: readonly string[] = []): AppHealth {
  const name = `Application ${appKey(app)}`;
  if (app.operation !== undefined || app.status?.operationState?.phase === 'Running') {
    return { status: 'Unknown', issues: [`${name} has a sync operation in progress`] };
  }

  const synced = syncedRevisionsOf(app);
  const mismatches: string[] = [];
  desiredRevisions.forEach((desired, i) => {
    if (desired === '') return;
    const actual = synced[i];
    if (actual === desired) return;
    const where = synced.length > 1 ? ` (source ${i})` : '';
    mismatches.push(
      actual === undefined || actual === ''
        ? `${name} is not synced to any revision${where}, want ${desired}`
        : `${name} is synced to revision ${actual}${where}, want ${desired}`,
    );
  });
  if (mismatches.length > 0) return { status: 'Unhealthy', issues: mismatches };

  const health = app.status?.health?.status ?? '';
  const detail = app.status?.health?.message ? `: ${app.status.health.message}` : '';
  const sync = app.status?.sync?.status ?? '';
  switch (health) {
    case 'Healthy':
      // Healthy but not what Git says (drift, or a change not synced yet): not known good.
      if (sync !== '' && sync !== 'Synced')
        return { status: 'Unknown', issues: [`${name} is Healthy but ${sync}`] };
      return { status: 'Healthy', issues: [] };
    case '':
      return { status: 'Progressing', issues: [`${name} has no health status yet`] };
    case 'Progressing':
    case 'Suspended':
      return { status: 'Progressing', issues: [`${name} is ${health}${detail}`] };
    default:
      return { status: 'Unhealthy', issues: [`${name} is ${health}${detail}`] };
  }
}

/** The annotation by which an Application's owner lets a Stage change it (Kargo's contract). */
export const AUTHORIZED_STAGE_ANNOTATION = 'kargo.akuity.io/authorized-stage';

export type Authorization = { authorized: true } | { authorized: false; message: string };

/**
 * Whether the Application lets Stage `project:stage` change it, as Kargo's AuthorizedStages
 * reads its `kargo.akuity.io/authorized-stage` annotation: comma-separated `<project>:<stage>`
 * entries (Kargo v1.11), blanks around an entry and around its colon ignored, empty entries
 * skipped. An entry without both parts, or with a `*` (Kargo removed glob support), makes the
 * whole annotation unreadable: the app is refused even when another entry names the Stage. A
 * refusal is data, with a message saying what the annotation holds, so callers can skip the
 * app with a warning.
 */
export function authorizedFor(app: Application, project: string, stage: string): Authorization {
  const wanted = `${project}:${stage}`;
  const value = app.metadata.annotations?.[AUTHORIZED_STAGE_ANNOTATION];
  const refused = (because: string) => ({
    authorized: false as const,
    message: `Application ${appKey(app)} is not authorized for Stage ${wanted} (${because})`,
  });
  if (value === undefined) return refused(`it has no ${AUTHORIZED_STAGE_ANNOTATION} annotation`);
  const parsed = authorizedStages(value);
  if (typeof parsed === 'string')
    return refused(
      `unable to parse its ${AUTHORIZED_STAGE_ANNOTATION} annotation ${JSON.stringify(value)}: ${parsed}`,
    );
  if (parsed.some((entry) => entry.project === project && entry.stage === stage))
    return { authorized: true };
  return refused(`its ${AUTHORIZED_STAGE_ANNOTATION} annotation says ${JSON.stringify(value)}`);
}

/** The Stages an authorized-stage annotation lists, or why it cannot be read (Kargo's wording). */
function authorizedStages(value: string): Array<{ project: string; stage: string }> | string {
  const stages: Array<{ project: string; stage: string }> = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const project = colon < 0 ? '' : entry.slice(0, colon).trim();
    const stage = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (project === '' || stage === '')
      return `invalid authorized Stage ${JSON.stringify(entry)}: expected format "<project>:<stage>"`;
    if (project.includes('*') || stage.includes('*'))
      return `invalid authorized Stage ${JSON.stringify(entry)}: deprecated glob expressions are no longer supported`;
    stages.push({ project, stage });
  }
  if (stages.length === 0) return `no authorized Stages found in ${JSON.stringify(value)}`;
  return stages;
}
