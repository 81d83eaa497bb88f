import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';
import {
  helmChart,
  helmChartTag,
  imageConfig,
  imageIndex,
  imageLayer,
  imageManifest,
  jsonContent,
  MANIFEST_ACCEPT,
  type Content,
} from './oci-content.js';
import { startTokenServer, type TokenServer } from './registry-token-server.js';

/**
 * A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8.2) on a free port
 * of 127.0.0.1, with its storage in a temporary directory. Auth is none, htpasswd (Basic, bcrypt
 * only) or token (Bearer JWTs from test/registry-token-server.ts). Push helpers upload real
 * blobs and manifests over the Distribution API, authenticating as needed.
 *
 * distribution 2.8 ignores `n`/`last` on tags/list, sends no `Link` header and lists tags
 * unsorted (distribution/distribution#1936, fixed only in v3): test pagination and rate limits
 * against test/fake-registry.ts instead.
 */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image repoURL such as `127.0.0.1:PORT/team/api`. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  username: string;
  password: string;
  /** Requests the token server has received (token mode; always 0 otherwise). Pushes do not count. */
  readonly tokenRequests: number;
  /** The scopes those requests asked for, one string per request (token mode). */
  readonly tokenScopes: string[];
  /**
   * A manifest as the registry serves it (read with full rights, whatever the code under test
   * may do): Docker-Content-Digest, Content-Type and the parsed body; undefined when missing.
   */
  manifest(
    repo: string,
    reference: string,
  ): Promise<{ digest: string; mediaType: string; body: Record<string, unknown> } | undefined>;
  /** Whether the repository holds the blob. */
  hasBlob(repo: string, digest: string): Promise<boolean>;
  /** Pushes a one-layer image; returns the manifest digest. Every call pushes distinct content. */
  pushImage(repo: string, tag: string, options?: PushImageOptions): Promise<string>;
  /** Pushes one manifest per platform by digest, then an OCI index under the tag. */
  pushIndex(
    repo: string,
    tag: string,
    platforms: IndexPlatform[],
    options?: { annotations?: Record<string, string> },
  ): Promise<{ digest: string; children: Record<string, string> }>;
  /**
   * Pushes a Helm chart as an OCI artifact under its version (with '+' as '_', as Helm does);
   * returns the manifest digest.
   */
  pushChart(repo: string, name: string, version: string): Promise<string>;
  /**
   * Pushes an artifact (as oras pushes files): an empty config and these layers, under the tag;
   * returns the manifest digest.
   */
  pushArtifact(repo: string, tag: string, layers: Content[]): Promise<string>;
  /**
   * Pushes many tags cheaply: one shared config and layer, manifests differing only in an
   * annotation (so every tag has its own digest; all share one `created`). Returns tag → digest.
   */
  pushImages(repo: string, tags: string[], concurrency?: number): Promise<Record<string, string>>;
  /** Kills the registry (and the token server) and removes its directory. */
  stop(): Promise<void>;
}

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface PushImageOptions {
  /** The config's build time; defaults to now, as a real build would stamp it. */
  created?: string;
  /** OCI manifest annotations (a Docker schema 2 manifest has none, so they are dropped). */
  annotations?: Record<string, string>;
  /** The config's `config.Labels`. */
  labels?: Record<string, string>;
  os?: string;
  architecture?: string;
  format?: 'oci' | 'docker';
  /** `false` pushes by digest only, as for the children of an index. */
  tagged?: boolean;
}

export interface IndexPlatform {
  os: string;
  architecture: string;
  /** The CPU variant (`v8`), written into the index entry when given. */
  variant?: string;
  created?: string;
  annotations?: Record<string, string>;
}

