import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import { buildChartDependencies } from './helm-dependency-update.js';

/** The most a chart directory may hold to be rendered (Helm's loader has no limit of its own). */
const MAX_CHART_FILES = 50_000;
const MAX_CHART_BYTES = 512 * 1024 * 1024;
/** The most `helm template` may print; past it the program is stopped. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

const configSchema = z.strictObject({
  path: z.string().min(1).describe('Path of the chart (a directory or a .tgz archive)'),
  outPath: z
    .string()
    .min(1)
    .describe('A .yaml/.yml file for all manifests, or a directory laid out by outLayout'),
  outLayout: z
    .enum(['helm', 'flat'])
    .optional()
    .describe(
      "Directory layout: 'helm' (helm template --output-dir: <chart>/templates/…) or 'flat' (one file per resource)",
    ),
  releaseName: z.string().min(1).describe('Release name the chart is rendered with'),
  useReleaseName: z
    .boolean()
    .optional()
    .describe('Put the helm layout under <outPath>/<releaseName> (directory outPath only)'),
  namespace: z
    .string()
    .optional()
    .describe("Namespace the chart is rendered for (default: the Stage's project)"),
  valuesFiles: z
    .array(z.string().min(1))
    .optional()
    .describe('Values files in the working directory, merged in order'),
  ignoreMissingValueFiles: z
    .boolean()
    .optional()
    .describe('Skip values files that do not exist instead of failing'),
  setValues: z
    .array(
      z.strictObject({
        key: z.string().min(1).describe('Dotted key, e.g. image.tag'),
        value: z.string().describe('The value'),
        literal: z
          .boolean()
          .optional()
          .describe('Taken as a literal string (--set-literal) instead of --set'),
      }),
    )
    .optional()
    .describe("Values set inline, as helm template's --set"),
  buildDependencies: z
    .boolean()
    .optional()
    .describe('Build the chart dependencies into charts/ first (from Chart.lock, or resolved)'),
  includeCRDs: z.boolean().optional().describe('Render the chart’s crds/ too'),
  disableHooks: z.boolean().optional().describe('Leave hooks out'),
  skipTests: z.boolean().optional().describe('Leave test hooks out'),
  kubeVersion: z.string().optional().describe('Kubernetes version the chart sees'),
  apiVersions: z
    .array(z.string().min(1))
    .optional()
    .describe('API versions the chart sees as Capabilities.APIVersions'),
});

type HelmTemplateConfig = z.output<typeof configSchema>;

/**
 * helm-template: renders a chart of the working directory as Kargo does with Helm's library
 * (pkg/promotion/runner/builtin/helm_template_runner.go), by running `helm template` (Helm 3)
 * from the PATH, the way kustomize-build runs kustomize: into one file (outPath ending in
 * .yaml/.yml), or a directory in Helm's layout (`helm template --output-dir`) or flat (one file
 * per resource, `[group-]kind[-namespace]-name.yaml`).
 *
 * Helm only ever sees a private copy: the chart and the values files are copied into a
 * temporary directory (links followed only inside the working directory), its HOME and Helm
 * directories are empty temporary ones (no repositories, registry logins, plugins or kube
 * config of the server's), and what it prints is written back through the working directory.
 */
