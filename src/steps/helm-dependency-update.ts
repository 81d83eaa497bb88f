import { lstatSync, readdirSync, readFileSync, rmSync, statSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type { SemVer } from 'semver';
import {
  compareVersionsDescending,
  parseConstraint,
  parseVersion,
  type SemverConstraint,
} from '../api/semver-constraint.js';
import type { StepContext } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import { packChart, readChartArchive, type ChartFile } from '../helm/chart-archive.js';
import {
  lockDigest,
  lockTime,
  parseLock,
  renderLock,
  type LockedDependency,
} from '../helm/chart-lock.js';
import {
  parseChartMetadata,
  type ChartMetadata,
  type HelmDependency,
} from '../helm/chart-metadata.js';
import { noChartSource, type ChartAccess, type ChartIndex } from '../helm/chart-source.js';
import { createIgnoreMatcher } from './gitignore-matcher.js';

/**
 * `helm dependency update` as Kargo runs it for helm-update-chart (pkg/helm
 * EphemeralDependencyManager over Helm's downloader.Manager), in the promotion's working
 * directory: resolve every dependency of Chart.yaml to one version (SemVer ranges against the
 * repository's index or the OCI repository's tags), fetch the archives into `charts/`
 * (packaging `file://` dependencies), delete outdated archives, and pin the result in
 * Chart.lock with Helm's digest. Returns what changed in Chart.lock, by dependency name:
 * `old -> new`, the version of one added, or '' for one removed.
 */
export async function updateChartDependencies(
  context: StepContext,
  chartPath: string,
): Promise<Map<string, string>> {
  const chartYaml = posix.join(chartPath, 'Chart.yaml');
  const metadata = parseChart(readText(context, chartYaml), chartYaml);
  const lockPath = posix.join(chartPath, 'Chart.lock');
  const previousText = readOptional(context, lockPath);
  const previous = previousText === undefined ? undefined : parseLockText(previousText, lockPath);
  if (metadata.apiVersion === 'v1')
    throw terminalError(
      `path: ${chartPath} is an apiVersion v1 chart, whose dependencies live in requirements.yaml; helm-update-chart (as Kargo's) handles apiVersion v2 charts`,
    );
  if (!metadata.declaresDependencies) {
    if (previous) return new Map();
    throw terminalError(
      `path: the chart in ${chartPath} declares no dependencies and has no Chart.lock, so there is nothing to update`,
    );
  }
  const resolver = new Resolver(context, chartPath);
  const locked: LockedDependency[] = [];
  const missing: string[] = [];
  for (const dep of metadata.dependencies) {
    const pinned = await resolver.resolve(dep);
    if (pinned === undefined)
      missing.push(
        `${JSON.stringify(dep.name)} (repository ${JSON.stringify(dep.repository)}, version ${JSON.stringify(dep.version)})`,
      );
    else locked.push(pinned);
  }
  if (missing.length > 0)
    throw terminalError(
      `can't get a valid version for ${missing.length} subchart(s): ${missing.join(', ')}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml`,
    );
  await resolver.downloadAll(metadata.dependencies, locked);
  const digest = lockDigest(metadata.dependencies, locked);
  // Helm leaves Chart.lock alone when its digest is unchanged; Kargo puts the old one back when
  // no version changed (a new `generated` time alone is not a change).
  const changes = compareVersions(
    previous?.dependencies ?? [],
    previous?.digest === digest ? previous.dependencies : locked,
  );
  if (changes.size > 0 && previous?.digest !== digest)
    context.workDir.writeFile(
      lockPath,
      renderLock({ dependencies: locked, digest, generated: lockTime(context.now()) }),
      { field: 'path' },
    );
  return changes;
}

/**
 * `helm dependency build` as Kargo runs it for helm-template (EphemeralDependencyManager.Build
 * over Helm's downloader.Manager.Build): nothing without dependencies; without Chart.lock, what
 * `helm dependency update` does (the lock is written); with one, the locked versions fetched
 * into `charts/`, once Chart.lock is checked to match Chart.yaml (Helm's digest).
 */
export async function buildChartDependencies(
  context: StepContext,
  chartPath: string,
): Promise<void> {
  const chartYaml = posix.join(chartPath, 'Chart.yaml');
  const metadata = parseChart(readText(context, chartYaml), chartYaml);
  if (metadata.dependencies.length === 0) return;
  checkLocalDependencies(context, chartPath);
  const lockPath = posix.join(chartPath, 'Chart.lock');
  const lockText = readOptional(context, lockPath);
  if (lockText === undefined) {
    await updateChartDependencies(context, chartPath);
    return;
  }
  const lock = parseLockText(lockText, lockPath);
  if (
    lock.dependencies.length !== metadata.dependencies.length ||
    lockDigest(metadata.dependencies, lock.dependencies) !== lock.digest
  )
    throw terminalError(
      'the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies',
    );
  await new Resolver(context, chartPath).downloadAll(metadata.dependencies, lock.dependencies);
}

/**
 * Kargo's validateDependencies, before anything is changed: a `file://` dependency must be a
 * relative path that exists and stays in the working directory (links included).
 */
export function checkLocalDependencies(context: StepContext, chartPath: string): void {
  const chartYaml = posix.join(chartPath, 'Chart.yaml');
  const { dependencies } = parseChart(readText(context, chartYaml), chartYaml);
  for (const dep of dependencies) {
    if (!dep.repository.startsWith('file://')) continue;
    const relative = dep.repository.slice('file://'.length);
    const invalid = (why: string) =>
      terminalError(`invalid dependency ${JSON.stringify(dep.repository)}: ${why}`);
    if (relative.startsWith('/'))
      throw invalid(`dependency path ${JSON.stringify(relative)} must be relative`);
    let abs: string;
    try {
      abs = context.workDir.resolve(posix.join(chartPath, relative), 'repository');
    } catch (err) {
      if (!isStepError(err)) throw err;
      throw invalid(`dependency path is outside the work directory (${err.message})`);
    }
    try {
      statSync(abs);
    } catch {
      throw invalid(`resolve dependency path: ${posix.join(chartPath, relative)} does not exist`);
    }
  }
}

/** Kargo's compareChartVersions: by name, in the order of the new lock, then removals. */
function compareVersions(
  before: LockedDependency[],
  after: LockedDependency[],
): Map<string, string> {
  const old = new Map(before.map((d) => [d.name, d.version]));
  const changes = new Map<string, string>();
  for (const dep of after) {
    const was = old.get(dep.name);
    if (was === undefined) changes.set(dep.name, dep.version);
    else if (was !== dep.version) changes.set(dep.name, `${was} -> ${dep.version}`);
    old.delete(dep.name);
  }
  for (const name of old.keys()) changes.set(name, '');
  return changes;
}

interface Download {
  fileName: string;
  bytes: Buffer;
}

/** Helm's resolver and downloader for one chart, with the step's sources and credentials. */
class Resolver {
  readonly #context: StepContext;
  readonly #chartPath: string;
  readonly #indexes = new Map<string, Promise<ChartIndex>>();

  constructor(context: StepContext, chartPath: string) {
    this.#context = context;
    this.#chartPath = chartPath;
  }

  get #source() {
    return this.#context.charts ?? noChartSource;
  }

  /** The version Helm's resolver pins, or undefined when none satisfies the constraint. */
  async resolve(dep: HelmDependency): Promise<LockedDependency | undefined> {
    const constraint = this.#constraint(dep);
    const { repository } = dep;
    if (repository === '') {
      // A chart kept unpacked in charts/<name>: checked when downloading.
      this.#localDirectory(posix.join(this.#chartPath, 'charts', dep.name), dep);
      return { name: dep.name, repository: '', version: dep.version };
    }
    if (repository.startsWith('file://')) {
      const local = this.#localChart(dep);
      const version = parseVersion(local.version, false);
      if (!version || !constraint.matches(version)) return undefined;
      return { name: dep.name, repository, version: local.version };
    }
    if (repository.startsWith('oci://')) {
      const exact = parseVersion(dep.version, false);
      if (exact) return { name: dep.name, repository, version: dep.version };
      const access = await this.#access(ociRepository(dep));
      const tags = await this.#source.tags(ociRepository(dep), access).catch((err: unknown) => {
        throw wrap(err, `could not retrieve list of tags for repository ${repository}`);
      });
      const version = newest(
        tags.map((tag) => tag.replace(/_/g, '+')),
        constraint,
        () => true,
      );
      return version === undefined ? undefined : { name: dep.name, repository, version };
    }
    if (/^https?:\/\//.test(repository)) {
      const index = await this.#index(repository);
      const entries = index.get(dep.name);
      if (!entries) throw terminalError(`${dep.name} chart not found in repo ${repository}`);
      const urls = new Map(entries.map((e) => [e.version, e.urls]));
      const version = newest(
        entries.map((e) => e.version),
        constraint,
        (v) => (urls.get(v)?.length ?? 0) > 0,
      );
      return version === undefined ? undefined : { name: dep.name, repository, version };
    }
    throw terminalError(unsupportedRepository(repository));
  }

  /** Fetches or packages every pinned chart into charts/, as Helm's downloadAll. */
  async downloadAll(deps: HelmDependency[], locked: LockedDependency[]): Promise<void> {
    const chartsDir = posix.join(this.#chartPath, 'charts');
    const chartsAbs = this.#context.workDir.resolve(chartsDir, 'path', { write: true });
    let stats: Stats | undefined;
    try {
      stats = statSync(chartsAbs);
    } catch {
      stats = undefined;
    }
    if (stats && !stats.isDirectory()) throw terminalError(`path: ${chartsDir} is not a directory`);
    const downloads: Download[] = [];
    const fetched = new Set<string>();
    for (const [i, pin] of locked.entries()) {
      const dep = deps[i]!;
      if (pin.repository === '') {
        const local = this.#localDirectory(posix.join(this.#chartPath, 'charts', dep.name), dep);
        const version = parseVersion(local.version, false);
        if (!version || !this.#constraint(dep).matches(version))
          throw terminalError(
            `dependency ${dep.name} at version ${local.version} does not satisfy the constraint ${dep.version}`,
          );
        continue;
      }
      if (pin.repository.startsWith('file://')) {
        const { metadata, files } = this.#localFiles(dep);
        downloads.push({
          fileName: `${metadata.name}-${metadata.version}.tgz`,
          bytes: packChart(metadata.name, files),
        });
        continue;
      }
      if (pin.repository.startsWith('oci://')) {
        const ref = `${ociRepository(dep)}:${pin.version}`;
        if (fetched.has(ref)) continue;
        fetched.add(ref);
        const access = await this.#access(ociRepository(dep));
        const tag = pin.version.replace(/\+/g, '_');
        const bytes = await this.#source
          .pull(ociRepository(dep), tag, access)
          .catch((err: unknown) => {
            throw wrap(err, `could not download ${ref}`);
          });
        downloads.push({ fileName: `${dep.name}-${pin.version}.tgz`, bytes });
        continue;
      }
      const index = await this.#index(pin.repository);
      const entry = index
        .get(dep.name)
        ?.find((e) => sameVersion(e.version, pin.version) && e.urls.length > 0);
      if (!entry)
        throw terminalError(`could not find ${dep.name} ${pin.version} in ${pin.repository}`);
      const url = chartUrl(pin.repository, entry.urls[0]!);
      if (fetched.has(url)) continue;
      fetched.add(url);
      const access = await this.#access(pin.repository);
      const bytes = await this.#source
        .download(url, pin.repository, access)
        .catch((err: unknown) => {
          throw wrap(err, `could not download ${url}`);
        });
      downloads.push({ fileName: posix.basename(new URL(url).pathname), bytes });
    }
    // safeMoveDeps: only real charts are moved in; archives of charts no longer needed go,
    // except those of charts kept unpacked (no repository).
    const kept = new Set<string>();
    for (const download of downloads) {
      try {
        await readChartArchive(download.bytes);
      } catch (err) {
        this.#context.log(
          `Could not verify ${download.fileName} for moving: ${(err as Error).message} (Skipping)`,
        );
        continue;
      }
      this.#context.workDir.writeFile(posix.join(chartsDir, download.fileName), download.bytes, {
        field: 'path',
      });
      kept.add(download.fileName);
    }
    const unpacked = new Set(deps.filter((d) => d.repository === '').map((d) => d.name));
    for (const entry of readdirSync(chartsAbs, { withFileTypes: true })) {
      if (
        entry.isDirectory() ||
        kept.has(entry.name) ||
        downloads.some((d) => d.fileName === entry.name)
      )
        continue;
      const file = posix.join(chartsDir, entry.name);
      let name: string;
      try {
        name = (await readChartArchive(this.#context.workDir.readFile(file))).name;
      } catch {
        continue; // not a chart: left alone, as Helm does
      }
      if (unpacked.has(name)) continue;
      rmSync(this.#context.workDir.resolve(file, 'path', { write: true, entry: true }));
    }
  }

  #constraint(dep: HelmDependency): SemverConstraint {
    try {
      return parseConstraint(dep.version);
    } catch (err) {
      throw terminalError(
        `dependency ${JSON.stringify(dep.name)} has an invalid version/constraint format: ${(err as Error).message}`,
      );
    }
  }

  #index(repository: string): Promise<ChartIndex> {
    const key = repository.replace(/\/+$/, '');
    let index = this.#indexes.get(key);
    if (!index) {
      index = this.#access(repository)
        .then((access) => this.#source.index(repository, access))
        .catch((err: unknown) => {
          throw wrap(
            err,
            `looks like ${JSON.stringify(repository)} is not a valid chart repository or cannot be reached`,
          );
        });
      this.#indexes.set(key, index);
    }
    return index;
  }

  /**
   * The project's credentials as Kargo looks them up: for https:// repositories by their URL,
   * for OCI by `oci://host/path/name`; none over plain http://.
   */
  async #access(url: string): Promise<ChartAccess> {
    const credentials = url.startsWith('http://')
      ? undefined
      : await this.#context.credentialsFor(url, 'helm');
    return { signal: this.#context.signal, credentials };
  }

  /** A `file://` dependency's directory, checked to stay in the working directory. */
  #localPath(dep: HelmDependency): string {
    const relative = dep.repository.slice('file://'.length);
    if (relative.startsWith('/'))
      throw terminalError(
        `invalid dependency ${JSON.stringify(dep.repository)}: dependency path ${JSON.stringify(relative)} must be relative`,
      );
    return posix.join(this.#chartPath, relative);
  }

  #localChart(dep: HelmDependency): ChartMetadata {
    return this.#localDirectory(this.#localPath(dep), dep);
  }

  /** The chart in a directory (relative to the working directory), read as Helm's loader would. */
  #localDirectory(path: string, dep: HelmDependency): ChartMetadata {
    const abs = this.#context.workDir.resolve(path, 'path');
    let isDirectory = false;
    try {
      isDirectory = statSync(abs).isDirectory();
    } catch {
      isDirectory = false;
    }
    if (!isDirectory)
      throw terminalError(`dependency ${JSON.stringify(dep.name)}: directory ${path} not found`);
    return parseChart(
      readText(this.#context, posix.join(path, 'Chart.yaml')),
      posix.join(path, 'Chart.yaml'),
    );
  }

  /** The files of a `file://` dependency as Helm packages them (.helmignore honoured). */
  #localFiles(dep: HelmDependency): { metadata: ChartMetadata; files: ChartFile[] } {
    const root = this.#localPath(dep);
    const metadata = this.#localChart(dep);
    const ignoreText = readOptional(this.#context, posix.join(root, '.helmignore')) ?? '';
    const ignore = createIgnoreMatcher([...ignoreText.split(/\r?\n/), 'templates/.?*']);
    const files: ChartFile[] = [];
    const visited = new Set<string>();
    const walk = (relative: string) => {
      const dir = relative === '' ? root : posix.join(root, relative);
      // Links are followed, as Helm's loader follows them, but never out of the working directory.
      const abs = this.#context.workDir.resolve(dir, 'repository');
      if (visited.has(abs)) return;
      visited.add(abs);
      for (const name of readdirSync(abs).sort()) {
        const child = relative === '' ? name : `${relative}/${name}`;
        const target = this.#context.workDir.resolve(posix.join(root, child), 'repository');
        const stats = lstatSync(target);
        const segments = child.split('/');
        if (ignore.ignores(segments, stats.isDirectory())) continue;
        if (stats.isDirectory()) walk(child);
        else if (stats.isFile()) files.push({ path: child, content: readFileSync(target) });
        if (files.length > 10_000)
          throw terminalError(
            `dependency ${JSON.stringify(dep.name)}: ${root} holds more than 10,000 files`,
          );
      }
    };
    walk('');
    return { metadata, files };
  }
}

