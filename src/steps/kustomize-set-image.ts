import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { normalizeImageRepo } from '../api/repo-urls.js';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * kustomize-set-image: sets image overrides in a kustomization.yaml, as `kustomize edit set
 * image` would, but without needing kustomize: the `images:` list is edited directly (other
 * content keeps its formatting). Without `images`, every image of the promoted Freight is set.
 * Output `commitMessage`.
 */
export const kustomizeSetImageStep = defineStep({
  kind: 'kustomize-set-image',
  description: "Set image tags or digests in a kustomization's images list",
  configSchema: z.strictObject({
    path: z.string().min(1).describe('Directory of the kustomization.yaml'),
    images: z
      .array(
        z
          .strictObject({
            image: z.string().min(1).describe('The image (repository) to set'),
            tag: z.string().min(1).optional().describe('The tag (default: from the Freight)'),
            digest: z.string().min(1).optional().describe('The digest (default: none)'),
            newName: z.string().min(1).optional().describe('Replace the image name too'),
            useDigest: z
              .boolean()
              .optional()
              .describe('Use the Freight image digest instead of its tag'),
          })
          .superRefine((image, ctx) => {
            if (image.tag && image.digest)
              ctx.addIssue({ code: 'custom', message: 'set tag or digest, not both' });
          }),
      )
      .optional()
      .describe('Images to set (default: every image of the Freight)'),
  }),
  capabilities: [],
  run(context, config) {
    // The kustomization file itself is resolved too: it may be a link out of the working directory.
    const fileName = KUSTOMIZATION_FILES.find((name) =>
      existsSync(context.workDir.resolve(join(config.path, name))),
    );
    if (!fileName) throw terminalError(`path: no kustomization.yaml in ${config.path}`);
    const file = join(config.path, fileName);
    const freightImages = context.freight.flatMap((ref) => ref.images ?? []);
    const wanted =
      config.images ??
      freightImages.map((image) => ({
        image: image.repoURL ?? '',
        tag: image.tag,
        digest: undefined,
        newName: undefined,
        useDigest: false,
      }));
    if (wanted.length === 0)
      throw terminalError('images: none given and the Freight has no images');
    const doc = parseDocument(context.workDir.readFile(file).toString('utf8'));
    if (!isMap(doc.contents))
      throw terminalError(`${config.path}/${fileName} is not a kustomization (a YAML map)`);
    let list = doc.get('images', true);
    if (!isSeq(list)) {
      doc.set('images', doc.createNode([]));
      list = doc.get('images', true);
    }
    const seq = list as YAMLSeq;
    const lines: string[] = [];
    for (const request of wanted) {
      const fromFreight = freightImages.find(
        (image) => normalizeImageRepo(image.repoURL ?? '') === normalizeImageRepo(request.image),
      );
      const digest = request.digest ?? (request.useDigest ? fromFreight?.digest : undefined);
      const tag = digest ? undefined : (request.tag ?? fromFreight?.tag);
      if (!tag && !digest)
        throw terminalError(
          `images: no tag or digest for ${request.image}, and the Freight has no such image`,
        );
      let entry = seq.items.find((item) => isMap(item) && item.get('name') === request.image) as
        YAMLMap | undefined;
      if (!entry) {
        entry = doc.createNode({ name: request.image });
        seq.add(entry);
      }
      if (request.newName) entry.set('newName', request.newName);
      if (digest) {
        entry.set('digest', digest);
        entry.delete('newTag');
      } else {
        entry.set('newTag', tag);
        entry.delete('digest');
      }
      lines.push(`- ${request.newName ?? request.image}${digest ? `@${digest}` : `:${tag}`}`);
    }
    context.workDir.writeFile(file, doc.toString());
    for (const line of lines) context.log(`${config.path}: set ${line.slice(2)}`);
    return Promise.resolve({
      status: 'Succeeded',
      output: { commitMessage: `Updated ${config.path} to use new images\n\n${lines.join('\n')}` },
    });
  },
});
