import { parse as parseYaml } from 'yaml';
import {
  compareVersionsDescending,
  parseConstraint,
  parseVersion,
} from '../../api/semver-constraint.js';
import type { ChartSubscription } from '../../api/warehouse.js';
import type { ChartIndex } from '../../helm/chart-source.js';
import { DiscoveryError, type DiscoveredCharts, type DiscoveryContext } from '../discovery.js';
import type { HttpGetter } from '../http-get.js';
import { parseImageRepository } from '../oci/image-repository.js';
import type { RegistryClient } from '../oci/registry-client.js';

interface CachedIndex {
  etag?: string | undefined;
  lastModified?: string | undefined;
  versions: Map<string, string[]>;
}

/**
 * Chart discovery: the versions of one chart, highest first, within `semverConstraint`.
 * - Classic repositories publish every chart in one `index.yaml`, often megabytes. It is
 *   fetched conditionally (ETag / Last-Modified): an unchanged index costs a 304 and no
 *   parsing.
 * - `oci://` repositories are OCI registries where the chart is the repository and its
 *   versions are the tags (Helm writes `+` in a version as `_` in a tag).
 */
export class ChartDiscovery {
  readonly #http: HttpGetter;
  readonly #registry: RegistryClient;
  readonly #indexes = new Map<string, CachedIndex>();

  constructor(http: HttpGetter, registry: RegistryClient) {
    this.#http = http;
    this.#registry = registry;
  }

  async discover(
    subscription: ChartSubscription,
    _previous: DiscoveredCharts | undefined,
    context: DiscoveryContext,
  ): Promise<DiscoveredCharts> {
    const credentials = await context.credentialsFor('helm', subscription.repoURL);
    let published: string[];
    if (subscription.repoURL.startsWith('oci://')) {
      const tags = await this.#registry.listTags({
        repository: parseImageRepository(subscription.repoURL),
        credentials,
        signal: context.signal,
        insecure: subscription.insecureSkipTLSVerify,
      });
      published = tags.map((tag) => tag.replace(/_/g, '+'));
    } else {
      const index = await this.#index(
        subscription.repoURL,
        credentials,
        context.signal,
        subscription.insecureSkipTLSVerify,
      );
      const name = subscription.name ?? '';
      const versions = index.get(name);
      if (!versions)
        throw new DiscoveryError(
          `no chart named ${name} in ${indexUrl(subscription.repoURL)}`,
          false,
        );
      published = versions;
    }
    const constraint = parseConstraint(subscription.semverConstraint ?? '');
    const versions = published
      .map((text) => ({ text, version: parseVersion(text, false) }))
      .filter(
        (entry): entry is { text: string; version: NonNullable<typeof entry.version> } =>
          entry.version !== undefined && constraint.matches(entry.version),
      )
      .sort(compareVersionsDescending)
      .slice(0, subscription.discoveryLimit)
      .map((entry) => entry.text);
    return {
      repoURL: subscription.repoURL,
      ...(subscription.name ? { name: subscription.name } : {}),
      ...(subscription.semverConstraint ? { semverConstraint: subscription.semverConstraint } : {}),
      versions,
    };
  }

  /** Chart name → versions, from the repository's index.yaml (conditionally re-fetched). */
  async #index(
    repoURL: string,
    credentials: { username: string; password: string } | undefined,
    signal: AbortSignal,
    insecure = false,
  ): Promise<Map<string, string[]>> {
    const url = indexUrl(repoURL);
    const key = `${url}|${credentials?.username ?? ''}`;
    const cached = this.#indexes.get(key);
    const headers: Record<string, string> = { accept: 'application/x-yaml, text/yaml, */*' };
    if (credentials)
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
    let response;
    try {
      response = await this.#http.request(url, {
        headers,
        signal,
        insecure,
        maxBytes: 256 * 1024 * 1024,
      });
    } catch (err) {
      throw new DiscoveryError(`cannot reach ${url}: ${(err as Error).message}`, true, {
        cause: err,
      });
    }
    if (response.status === 304 && cached) return cached.versions;
    if (response.status === 401 || response.status === 403)
      throw new DiscoveryError(
        `repository answered ${response.status}: ${credentials ? "the project's credentials for this repository were refused" : 'no credentials matched this repository'}`,
        false,
      );
    if (response.status !== 200)
      throw new DiscoveryError(
        `repository answered ${response.status} for ${url}`,
        response.status >= 500 || response.status === 429,
      );
    const versions = parseIndex(response.body.toString('utf8'), url);
    const etag = response.headers.etag;
    const lastModified = response.headers['last-modified'];
    this.#indexes.set(key, { etag, lastModified, versions });
    return versions;
  }
}

function indexUrl(repoURL: string): string {
  return `${repoURL.replace(/\/+$/, '')}/index.yaml`;
}

/** Reads a Helm repository index (apiVersion v1): `entries.<chart>[].version`. */
export function parseIndex(text: string, url: string): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  for (const [name, list] of parseIndexEntries(text, url))
    versions.set(
      name,
      list.map((entry) => entry.version),
    );
  return versions;
}

/** A Helm repository index: `entries.<chart>[]` with each version's archive `urls`. */
export function parseIndexEntries(text: string, url: string): ChartIndex {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 1_000 });
  } catch (err) {
    throw new DiscoveryError(
      `${url} is not a Helm repository index: ${(err as Error).message.split('\n')[0]}`,
      false,
    );
  }
  const entries = (document as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
    throw new DiscoveryError(`${url} is not a Helm repository index: it has no entries map`, false);
  const index: ChartIndex = new Map();
  for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    index.set(
      name,
      list.flatMap((entry) => {
        const { version, urls } = (entry ?? {}) as { version?: unknown; urls?: unknown };
        if (typeof version !== 'string') return [];
        const links = Array.isArray(urls)
          ? urls.filter((u): u is string => typeof u === 'string')
          : [];
        return [{ version, urls: links }];
      }),
    );
  }
  return index;
}
