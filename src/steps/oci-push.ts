import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  noArtifactRegistry,
  type ArtifactRegistry,
  type RegistryAccess,
  type StoredManifest,
} from '../artifacts/artifact-registry.js';
import { defineStep, type StepDefinition } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import { parseImageRepository } from '../sources/oci/image-repository.js';

/** Kargo's default MAX_OCI_PUSH_ARTIFACT_SIZE: 1 GiB of compressed config and layers. */
export const MAX_OCI_PUSH_BYTES = 1 << 30;

const REFERENCE = /^(oci:\/\/)?[a-zA-Z0-9._-]+(:\d+)?(\/[a-zA-Z0-9._-]+)*[@:][a-zA-Z0-9._:-]+$/;
const TAGGED_REFERENCE =
  /^(oci:\/\/)?[a-zA-Z0-9._-]+(:\d+)?(\/[a-zA-Z0-9._-]+)*[:][a-zA-Z0-9._-]+$/;

/** As Kargo's oci-push-config.json. */
export const ociPushConfigSchema = z.strictObject({
  srcRef: z
    .string()
    .min(1)
    .regex(
      REFERENCE,
      'Does not match pattern (registry/repository:tag or registry/repository@sha256:digest)',
    )
    .describe(
      "The artifact to copy: 'registry/repository:tag' or 'registry/repository@sha256:digest' (oci:// for Helm credentials)",
    ),
  destRef: z
    .string()
    .min(1)
    .regex(TAGGED_REFERENCE, 'Does not match pattern (registry/repository:tag)')
    .describe(
      "Where to push it, with a tag: 'registry/repository:tag' (oci:// for Helm credentials); the source's repository with another tag retags in place",
    ),
  annotations: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Annotations to set on the pushed manifests; 'index:' keys go to an index, 'manifest:' and unprefixed keys to image manifests",
    ),
  insecureSkipTLSVerify: z
    .boolean()
    .optional()
    .describe('Accept any TLS certificate of both registries'),
});

const IMAGE_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
}

/** A manifest or index to push, with its children (an index's manifests), deepest pushed first. */
interface Node {
  manifest: StoredManifest;
  body: {
    config?: Descriptor;
    layers?: Descriptor[];
    manifests?: Descriptor[];
    annotations?: Record<string, string>;
  };
  children: Node[];
}

/**
 * oci-push: copies or retags an OCI artifact (an image, a multi-platform index, a Helm chart),
 * as Kargo's oci_pusher.go: the source manifest or index with every child manifest and blob,
 * blobs the destination has skipped, mounted across repositories of one registry where it
 * allows, streamed otherwise; then the manifest under the destination tag. Annotations are
 * merged into the pushed manifests (`index:` keys into an index, the others into image
 * manifests), which changes their digests. Copies to another repository are limited to
 * `maxArtifactBytes` of compressed config and layers (0: none allowed; negative: no limit).
 * Credentials: the project's image credentials for each side, Helm ones for an `oci://`
 * reference. In plan mode it reads the source and pushes nothing.
 */
