import type { AccessRequest } from '../auth/policy-rules.js';
import { KUBE_RESOURCES } from './kube-resources.js';

/**
 * kube-apiserver's words for an authorization refusal (responsewriters.forbiddenMessage, in a
 * Forbidden Status): `stages.kargo.akuity.io "dev" is forbidden: User "token:demo/ci" cannot
 * update resource "stages/status" in API group "kargo.akuity.io" in the namespace "demo"`.
 * Undefined when `cause` is not a refused AccessRequest (other refusals keep their message).
 */
export function kubeForbiddenMessage(
  cause: unknown,
  request: { user: string; path: string },
): string | undefined {
  if (!isAccessRequest(cause)) return undefined;
  const [plural, subresource] = cause.resource.split('/') as [string, string | undefined];
  // Projects asked about from /api/v1/namespaces are namespaces there.
  const asNamespace = plural === 'projects' && request.path.startsWith('/api/v1/namespaces');
  const resource = KUBE_RESOURCES.find(
    (r) => r.gantry.plural === plural && (r.kind === 'Namespace') === asNamespace,
  );
  const kubePlural = resource?.plural ?? plural;
  const group = resource?.group ?? '';
  const qualified = group ? `${kubePlural}.${group}` : kubePlural;
  const namespace = cause.project ?? (plural === 'projects' ? cause.name : undefined);
  const shownResource = subresource ? `${kubePlural}/${subresource}` : kubePlural;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const reason = `User "${request.user}" cannot ${cause.verb} resource "${shownResource}" in API group "${group}" ${scope}`;
  return cause.name
    ? `${qualified} "${cause.name}" is forbidden: ${reason}`
    : `${qualified} is forbidden: ${reason}`;
}

function isAccessRequest(value: unknown): value is AccessRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { verb?: unknown }).verb === 'string' &&
    typeof (value as { resource?: unknown }).resource === 'string'
  );
}
