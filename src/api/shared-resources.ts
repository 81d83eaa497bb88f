/**
 * The project whose Secrets and ConfigMaps `sharedSecret()` and `sharedConfigMap()` read:
 * Kargo's shared resources namespace, under its default name (Kargo's
 * `SHARED_RESOURCES_NAMESPACE`). In Gantry it is an ordinary project with this name; only
 * its Secrets and ConfigMaps are shared.
 */
export const SHARED_RESOURCES_PROJECT = 'kargo-shared-resources';
