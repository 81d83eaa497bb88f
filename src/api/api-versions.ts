/** The API group every Gantry kind shares with Kargo. */
export const KARGO_API_VERSION = 'kargo.akuity.io/v1alpha1';
/** Argo Rollouts' group, used by the verification templates Kargo reuses. */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
/** Kargo's roles API: a Role binds OIDC claims to policy rules within a project. */
export const KARGO_RBAC_API_VERSION = 'rbac.kargo.akuity.io/v1alpha1';
