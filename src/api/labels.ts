/** Kargo's well-known labels, shared by admission, controllers, the API and the CLI. */
export const ALIAS_LABEL = 'kargo.akuity.io/alias';
export const SHARD_LABEL = 'kargo.akuity.io/shard';
export const STAGE_LABEL = 'kargo.akuity.io/stage';

/** Writing a new token here asks for an immediate refresh (Warehouses); echoed in status.lastHandledRefresh. */
export const REFRESH_ANNOTATION = 'kargo.akuity.io/refresh';

/**
 * On Freight made by hand with `--force` (`?force=true`): who created it without its artifacts
 * being checked against their registries.
 */
export const FORCED_BY_ANNOTATION = 'gantry.io/forced-by';
