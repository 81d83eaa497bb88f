import { KARGO_API_VERSION } from '../../api/api-versions.js';
import type { Freight } from '../../api/freight.js';
import { freightName } from '../../api/freight-name.js';
import { redactUrl } from '../../api/redact-url.js';
import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../../api/repo-urls.js';
import type { StoredResource } from '../../api/resource.js';
import type { WarehouseStatus } from '../../api/warehouse.js';
import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface CreateFreightOptions {
  project?: string;
  warehouse?: string;
  image?: string[];
  commit?: string[];
  chart?: string[];
  alias?: string;
  /** Skip the registry lookups (the server still checks the Warehouse and marks the Freight). */
  force?: boolean;
}

/**
 * `gantry create freight --warehouse W --image REPO:TAG --commit URL@ID --chart URL/NAME:VERSION`:
 * assembles Freight by hand (the only way with `freightCreationPolicy: Manual`). Digests,
 * commit subjects and the like are taken from what the Warehouse discovered, when it did; the
 * server checks the contents against the Warehouse's subscriptions and each image against its
 * registry (filling in the digest), unless `--force`.
 */
export async function createFreightCommand(
  ctx: CliContext,
  options: CreateFreightOptions,
): Promise<void> {
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  if (!options.warehouse) throw usageError('--warehouse is required');
  if (!options.image?.length && !options.commit?.length && !options.chart?.length)
    throw usageError(
      'name at least one artifact: --image REPO:TAG, --commit URL@ID or --chart URL/NAME:VERSION',
    );
  const base = `/v1/projects/${encodeURIComponent(project)}`;
  const warehouse = await ctx.client.request<StoredResource>(
    'GET',
    `${base}/warehouses/${encodeURIComponent(options.warehouse)}`,
  );
  const discovered = ((warehouse.status ?? {}) as WarehouseStatus).discoveredArtifacts ?? {};
  const freight: Freight = {
    apiVersion: KARGO_API_VERSION,
    kind: 'Freight',
    metadata: { name: '', namespace: project },
    ...(options.alias ? { alias: options.alias } : {}),
    origin: { kind: 'Warehouse', name: options.warehouse },
  };
  for (const text of options.image ?? []) {
    const at = text.lastIndexOf(':');
    if (at <= 0 || text.slice(at + 1).includes('/'))
      throw usageError(`--image ${text}: write it as REPOSITORY:TAG`);
    const repoURL = text.slice(0, at);
    const tag = text.slice(at + 1);
    const known = discovered.images
      ?.find((entry) => normalizeImageRepo(entry.repoURL) === normalizeImageRepo(repoURL))
      ?.references?.find((ref) => ref.tag === tag);
    (freight.images ??= []).push({
      repoURL,
      tag,
      ...(known?.digest ? { digest: known.digest } : {}),
      ...(known?.annotations ? { annotations: known.annotations } : {}),
    });
  }
  for (const text of options.commit ?? []) {
    const at = text.lastIndexOf('@');
    if (at <= 0) throw usageError(`--commit ${text}: write it as URL@COMMIT`);
    // Freight names repositories without credentials, as Warehouses record them.
    const repoURL = redactUrl(text.slice(0, at));
    const id = text.slice(at + 1);
    const found = discovered.git?.find(
      (entry) => normalizeGitUrl(redactUrl(entry.repoURL)) === normalizeGitUrl(repoURL),
    );
    const known = found?.commits?.find((c) => c.id === id || c.id.startsWith(id));
    (freight.commits ??= []).push({
      repoURL,
      id: known?.id ?? id,
      ...(known?.branch ? { branch: known.branch } : {}),
      ...(known?.tag ? { tag: known.tag } : {}),
      ...(known?.subject ? { message: known.subject } : {}),
      ...(known?.author ? { author: known.author } : {}),
      ...(known?.committer ? { committer: known.committer } : {}),
    });
  }
  for (const text of options.chart ?? []) {
    const at = text.lastIndexOf(':');
    const slash = text.lastIndexOf('/', at);
    if (at <= 0 || slash <= 0)
      throw usageError(
        `--chart ${text}: write it as REPOSITORY/NAME:VERSION (oci://REPOSITORY:VERSION for OCI)`,
      );
    const version = text.slice(at + 1);
    const oci = text.startsWith('oci://');
    const repoURL = redactUrl(oci ? text.slice(0, at) : text.slice(0, slash));
    const name = oci ? undefined : text.slice(slash + 1, at);
    // Written as the Warehouse's subscription writes it, so the Freight matches it.
    const known = discovered.charts?.find(
      (entry) => normalizeChartUrl(redactUrl(entry.repoURL)) === normalizeChartUrl(repoURL),
    );
    (freight.charts ??= []).push({
      repoURL: known?.repoURL ?? repoURL,
      ...(name ? { name } : {}),
      version,
    });
  }
  // The name is the fingerprint of the contents (the server insists on it).
  freight.metadata.name = freightName(freight);
  const created = await ctx.client.request<StoredResource & { alias?: string }>(
    'POST',
    `${base}/freight${options.force ? '?force=true' : ''}`,
    freight,
  );
  ctx.out(
    `${qualifiedName('Freight', 'kargo.akuity.io', created.metadata.name)} created (alias ${created.alias ?? ''}${options.force ? '; forced: its registries were not checked' : ''})`,
  );
}