export async function startRegistry(
  options: {
    auth?: RegistryAuth;
    username?: string;
    password?: string;
    /** Token mode: an account that is granted `pull` only. */
    readOnly?: { username: string; password: string };
  } = {},
): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const username = options.username ?? 'ci';
  const password = options.password ?? 's3cret';
  const dir = mkdtempSync(join(scratchRoot(), 'gantry-registry-'));
  let tokenServer: TokenServer | undefined;
  let registry: RegistryProcess;
  try {
    if (auth === 'token')
      tokenServer = await startTokenServer({
        dir,
        username,
        password,
        ...(options.readOnly ? { readOnly: options.readOnly } : {}),
      });
    registry = await spawnRegistry(dir, authConfig(auth, dir, username, password, tokenServer));
  } catch (error) {
    await tokenServer?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `http://127.0.0.1:${registry.port}`;
  // A test that fails before stop() must not leave a registry behind when the worker exits.
  const killOnExit = () => registry.child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const tokens = new Map<string, string>();
  const target: PushTarget = {
    url,
    authorization(repo) {
      if (auth === 'htpasswd') {
        return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      }
      if (!tokenServer) return undefined;
      // Minted in process rather than fetched, so tokenRequests counts only the code under test.
      let token = tokens.get(repo);
      if (!token) {
        const access = [{ type: 'repository', name: repo, actions: ['pull', 'push'] }];
        token = tokenServer.mint(username, access, 3600);
        tokens.set(repo, token);
      }
      return `Bearer ${token}`;
    },
  };
  let pushes = 0;

  /** Pushes an image and returns its manifest; the tag also seeds the layer's content. */
  const pushImageManifest = async (
    repo: string,
    tag: string,
    image: PushImageOptions,
  ): Promise<Content> => {
    const format = image.format ?? 'oci';
    const { layer, diffId } = imageLayer({ 'layer.txt': `${repo}:${tag} #${++pushes}\n` }, format);
    const config = imageConfig({ ...image, format }, [diffId]);
    await Promise.all([pushBlob(target, repo, config), pushBlob(target, repo, layer)]);
    const manifest = imageManifest(config, [layer], { annotations: image.annotations, format });
    await pushManifest(target, repo, image.tagged === false ? manifest.digest : tag, manifest);
    return manifest;
  };

  return {
    host: `127.0.0.1:${registry.port}`,
    url,
    username,
    password,
    get tokenRequests() {
      return tokenServer?.requests ?? 0;
    },
    get tokenScopes() {
      return tokenServer?.scopes ?? [];
    },
    async manifest(repo, reference) {
      const response = await fetch(`${url}/v2/${repo}/manifests/${reference}`, {
        headers: { ...headersFor(target, repo), Accept: MANIFEST_ACCEPT },
      });
      const text = await response.text();
      if (response.status === 404) return undefined;
      if (response.status !== 200)
        throw new Error(`could not read ${repo}:${reference}: HTTP ${response.status} ${text}`);
      return {
        digest: response.headers.get('docker-content-digest') ?? '',
        mediaType: response.headers.get('content-type') ?? '',
        body: JSON.parse(text) as Record<string, unknown>,
      };
    },
    async hasBlob(repo, digest) {
      const response = await fetch(`${url}/v2/${repo}/blobs/${digest}`, {
        method: 'HEAD',
        headers: headersFor(target, repo),
      });
      await response.arrayBuffer();
      return response.status === 200;
    },
    async pushImage(repo, tag, image = {}) {
      return (await pushImageManifest(repo, tag, image)).digest;
    },
    async pushIndex(repo, tag, platforms, indexOptions = {}) {
      const entries = await Promise.all(
        platforms.map(async (platform) => ({
          os: platform.os,
          architecture: platform.architecture,
          ...(platform.variant ? { variant: platform.variant } : {}),
          manifest: await pushImageManifest(
            repo,
            `${tag}-${platform.os}-${platform.architecture}${platform.variant ? `-${platform.variant}` : ''}`,
            { ...platform, tagged: false },
          ),
        })),
      );
      const index = imageIndex(entries, indexOptions.annotations);
      await pushManifest(target, repo, tag, index);
      const children: Record<string, string> = {};
      for (const entry of entries) {
        const variant = 'variant' in entry && entry.variant ? `/${entry.variant}` : '';
        children[`${entry.os}/${entry.architecture}${variant}`] = entry.manifest.digest;
      }
      return { digest: index.digest, children };
    },
    async pushChart(repo, name, version) {
      const { config, layer } = helmChart(name, version);
      await Promise.all([pushBlob(target, repo, config), pushBlob(target, repo, layer)]);
      const manifest = imageManifest(config, [layer], {
        annotations: {
          'org.opencontainers.image.title': name,
          'org.opencontainers.image.version': version,
        },
      });
      await pushManifest(target, repo, helmChartTag(version), manifest);
      return manifest.digest;
    },
    async pushArtifact(repo, tag, layers) {
      const config = jsonContent('application/vnd.oci.empty.v1+json', {});
      await Promise.all([config, ...layers].map((blob) => pushBlob(target, repo, blob)));
      const manifest = imageManifest(config, layers);
      await pushManifest(target, repo, tag, manifest);
      return manifest.digest;
    },
    async pushImages(repo, tags, concurrency = 8) {
      const { layer, diffId } = imageLayer({ 'layer.txt': `${repo} shared layer\n` });
      const config = imageConfig({}, [diffId]);
      await Promise.all([pushBlob(target, repo, config), pushBlob(target, repo, layer)]);
      const digests: Record<string, string> = {};
      await inPool(tags, concurrency, async (tag) => {
        const manifest = imageManifest(config, [layer], {
          annotations: { 'org.opencontainers.image.version': tag },
        });
        await pushManifest(target, repo, tag, manifest);
        digests[tag] = manifest.digest;
      });
      return digests;
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      try {
        await stopProcess(registry);
        await tokenServer?.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Where the registry's directory goes: tmpfs when there is one. The registry writes several tiny
 * link files per tag, and on this project's machines manifest pushes ran about 1.7 times faster
 * on /dev/shm than on disk (500 tags: 1.4-2.2 s against 3.5-3.9 s).
 */
function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** The `auth` section of config.yml; writes the htpasswd file in htpasswd mode. */
function authConfig(
  auth: RegistryAuth,
  dir: string,
  username: string,
  password: string,
  tokenServer: TokenServer | undefined,
): Record<string, unknown> | undefined {
  if (auth === 'htpasswd') {
    const path = join(dir, 'htpasswd');
    // distribution accepts only bcrypt entries (-B).
    writeFileSync(path, execFileSync('htpasswd', ['-Bbn', username, password]));
    return { htpasswd: { realm: 'gantry-test-registry', path } };
  }
  if (auth === 'token' && tokenServer) {
    return {
      token: {
        realm: tokenServer.realm,
        service: tokenServer.service,
        issuer: tokenServer.issuer,
        rootcertbundle: tokenServer.certPath,
      },
    };
  }
  return undefined;
}

interface RegistryProcess {
  child: ChildProcess;
  port: number;
  /** Sent back in every response's X-Gantry-Test-Registry header: this process, no other. */
  id: string;
  /** Resolves when the process has exited (or failed to start). */
  exited: Promise<void>;
  /** What the registry printed so far (log level warn, so mostly startup errors). */
  output(): string;
}

/**
 * Starts `docker-registry serve config.yml` on a free port and waits until it serves. The port
 * is chosen before the registry binds it (it cannot report a port-0 choice), so another process
 * may take it meanwhile: then it retries on a new port.
 */
async function spawnRegistry(
  dir: string,
  auth: Record<string, unknown> | undefined,
): Promise<RegistryProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const id = randomBytes(8).toString('hex');
    writeFileSync(join(dir, 'config.yml'), stringify(registryConfig(dir, port, id, auth)));
    const registry = launch(dir, port, id);
    try {
      await waitUntilServing(registry);
      return registry;
    } catch (error) {
      await stopProcess(registry);
      if (attempt < 3 && registry.output().includes('address already in use')) continue;
      throw error;
    }
  }
}

function registryConfig(
  dir: string,
  port: number,
  id: string,
  auth: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return {
    version: '0.1',
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
      cache: { blobdescriptor: 'inmemory' },
    },
    // Without a secret the registry warns and makes one up; upload state is signed with it.
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomBytes(16).toString('hex'),
      headers: { 'X-Gantry-Test-Registry': [id] },
    },
    ...(auth ? { auth } : {}),
  };
}

