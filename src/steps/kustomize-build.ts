import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { allowedGitProtocols } from '../git/remote-url-policy.js';
import { checkKustomizationReferences } from './kustomization-references.js';

/**
 * kustomize-build: renders a kustomization with `kustomize build`, or `kubectl kustomize` where
 * only kubectl is installed. Into a file when outPath ends in .yaml/.yml, otherwise into a
 * directory with one file per resource (`<kind>-<name>.yaml`, Kargo's layout).
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
            apiVersions: z.array(z.string()).optional(),
            kubeVersion: z.string().optional(),
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
    const helm = config.plugin?.helm ? ['--enable-helm'] : [];
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
    rmSync(output, { recursive: true, force: true });
    mkdirSync(output, { recursive: true });
    let count = 0;
    for (const doc of parseAllDocuments(rendered)) {
      const value = doc.toJS() as { kind?: string; metadata?: { name?: string } } | null;
      if (!value) continue;
      const name = `${(value.kind ?? 'resource').toLowerCase()}-${value.metadata?.name ?? String(count)}.yaml`;
      context.workDir.writeFile(
        join(config.outPath, name.replace(/[^A-Za-z0-9._-]/g, '_')),
        doc.toString(),
        { field: 'outPath' },
      );
      count++;
    }
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
