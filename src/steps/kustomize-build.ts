import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { allowedGitProtocols } from '../git/remote-url-policy.js';
import { checkKustomizationReferences } from './kustomization-references.js';

/**
 * kustomize-build: renders a kustomization with `kustomize build`, or `kubectl kustomize` where
 * only kubectl is installed. Into a file when outPath ends in .yaml/.yml, otherwise into a
 * directory (created if missing, nothing else in it removed) with one file per resource, named as
 * Kargo names them: `[namespace-]kind-name.yaml`, or with outputFormat `kustomize` as
 * `kustomize build -o dir/` does (`[namespace_]group_version_kind_name.yaml`).
 */
export const kustomizeBuildStep = defineStep({
  kind: 'kustomize-build',
  description: 'Render a kustomization to a file or a directory',
  configSchema: z.strictObject({
    path: z.string().min(1).describe('Directory of the kustomization'),
    outPath: z.string().min(1).describe('A .yaml file, or a directory for one file per resource'),
    outputFormat: z
      .enum(['kargo', 'kustomize'])
      .optional()
      .describe('File naming in a directory: kargo (<kind>-<name>.yaml) or kustomize'),
    plugin: z
      .strictObject({
        helm: z
          .strictObject({
            apiVersions: z
              .array(z.string().min(1))
              .optional()
              .describe('API versions Helm sees as Capabilities.APIVersions'),
            kubeVersion: z
              .string()
              .optional()
              .describe('Kubernetes version Helm sees as Capabilities.KubeVersion'),
          })
          .optional(),
      })
      .optional()
      .describe('Helm chart inflation options'),
  }),
  capabilities: [],
  async run(context, config) {
    const input = context.workDir.resolve(config.path);
    const toFile = /\.ya?ml$/.test(config.outPath);
    // Checked before rendering. A directory output is replaced as an entry (a link there is
    // removed, never followed); a file output is written as WorkDir.writeFile writes.
    const output = context.workDir.resolve(config.outPath, 'outPath', {
      entry: !toFile,
      write: true,
    });
    checkKustomizationReferences(context.workDir, config.path);
    // Kargo enables kustomize's Helm chart inflator always; plugin.helm only tunes it.
    const helmConfig = config.plugin?.helm;
    const helm = [
      '--enable-helm',
      ...(helmConfig?.apiVersions ?? []).map((version) => `--helm-api-versions=${version}`),
      ...(helmConfig?.kubeVersion ? [`--helm-kube-version=${helmConfig.kubeVersion}`] : []),
    ];
    const rendered = await render(
      input,
      helm,
      allowedGitProtocols(context.repositories.allowsLocalRepositories),
      context.signal,
    );
    if (toFile) {
      context.workDir.writeFile(config.outPath, rendered, { field: 'outPath' });
      context.log(`rendered ${config.path} into ${config.outPath}`);
      return { status: 'Succeeded' };
    }
    // Into the directory as it is: nothing else in it is removed (a rendered branch's `.git`,
    // files the Stage keeps beside the manifests), files of the same name are replaced.
    mkdirSync(output, { recursive: true });
    const resources = parseAllDocuments(rendered).flatMap((doc) => {
      const value: unknown = doc.toJS();
      return isObject(value) ? [{ doc, value }] : [];
    });
    const namespaces = new Set(resources.map((r) => r.value.metadata?.namespace ?? ''));
    const names = resources.map((r) =>
      config.outputFormat === 'kustomize'
        ? fileNameKustomize(r.value, namespaces.size > 1)
        : fileNameKargo(r.value),
    );
    // Checked before anything is written, as resource metadata is untrusted.
    for (const name of names) checkFileName(name);
    resources.forEach((r, i) =>
      context.workDir.writeFile(join(config.outPath, names[i] as string), r.doc.toString(), {
        field: 'outPath',
      }),
    );
    const count = resources.length;
    context.log(`rendered ${count} resources from ${config.path} into ${config.outPath}/`);
    return { status: 'Succeeded' };
  },
});

async function render(
  dir: string,
  extra: string[],
  gitProtocols: string,
  signal: AbortSignal,
): Promise<string> {
  const attempts: Array<[string, string[]]> = [
    ['kustomize', ['build', ...extra, dir]],
    ['kubectl', ['kustomize', ...extra, dir]],
  ];
  for (const [command, args] of attempts) {
    const result = await run(command, args, gitProtocols, signal);
    if (result === 'missing') continue;
    if (result.code !== 0)
      throw terminalError(
        `${command} ${args[0]} failed: ${result.stderr.trim().split('\n').slice(-3).join('; ')}`,
      );
    return result.stdout;
  }
  throw terminalError(
    'neither kustomize nor kubectl is installed: kustomize-build needs one of them on the PATH',
  );
}

function run(
  command: string,
  args: string[],
  gitProtocols: string,
  signal: AbortSignal,
): Promise<{ code: number | null; stdout: string; stderr: string } | 'missing'> {
  // A home of its own: nothing of the server's (helm repositories, kube or git configuration,
  // credentials) is read, and caches do not outlive the run.
  const home = mkdtempSync(join(tmpdir(), 'gantry-kustomize-'));
  const cleanup = () => rmSync(home, { recursive: true, force: true });
  return new Promise<{ code: number | null; stdout: string; stderr: string } | 'missing'>(
    (resolve, reject) => {
      const child = spawn(command, args, {
        signal,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          LANG: 'C',
          KUBECONFIG: '/dev/null',
          // Remote bases are fetched with git: the same transports as Gantry's own git.
          GIT_ALLOW_PROTOCOL: gitProtocols,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (err: NodeJS.ErrnoException) =>
        err.code === 'ENOENT' ? resolve('missing') : reject(err),
      );
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    },
  ).finally(cleanup);
}

interface RenderedResource {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: string; namespace?: string };
}

function isObject(value: unknown): value is RenderedResource {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Kargo's naming: `[namespace-]kind-name.yaml`, lower case. */
function fileNameKargo(resource: RenderedResource): string {
  const kind = text(resource.kind);
  const name = text(resource.metadata?.name);
  const namespace = text(resource.metadata?.namespace);
  return (namespace ? `${namespace}-${kind}-${name}.yaml` : `${kind}-${name}.yaml`).toLowerCase();
}

/**
 * kustomize's naming: `group_version_kind_name.yaml` (empty parts left out, lower case), with
 * `namespace_` in front when the resources span more than one namespace.
 */
function fileNameKustomize(resource: RenderedResource, multipleNamespaces: boolean): string {
  const apiVersion = text(resource.apiVersion);
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  const gvk = [group, version, text(resource.kind)].filter((part) => part !== '').join('_');
  const base = `${gvk.toLowerCase()}_${text(resource.metadata?.name).toLowerCase()}.yaml`;
  const namespace = text(resource.metadata?.namespace);
  return multipleNamespaces && namespace ? `${namespace.toLowerCase()}_${base}` : base;
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
