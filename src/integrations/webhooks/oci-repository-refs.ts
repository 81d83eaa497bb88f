import type { RepositoryRef } from './webhook-provider.js';

/**
 * The repository of an image reference: `ghcr.io/acme/api:1.2.3` and
 * `ghcr.io/acme/api@sha256:…` both become `ghcr.io/acme/api`. A registry port
 * (`harbor.example.com:8443/library/api`) is kept: only a colon after the last `/` starts a
 * tag. A trailing colon with no tag, which GitHub sometimes sends, is dropped too.
 */
export function untaggedRepository(reference: string): string {
  const trimmed = reference.trim();
  const at = trimmed.indexOf('@');
  const withoutDigest = at === -1 ? trimmed : trimmed.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * An OCI repository named as an image and as a chart (`oci://…`): registries store Helm
 * charts as OCI artifacts, and most payloads do not say which one was pushed. Refreshing
 * both is what Kargo does; a Warehouse subscribes to the repository one way or the other.
 */
export function ociRepositoryRefs(reference: string): RepositoryRef[] {
  const repository = untaggedRepository(reference);
  return [
    { type: 'image', url: repository },
    { type: 'chart', url: `oci://${repository}` },
  ];
}
