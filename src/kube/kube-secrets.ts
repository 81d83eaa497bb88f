/**
 * Secrets as the Kubernetes API shows them: Gantry never answers a Secret's values, and shows
 * each as `Kioq` (base64 of `***`), so clients that decode `data` as base64 (client-go's typed
 * Secret, @kubernetes/client-node) still can. kubectl's client-side apply keeps the whole
 * manifest in the `kubectl.kubernetes.io/last-applied-configuration` annotation; its values are
 * hidden the same way.
 */
export const REDACTED_VALUE = Buffer.from('***').toString('base64');

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function kubeRedactedSecret(secret: Record<string, unknown>): Record<string, unknown> {
  const out = redactValues(secret);
  const metadata = out.metadata as { annotations?: Record<string, string> } | undefined;
  const lastApplied = metadata?.annotations?.[LAST_APPLIED];
  if (lastApplied === undefined) return out;
  let hidden: string;
  try {
    const parsed = JSON.parse(lastApplied) as unknown;
    hidden =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? `${JSON.stringify(redactValues(parsed as Record<string, unknown>))}\n`
        : '';
  } catch {
    hidden = '';
  }
  return {
    ...out,
    metadata: { ...metadata, annotations: { ...metadata!.annotations, [LAST_APPLIED]: hidden } },
  };
}

function redactValues(secret: Record<string, unknown>): Record<string, unknown> {
  const out = { ...secret };
  for (const field of ['data', 'stringData'])
    if (typeof out[field] === 'object' && out[field] !== null)
      out[field] = Object.fromEntries(
        Object.keys(out[field]).map((key) => [key, REDACTED_VALUE]),
      );
  return out;
}