export function createOciPushStep(
  options: { maxArtifactBytes?: number } = {},
): StepDefinition<typeof ociPushConfigSchema> {
  const maxArtifactBytes = options.maxArtifactBytes ?? MAX_OCI_PUSH_BYTES;
  return defineStep({
    kind: 'oci-push',
    description: 'Copy or retag an OCI image, index or chart between registries',
    configSchema: ociPushConfigSchema,
    capabilities: ['credentials'],
    async run(context, config) {
      const src = parseOrFail(config.srcRef, 'source');
      const dst = parseOrFail(config.destRef, 'destination');
      const registry = context.artifacts ?? noArtifactRegistry;
      const accessFor = async (ref: OciReference): Promise<RegistryAccess> => {
        let credentials;
        try {
          credentials = await context.credentialsFor(ref.credentialsUrl, ref.kind);
        } catch (err) {
          throw transientError(
            `error obtaining credentials for image repo ${JSON.stringify(ref.credentialsUrl)}: ${(err as Error).message}`,
            err,
          );
        }
        return { credentials, insecure: config.insecureSkipTLSVerify, signal: context.signal };
      };
      const srcAccess = await accessFor(src);
      const dstAccess = await accessFor(dst);

      let top: StoredManifest;
      try {
        top = await registry.rawManifest(src.repository, src.reference, srcAccess);
      } catch (err) {
        throw failed(`failed to get source artifact ${JSON.stringify(config.srcRef)}`, err);
      }
      const isImage = IMAGE_TYPES.has(top.mediaType);
      if (!isImage && !INDEX_TYPES.has(top.mediaType))
        throw terminalError(`unsupported media type ${JSON.stringify(top.mediaType)}`);
      const pushError = `failed to push ${isImage ? 'image' : 'image index'} to ${JSON.stringify(dst.original)}`;

      const root = await load(registry, src.repository, srcAccess, top);

      // Only a copy to another repository moves bytes (a retag finds every blob in place).
      if (maxArtifactBytes >= 0 && src.context !== dst.context) {
        if (maxArtifactBytes === 0) throw terminalError('cross-repository push is disabled');
        const size = compressedSize(root);
        if (size > maxArtifactBytes)
          throw terminalError(
            `compressed artifact size ${formatBytes(size)} exceeds maximum allowed size of ${formatBytes(maxArtifactBytes)}`,
          );
      }

      const { index, manifest } = annotationScopes(config.annotations ?? {});
      const pushed = annotate(root, isImage, index, manifest);
      const output = { image: dst.original, digest: pushed.manifest.digest, tag: dst.tag };

      if (context.plan) {
        context.log(
          `plan: would push ${config.srcRef} (${pushed.manifest.digest}) to ${dst.original}`,
        );
        return { status: 'Succeeded', output };
      }

      const counts = { present: 0, mounted: 0, uploaded: 0 };
      try {
        const blobs = new Map<string, number>();
        collectBlobs(pushed, blobs);
        await inPool([...blobs], 4, async ([digest, size]) => {
          const how = await registry.copyBlob(
            { digest, size },
            { repository: src.repository, ...srcAccess },
            { repository: dst.repository, ...dstAccess },
          );
          counts[how]++;
        });
        await putChildren(registry, dst.repository, dstAccess, pushed);
        const digest = await registry.putManifest(
          dst.repository,
          dst.reference,
          pushed.manifest,
          dstAccess,
        );
        if (digest !== pushed.manifest.digest)
          throw terminalError(
            `registry stored ${dst.original} as ${digest}, not ${pushed.manifest.digest}`,
          );
      } catch (err) {
        throw failed(pushError, err);
      }
      context.log(
        `pushed ${config.srcRef} to ${dst.original} as ${pushed.manifest.digest} (blobs: ${counts.present} present, ${counts.mounted} mounted, ${counts.uploaded} uploaded)`,
      );
      return { status: 'Succeeded', output };
    },
  });
}

export const ociPushStep = createOciPushStep();

function failed(what: string, err: unknown) {
  if (isStepError(err)) return err;
  const message = `${what}: ${(err as Error).message}`;
  return (err as { transient?: boolean }).transient === true
    ? transientError(message, err)
    : terminalError(message, err);
}

/** The manifest and, for an index, every child manifest it lists (read from the source). */
async function load(
  registry: ArtifactRegistry,
  repository: string,
  access: RegistryAccess,
  manifest: StoredManifest,
): Promise<Node> {
  const body = JSON.parse(manifest.bytes.toString('utf8')) as Node['body'];
  const children: Node[] = [];
  for (const entry of body.manifests ?? []) {
    const digest = entry.digest ?? '';
    let child: StoredManifest;
    try {
      child = await registry.rawManifest(repository, digest, access);
    } catch (err) {
      throw failed(`failed to resolve child image ${digest}`, err);
    }
    children.push(await load(registry, repository, access, child));
  }
  return { manifest, body, children };
}

/** Config and layers of every image, as Kargo's size check adds them (metadata only). */
function compressedSize(node: Node): number {
  let total = (node.body.config?.size ?? 0) + sum(node.body.layers ?? []);
  for (const child of node.children) total += compressedSize(child);
  return total;
}

const sum = (descriptors: Descriptor[]) => descriptors.reduce((n, d) => n + (d.size ?? 0), 0);

/** Kargo's annotation scopes: `index:` keys for the index, `manifest:` and bare keys for images. */
export function annotationScopes(annotations: Record<string, string>): {
  index: Record<string, string>;
  manifest: Record<string, string>;
} {
  const index: Record<string, string> = {};
  const manifest: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('index:')) index[key.slice('index:'.length)] = value;
    else if (key.startsWith('manifest:')) manifest[key.slice('manifest:'.length)] = value;
    else manifest[key] = value;
  }
  return { index, manifest };
}

/**
 * The manifests to push with the annotations merged in, as Kargo's image/mutate does: an
 * image gets the manifest-scoped ones (index-scoped ones are ignored); an index gets the
 * index-scoped ones, and each image it lists the manifest-scoped ones, its entry rewritten
 * with the new digest and size. Without annotations the bytes stay as they are, digest and all.
 */
