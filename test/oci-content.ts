import { ustar } from '../src/helm/chart-archive.js';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * The bytes of OCI and Docker image content for tests: blobs, image manifests, image indexes and
 * Helm chart artifacts. Shared by the real-registry helper (test/registry.ts) and the in-process
 * fake (test/fake-registry.ts), so both serve the same shapes. Digests are always computed over
 * the exact bytes, as the OCI image spec requires (image-spec v1.1, descriptor.md).
 */

export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

/**
 * The Accept header for manifest requests. distribution 2.8 answers 404 to a GET of an OCI
 * manifest unless the request accepts OCI media types.
 */
export const MANIFEST_ACCEPT = [
  MediaTypes.ociManifest,
  MediaTypes.ociIndex,
  MediaTypes.dockerManifest,
].join(', ');

/** Content plus its descriptor fields. */
export interface Content {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function content(mediaType: string, bytes: Buffer | string): Content {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return { mediaType, digest: sha256Digest(buffer), size: buffer.length, bytes: buffer };
}

export function jsonContent(mediaType: string, value: unknown): Content {
  return content(mediaType, JSON.stringify(value));
}

/** The descriptor of content, as referenced from a manifest or an index. */
export function descriptor(item: Content): { mediaType: string; digest: string; size: number } {
  return { mediaType: item.mediaType, digest: item.digest, size: item.size };
}

/** A ustar archive of regular files (src/helm/chart-archive.ts): the same files, the same bytes. */
export function tar(files: Record<string, string>): Buffer {
  return ustar(Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text) })));
}

/** A gzipped {@link tar}; Node's gzip header carries no timestamp, so this is deterministic too. */
export function tarGz(files: Record<string, string>): Buffer {
  return gzipSync(tar(files));
}

/** An image layer of the given files, with the diff ID (digest of the uncompressed tar). */
export function imageLayer(
  files: Record<string, string>,
  format: 'oci' | 'docker' = 'oci',
): { layer: Content; diffId: string } {
  const raw = tar(files);
  const mediaType = format === 'docker' ? MediaTypes.dockerLayer : MediaTypes.ociLayer;
  return { layer: content(mediaType, gzipSync(raw)), diffId: sha256Digest(raw) };
}

export interface ImageConfigOptions {
  created?: string;
  labels?: Record<string, string>;
  os?: string;
  architecture?: string;
  format?: 'oci' | 'docker';
}

/** An image config blob (`{architecture, os, created, config: {Labels}, rootfs}`). */
export function imageConfig(options: ImageConfigOptions, layerDiffIds: string[]): Content {
  const config: Record<string, unknown> = {};
  if (options.labels) config.Labels = options.labels;
  return jsonContent(options.format === 'docker' ? MediaTypes.dockerConfig : MediaTypes.ociConfig, {
    architecture: options.architecture ?? 'amd64',
    os: options.os ?? 'linux',
    // A real build stamps the build time; "newest build" selection reads it.
    created: options.created ?? new Date().toISOString(),
    config,
    rootfs: { type: 'layers', diff_ids: layerDiffIds },
  });
}

/**
 * An image manifest: OCI (with optional annotations) or Docker schema 2 (which has no
 * annotations field, so they are left out).
 */
export function imageManifest(
  config: Content,
  layers: Content[],
  options: { annotations?: Record<string, string>; format?: 'oci' | 'docker' } = {},
): Content {
  if (options.format === 'docker') {
    return jsonContent(MediaTypes.dockerManifest, {
      schemaVersion: 2,
      mediaType: MediaTypes.dockerManifest,
      config: descriptor(config),
      layers: layers.map(descriptor),
    });
  }
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: descriptor(config),
    layers: layers.map(descriptor),
  };
  if (options.annotations && Object.keys(options.annotations).length > 0) {
    manifest.annotations = options.annotations;
  }
  return jsonContent(MediaTypes.ociManifest, manifest);
}

/** An OCI image index over per-platform manifests. */
export function imageIndex(
  entries: Array<{ manifest: Content; os: string; architecture: string; variant?: string }>,
  annotations?: Record<string, string>,
): Content {
  const index: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: entries.map((entry) => ({
      ...descriptor(entry.manifest),
      platform: {
        os: entry.os,
        architecture: entry.architecture,
        ...(entry.variant ? { variant: entry.variant } : {}),
      },
    })),
  };
  if (annotations && Object.keys(annotations).length > 0) index.annotations = annotations;
  return jsonContent(MediaTypes.ociIndex, index);
}

/** The config and chart layer of a Helm chart stored as an OCI artifact (Helm 3.8+ layout). */
export function helmChart(name: string, version: string): { config: Content; layer: Content } {
  return {
    config: jsonContent(MediaTypes.helmConfig, { apiVersion: 'v2', name, version }),
    layer: content(
      MediaTypes.helmChart,
      tarGz({ [`${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: ${version}\n` }),
    ),
  };
}

/** Helm stores a chart version under a tag with '+' replaced by '_' (OCI tags forbid '+'). */
export function helmChartTag(version: string): string {
  return version.replace(/\+/g, '_');
}
