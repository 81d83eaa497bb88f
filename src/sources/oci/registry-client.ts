import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
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
  /**
   * The call writes to the repository (oci-push): tokens are asked for `pull,push` on it
   * rather than `pull`.
   */
  push?: boolean | undefined;
}

/** A manifest or index exactly as the registry stores it (oci-push copies these bytes). */
export interface RawManifest {
  /** `sha256:…` of the bytes (checked against the reference when it is a digest). */
  digest: string;
  /** The Content-Type the registry answered with (or the body's `mediaType`). */
  mediaType: string;
  bytes: Buffer;
}

/** How a blob came to be in the destination repository. */
export type BlobCopy = 'present' | 'mounted' | 'uploaded';

interface SendOptions {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  accept: string;
  maxBytes?: number;
  body?: Buffer;
  contentType?: string;
  /** A cross-repository mount: the token must also allow pulling from this repository path. */
  mountFrom?: string;
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

  /**
   * A manifest or index by tag or digest, exactly as stored: the bytes (whose digest is what a
   * copy must keep), the media type the registry gave. A digest reference is checked against
   * the bytes, and so is the registry's Docker-Content-Digest.
   */
  async rawManifest(call: RegistryCall, reference: string): Promise<RawManifest> {
    const response = await this.#send(call, `/v2/${call.repository.path}/manifests/${reference}`, {
      accept: MANIFEST_ACCEPT,
      maxBytes: 4 * 1024 * 1024,
    });
    if (response.status === 404)
      throw new DiscoveryError(`registry answered 404: manifest ${reference} not found`, false, {
        notFound: true,
      });
    if (response.status !== 200)
      throw new DiscoveryError(
        `registry answered ${response.status} for manifest ${reference}`,
        false,
      );
    const digest = sha256(response.body);
    const claimed = header(response.headers['docker-content-digest']);
    const expected = reference.startsWith('sha256:') ? reference : claimed;
    if (expected?.startsWith('sha256:') && expected !== digest)
      throw new DiscoveryError(`manifest ${reference} arrived with digest ${digest}`, true);
    const body = parseJson(response.body, `manifest ${reference}`) as ManifestBody;
    const contentType = header(response.headers['content-type'])?.split(';')[0]?.trim();
    const mediaType =
      contentType && contentType !== 'application/json' ? contentType : (body.mediaType ?? '');
    return { digest, mediaType, bytes: response.body };
  }

  /**
   * Stores a manifest under a tag or its digest (PUT /v2/<name>/manifests/<reference>, with
   * its media type as Content-Type); resolves with its digest once the registry's answer agrees
   * with the bytes.
   */
  async putManifest(
    call: RegistryCall,
    reference: string,
    manifest: { mediaType: string; bytes: Buffer },
  ): Promise<string> {
    const digest = sha256(manifest.bytes);
    const response = await this.#send(
      { ...call, push: true },
      `/v2/${call.repository.path}/manifests/${reference}`,
      {
        method: 'PUT',
        accept: '*/*',
        body: manifest.bytes,
        contentType: manifest.mediaType,
      },
    );
    if (response.status !== 201 && response.status !== 200)
      throw new DiscoveryError(
        `registry answered ${response.status} to storing manifest ${reference}${errorDetail(response.body)}`,
        false,
      );
    const stored = header(response.headers['docker-content-digest']);
    if (stored && stored !== digest)
      throw new DiscoveryError(
        `registry stored manifest ${reference} as ${stored}, not ${digest}`,
        false,
      );
    return digest;
  }

  /**
   * Makes a blob of `from` present in `to` (oci-push), as go-containerregistry does: nothing
   * when `to` has it; on the same registry, a cross-repository mount (POST
   * /v2/<to>/blobs/uploads/?mount=<digest>&from=<from>), which a registry may refuse by
   * opening an upload instead; otherwise the bytes streamed from `from` into a monolithic
   * upload (POST, then PUT ?digest=), which the registry checks against the digest.
   */
  async copyBlob(
    from: RegistryCall,
    to: RegistryCall,
    blob: { digest: string; size: number },
  ): Promise<BlobCopy> {
    const dest = { ...to, push: true };
    const path = `/v2/${to.repository.path}/blobs/${blob.digest}`;
    const existing = await this.#send(dest, path, { method: 'HEAD', accept: '*/*' });
    if (existing.status === 200) return 'present';
    let location: string | undefined;
    if (
      from.repository.apiBase === to.repository.apiBase &&
      from.repository.registry === to.repository.registry &&
      from.repository.path !== to.repository.path
    ) {
      const query = `mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from.repository.path)}`;
      let mounted: HttpResponse | undefined;
      try {
        mounted = await this.#send(dest, `/v2/${to.repository.path}/blobs/uploads/?${query}`, {
          method: 'POST',
          accept: '*/*',
          mountFrom: from.repository.path,
        });
      } catch (err) {
        // Credentials that may push here but not pull there: upload the bytes instead.
        if (!(err instanceof DiscoveryError) || err.transient) throw err;
      }
      if (mounted?.status === 201) return 'mounted';
      location = mounted?.status === 202 ? header(mounted.headers.location) : undefined;
      // The session opened by the refused mount belongs to the token asked for it.
      if (location) {
        await this.#upload(from, dest, location, blob, scopeOf(dest, from.repository.path));
        return 'uploaded';
      }
    }
    location = await this.#startUpload(dest);
    await this.#upload(from, dest, location, blob, scopeOf(dest));
    return 'uploaded';
  }

  async #startUpload(call: RegistryCall): Promise<string> {
    const response = await this.#send(call, `/v2/${call.repository.path}/blobs/uploads/`, {
      method: 'POST',
      accept: '*/*',
    });
    const location = header(response.headers.location);
    if (response.status !== 202 || !location)
      throw new DiscoveryError(
        `registry answered ${response.status} to starting a blob upload${errorDetail(response.body)}`,
        false,
      );
    return location;
  }

  /** GET the blob from `from` as a stream and PUT it to the upload session, never buffered whole. */
  async #upload(
    from: RegistryCall,
    to: RegistryCall,
    location: string,
    blob: { digest: string; size: number },
    scope: string,
  ): Promise<void> {
    const source = await this.#openBlob(from, blob.digest);
    const target = new URL(location, `${to.repository.apiBase}/`);
    target.searchParams.set('digest', blob.digest);
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-length': String(blob.size),
    };
    const authorization = this.#authorization(authIdentity(to), scope, to);
    if (authorization) headers.authorization = authorization;
    let response: HttpResponse;
    try {
      this.requests++;
      response = await this.#http.request(target.toString(), {
        method: 'PUT',
        headers,
        body: source,
        signal: to.signal,
        insecure: to.insecure,
        timeoutMs: 120_000,
      });
    } catch (err) {
      source.destroy();
      if (to.signal?.aborted) throw err;
      throw new DiscoveryError(
        `could not upload blob ${blob.digest} to ${to.repository.registry}: ${(err as Error).message}`,
        true,
        { cause: err },
      );
    }
    source.destroy();
    if (response.status !== 201)
      throw new DiscoveryError(
        `registry answered ${response.status} to uploading blob ${blob.digest}${errorDetail(response.body)}`,
        response.status >= 500 || response.status === 429 || response.status === 401,
      );
  }

  /**
   * A blob's bytes as a stream. A HEAD first (through the usual authentication and retries)
   * says whether it exists and readies the credentials; redirects (object stores) are followed
   * without them, as Docker does.
   */
  async #openBlob(call: RegistryCall, digest: string): Promise<Readable> {
    const path = `/v2/${call.repository.path}/blobs/${digest}`;
    const head = await this.#send(call, path, { method: 'HEAD', accept: '*/*' });
    if (head.status === 404)
      throw new DiscoveryError(`registry answered 404: blob ${digest} not found`, false);
    let url = `${call.repository.apiBase}${path}`;
    const authorization = this.#authorization(authIdentity(call), scopeOf(call), call);
    let headers: Record<string, string> = authorization ? { authorization } : {};
    for (let hops = 0; ; hops++) {
      this.requests++;
      let response;
      try {
        response = await this.#http.open(url, {
          headers,
          signal: call.signal,
          insecure: call.insecure,
          timeoutMs: 120_000,
        });
      } catch (err) {
        if (call.signal?.aborted) throw err;
        throw new DiscoveryError(
          `cannot reach registry ${call.repository.registry}: ${(err as Error).message}`,
          true,
          { cause: err },
        );
      }
      const location = header(response.headers.location);
      if (response.status >= 300 && response.status < 400 && location && hops < 5) {
        response.body.resume();
        url = new URL(location, url).toString();
        headers = {};
        continue;
      }
      if (response.status !== 200) {
        response.body.resume();
        throw new DiscoveryError(
          `registry answered ${response.status} for blob ${digest}`,
          response.status >= 500 || response.status === 429,
        );
      }
      return response.body;
    }
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
  async #send(call: RegistryCall, path: string, options: SendOptions): Promise<HttpResponse> {
    const url = path.startsWith('http') ? path : `${call.repository.apiBase}${path}`;
    const identity = authIdentity(call);
    const scope = scopeOf(call, options.mountFrom);
    let challenged = false;
    for (;;) {
      const headers: Record<string, string> = { accept: options.accept };
      if (options.contentType) headers['content-type'] = options.contentType;
      const authorization = this.#authorization(identity, scope, call);
      if (authorization) headers.authorization = authorization;
      const response = await this.#withRetries(call, () =>
        this.#http.request(url, {
          method: options.method,
          headers,
          body: options.body,
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
    // A pull asks for what the challenge names; a push asks for its own scopes up front (the
    // challenge of a first HEAD names `pull` only), one `scope` parameter each.
    const scopes = call.push ? scope : (params.scope ?? scope);
    for (const one of scopes.split(' ').filter(Boolean)) realm.searchParams.append('scope', one);
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

/**
 * The token scope a call needs: `pull` on its repository, `pull,push` when it writes there, plus
 * `pull` on the repository a blob is mounted from (scopes space-separated, as the Docker token
 * spec allows several).
 */
function scopeOf(call: RegistryCall, mountFrom?: string): string {
  const own = `repository:${call.repository.path}:${call.push ? 'pull,push' : 'pull'}`;
  return mountFrom ? `${own} repository:${mountFrom}:pull` : own;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
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