export const helmTemplateStep = defineStep({
  kind: 'helm-template',
  description: 'Render a Helm chart to a file or a directory',
  configSchema,
  capabilities: ['credentials'],
  async run(context, config) {
    const scratch = mkdtempSync(join(tmpdir(), 'gantry-helm-template-'));
    try {
      return await render(context, config, scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
});

async function render(context: StepContext, config: HelmTemplateConfig, scratch: string) {
  const renames = new Map<string, string>();
  const valuesFiles = copyValuesFiles(context, config, scratch, renames);
  if (config.buildDependencies) {
    try {
      await buildChartDependencies(context, config.path);
    } catch (err) {
      throw wrapError('failed to build chart dependencies', err);
    }
  }
  const chart = copyChart(context, config.path, scratch);
  renames.set(chart, config.path);
  const toFile = outPathIsFile(config.outPath);
  context.workDir.resolve(config.outPath, 'outPath', { write: true });
  if (config.kubeVersion && !KUBE_VERSION.test(config.kubeVersion))
    throw transientError(
      `failed to initialize Helm action config: failed to parse Kubernetes version ${JSON.stringify(config.kubeVersion)}: Invalid Semantic Version`,
    );

  const args = [
    'template',
    `--namespace=${config.namespace || context.project}`,
    ...(config.includeCRDs ? ['--include-crds'] : []),
    ...(config.skipTests ? ['--skip-tests'] : []),
    ...(config.disableHooks ? ['--no-hooks'] : []),
    ...(config.kubeVersion ? [`--kube-version=${config.kubeVersion}`] : []),
    ...(config.apiVersions ?? []).map((version) => `--api-versions=${version}`),
    ...valuesFiles.map((file) => `--values=${file}`),
    // Helm applies every --set before every --set-literal whatever their order, as Kargo's
    // composeValues (values.Options.MergeValues) does.
    ...(config.setValues ?? []).map(
      (v) => `${v.literal ? '--set-literal' : '--set'}=${v.key}=${v.value}`,
    ),
    '--',
    config.releaseName,
    chart,
  ];
  const rendered = await runHelm(args, scratch, context.signal, renames);
  for (const line of rendered.warnings) context.log(line);

  try {
    if (toFile) {
      context.workDir.writeFile(config.outPath, rendered.stdout, { field: 'outPath', mode: 0o600 });
      context.log(`rendered ${config.path} into ${config.outPath}`);
    } else if (config.outLayout === 'flat') {
      const count = writeFlat(context, config.outPath, splitTemplateOutput(rendered.stdout));
      context.log(`rendered ${count} resources from ${config.path} into ${config.outPath}/`);
    } else {
      writeHelmLayout(context, config, splitTemplateOutput(rendered.stdout));
      context.log(`rendered ${config.path} into ${config.outPath}/`);
    }
  } catch (err) {
    throw wrapError('failed to write rendered chart', err);
  }
  return { status: 'Succeeded' as const };
}

/**
 * Kargo's outPathIsFile: Go's filepath.Ext of outPath is .yaml or .yml. Unlike Node's extname,
 * `out.yaml/` has no extension (a directory) and `.yaml` has one (a file).
 */
function outPathIsFile(outPath: string): boolean {
  const base = outPath.slice(outPath.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot === -1 ? '' : base.slice(dot);
  return ext === '.yaml' || ext === '.yml';
}

/** Masterminds' semver (what Helm's ParseKubeVersion takes), `v` optional. */
const KUBE_VERSION =
  /^v?[0-9]+(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Kargo's message for the stage that failed; a terminal error (a bad path) stays terminal. */
function wrapError(what: string, err: unknown): Error {
  if (isStepError(err)) {
    const message = `${what}: ${err.message}`;
    return err.terminal ? terminalError(message, err) : transientError(message, err);
  }
  const code = (err as NodeJS.ErrnoException).code;
  const message = code ? describeFsError(code) : (err as Error).message;
  return transientError(`${what}: ${message}`, err);
}

function describeFsError(code: string): string {
  switch (code) {
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ENOENT':
      return 'no such file or directory';
    default:
      return code;
  }
}

/**
 * Kargo's composeValues: each values file (inside the working directory) in order; a missing
 * one is skipped with ignoreMissingValueFiles and an error otherwise. Copied for Helm.
 */
function copyValuesFiles(
  context: StepContext,
  config: HelmTemplateConfig,
  scratch: string,
  renames: Map<string, string>,
): string[] {
  const files: string[] = [];
  for (const [i, path] of (config.valuesFiles ?? []).entries()) {
    const field = `valuesFiles[${i}]`;
    const abs = context.workDir.resolve(path, field);
    let isFile = false;
    try {
      isFile = statSync(abs).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (config.ignoreMissingValueFiles) continue;
      throw transientError(
        `failed to compose values: open ${path}: no such file or directory`,
        err,
      );
    }
    if (!isFile) throw transientError(`failed to compose values: ${path} is not a file`);
    const copy = join(scratch, `values-${i}.yaml`);
    writeFileSync(copy, context.workDir.readFile(path, field));
    renames.set(copy, path);
    files.push(copy);
  }
  return files;
}

/**
 * The chart (a directory, or an archive) copied into `scratch`, as Helm's loader would read it:
 * links followed, but only inside the working directory, so a chart cannot render files of the
 * server (`.Files.Get`) through a link.
 */
function copyChart(context: StepContext, path: string, scratch: string): string {
  const abs = context.workDir.resolve(path, 'path');
  let stats;
  try {
    stats = statSync(abs);
  } catch {
    throw transientError(
      `failed to load chart from ${JSON.stringify(path)}: stat ${path}: no such file or directory`,
    );
  }
  if (stats.isFile()) {
    const copy = join(scratch, 'chart', posix.basename(abs));
    mkdirSync(join(scratch, 'chart'));
    copyFileSync(abs, copy);
    return copy;
  }
  let hasChartYaml = false;
  try {
    hasChartYaml = statSync(
      context.workDir.resolve(posix.join(path, 'Chart.yaml'), 'path'),
    ).isFile();
  } catch {
    hasChartYaml = false;
  }
  if (!hasChartYaml)
    throw transientError(
      `failed to load chart from ${JSON.stringify(path)}: Chart.yaml file is missing`,
    );
  const copy = join(scratch, 'chart');
  let files = 0;
  let bytes = 0;
  const visiting = new Set<string>();
  const walk = (relative: string, to: string) => {
    const from = context.workDir.resolve(
      relative === '' ? path : posix.join(path, relative),
      'path',
    );
    const real = realpathSync(from);
    if (visiting.has(real)) return; // a link back into its own tree
    visiting.add(real);
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from).sort()) {
      const child = relative === '' ? name : `${relative}/${name}`;
      const target = context.workDir.resolve(posix.join(path, child), 'path');
      let entry;
      try {
        entry = statSync(target);
      } catch {
        continue; // a dangling link inside: Helm's loader skips it too
      }
      if (entry.isDirectory()) walk(child, join(to, name));
      else if (entry.isFile()) {
        files += 1;
        bytes += entry.size;
        if (files > MAX_CHART_FILES || bytes > MAX_CHART_BYTES)
          throw terminalError(
            `path: the chart in ${path} holds more than ${MAX_CHART_FILES} files or ${MAX_CHART_BYTES / 1024 / 1024} MiB`,
          );
        copyFileSync(target, join(to, name));
      }
    }
    visiting.delete(real);
  };
  walk('', copy);
  return copy;
}

interface HelmResult {
  stdout: string;
  warnings: string[];
}

/**
 * Runs helm with an environment of its own: PATH, LANG, and HOME and every Helm directory in
 * the scratch directory (empty: no repositories, registry logins or plugins), no kube config.
 */
function runHelm(
  args: string[],
  scratch: string,
  signal: AbortSignal,
  renames: Map<string, string>,
): Promise<HelmResult> {
  const home = join(scratch, 'home');
  const dirs = {
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_PLUGINS: join(home, 'plugins'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const tidy = (text: string) => {
    let out = text;
    // Longest first, so the chart's directory does not shadow a values file beside it.
    for (const [from, to] of [...renames].sort((a, b) => b[0].length - a[0].length))
      out = out.split(from).join(to);
    return out.split(scratch).join('<tmp>');
  };
  return new Promise<HelmResult>((resolve, reject) => {
    const child = spawn('helm', args, {
      signal,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        LANG: 'C',
        KUBECONFIG: '/dev/null',
        ...dirs,
        HELM_REGISTRY_CONFIG: join(dirs.HELM_CONFIG_HOME, 'registry', 'config.json'),
        HELM_REPOSITORY_CONFIG: join(dirs.HELM_CONFIG_HOME, 'repositories.yaml'),
        HELM_REPOSITORY_CACHE: join(dirs.HELM_CACHE_HOME, 'repository'),
      },
    });
    const stdout: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let tooLarge = false;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString();
    });
    let failure: Error | undefined;
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT')
        reject(
          terminalError(
            'helm is not installed: helm-template runs `helm template` and needs Helm 3 on the PATH of the Gantry server',
          ),
        );
      // An abort: settled once helm has exited, so its scratch directory is no longer in use.
      else failure = err;
    });
    child.on('close', (code) => {
      if (failure) {
        reject(failure);
        return;
      }
      if (tooLarge) {
        reject(
          terminalError(
            `failed to render chart: helm printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`,
          ),
        );
        return;
      }
      const lines = tidy(stderr)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      if (code !== 0) {
        reject(transientError(describeHelmFailure(lines)));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout).toString(), warnings: lines.slice(0, 20) });
    });
  });
}

