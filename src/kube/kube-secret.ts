import type { StoredResource } from '../api/resource.js';
import { present } from '../server/presentation.js';

/**
 * A Secret as the Kubernetes API shows it: kube's shape (`type`, `Opaque` unless set; `data`
 * values base64) with Gantry's rule that the API shows a Secret's keys, never its values
 * (docs/security.md), to anyone: each value is the base64 of `***`, Gantry's mask, so typed
 * clients (`kubectl describe secret`) decode it and a reader sees it is withheld. Who may not
 * read Secrets at all (viewers, promoters) is refused them (403) or, in lists across
 * namespaces, does not see them.
 */
export const WITHHELD_SECRET_VALUE = Buffer.from('***', 'utf8').toString('base64');

export function kubeSecret(object: StoredResource): Record<string, unknown> {
  const shown = present(object) as StoredResource & {
    type?: string;
    data?: Record<string, string>;
  };
  return {
    ...shown,
    type: shown.type ?? 'Opaque',
    ...(shown.data
      ? { data: Object.fromEntries(Object.keys(shown.data).map((k) => [k, WITHHELD_SECRET_VALUE])) }
      : {}),
  };
}
