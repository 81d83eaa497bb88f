import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscoveryError, type DiscoveryCredentials } from '../discovery.js';
import type { HttpGetter, HttpResponse } from '../http-get.js';
import { KeyedLimiter } from './keyed-limiter.js';
import type { ImageRepository } from './image-repository.js';
import { parseChallenge } from './www-authenticate.js';

/** Media types asked for when fetching manifests (a registry answers 404 to OCI ones otherwise). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Manifest {
  digest: string;
  mediaType: string;
  /** The parsed manifest or index. */
  body: ManifestBody;
}

export interface ManifestBody {
  mediaType?: string;
  config?: { mediaType?: string; digest?: string };
  manifests?: Array<{
    digest: string;
    mediaType?: string;
    platform?: { os?: string; architecture?: string; variant?: string };
    annotations?: Record<string, string>;
  }>;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface RegistryClientOptions {
  http: HttpGetter;
  /** Requests in flight at once per registry, shared by every Warehouse (default 8). */
  maxConcurrentPerRegistry?: number;
  /** Attempts for a request answered 429 or 5xx, or lost on the network (default 4). */
  attempts?: number;
  /** Upper bound of one wait between attempts, Retry-After included (default 30 s). */
  maxBackoffMs?: number;
  now?: () => number;
  /** Manifests and configs kept by digest (default 50,000). */
  cacheEntries?: number;
}

/** Who is asking, for one request: the repository and the project's credentials for it. */
export interface RegistryCall {
  repository: ImageRepository;
  credentials?: DiscoveryCredentials | undefined;
  signal?: AbortSignal | undefined;
  insecure?: boolean | undefined;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * A client for the OCI Distribution API (and Docker Registry v2), written for cheap discovery:
 * - authentication as registries ask for it: anonymous, Basic, or a Bearer token obtained
 *   from the challenge's realm (with the credentials, if any) and reused until it expires;
 *   once a registry has asked, the next request sends the right header straight away;
 * - manifests fetched by digest and image configs are immutable, so they are cached by
 *   digest and never fetched twice;
 * - a limit of requests in flight per registry, shared by all Warehouses;
 * - 429 and 5xx answers retried with backoff, honouring Retry-After.
 * `requests` counts every HTTP request made, token requests included (benchmarks report it).
 */
export class RegistryClient {
  readonly #http: HttpGetter;
  readonly #limiter: KeyedLimiter;
  readonly #attempts: number;
  readonly #maxBackoffMs: number;
  readonly #now: () => number;
  readonly #tokens = new Map<string, CachedToken>();
  /** Registries (by auth identity) known to want Basic credentials on every request. */
  readonly #basic = new Set<string>();
  readonly #byDigest = new Map<string, unknown>();
  readonly #cacheEntries: number;
  requests = 0;

  constructor(options: RegistryClientOptions) {
    this.#http = options.http;
    this.#limiter = new KeyedLimiter(options.maxConcurrentPerRegistry ?? 8);
    this.#attempts = options.attempts ?? 4;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    this.#cacheEntries = options.cacheEntries ?? 50_000;
  }