/** Helm's `Error: …` line, under the name of the stage Kargo reports it in. */
function describeHelmFailure(lines: string[]): string {
  const error = lines.filter((l) => l.startsWith('Error: ')).map((l) => l.slice(7));
  const message = error.length > 0 ? error.join('; ') : lines.slice(-3).join('; ');
  const missing = message.indexOf('found in Chart.yaml, but missing in charts/ directory');
  if (missing !== -1) return `missing chart dependencies: ${message.slice(missing)}`;
  if (/^(failed parsing --set|failed to parse )/.test(message))
    return `failed to compose values: ${message}`;
  return `failed to render chart: ${message}`;
}

/** One `---\n# Source: <path>\n<content>` entry of `helm template`'s output. */
export interface TemplateEntry {
  source: string;
  content: string;
}

/**
 * `helm template` prints the release manifest (`---\n# Source: <path>\n<content>` per template
 * document, CRDs included) and then each hook in the same form. Splits it back into entries,
 * the hooks being the trailing entries Helm classed as hooks (a `helm.sh/hook` annotation).
 */
export function splitTemplateOutput(stdout: string): {
  manifests: TemplateEntry[];
  hooks: TemplateEntry[];
} {
  const header = '---\n# Source: ';
  const starts: number[] = [];
  for (let i = stdout.indexOf(header); i !== -1; i = stdout.indexOf(header, i + 1))
    if (i === 0 || stdout[i - 1] === '\n') starts.push(i);
  const entries = starts.map((start, n) => {
    const lineEnd = stdout.indexOf('\n', start + header.length);
    const end = starts[n + 1] ?? stdout.length;
    const source = stdout.slice(start + header.length, lineEnd === -1 ? end : lineEnd);
    let content = lineEnd === -1 || lineEnd >= end ? '' : stdout.slice(lineEnd + 1, end);
    if (content.endsWith('\n')) content = content.slice(0, -1);
    return { source, content };
  });
  let firstHook = entries.length;
  while (firstHook > 0 && isHook(entries[firstHook - 1]!.content)) firstHook -= 1;
  return { manifests: entries.slice(0, firstHook), hooks: entries.slice(firstHook) };
}

