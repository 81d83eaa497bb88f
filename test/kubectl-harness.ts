import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveServerConfig, type ServerFlags } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';

/**
 * The real kubectl (v1.32, installed on the machine) against a Gantry serving HTTPS with a
 * certificate made here by openssl: kubectl sends its bearer token only over HTTPS. kubectl
 * runs as a child process, awaited, so the server in this process keeps answering.
 */
export const run = promisify(execFile);

export interface KubectlResult {
  code: number;
  out: string;
  err: string;
}

export interface KubectlHarness {
  dir: string;
  gantry: RunningGantry;
  /** The CA (the server's own self-signed certificate) as PEM. */
  caPem: string;
  /** A kubeconfig for the initial admin, namespace `demo`. */
  kubeconfig: string;
  /** Writes a kubeconfig for another token; returns its path. */
  kubeconfigFor(token: string, name: string, namespace?: string): string;
  /** Runs kubectl with the admin kubeconfig (or `options.kubeconfig`). */
  kubectl(
    args: string[],
    options?: { kubeconfig?: string; input?: string; env?: NodeJS.ProcessEnv },
  ): Promise<KubectlResult>;
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made by openssl into `dir`. */
export async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=gantry-test',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { cert, key };
}

export function kubeconfigText(options: {
  server: string;
  caPem: string;
  token: string;
  user: string;
  namespace?: string;
}): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: gantry',
    '  cluster:',
    `    server: ${options.server}`,
    `    certificate-authority-data: ${Buffer.from(options.caPem).toString('base64')}`,
    'users:',
    `- name: ${options.user}`,
    '  user:',
    `    token: ${options.token}`,
    'contexts:',
    '- name: gantry',
    `  context: {cluster: gantry, user: ${options.user}, namespace: ${options.namespace ?? 'demo'}}`,
    'current-context: gantry',
    '',
  ].join('\n');
}

/** Starts Gantry over HTTPS in this process, with a kubeconfig for its initial admin. */
export async function startKubectlHarness(
  flags: Partial<ServerFlags> = {},
): Promise<KubectlHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-kubectl-'));
  const { cert, key } = await selfSignedCertificate(dir);
  const gantry = await startGantry(
    resolveServerConfig(
      {
        port: '0',
        dataDir: join(dir, 'data'),
        minWarehouseInterval: '1h',
        tlsCertFile: cert,
        tlsPrivateKeyFile: key,
        ...flags,
      },
      {},
    ),
    silentLogger,
  );
  const caPem = readFileSync(cert, 'utf8');
  const kubeconfigFor = (token: string, name: string, namespace?: string): string => {
    const path = join(dir, `kubeconfig-${name}`);
    writeFileSync(
      path,
      kubeconfigText({ server: gantry.url, caPem, token, user: name, namespace }),
    );
    return path;
  };
  const kubeconfig = kubeconfigFor(gantry.adminToken ?? '', 'admin');
  const kubectl: KubectlHarness['kubectl'] = async (args, options = {}) => {
    const child = execFile(
      'kubectl',
      [
        '--kubeconfig',
        options.kubeconfig ?? kubeconfig,
        '--cache-dir',
        join(dir, 'kube-cache'),
        ...args,
      ],
      { encoding: 'utf8', env: { ...process.env, ...options.env } },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: string) => (out += chunk));
    child.stderr?.on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number>((resolve) =>
      child.on('close', (status) => resolve(status ?? 1)),
    );
    return { code, out, err };
  };
  return {
    dir,
    gantry,
    caPem,
    kubeconfig,
    kubeconfigFor,
    kubectl,
    stop: async () => {
      await gantry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
