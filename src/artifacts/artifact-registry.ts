/**
 * OCI artifacts for the steps that move them (oci-download): a manifest by tag or digest and
 * the blobs it names. A port: the engine hands steps one; `ArtifactRegistryClient`
 * (sources/oci) is the implementation main.ts wires, over the shared registry client
 * (authentication, limits, retries). Failures reject with an Error whose `transient: true`
 * says retrying may help.
 */
export interface ArtifactRegistry {
  /**
   * The image manifest of `repository` (`host[:port]/path`) at `reference` (a tag or a
   * `sha256:` digest). An index resolves to its linux/amd64 manifest, as go-containerregistry
   * (Kargo's client) picks one by default.
   */
  manifest(
    repository: string,
    reference: string,
    access: RegistryAccess,
  ): Promise<ArtifactManifest>;
  /** A blob's bytes, checked against its digest; larger than `maxBytes` is an error. */
  blob(
    repository: string,
    digest: string,
    access: RegistryAccess,
    maxBytes: number,
  ): Promise<Buffer>;
}

export interface ArtifactManifest {
  digest: string;
  mediaType: string;
  layers: Array<{ mediaType: string; digest: string; size: number }>;
}

export interface RegistryAccess {
  credentials?: { username: string; password: string } | undefined;
  insecure?: boolean | undefined;
  signal: AbortSignal;
}

/** For places given no registry: every request fails, saying so. */
export const noArtifactRegistry: ArtifactRegistry = {
  manifest: (repository) =>
    Promise.reject(new Error(`${repository}: registries are not available here`)),
  blob: (repository) =>
    Promise.reject(new Error(`${repository}: registries are not available here`)),
};
