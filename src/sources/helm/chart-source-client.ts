import type { ChartAccess, ChartIndex, ChartSource } from '../../helm/chart-source.js';
import { DiscoveryError } from '../discovery.js';
import type { HttpGetter } from '../http-get.js';
import { parseImageRepository } from '../oci/image-repository.js';
import type { RegistryClient } from '../oci/registry-client.js';
import { parseIndexEntries } from './chart-discovery.js';

/** Helm's media types for a chart stored in an OCI registry: today's and the pre-3.8 one. */
const CHART_LAYER_TYPES = new Set([
  'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  'application/tar+gzip',
]);

/** The most a chart archive or an index may weigh. */
const MAX_INDEX_BYTES = 256 * 1024 * 1024;
const MAX_CHART_BYTES = 64 * 1024 * 1024;

/**
 * The ChartSource main.ts wires: classic repositories over HTTP(S) with the project's Basic
 * credentials, OCI registries through the shared RegistryClient (tokens, limits, retries).
 * Nothing is cached here: a dependency update wants what the repository holds now.
 */
export class ChartSourceClient implements ChartSource {
  readonly #http: HttpGetter;
  readonly #registry: RegistryClient;

  constructor(http: HttpGetter, registry: RegistryClient) {
    this.#http = http;
    this.#registry = registry;
  }

  async index(repository: string, access: ChartAccess): Promise<ChartIndex> {
    const url = `${repository.replace(/\/+$/, '')}/index.yaml`;
    const body = await this.#get(url, access, MAX_INDEX_BYTES, repository);
    return parseIndexEntries(body.toString('utf8'), url);
  }

  download(url: string, repository: string, access: ChartAccess): Promise<Buffer> {
    return this.#get(url, access, MAX_CHART_BYTES, repository);
  }

  tags(repository: string, access: ChartAccess): Promise<string[]> {
    return this.#registry.listTags(this.#call(repository, access));
  }

  async pull(repository: string, tag: string, access: ChartAccess): Promise<Buffer> {
    const call = this.#call(repository, access);
    const manifest = await this.#registry.manifest(call, tag);
    const layers = (manifest.body as { layers?: Array<{ mediaType?: string; digest?: string }> })
      .layers;
    const layer = layers?.find((l) => CHART_LAYER_TYPES.has(l.mediaType ?? ''));
    if (!layer?.digest)
      throw new DiscoveryError(
        `${repository}:${tag} is not a Helm chart (its manifest has no chart content layer)`,
        false,
      );
    return this.#registry.blob(call, layer.digest, MAX_CHART_BYTES);
  }

  #call(repository: string, access: ChartAccess) {
    return {
      repository: parseImageRepository(repository),
      credentials: access.credentials,
      signal: access.signal,
    };
  }

  /**
   * One GET. Credentials go only to the repository's own origin, as Helm sends them (unless
   * `passCredentialsAll`, which Kargo never sets): an index may point archives elsewhere.
   */
  async #get(url: string, access: ChartAccess, maxBytes: number, origin: string): Promise<Buffer> {
    const headers: Record<string, string> = {};
    const { credentials } = access;
    if (credentials && sameOrigin(url, origin))
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    let response;
    try {
      response = await this.#http.request(url, { headers, signal: access.signal, maxBytes });
    } catch (err) {
      throw new DiscoveryError(`cannot reach ${url}: ${(err as Error).message}`, true, {
        cause: err,
      });
    }
    if (response.status === 401 || response.status === 403)
      throw new DiscoveryError(
        `${url} answered ${response.status}: ${credentials ? "the project's credentials for this repository were refused" : 'no credentials matched this repository'}`,
        false,
      );
    if (response.status !== 200)
      throw new DiscoveryError(
        `failed to fetch ${url} : ${response.status}`,
        response.status >= 500 || response.status === 429,
      );
    return response.body;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
