import type { StoredResource } from '../api/resource.js';
import { present } from '../server/presentation.js';

/**
 * A Secret as the Kubernetes API shows it: kube's shape (`type`, `Opaque` unless set; `data`
 * values base64) with Gantry's rule that the API shows a Secret's keys, never its values
 * (docs/security.md), to anyone: each value is the base64 of `***`, Gantry's mask, so typed
 * clients (client-go's typed Secret, @kubernetes/client-node, `kubectl describe secret`)
 * decode it and a reader sees it is withheld. kubectl's client-side apply keeps the whole
 * manifest in the `kubectl.kubernetes.io/last-applied-configuration` annotation: its values are
 * hidden the same way. Who may not read Secrets at all (viewers, promoters) is refused them
 * (403) or, in lists across namespaces, does not see them.
 */
export const WITHHELD_SECRET_VALUE = Buffer.from('***', 'utf8').toString('base64');

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function kubeSecret(object: StoredResource): Record<string, unknown> {
  const shown = withheld(present(object));
  const metadata = shown.metadata as { annotations?: Record<string, string> } | undefined;
  const lastApplied = metadata?.annotations?.[LAST_APPLIED];
  return {
    ...shown,
    type: shown.type ?? 'Opaque',
    ...(lastApplied === undefined
      ? {}
      : {
          metadata: {
            ...metadata,
            annotations: {
              ...metadata!.annotations,
              [LAST_APPLIED]: withheldManifest(lastApplied),
            },
          },
        }),
  };
}

function withheldManifest(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? `${JSON.stringify(withheld(parsed as Record<string, unknown>))}\n`
      : '';
  } catch {
    return '';
  }
}

function withheld(secret: Record<string, unknown>): Record<string, unknown> {
  const out = { ...secret };
  for (const field of ['data', 'stringData']) {
    const values = out[field];
    if (typeof values === 'object' && values !== null)
      out[field] = Object.fromEntries(
        Object.keys(values).map((key) => [key, WITHHELD_SECRET_VALUE]),
      );
  }
  return out;
}
