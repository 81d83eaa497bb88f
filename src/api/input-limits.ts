/**
 * The bounds every input is held to, so that no request can exhaust the server's memory or
 * its stack. Where Kubernetes has a figure, it is Kubernetes' figure. The request body limit
 * is the operator's (`--max-body-size`, src/config.ts); these are not configurable.
 * docs/api.md lists them for users.
 */
export const INPUT_LIMITS = {
  /**
   * Objects and lists nested in one document, JSON or YAML. Real manifests stay under 20
   * levels; parsers, validation and serialisation recurse once per level, and this keeps that
   * recursion far from the end of the stack (where V8 can abort the process rather than throw).
   */
  maxNestingDepth: 100,
  /** Documents in one multi-document request or YAML stream. */
  maxDocuments: 5_000,
  /**
   * YAML aliases, weighted as the yaml package counts them (each use of an anchor times the
   * aliases inside it; its default). Stops "billion laughs" documents.
   */
  maxYamlAliasCount: 100,
  /**
   * One object as stored (serialised JSON, status included): etcd's request limit, which is
   * what bounds every Kubernetes object.
   */
  maxObjectBytes: 1.5 * 1024 * 1024,
  /** An object's annotations together, keys and values (Kubernetes' TotalAnnotationSizeLimitB). */
  maxAnnotationsBytes: 256 * 1024,
} as const;

/** `1572864` → `1.5 MiB`, `262144` → `256 KiB`, `100` → `100 bytes`: for messages. */
export function describeBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** The bytes annotations count against `maxAnnotationsBytes`: keys and values in UTF-8. */
export function annotationsBytes(annotations: Record<string, string> | undefined): number {
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    total += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  return total;
}
