/**
 * OCI artifacts for the steps that move them: oci-download reads a manifest by tag or digest
 * and the blobs it names; oci-push copies manifests, indexes and blobs between repositories
 * and registries. A port: the engine hands steps one; `ArtifactRegistryClient`
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
  /**
   * A manifest or index of `repository` at `reference`, exactly as stored: its bytes, the
   * media type the registry gave, its digest (a digest reference is checked against the bytes).
   * A missing one rejects with `notFound: true`.
   */
  rawManifest(
    repository: string,
    reference: string,
    access: RegistryAccess,
  ): Promise<StoredManifest>;
  /**
   * Makes a blob of `from` present in `to`: nothing when it is there already, a
   * cross-repository mount when both are on one registry and it allows it, else the bytes
   * streamed across. Answers which it did.
   */
  copyBlob(
    blob: { digest: string; size: number },
    from: RepositoryAccess,
    to: RepositoryAccess,
  ): Promise<'present' | 'mounted' | 'uploaded'>;
  /**
   * Stores a manifest or index in `repository` under `reference` (a tag, or its own digest);
   * resolves with its digest once the registry agrees. Every blob and child manifest it names
   * must be there already.
   */
  putManifest(
    repository: string,
    reference: string,
    manifest: { mediaType: string; bytes: Buffer },
    access: RegistryAccess,
  ): Promise<string>;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

/** One side of a copy: the repository (`host[:port]/path`) and how to reach it. */
export interface RepositoryAccess extends RegistryAccess {
  repository: string;
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

const unavailable = (repository: string) =>
  Promise.reject(new Error(`${repository}: registries are not available here`));

/** For places given no registry: every request fails, saying so. */
export const noArtifactRegistry: ArtifactRegistry = {
  manifest: unavailable,
  blob: unavailable,
  rawManifest: unavailable,
  copyBlob: (_blob, from) => unavailable(from.repository),
  putManifest: unavailable,
};
