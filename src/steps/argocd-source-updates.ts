import { z } from 'zod';
import { normalizeGitUrl } from '../api/repo-urls.js';
import { terminalError } from '../engine/step-error.js';
import {
  sourcesOf,
  type Application,
  type ApplicationSource,
} from '../integrations/argocd/application.js';

/** An optional string where Kargo's schema and code read "" as unset. */
const emptyIsUnset = (description: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .describe(description);

/** As argocd-update-config.json's argoCDKustomizeImageUpdate. */
const kustomizeImageSchema = z
  .strictObject({
    repoURL: z.string().min(1).describe('The image to override, as the manifests name it'),
    tag: emptyIsUnset('The tag to run (exclusive with digest)'),
    digest: emptyIsUnset('The digest to run (exclusive with tag)'),
    newName: z.string().min(1).optional().describe('Run the image under this name instead'),
  })
  .refine((image) => image.tag === undefined || image.digest === undefined, {
    message: 'set at most one of tag and digest',
  });

/**
 * One `apps[].sources[]` entry of argocd-update (argocd-update-config.json's
 * argoCDAppSourceUpdate): which source, and what to change in it.
 */
export const sourceUpdateSchema = z
  .strictObject({
    repoURL: z.string().min(1).describe("The source's repoURL"),
    chart: z
      .string()
      .min(1)
      .optional()
      .describe(
        "For a Helm chart repository: the source's chart (repoURL and chart then match exactly)",
      ),
    desiredRevision: z
      .string()
      .min(1)
      .optional()
      .describe('The revision the source must be synced to (a commit, tag or chart version)'),
    updateTargetRevision: z
      .boolean()
      .default(false)
      .describe("Write desiredRevision into the source's targetRevision"),
    kustomize: z
      .strictObject({
        images: z
          .array(kustomizeImageSchema)
          .min(1)
          .optional()
          .describe("The source's Kustomize image overrides (they replace the existing ones)"),
      })
      .optional()
      .describe('Kustomize overrides'),
    helm: z
      .strictObject({
        images: z
          .array(
            z.strictObject({
              key: z.string().min(1).describe('The Helm parameter, e.g. image.tag'),
              value: z.string().describe('Its value'),
            }),
          )
          .min(1)
          .describe('Helm parameters to set on the source'),
      })
      .optional()
      .describe('Helm parameter overrides'),
  })
  .refine((update) => !update.updateTargetRevision || update.desiredRevision !== undefined, {
    message: 'updateTargetRevision needs desiredRevision',
    path: ['desiredRevision'],
  });

export type SourceUpdate = z.output<typeof sourceUpdateSchema>;

/** What argocd-update will do to one Application. */
export interface SourcePlan {
  /** The app's sources after the updates (the same objects' copies when nothing changes). */
  sources: ApplicationSource[];
  /** One line per change, e.g. `source 0 targetRevision: main → 1f2e3d4`. Empty: no change. */
  changes: string[];
  /** Index by index with the sources: the revision each must run; '' for "any". */
  desiredRevisions: string[];
}

/**
 * Applies argocd-update's source updates to an app, without calling anything, as Kargo's
 * buildDesiredSources: each update goes to the first source it matches (a chart source: the
 * same repoURL and chart exactly; a git source: the same repoURL once normalised) or the step
 * fails before touching any app. Kustomize images replace the source's overrides; Helm
 * parameters are set by name. A source's desired revision is that of the update naming its
 * repoURL and chart exactly (Kargo's getDesiredRevisions), '' otherwise.
 */
export function planSourceUpdates(app: Application, updates: readonly SourceUpdate[]): SourcePlan {
  const current = sourcesOf(app);
  const sources = current.map((source) => structuredClone(source));
  const desiredRevisions = current.map(
    (source) =>
      updates.find(
        (update) =>
          update.repoURL === (source.repoURL ?? '') &&
          (update.chart ?? '') === (source.chart ?? ''),
      )?.desiredRevision ?? '',
  );
  const changes: string[] = [];
  for (const update of updates) {
    const index = current.findIndex((source) => updateApplies(update, source));
    if (index < 0) {
      const { name, namespace } = app.metadata;
      const have = current.map(
        (s) => `${s.repoURL ?? '(none)'}${s.chart ? ` chart ${s.chart}` : ''}`,
      );
      throw terminalError(
        `no source of Argo CD Application ${JSON.stringify(name)} in namespace ${JSON.stringify(namespace ?? '')} matched update for source with repoURL ${update.repoURL}${update.chart ? ` and chart ${JSON.stringify(update.chart)}` : ''} (its sources: ${have.join(', ') || 'none'})`,
      );
    }
    const source = sources[index]!;
    const where = current.length > 1 ? `source ${index} ` : '';
    if (update.updateTargetRevision && update.desiredRevision) {
      const before = source.targetRevision ?? '';
      if (before !== update.desiredRevision) {
        source.targetRevision = update.desiredRevision;
        changes.push(`${where}targetRevision: ${before || '(none)'} → ${update.desiredRevision}`);
      }
    }
    const images = update.kustomize?.images ?? [];
    if (images.length > 0) {
      const entries = images.map(kustomizeImage);
      const before = source.kustomize?.images ?? [];
      source.kustomize = { ...source.kustomize, images: entries };
      if (JSON.stringify(before) !== JSON.stringify(entries))
        changes.push(`${where}kustomize images ${entries.join(', ')}`);
    }
    for (const { key, value } of update.helm?.images ?? []) {
      const parameters = [...(source.helm?.parameters ?? [])];
      const at = parameters.findIndex((parameter) => parameter.name === key);
      if (at >= 0 && parameters[at]!.value === value) {
        source.helm = { ...source.helm, parameters };
        continue;
      }
      if (at >= 0) parameters[at] = { name: key, value };
      else parameters.push({ name: key, value });
      source.helm = { ...source.helm, parameters };
      changes.push(`${where}helm parameter ${key}=${value}`);
    }
  }
  return { sources, changes, desiredRevisions };
}

/** Kargo's applyArgoCDSourceUpdate match. */
function updateApplies(update: SourceUpdate, source: ApplicationSource): boolean {
  if (source.chart || update.chart)
    return source.repoURL === update.repoURL && source.chart === update.chart;
  return (
    source.repoURL !== undefined &&
    normalizeGitUrl(source.repoURL) === normalizeGitUrl(update.repoURL)
  );
}

/** Argo CD's KustomizeImage string, as Kargo builds it: `repo[=newName](@digest|:tag)`. */
function kustomizeImage(image: {
  repoURL: string;
  tag?: string | undefined;
  digest?: string | undefined;
  newName?: string | undefined;
}): string {
  const name = image.newName ? `${image.repoURL}=${image.newName}` : image.repoURL;
  return image.digest ? `${name}@${image.digest}` : `${name}:${image.tag ?? ''}`;
}
