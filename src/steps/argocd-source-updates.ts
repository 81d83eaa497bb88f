import { z } from 'zod';
import { terminalError } from '../engine/step-error.js';
import {
  appKey,
  sourcesOf,
  type Application,
  type ApplicationSource,
} from '../integrations/argocd/application.js';

const kustomizeImageSchema = z
  .strictObject({
    repoURL: z.string().min(1).describe('The image to override, as the manifests name it'),
    tag: z.string().min(1).optional().describe('The tag to run (exclusive with digest)'),
    digest: z.string().min(1).optional().describe('The digest to run (exclusive with tag)'),
    newName: z.string().min(1).optional().describe('Run the image under this name instead'),
  })
  .refine((image) => (image.tag === undefined) !== (image.digest === undefined), {
    message: 'set exactly one of tag and digest',
  });

/** One `apps[].sources[]` entry of argocd-update: which source, and what to change in it. */
export const sourceUpdateSchema = z
  .strictObject({
    repoURL: z.string().min(1).describe("The source's repoURL, exactly"),
    chart: z.string().min(1).optional().describe("For a Helm chart repository: the source's chart"),
    desiredRevision: z
      .string()
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
          .describe('Kustomize image overrides to set on the source'),
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
  .refine((update) => !update.updateTargetRevision || !!update.desiredRevision, {
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
 * Applies argocd-update's source updates to an app, without calling anything. Each update
 * must match a source by repoURL (and chart, when given) or the step fails before touching
 * any app. URLs are compared after dropping a trailing slash or `.git` and the host's case.
 */
export function planSourceUpdates(app: Application, updates: readonly SourceUpdate[]): SourcePlan {
  const current = sourcesOf(app);
  const sources = current.map((source) => structuredClone(source));
  const desiredRevisions = current.map(() => '');
  const changes: string[] = [];
  for (const update of updates) {
    const index = current.findIndex(
      (source) =>
        sameRepoURL(source.repoURL, update.repoURL) &&
        (update.chart === undefined || source.chart === update.chart),
    );
    if (index < 0) {
      const have = current.map(
        (s) => `${s.repoURL ?? '(none)'}${s.chart ? ` chart ${s.chart}` : ''}`,
      );
      throw terminalError(
        `Application ${appKey(app)} has no source with repoURL ${update.repoURL}${update.chart ? ` and chart ${update.chart}` : ''} (its sources: ${have.join(', ') || 'none'})`,
      );
    }
    const source = sources[index]!;
    const where = current.length > 1 ? `source ${index} ` : '';
    if (update.desiredRevision) desiredRevisions[index] = update.desiredRevision;
    if (update.updateTargetRevision && update.desiredRevision) {
      const before = source.targetRevision ?? '';
      if (before !== update.desiredRevision) {
        source.targetRevision = update.desiredRevision;
        changes.push(`${where}targetRevision: ${before || '(none)'} → ${update.desiredRevision}`);
      }
    }
    for (const image of update.kustomize?.images ?? []) {
      const entry = kustomizeImage(image);
      const images = [...(source.kustomize?.images ?? [])];
      const at = images.findIndex((existing) => kustomizeImageName(existing) === image.repoURL);
      if (at >= 0 && images[at] === entry) continue;
      if (at >= 0) images[at] = entry;
      else images.push(entry);
      source.kustomize = { ...source.kustomize, images };
      changes.push(`${where}kustomize image ${entry}`);
    }
    for (const { key, value } of update.helm?.images ?? []) {
      const parameters = [...(source.helm?.parameters ?? [])];
      const at = parameters.findIndex((parameter) => parameter.name === key);
      if (at >= 0 && parameters[at]!.value === value) continue;
      if (at >= 0) parameters[at] = { ...parameters[at]!, value };
      else parameters.push({ name: key, value });
      source.helm = { ...source.helm, parameters };
      changes.push(`${where}helm parameter ${key}=${value}`);
    }
  }
  return { sources, changes, desiredRevisions };
}

/** Argo CD's KustomizeImage string: `repo[=newName](:tag|@digest)`. */
function kustomizeImage(image: {
  repoURL: string;
  tag?: string | undefined;
  digest?: string | undefined;
  newName?: string | undefined;
}): string {
  const name = image.newName ? `${image.repoURL}=${image.newName}` : image.repoURL;
  return image.digest ? `${name}@${image.digest}` : `${name}:${image.tag ?? ''}`;
}

/** The image an override is for: the part before `=`, else the name without tag or digest. */
function kustomizeImageName(entry: string): string {
  const eq = entry.indexOf('=');
  if (eq >= 0) return entry.slice(0, eq);
  const at = entry.indexOf('@');
  const withoutDigest = at >= 0 ? entry.slice(0, at) : entry;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

function sameRepoURL(a: string | undefined, b: string): boolean {
  return a !== undefined && normalizeRepoURL(a) === normalizeRepoURL(b);
}

function normalizeRepoURL(url: string): string {
  const trimmed = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)(.*)$/i.exec(trimmed);
  return scheme ? `${scheme[1]!.toLowerCase()}${scheme[2]!.toLowerCase()}${scheme[3]}` : trimmed;
}
