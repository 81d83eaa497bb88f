import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

/**
 * The part of Argo CD's repo server the fake control plane (test/fake-argocd.ts) needs: resolve
 * a source's revision to a commit SHA with real git and read the plain-YAML manifests of a
 * "directory" source at that commit. Git runs asynchronously (never execFileSync): the test git
 * server usually lives in the same process and would deadlock a synchronous child.
 */

/** The annotation a test puts on a manifest to give its resource a health other than Healthy. */
export const FAKE_HEALTH_ANNOTATION = 'fake.argocd.gantry.io/health';

/** One Kubernetes object as Argo CD lists it in `status.resources`. */
export interface FakeResource {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  /** From the `fake.argocd.gantry.io/health` annotation; `Healthy` without one. */
  health: string;
  /** Every string value of a key named `image`, anywhere in the object. */
  images: string[];
}

export interface RenderedSource {
  /** The full commit SHA the revision resolved to. */
  revision: string;
  resources: FakeResource[];
}

/**
 * Whether the fake resolves this source with git: an `http(s)` URL on a loopback host
 * (127.0.0.1, localhost, [::1]; the test git server's) and no `chart` (a Helm repository).
 * Everything else (`https://git.example/...`, chart repositories) is synced verbatim. A rule
 * on the URL alone keeps the outcome deterministic: no DNS, no network timeouts.
 */
export function isReachableGitSource(source: { repoURL?: unknown; chart?: unknown }): boolean {
  if (typeof source.repoURL !== 'string' || source.chart !== undefined) return false;
  let url: URL;
  try {
    url = new URL(source.repoURL);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  );
}

/** Why a source could not be rendered; the message reads like the repo server's. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

const run = promisify(execFile);

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30_000,
    // Never wait for a password on a terminal; a test expecting auth gives it in the URL.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  return stdout;
}

function gitFailure(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : String(err);
  return text.trim().split('\n').at(-1) ?? text;
}

/**
 * Renders one directory source as Argo CD's repo server does, for the subset modelled:
 * 1. `git clone --mirror` the repository (fresh each time, like a hard refresh);
 * 2. resolve `revision` (empty means `HEAD`): `HEAD`, then branch `refs/heads/<r>`, then tag
 *    `refs/tags/<r>` (annotated tags peeled), then a full ref or a (short) commit SHA; else
 *    `unable to resolve '<r>' to a commit SHA`, Argo CD's message;
 * 3. read the `*.yaml`, `*.yml` and `*.json` files directly in `path` (and below it when
 *    `recurse`, Argo CD's `directory.recurse`), in path order, every document of each.
 * A document must be an object with `apiVersion`, `kind` and `metadata.name`; empty documents
 * are skipped. A path holding a `kustomization.yaml` or `Chart.yaml` is refused: Kustomize and
 * Helm rendering are not modelled, and silently reading such a directory as plain YAML would
 * report resources the real Argo CD would not.
 */
export async function renderGitSource(source: {
  repoURL: string;
  revision: string;
  path?: string | undefined;
  recurse?: boolean | undefined;
}): Promise<RenderedSource> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-argocd-repo-'));
  try {
    try {
      await git(['clone', '--quiet', '--mirror', source.repoURL, dir]);
    } catch (err) {
      throw new RenderError(`failed to list refs of ${source.repoURL}: ${gitFailure(err)}`);
    }
    const revision = await resolveRevision(dir, source.revision);
    const root = posix.normalize(source.path ?? '.').replace(/^\.?\/+|\/+$/g, '');
    const files = await listFiles(dir, revision, root === '.' ? '' : root, source.recurse === true);
    const resources: FakeResource[] = [];
    for (const file of files) {
      const text = await git(['cat-file', 'blob', `${revision}:${file}`], dir);
      resources.push(...parseManifests(file, text));
    }
    return { revision, resources };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function resolveRevision(dir: string, wanted: string): Promise<string> {
  const revision = wanted === '' ? 'HEAD' : wanted;
  const candidates =
    revision === 'HEAD'
      ? ['HEAD']
      : [
          `refs/heads/${revision}`,
          `refs/tags/${revision}`,
          ...(isRefOrSha(revision) ? [revision] : []),
        ];
  for (const candidate of candidates) {
    try {
      return (await git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], dir)).trim();
    } catch {
      // Not this kind of name; try the next.
    }
  }
  throw new RenderError(`unable to resolve '${revision}' to a commit SHA`);
}

