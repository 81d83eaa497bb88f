/** `Warehouse "api"`, read loosely from a document that may be invalid. */
export function describeDocument(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const raw = document as { kind?: unknown; metadata?: { name?: unknown } };
  const kind = typeof raw.kind === 'string' ? raw.kind : undefined;
  const name = typeof raw.metadata?.name === 'string' ? raw.metadata.name : undefined;
  if (kind && name) return `${kind} "${name}"`;
  return kind ?? (name ? `"${name}"` : undefined);
}
