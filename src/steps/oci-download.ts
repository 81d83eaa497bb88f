import { chmodSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { noArtifactRegistry } from '../artifacts/artifact-registry.js';
import { defineStep } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';

/** Kargo's maxOCIArtifactSize: 100 MiB. */
export const MAX_OCI_ARTIFACT_BYTES = 100 << 20;

/** As Kargo's oci-download-config.json. */
export const ociDownloadConfigSchema = z.strictObject({
  imageRef: z
    .string()
    .min(1)
    .regex(
      /^(oci:\/\/)?[a-zA-Z0-9._-]+(:\d+)?(\/[a-zA-Z0-9._-]+)*[@:][a-zA-Z0-9._:-]+$/,
      'Does not match pattern (registry/repository:tag or registry/repository@sha256:digest)',
    )
    .describe(
      "The artifact: 'registry/repository:tag' or 'registry/repository@sha256:digest' (oci:// for Helm credentials)",
    ),
  outPath: z
    .string()
    .min(1)
    .describe('The file to write the layer to, relative to the working directory'),
  allowOverwrite: z.boolean().optional().describe('Replace an existing file at outPath'),
  mediaType: z
    .string()
    .min(1)
    .optional()
    .describe('The media type of the layer to write (default: the first layer)'),
  insecureSkipTLSVerify: z
    .boolean()
    .optional()
    .describe('Accept any TLS certificate of the registry'),
});

/**
 * oci-download: writes one layer of an OCI artifact (an image, a chart, any artifact pushed
 * with oras) to a file, as Kargo's oci_downloader.go: the first layer, or the first of
 * `mediaType`; at most 100 MiB; an existing file only with `allowOverwrite`. Credentials: the
 * project's image credentials for the repository, or its Helm ones when the reference starts
 * with `oci://` (as Kargo looks them up).
 */
export const ociDownloadStep = defineStep({
  kind: 'oci-download',
  description: 'Download a layer of an OCI artifact into a file',
  configSchema: ociDownloadConfigSchema,
  capabilities: ['credentials'],
  async run(context, config) {
    const target = context.workDir.resolve(config.outPath, 'outPath', { write: true });
    if (!config.allowOverwrite && existsSync(target))
      throw terminalError(`file already exists at ${config.outPath} and overwrite is not allowed`);
    const ref = parseReference(config.imageRef);
    const registry = context.artifacts ?? noArtifactRegistry;
    const credentials = await context.credentialsFor(ref.credentialsUrl, ref.kind);
    const access = {
      credentials,
      insecure: config.insecureSkipTLSVerify,
      signal: context.signal,
    };
    const failed = (what: string, err: unknown) => {
      if (isStepError(err)) return err;
      const message = `${what}: ${(err as Error).message}`;
      return (err as { transient?: boolean }).transient === true
        ? transientError(message, err)
        : terminalError(message, err);
    };
    let manifest;
    try {
      manifest = await registry.manifest(ref.repository, ref.reference, access);
    } catch (err) {
      throw failed(`failed to resolve image ${JSON.stringify(config.imageRef)}`, err);
    }
    if (manifest.layers.length === 0)
      throw terminalError('failed to find target layer: image has no layers');
    const layer = config.mediaType
      ? manifest.layers.find((l) => l.mediaType === config.mediaType)
      : manifest.layers[0];
    if (!layer)
      throw terminalError(
        `failed to find target layer: no layer found with media type ${JSON.stringify(config.mediaType)}`,
      );
    if (layer.size > MAX_OCI_ARTIFACT_BYTES)
      throw terminalError(
        `layer size ${layer.size} exceeds maximum allowed size of ${MAX_OCI_ARTIFACT_BYTES} bytes`,
      );
    let bytes: Buffer;
    try {
      bytes = await registry.blob(ref.repository, layer.digest, access, MAX_OCI_ARTIFACT_BYTES);
    } catch (err) {
      throw failed('failed to copy layer content', err);
    }
    // Written whole (never half a file), readable by the promotion only, as Kargo's.
    const written = context.workDir.writeFile(config.outPath, bytes, {
      field: 'outPath',
      mode: 0o600,
    });
    chmodSync(written, 0o600); // a replaced file too: Kargo renames a new 0600 file over it

    context.log(
      `wrote layer ${layer.digest.slice(0, 19)} (${layer.mediaType}, ${bytes.length} bytes) of ${config.imageRef} to ${config.outPath}`,
    );
    return { status: 'Succeeded' };
  },
});

/**
 * Kargo's parseOCIReference: `oci://` selects Helm credentials (looked up as
 * `oci://<registry>/<repository>`), otherwise image credentials (`<registry>/<repository>`).
 */
function parseReference(imageRef: string): {
  repository: string;
  reference: string;
  kind: 'image' | 'helm';
  credentialsUrl: string;
} {
  const helm = imageRef.startsWith('oci://');
  const bare = helm ? imageRef.slice('oci://'.length) : imageRef;
  const at = bare.indexOf('@');
  let repository: string;
  let reference: string;
  if (at >= 0) {
    repository = bare.slice(0, at);
    reference = bare.slice(at + 1);
    if (!/^sha256:[a-f0-9]{64}$/.test(reference))
      throw terminalError(
        `failed to parse image reference ${JSON.stringify(imageRef)}: ${JSON.stringify(reference)} is not a sha256 digest`,
      );
  } else {
    const colon = bare.lastIndexOf(':');
    if (colon < 0 || bare.slice(colon).includes('/'))
      throw terminalError(
        `failed to parse image reference ${JSON.stringify(imageRef)}: no tag or digest`,
      );
    repository = bare.slice(0, colon);
    reference = bare.slice(colon + 1);
    if (!/^[\w][\w.-]{0,127}$/.test(reference))
      throw terminalError(
        `failed to parse image reference ${JSON.stringify(imageRef)}: ${JSON.stringify(reference)} is not a valid tag`,
      );
  }
  // A registry host (optional: Docker Hub) and lower-case path components, as
  // go-containerregistry's name.ParseReference accepts them.
  if (
    !/^([a-zA-Z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(
      repository,
    )
  )
    throw terminalError(
      `failed to parse image reference ${JSON.stringify(imageRef)}: ${JSON.stringify(repository)} is not a repository name`,
    );
  return {
    repository,
    reference,
    kind: helm ? 'helm' : 'image',
    credentialsUrl: helm ? `oci://${repository}` : repository,
  };
}