  /** Every tag of the repository, following `Link` pagination when the registry pages. */
  async listTags(call: RegistryCall): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${call.repository.path}/tags/list?n=1000`;
    const seen = new Set<string>();
    while (next) {
      if (seen.has(next)) break; // a registry that links to itself must not loop us forever
      seen.add(next);
      const response = await this.#send(call, next, { accept: 'application/json' });
      if (response.status === 404) {
        throw new DiscoveryError('registry answered 404: repository not found', false);
      }
      const page = parseJson(response.body, 'tag list') as { tags?: unknown };
      if (page.tags !== null && page.tags !== undefined && !Array.isArray(page.tags))
        throw new DiscoveryError('registry sent a tag list without a tags array', false);
      for (const tag of (page.tags as unknown[] | null | undefined) ?? [])
        if (typeof tag === 'string') tags.push(tag);
      next = nextLink(response.headers.link, call.repository.apiBase);
    }
    return tags;
  }

  /** The digest a tag points at now (a HEAD request; nothing cached: tags move). */
  async resolveTag(call: RegistryCall, tag: string): Promise<string> {
    const response = await this.#send(call, `/v2/${call.repository.path}/manifests/${tag}`, {
      method: 'HEAD',
      accept: MANIFEST_ACCEPT,
    });
    if (response.status === 404)
      throw new DiscoveryError(`registry answered 404: tag ${tag} not found`, false, {
        notFound: true,
      });
    const digest = header(response.headers['docker-content-digest']);
    if (digest) return digest;
    // A registry that does not say: fetch the manifest and hash it.
    return (await this.manifest(call, tag)).digest;
  }

  /** A manifest or index, by tag or digest; cached by digest. */
  async manifest(call: RegistryCall, reference: string): Promise<Manifest> {
    const cached = this.#cached<Manifest>(`manifest:${call.repository.registry}:${reference}`);
    if (cached) return cached;
    const response = await this.#send(call, `/v2/${call.repository.path}/manifests/${reference}`, {
      accept: MANIFEST_ACCEPT,
    });
    if (response.status === 404)
      throw new DiscoveryError(`registry answered 404: manifest ${reference} not found`, false, {
        notFound: true,
      });
    const body = parseJson(response.body, `manifest ${reference}`) as ManifestBody;
    const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    const manifest: Manifest = {
      digest: header(response.headers['docker-content-digest']) ?? digest,
      mediaType: body.mediaType ?? header(response.headers['content-type']) ?? '',
      body,
    };
    this.#remember(`manifest:${call.repository.registry}:${manifest.digest}`, manifest);
    return manifest;
  }

  /** A JSON blob (an image config) by digest; cached, as blobs never change. */
  async blobJson(call: RegistryCall, digest: string): Promise<unknown> {
    const key = `blob:${call.repository.registry}:${digest}`;
    const cached = this.#cached<unknown>(key);
    if (cached !== undefined) return cached;
    const response = await this.#send(call, `/v2/${call.repository.path}/blobs/${digest}`, {
      accept: '*/*',
      maxBytes: 4 * 1024 * 1024,
    });
    if (response.status === 404)
      throw new DiscoveryError(`registry answered 404: blob ${digest} not found`, false);
    const value = parseJson(response.body, `config ${digest}`);
    this.#remember(key, value);
    return value;
  }

  /**
   * A blob's bytes (a chart archive), checked against its digest. Registries backed by object
   * stores answer with a redirect to a signed URL: it is followed without the registry's
   * credentials, as Docker does.
   */
  async blob(call: RegistryCall, digest: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
    let response = await this.#send(call, `/v2/${call.repository.path}/blobs/${digest}`, {
      accept: '*/*',
      maxBytes,
    });
    for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
      const location = header(response.headers.location);
      if (!location) break;
      const target = new URL(location, `${call.repository.apiBase}/`).toString();
      response = await this.#withRetries(call, () =>
        this.#http.request(target, { signal: call.signal, insecure: call.insecure, maxBytes }),
      );
    }
    if (response.status === 404)
      throw new DiscoveryError(`registry answered 404: blob ${digest} not found`, false);
    if (response.status !== 200)
      throw new DiscoveryError(
        `registry answered ${response.status} for blob ${digest}`,
        response.status >= 500 || response.status === 429,
      );
    const actual = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    if (digest.startsWith('sha256:') && actual !== digest)
      throw new DiscoveryError(`blob ${digest} arrived with digest ${actual}`, true);
    return response.body;
  }

  #cached<T>(key: string): T | undefined {
    return this.#byDigest.get(key) as T | undefined;
  }

  #remember(key: string, value: unknown): void {
    if (!key.includes('sha256:')) return;
    if (this.#byDigest.size >= this.#cacheEntries) {
      // Oldest first: Map iteration follows insertion order.
      const oldest = this.#byDigest.keys().next().value;
      if (oldest !== undefined) this.#byDigest.delete(oldest);
    }
    this.#byDigest.set(key, value);
  }

  /** One API request with authentication, the per-registry limit and retries. */
  async #send(
    call: RegistryCall,
    path: string,
    options: { method?: 'GET' | 'HEAD'; accept: string; maxBytes?: number },
  ): Promise<HttpResponse> {
    const url = path.startsWith('http') ? path : `${call.repository.apiBase}${path}`;
    const identity = authIdentity(call);
    const scope = `repository:${call.repository.path}:pull`;
    let challenged = false;
    for (;;) {
      const headers: Record<string, string> = { accept: options.accept };
      const authorization = this.#authorization(identity, scope, call);
      if (authorization) headers.authorization = authorization;
      const response = await this.#withRetries(call, () =>
        this.#http.request(url, {
          method: options.method,
          headers,
          signal: call.signal,
          insecure: call.insecure,
          maxBytes: options.maxBytes,
        }),
      );
      if (response.status !== 401 || challenged) {
        if (response.status === 401 || response.status === 403) {
          throw new DiscoveryError(
            `registry answered ${response.status}: ${
              call.credentials
                ? "the project's credentials for this repository were refused"
                : 'no credentials matched this repository'
            }`,
            false,
          );
        }
        if (response.status >= 400 && response.status !== 404) {
          throw new DiscoveryError(
            `registry answered ${response.status}${errorDetail(response.body)}`,
            response.status >= 500 || response.status === 429,
          );
        }
        return response;
      }
      challenged = true;
      const challenge = parseChallenge(header(response.headers['www-authenticate']));
      if (challenge?.scheme === 'basic') {
        if (!call.credentials)
          throw new DiscoveryError(
            'registry answered 401: no credentials matched this repository',
            false,
          );
        this.#basic.add(identity);
      } else if (challenge?.scheme === 'bearer' && challenge.params.realm) {
        await this.#fetchToken(call, identity, challenge.params, scope);
      } else {
        throw new DiscoveryError(
          'registry answered 401 without a challenge Gantry understands',
          false,
        );
      }
    }
  }

  #authorization(identity: string, scope: string, call: RegistryCall): string | undefined {
    const token = this.#tokens.get(`${identity}|${scope}`);
    if (token && token.expiresAt > this.#now()) return `Bearer ${token.value}`;
    if (this.#basic.has(identity) && call.credentials) return basicHeader(call.credentials);
    return undefined;
  }

  /** Token flow of the Docker Registry token spec: GET realm?service=…&scope=… */
  async #fetchToken(
    call: RegistryCall,
    identity: string,
    params: Record<string, string>,
    scope: string,
  ): Promise<void> {
    const realm = new URL(params.realm!);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.credentials) headers.authorization = basicHeader(call.credentials);
    const response = await this.#withRetries(call, () =>
      this.#http.request(realm.toString(), {
        headers,
        signal: call.signal,
        insecure: call.insecure,
      }),
    );
    if (response.status === 401 || response.status === 403) {
      throw new DiscoveryError(
        `token service answered ${response.status}: ${
          call.credentials
            ? "the project's credentials for this repository were refused"
            : 'no credentials matched this repository'
        }`,
        false,
      );
    }
    if (response.status !== 200)
      throw new DiscoveryError(
        `token service answered ${response.status}${errorDetail(response.body)}`,
        response.status >= 500,
      );
    const body = parseJson(response.body, 'token') as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const value = body.token ?? body.access_token;
    if (!value) throw new DiscoveryError('token service answered without a token', false);
    // The spec's default lifetime is 60 s; keep a margin so a token never expires in flight.
    const lifetime = Math.max((body.expires_in ?? 60) - 10, 5) * 1000;
    this.#tokens.set(`${identity}|${scope}`, { value, expiresAt: this.#now() + lifetime });
  }

  async #withRetries(call: RegistryCall, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const registry = call.repository.registry;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse | undefined;
      let failure: unknown;
      try {
        response = await this.#limiter.run(registry, () => {
          this.requests++;
          return send();
        });
      } catch (err) {
        if (call.signal?.aborted) throw err;
        failure = err;
      }
      const retryable = !response || response.status === 429 || response.status >= 500;
      if (!retryable) return response!;
      if (attempt >= this.#attempts) {
        if (response) return response;
        throw new DiscoveryError(
          `cannot reach registry ${registry}: ${(failure as Error).message}`,
          true,
          { cause: failure },
        );
      }
      const wait = Math.min(
        retryAfterMs(response?.headers['retry-after'], this.#now()) ?? 250 * 2 ** (attempt - 1),
        this.#maxBackoffMs,
      );
      await sleep(wait, undefined, { signal: call.signal });
    }
  }
}

function authIdentity(call: RegistryCall): string {
  // Tokens are per credentials: two projects with different Secrets never share one.
  const who = call.credentials
    ? createHash('sha256')
        .update(`${call.credentials.username}\0${call.credentials.password}`)
        .digest('hex')
        .slice(0, 16)
    : 'anonymous';
  return `${call.repository.registry}|${who}`;
}

function basicHeader(credentials: DiscoveryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new DiscoveryError(`registry sent a ${what} that is not JSON`, false);
  }
}

/** The registry's own error message (OCI error body), shortened, or nothing. */
function errorDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ message?: string }> };
    const message = parsed.errors?.[0]?.message;
    return message ? `: ${message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

/** The `rel="next"` target of a Link header, resolved against the registry. */
export function nextLink(link: string | string[] | undefined, base: string): string | undefined {
  const value = header(link);
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (match) return new URL(match[1]!, base).toString();
  }
  return undefined;
}

/** Retry-After in ms: delta seconds or an HTTP date. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now: number,
): number | undefined {
  const text = header(value);
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}
