/**
 * Kubernetes kinds that Kargo projects carry beside their pipelines (the project's Namespace,
 * the ServiceAccounts, Roles and RoleBindings Kargo's own RBAC uses) but that mean nothing to
 * Gantry: a file holding them is applied with a warning for each, and they are not stored,
 * rather than failing the whole file. Gantry's own access control is its `Role` kind
 * (rbac.kargo.akuity.io); Secrets and ConfigMaps are Gantry kinds and are stored.
 */
const FOREIGN_KINDS: ReadonlyArray<{ apiVersion: string; kind: string; why: string }> = [
  { apiVersion: 'v1', kind: 'Namespace', why: 'a Gantry project is its own namespace' },
  { apiVersion: 'v1', kind: 'ServiceAccount', why: 'Gantry has no Kubernetes service accounts' },
  ...['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].map((kind) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    why: 'Gantry grants access with its own Role kind (rbac.kargo.akuity.io/v1alpha1)',
  })),
];

/**
 * The warning for a document of a foreign Kubernetes kind, or undefined when the document is
 * not one (then it is validated as usual).
 */
export function foreignKindWarning(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const raw = document as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
  const found = FOREIGN_KINDS.find((k) => k.apiVersion === raw.apiVersion && k.kind === raw.kind);
  if (!found) return undefined;
  const metadata = raw.metadata as { name?: unknown } | null | undefined;
  const name = typeof metadata?.name === 'string' ? ` "${metadata.name}"` : '';
  return `${found.kind}${name} (${found.apiVersion}) ignored, not stored: ${found.why}`;
}
