import type {
  ArtifactManifest,
  ArtifactRegistry,
  RegistryAccess,
  RepositoryAccess,
  StoredManifest,
} from '../../artifacts/artifact-registry.js';
import { DiscoveryError } from '../discovery.js';
import { parseImageRepository } from './image-repository.js';
import type { RegistryClient } from './registry-client.js';

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string };
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** The ArtifactRegistry main.ts wires: the shared RegistryClient, per request credentials. */
export class ArtifactRegistryClient implements ArtifactRegistry {
  readonly #registry: RegistryClient;

  constructor(registry: RegistryClient) {
    this.#registry = registry;
  }

  async manifest(
    repository: string,
    reference: string,
    access: RegistryAccess,
  ): Promise<ArtifactManifest> {
    const call = this.#call(repository, access);
    let manifest = await this.#registry.manifest(call, reference);
    const body = manifest.body as { manifests?: Descriptor[]; layers?: Descriptor[] };
    if (INDEX_TYPES.has(manifest.mediaType) || Array.isArray(body.manifests)) {
      const chosen = (body.manifests ?? []).find(
        (m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64',
      );
      if (!chosen?.digest)
        throw new DiscoveryError(
          `${repository}:${reference} is an index without a linux/amd64 manifest`,
          false,
        );
      manifest = await this.#registry.manifest(call, chosen.digest);
    }
    const layers = ((manifest.body as { layers?: Descriptor[] }).layers ?? []).map((layer) => ({
      mediaType: layer.mediaType ?? '',
      digest: layer.digest ?? '',
      size: layer.size ?? 0,
    }));
    return { digest: manifest.digest, mediaType: manifest.mediaType, layers };
  }

  blob(
    repository: string,
    digest: string,
    access: RegistryAccess,
    maxBytes: number,
  ): Promise<Buffer> {
    return this.#registry.blob(this.#call(repository, access), digest, maxBytes);
  }

  rawManifest(
    repository: string,
    reference: string,
    access: RegistryAccess,
  ): Promise<StoredManifest> {
    return this.#registry.rawManifest(this.#call(repository, access), reference);
  }

  copyBlob(
    blob: { digest: string; size: number },
    from: RepositoryAccess,
    to: RepositoryAccess,
  ): Promise<'present' | 'mounted' | 'uploaded'> {
    return this.#registry.copyBlob(
      this.#call(from.repository, from),
      { ...this.#call(to.repository, to), push: true },
      blob,
    );
  }

  putManifest(
    repository: string,
    reference: string,
    manifest: { mediaType: string; bytes: Buffer },
    access: RegistryAccess,
  ): Promise<string> {
    return this.#registry.putManifest(
      { ...this.#call(repository, access), push: true },
      reference,
      manifest,
    );
  }

  #call(repository: string, access: RegistryAccess) {
    return {
      repository: parseImageRepository(repository),
      credentials: access.credentials,
      signal: access.signal,
      insecure: access.insecure,
    };
  }
}