function isHook(content: string): boolean {
  try {
    const value: unknown = parseDocument(content).toJS();
    const annotations = (value as { metadata?: { annotations?: Record<string, unknown> } })
      ?.metadata?.annotations;
    const hook = annotations?.['helm.sh/hook'];
    return typeof hook === 'string' && hook.trim() !== '';
  } catch {
    return false;
  }
}

const entryText = (e: TemplateEntry) => `---\n# Source: ${e.source}\n${e.content}\n`;

/**
 * Helm's layout, as `helm template --output-dir` and Kargo write it: each template's documents
 * in `<outPath>[/<releaseName>]/<source path>` (replaced, then appended to within the run), then
 * each hook appended to its file when that file exists (even from an earlier render).
 */
function writeHelmLayout(
  context: StepContext,
  config: HelmTemplateConfig,
  output: { manifests: TemplateEntry[]; hooks: TemplateEntry[] },
): void {
  const base = config.useReleaseName
    ? posix.join(config.outPath, config.releaseName)
    : config.outPath;
  const fileOf = (source: string) => {
    const file = posix.join(base, source);
    const normalizedBase = posix.normalize(base).replace(/\/$/, '');
    if (!file.startsWith(`${normalizedBase}/`) || source.startsWith('/'))
      throw terminalError(`unsafe rendered template path ${JSON.stringify(source)}`);
    return file;
  };
  const exists = (file: string) => {
    try {
      return statSync(context.workDir.resolve(file, 'outPath')).isFile();
    } catch {
      return false;
    }
  };
  const write = (file: string, text: string, append: boolean) => {
    const before = append ? context.workDir.readFile(file, 'outPath').toString() : '';
    context.workDir.writeFile(file, before + text, { field: 'outPath' });
  };
  const written = new Set<string>();
  for (const entry of output.manifests) {
    const file = fileOf(entry.source);
    write(file, entryText(entry), written.has(file));
    written.add(file);
  }
  for (const hook of output.hooks) {
    const file = fileOf(hook.source);
    write(file, entryText(hook), exists(file));
  }
}

