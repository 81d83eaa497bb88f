import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { isMap, isScalar, parse, parseDocument } from 'yaml';
import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import { terminalError, transientError } from '../engine/step-error.js';
import { goYamlMarshal } from '../expr/go-yaml.js';

/** The names kustomize recognises, in its order (konfig.RecognizedKustomizationFileNames). */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Kargo's marker: keep the value the kustomization already has (`newName: '*'`). */
const PRESERVE = '*';

/** An `images` entry of a kustomization, with kustomize's fields in kustomize's order. */
interface KustomizeImage {
  name: string;
  newName?: string | undefined;
  tagSuffix?: string | undefined;
  newTag?: string | undefined;
  digest?: string | undefined;
}

/** A string Kargo treats as unset when empty (null is refused: the schema's type is string). */
const optionalText = (description: string) => z.string().optional().describe(description);

const imageSchema = z
  .strictObject({
    image: z
      .string()
      .min(1)
      .describe('The image repository Kargo subscribes to (the entry name unless `name` is set)'),
    name: optionalText('The image name as the kustomization names it (default: `image`)'),
    newName: optionalText("Rename the image in the manifests ('*' keeps the current newName)"),
    tag: optionalText("The tag to set ('*' keeps the current one); exclusive with digest"),
    digest: optionalText("The digest to set ('*' keeps the current one); exclusive with tag"),
  })
  .superRefine((image, ctx) => {
    // Kargo's schema: oneOf { tag non-empty, digest unset/"" } | { digest non-empty, tag unset/"" }.
    if (!image.tag === !image.digest)
      ctx.addIssue({
        code: 'custom',
        message:
          'set exactly one of tag and digest (Must validate one and only one schema (oneOf))',
      });
  });

/**
 * kustomize-set-image: sets image overrides in a kustomization's `images` list, as Kargo does
 * (and without kustomize). The configured images — or, without `images`, every image of the
 * Freight (tag and digest both, as the Freight has them) — are merged into the list by name,
 * the list written sorted by name in kustomize's compact style; the rest of the file is left as
 * it was. Output `commitMessage` (none when there is nothing to set).
 */
export const kustomizeSetImageStep = defineStep({
  kind: 'kustomize-set-image',
  description: "Set image tags or digests in a kustomization's images list",
  configSchema: z.strictObject({
    path: z.string().min(1).describe('Directory of the kustomization file'),
    images: z
      .array(imageSchema)
      .optional()
      .describe('Images to set (default: every image of the Freight)'),
  }),
  capabilities: [],
  run(context, config) {
    const file = findKustomization(context, config.path);
    const targets =
      config.images && config.images.length > 0
        ? targetsFromConfig(config.images)
        : targetsFromFreight(context);
    const text = context.workDir.readFile(file).toString('utf8');
    let current: KustomizeImage[];
    try {
      current = currentImages(parse(text));
    } catch (err) {
      throw transientError(
        `could not unmarshal Kustomization file: ${(err as Error).message}`,
        err,
      );
    }
    const merged = mergeImages(current, targets);
    context.workDir.writeFile(file, replaceImages(text, merged));
    const message = commitMessage(config.path, targets);
    for (const image of [...targets.values()])
      context.log(`${config.path}: set ${reference(image)}`);
    return Promise.resolve({
      status: 'Succeeded',
      ...(message ? { output: { commitMessage: message } } : {}),
    });
  },
});

/** Kargo's findKustomization: exactly one of kustomize's file names must be a regular file. */
function findKustomization(context: StepContext, path: string): string {
  const candidates = KUSTOMIZATION_FILES.map((name) => posix.join(path, name)).filter((file) => {
    // Resolving refuses a link out of the working directory (a terminal error).
    const resolved = context.workDir.resolve(file, 'path');
    try {
      return statSync(resolved).isFile();
    } catch {
      return false;
    }
  });
  if (candidates.length === 0)
    throw transientError(
      `could not discover kustomization file: could not find any Kustomization files in ${JSON.stringify(path)}`,
    );
  if (candidates.length > 1)
    throw transientError(
      `could not discover kustomization file: ambiguous result: found multiple Kustomization files in ${JSON.stringify(path)}: [${candidates.join(' ')}]`,
    );
  return candidates[0] as string;
}

function targetsFromConfig(images: z.infer<typeof imageSchema>[]): Map<string, KustomizeImage> {
  const targets = new Map<string, KustomizeImage>();
  for (const image of images) {
    const name = image.name || image.image;
    targets.set(name, {
      name,
      newName: image.newName || undefined,
      ...(image.digest ? { digest: image.digest } : { newTag: image.tag || undefined }),
    });
  }
  return targets;
}

/**
 * Every image of the Freight. Refused when two pieces of Freight carry the same repository:
 * which one is meant cannot be told (Kargo refuses when two requested Warehouses subscribe to it).
 */