function launch(dir: string, port: number, id: string): RegistryProcess {
  const child = spawn('docker-registry', ['serve', 'config.yml'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    // Keep the tail only: a chatty registry must not grow the test's memory.
    output = (output + chunk.toString()).slice(-8192);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve();
    });
  });
  return { child, port, id, exited, output: () => output };
}

async function waitUntilServing(registry: RegistryProcess): Promise<void> {
  let running = true;
  void registry.exited.then(() => (running = false));
  // The deadline only detects a registry that never serves (generous for a busy machine).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!running) {
      throw new Error(`docker-registry exited before serving:\n${registry.output()}`);
    }
    try {
      // Any answer of this registry will do (with auth on, /v2/ is a 401 challenge); another
      // process that took the port meanwhile does not send its id.
      const response = await fetch(`http://127.0.0.1:${registry.port}/v2/`);
      await response.arrayBuffer();
      if (response.headers.get('x-gantry-test-registry') === registry.id) return;
      await sleep(10);
    } catch {
      await sleep(10);
    }
  }
  throw new Error(`docker-registry did not serve within 60 s:\n${registry.output()}`);
}

/** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone. */
async function stopProcess(registry: RegistryProcess): Promise<void> {
  const { child } = registry;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await registry.exited;
  clearTimeout(timer);
}