/**
 * Kargo's flat layout: every resource of the manifest, then of each hook, in its own file
 * (`[group-]kind[-namespace]-name.yaml`, or `resource-0.yaml` without kind or name) holding the
 * document trimmed. Returns how many documents were written.
 */
function writeFlat(
  context: StepContext,
  outPath: string,
  output: { manifests: TemplateEntry[]; hooks: TemplateEntry[] },
): number {
  let count = 0;
  const writeAll = (text: string) => {
    for (const doc of splitYamlDocuments(text)) {
      const resource = doc.trim();
      if (resource === '') continue;
      const name = resourceFileName(resource) || 'resource-0.yaml';
      checkFileName(name);
      context.workDir.writeFile(posix.join(outPath, name), resource, {
        field: 'outPath',
        mode: 0o600,
      });
      count += 1;
    }
  };
  const ensureDir = () =>
    mkdirSync(context.workDir.resolve(outPath, 'outPath', { write: true }), {
      recursive: true,
      mode: 0o700,
    });
  const manifest = output.manifests.map(entryText).join('');
  if (manifest !== '') {
    ensureDir();
    writeAll(manifest);
  }
  for (const hook of output.hooks) {
    ensureDir();
    writeAll(hook.content);
  }
  return count;
}

/**
 * Documents as Kubernetes' YAML reader splits a stream (what Kargo uses): a line starting with
 * `---` ends a document; only a comment may follow the dashes.
 */
export function splitYamlDocuments(text: string): string[] {
  const docs: string[] = [];
  let current = '';
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#'))
        throw new Error(`invalid Yaml document separator: ${line.trim()}`);
      if (current !== '') docs.push(current);
      current = '';
      continue;
    }
    current += line;
  }
  if (current !== '') docs.push(current);
  return docs;
}

/** Kargo's generateResourceFilename: `[group-]kind[-namespace]-name.yaml`, lower case. */
export function resourceFileName(resource: string): string {
  let value: unknown;
  try {
    const doc = parseDocument(resource);
    if (doc.errors.length > 0) return '';
    value = doc.toJS();
  } catch {
    return '';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  const object = value as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const kind = text(object.kind);
  const name = text(object.metadata?.name);
  if (kind === '' || name === '') return '';
  const parts = text(object.apiVersion).split('/');
  const group = parts.length > 1 ? parts.slice(0, -1).join('/') : '';
  const namespace = text(object.metadata?.namespace);
  let fileName = kind;
  if (group !== '') fileName = `${group.replace(/\./g, '_')}-${fileName}`;
  if (namespace !== '') fileName += `-${namespace}`;
  fileName += `-${name}`;
  return `${fileName}.yaml`.toLowerCase();
}

/** A name taken from rendered metadata must be a plain file name inside outPath. */
function checkFileName(name: string): void {
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    /[/\\\0]/.test(name) ||
    posix.normalize(name) !== name
  )
    throw terminalError(`unsafe generated resource filename ${JSON.stringify(name)}`);
}