function targetsFromFreight(context: StepContext): Map<string, KustomizeImage> {
  const owners = new Map<string, number>();
  context.freight.forEach((ref, i) => {
    for (const image of ref.images ?? []) {
      const repo = image.repoURL ?? '';
      const owner = owners.get(repo);
      if (owner !== undefined && owner !== i)
        throw transientError(
          `manual configuration required due to ambiguous result: image ${repo} comes from more than one piece of Freight`,
        );
      owners.set(repo, i);
    }
  });
  const targets = new Map<string, KustomizeImage>();
  for (const ref of context.freight)
    for (const image of ref.images ?? []) {
      const name = image.repoURL ?? '';
      targets.set(name, {
        name,
        newTag: image.tag || undefined,
        digest: image.digest || undefined,
      });
    }
  return targets;
}

function currentImages(document: unknown): KustomizeImage[] {
  if (document === null || document === undefined) return [];
  if (typeof document !== 'object' || Array.isArray(document))
    throw terminalError('the Kustomization file is not a YAML map');
  const images = (document as Record<string, unknown>).images;
  if (images === null || images === undefined) return [];
  if (!Array.isArray(images))
    throw terminalError('could not decode images field in Kustomization file: not a list');
  return images.map((entry) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const text = (key: string) =>
      typeof e[key] === 'string' && e[key] !== '' ? String(e[key]) : undefined;
    return {
      name: text('name') ?? '',
      newName: text('newName'),
      tagSuffix: text('tagSuffix'),
      newTag: text('newTag'),
      digest: text('digest'),
    };
  });
}

/** Kargo's mergeImages: targets replace entries of their name ('*' keeps a field), sorted by name. */
function mergeImages(
  current: KustomizeImage[],
  targets: Map<string, KustomizeImage>,
): KustomizeImage[] {
  const merged = new Map(targets);
  for (const image of current) {
    const target = merged.get(image.name);
    if (!target) {
      merged.set(image.name, image);
      continue;
    }
    merged.set(image.name, {
      name: target.name,
      newName: target.newName === PRESERVE ? image.newName : target.newName,
      newTag: target.newTag === PRESERVE ? image.newTag : target.newTag,
      digest: target.digest === PRESERVE ? image.digest : target.digest,
    });
  }
  const unstar = (value: string | undefined) => (value === PRESERVE ? undefined : value);
  return [...merged.values()]
    .map((image) => ({
      ...image,
      newName: unstar(image.newName),
      newTag: unstar(image.newTag),
      digest: unstar(image.digest),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The images list as kustomize (kyaml) writes it: compact, two spaces, yaml.v3's quoting. */
function imagesBlock(images: KustomizeImage[]): string {
  if (images.length === 0) return 'images: []\n';
  const scalar = (value: string) => goYamlMarshal(value).replace(/\n$/, '');
  let out = 'images:\n';
  for (const image of images) {
    const fields = (['name', 'newName', 'tagSuffix', 'newTag', 'digest'] as const).filter(
      (key) => image[key] !== undefined && image[key] !== '',
    );
    if (fields.length === 0) {
      out += '- {}\n';
      continue;
    }
    fields.forEach((key, i) => {
      out += `${i === 0 ? '- ' : '  '}${key}: ${scalar(image[key] as string)}\n`;
    });
  }
  return out;
}

/**
 * The file with its top-level `images` replaced (or added at the end); every other line is left
 * as it was.
 */
function replaceImages(text: string, images: KustomizeImage[]): string {
  const block = imagesBlock(images);
  const doc = parseDocument(text);
  if (doc.contents === null || doc.contents === undefined) return block;
  if (!isMap(doc.contents)) throw terminalError('the Kustomization file is not a YAML map');
  type Ranged = { range?: [number, number, number] | null } | null | undefined;
  const pair = doc.contents.items.find(
    (item) => isScalar(item.key) && item.key.value === 'images',
  ) as { key: Ranged; value: Ranged } | undefined;
  const flow = doc.contents.flow === true;
  const keyStart = pair?.key?.range?.[0];
  if (flow || (pair && keyStart === undefined)) {
    // A flow-style map cannot take a block list: the document is written again.
    doc.set(
      'images',
      images.map((image) => Object.fromEntries(Object.entries(image).filter(([, v]) => v))),
    );
    return doc.toString();
  }
  if (!pair || keyStart === undefined) {
    const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    return body + block;
  }
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  let end = pair.value?.range?.[2] ?? pair.key?.range?.[2] ?? keyStart;
  // Up to the end of the line the old value ends on.
  const newline = text.indexOf('\n', end > 0 ? end - 1 : 0);
  end = text[end - 1] === '\n' ? end : newline === -1 ? text.length : newline + 1;
  // Blank lines after the old list stay, as every line outside it.
  const blankLines = /\n((?:[ \t]*\n)*)$/.exec(text.slice(lineStart, end))?.[1] ?? '';
  return text.slice(0, lineStart) + block + blankLines + text.slice(end);
}

function reference(image: KustomizeImage): string {
  let ref = image.newName || image.name;
  if (image.newTag) ref += `:${image.newTag}`;
  if (image.digest) ref += `@${image.digest}`;
  return ref;
}

/** Kargo's commit message: "Updated <path> to use new image(s)" and one line per image, by name. */
function commitMessage(path: string, images: Map<string, KustomizeImage>): string {
  if (images.size === 0) return '';
  const names = [...images.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let message = `Updated ${path} to use new image${images.size > 1 ? 's' : ''}\n`;
  for (const name of names) message += `\n- ${reference(images.get(name) as KustomizeImage)}`;
  return message;
}