function annotate(
  node: Node,
  isImage: boolean,
  index: Record<string, string>,
  manifest: Record<string, string>,
): Node {
  const hasManifest = Object.keys(manifest).length > 0;
  if (isImage) return hasManifest ? withAnnotations(node, manifest, node.children) : node;
  if (!hasManifest && Object.keys(index).length === 0) return node;
  const children = node.children.map((child, i) => {
    const entry = node.body.manifests?.[i];
    return hasManifest && IMAGE_TYPES.has(entry?.mediaType ?? '')
      ? withAnnotations(child, manifest, child.children)
      : child;
  });
  const manifests = (node.body.manifests ?? []).map((entry, i) => {
    const child = children[i]!;
    return child === node.children[i]
      ? entry
      : { ...entry, digest: child.manifest.digest, size: child.manifest.bytes.length };
  });
  return withAnnotations({ ...node, body: { ...node.body, manifests } }, index, children);
}

function withAnnotations(node: Node, annotations: Record<string, string>, children: Node[]): Node {
  const body =
    Object.keys(annotations).length > 0
      ? { ...node.body, annotations: { ...node.body.annotations, ...annotations } }
      : node.body;
  const bytes = Buffer.from(goJson(body));
  return {
    manifest: {
      mediaType: node.manifest.mediaType,
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      bytes,
    },
    body,
    children,
  };
}

/** Compact JSON with <, > and & escaped, as Go's encoding/json writes strings. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function collectBlobs(node: Node, blobs: Map<string, number>): void {
  for (const d of [node.body.config, ...(node.body.layers ?? [])])
    if (d?.digest) blobs.set(d.digest, d.size ?? 0);
  for (const child of node.children) collectBlobs(child, blobs);
}

/** Every child manifest by its digest, deepest first, before the index that lists it. */
async function putChildren(
  registry: ArtifactRegistry,
  repository: string,
  access: RegistryAccess,
  node: Node,
): Promise<void> {
  for (const child of node.children) {
    await putChildren(registry, repository, access, child);
    await registry.putManifest(repository, child.manifest.digest, child.manifest, access);
  }
}

async function inPool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** Kargo's FormatByteCount: the largest IEC unit, one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

interface OciReference {
  /** The reference as written, without `oci://` (Kargo's output `image`). */
  original: string;
  /** `host[:port]/path`, as written. */
  repository: string;
  /** The registry and path after Docker's defaults: two references to one repository agree. */
  context: string;
  /** A tag or a `sha256:` digest. */
  reference: string;
  /** The tag ('' for a digest reference). */
  tag: string;
  kind: 'image' | 'helm';
  credentialsUrl: string;
}

function parseOrFail(ref: string, side: 'source' | 'destination'): OciReference {
  try {
    return parseOciReference(ref);
  } catch (err) {
    throw terminalError(
      `failed to parse ${side} reference ${JSON.stringify(ref)}: ${(err as Error).message}`,
    );
  }
}

/**
 * Kargo's parseOCIReference over go-containerregistry's name.ParseReference: `oci://` selects
 * Helm credentials (looked up as `oci://<repository>`); a digest wins over a tag written
 * before it; no tag means `latest`.
 */
export function parseOciReference(ref: string): OciReference {
  const helm = ref.startsWith('oci://');
  const bare = helm ? ref.slice('oci://'.length) : ref;
  const invalid = (why: string) =>
    new Error(`invalid image reference ${JSON.stringify(bare)}: ${why}`);
  let name = bare;
  let reference: string;
  let tag = '';
  const at = bare.indexOf('@');
  if (at >= 0) {
    name = bare.slice(0, at);
    reference = bare.slice(at + 1);
    if (!/^sha256:[a-f0-9]{64}$/.test(reference))
      throw invalid(`${JSON.stringify(reference)} is not a sha256 digest`);
    name = withoutTag(name);
  } else {
    const colon = bare.lastIndexOf(':');
    if (colon > bare.lastIndexOf('/')) {
      name = bare.slice(0, colon);
      tag = bare.slice(colon + 1);
    } else tag = 'latest';
    if (!/^[\w][\w.-]{0,127}$/.test(tag))
      throw invalid(`${JSON.stringify(tag)} is not a valid tag`);
    reference = tag;
  }
  if (
    !/^([a-zA-Z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(
      name,
    )
  )
    throw invalid(`${JSON.stringify(name)} is not a repository name`);
  const { registry, path } = parseImageRepository(name);
  return {
    original: bare,
    repository: name,
    context: `${registry}/${path}`,
    reference,
    tag,
    kind: helm ? 'helm' : 'image',
    credentialsUrl: helm ? `oci://${name}` : name,
  };
}

function withoutTag(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}