/** The newest listed version that parses and satisfies the constraint, as Helm picks it. */
function newest(
  listed: string[],
  constraint: SemverConstraint,
  usable: (text: string) => boolean,
): string | undefined {
  const candidates = listed
    .map((text) => ({ text, version: parseVersion(text, false) }))
    .filter(
      (e): e is { text: string; version: SemVer } => e.version !== undefined && usable(e.text),
    )
    .sort(compareVersionsDescending);
  return candidates.find((e) => constraint.matches(e.version))?.text;
}

function sameVersion(a: string, b: string): boolean {
  const x = parseVersion(a, false);
  const y = parseVersion(b, false);
  return x && y ? x.compare(y) === 0 : a === b;
}

/** Helm's normalizeURL: an archive URL relative to the repository is joined onto its path. */
function chartUrl(repository: string, urlOrPath: string): string {
  try {
    return new URL(urlOrPath).toString();
  } catch {
    const base = new URL(repository);
    base.pathname = posix.join(base.pathname, urlOrPath);
    return base.toString();
  }
}

/** `oci://host/path` with the chart name: the OCI repository holding the chart's versions. */
function ociRepository(dep: HelmDependency): string {
  return `${dep.repository.replace(/\/+$/, '')}/${dep.name}`;
}

function unsupportedRepository(repository: string): string {
  if (!repository.includes('//') && !repository.startsWith('@') && !repository.startsWith('alias:'))
    return `no repository definition for ${repository}. Repositories must be URLs (https://…, oci://…, file://…): "${repository}" is not one`;
  if (repository.startsWith('@') || repository.startsWith('alias:'))
    return `no repository definition for ${repository}: named repositories need 'helm repo add', which a promotion has not done; write the repository's URL in Chart.yaml`;
  return `repository ${JSON.stringify(repository)} is not supported: dependencies come from http(s)://, oci:// or file:// repositories`;
}

/** A source's failure with what was being done; transient ones stay worth retrying. */
function wrap(err: unknown, context: string): Error {
  if (isStepError(err)) return err;
  const message = `${context}: ${(err as Error).message}`;
  return (err as { transient?: boolean }).transient === true
    ? transientError(message, err)
    : terminalError(message, err);
}

function readText(context: StepContext, path: string): string {
  try {
    return context.workDir.readFile(path, 'path').toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw terminalError(`path: ${path} not found`);
    throw err;
  }
}

function readOptional(context: StepContext, path: string): string | undefined {
  try {
    return context.workDir.readFile(path, 'path').toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseChart(text: string, path: string): ChartMetadata {
  try {
    return parseChartMetadata(text);
  } catch (err) {
    throw terminalError(`${path}: ${(err as Error).message}`);
  }
}

function parseLockText(text: string, path: string) {
  try {
    return parseLock(text);
  } catch (err) {
    throw terminalError(
      `${path}: cannot load Chart.lock: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}