interface PushTarget {
  url: string;
  authorization(repo: string): string | undefined;
}

function headersFor(target: PushTarget, repo: string): Record<string, string> {
  const authorization = target.authorization(repo);
  return authorization ? { Authorization: authorization } : {};
}

/** Uploads a blob unless the repository has it: POST a session, then PUT to it with the digest. */
async function pushBlob(target: PushTarget, repo: string, blob: Content): Promise<void> {
  const headers = headersFor(target, repo);
  const blobUrl = `${target.url}/v2/${repo}/blobs/${blob.digest}`;
  const existing = await fetch(blobUrl, { method: 'HEAD', headers });
  if (existing.status === 200) return;
  // distribution 2.8 treats a POST with ?digest= and a body as a mere session start (202).
  const session = await fetch(`${target.url}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers,
  });
  await expectStatus(session, 202, `start a blob upload to ${repo}`);
  const location = new URL(session.headers.get('location') ?? '', target.url);
  location.searchParams.set('digest', blob.digest);
  const upload = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    body: blob.bytes,
  });
  await expectStatus(upload, 201, `upload blob ${blob.digest} to ${repo}`);
}

async function pushManifest(
  target: PushTarget,
  repo: string,
  reference: string,
  manifest: Content,
): Promise<void> {
  const response = await fetch(`${target.url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...headersFor(target, repo), 'Content-Type': manifest.mediaType },
    body: manifest.bytes,
  });
  await expectStatus(response, 201, `push manifest ${repo}:${reference}`);
  const digest = response.headers.get('docker-content-digest');
  if (digest !== manifest.digest) {
    throw new Error(
      `registry stored ${repo}:${reference} as ${digest}, expected ${manifest.digest}`,
    );
  }
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  // Always read the body: an unread body keeps fetch's pooled connection busy.
  const body = await response.text();
  if (response.status !== status) {
    throw new Error(`could not ${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
  }
}

/** Runs work over items with at most `concurrency` in flight. */
async function inPool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker),
  );
}