function isRefOrSha(revision: string): boolean {
  return revision.startsWith('refs/') || /^[0-9a-f]{4,40}$/.test(revision);
}

async function listFiles(
  dir: string,
  revision: string,
  root: string,
  recurse: boolean,
): Promise<string[]> {
  const args = ['ls-tree', '-z', ...(recurse ? ['-r'] : []), revision];
  const out = await git(root === '' ? args : [...args, '--', `${root}/`], dir);
  const entries = out
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const [meta = '', path = ''] = line.split('\t');
      return { type: meta.split(' ')[1], path };
    });
  if (root !== '' && entries.length === 0) {
    throw new RenderError(`${root}: app path does not exist`);
  }
  // Argo CD picks the tool from the files directly in the path.
  const names = entries
    .filter((entry) => posix.dirname(entry.path) === (root === '' ? '.' : root))
    .map((entry) => posix.basename(entry.path));
  const tool = names.includes('Chart.yaml')
    ? 'Helm'
    : names.some((name) => /^(kustomization\.ya?ml|Kustomization)$/.test(name))
      ? 'Kustomize'
      : undefined;
  if (tool !== undefined) {
    throw new RenderError(`${root || '.'}: ${tool} sources are not modelled by the fake Argo CD`);
  }
  return entries
    .filter((entry) => entry.type === 'blob' && /\.(ya?ml|json)$/.test(entry.path))
    .map((entry) => entry.path)
    .sort();
}

function parseManifests(file: string, text: string): FakeResource[] {
  const resources: FakeResource[] = [];
  for (const doc of parseAllDocuments(text)) {
    const error = doc.errors[0];
    if (error !== undefined) {
      throw new RenderError(`failed to unmarshal ${file}: ${error.message.split('\n')[0]}`);
    }
    const object: unknown = doc.toJS();
    if (object === null || object === undefined) continue;
    if (typeof object !== 'object' || Array.isArray(object)) {
      throw new RenderError(`failed to unmarshal ${file}: a document is not an object`);
    }
    const { apiVersion, kind, metadata } = object as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> };
    };
    if (typeof kind !== 'string' || kind === '') {
      throw new RenderError(`Object 'Kind' is missing in '${file}'`);
    }
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      throw new RenderError(`Object 'apiVersion' is missing in '${file}'`);
    }
    if (typeof metadata?.name !== 'string') {
      throw new RenderError(`${kind} in '${file}' has no metadata.name`);
    }
    const slash = apiVersion.lastIndexOf('/');
    const health = metadata.annotations?.[FAKE_HEALTH_ANNOTATION];
    resources.push({
      ...(slash < 0 ? {} : { group: apiVersion.slice(0, slash) }),
      version: apiVersion.slice(slash + 1),
      kind,
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      name: metadata.name,
      health: typeof health === 'string' && health !== '' ? health : 'Healthy',
      images: imagesIn(object),
    });
  }
  return resources;
}

function imagesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) imagesIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'image' && typeof child === 'string') found.push(child);
      else imagesIn(child, found);
    }
  }
  return found;
}

/**
 * Argo CD's health order (gitops-engine `IsWorse`): Healthy < Suspended < Progressing < Missing
 * < Degraded < Unknown. A custom status ranks as Unknown.
 */
const HEALTH_ORDER = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

/** The app's health: the worst of its resources' (Healthy when it has none). */
export function worstHealth(healths: string[]): string {
  const rank = (health: string) => {
    const i = HEALTH_ORDER.indexOf(health);
    return i < 0 ? HEALTH_ORDER.length - 1 : i;
  };
  return healths.reduce((worst, h) => (rank(h) > rank(worst) ? h : worst), 'Healthy');
}
