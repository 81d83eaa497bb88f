import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface KubeconfigOptions {
  /** `--namespace`/`-n` (the CLI's hook also sets it as `project`): the context's project. */
  project?: string | undefined;
  contextName?: string | undefined;
  certificateAuthority?: string | undefined;
}

/**
 * `gantry kubeconfig`: a kubeconfig for kubectl (and other Kubernetes clients) with the
 * current login: the server and the token this CLI uses (`gantry login`, `--token`,
 * `GANTRY_TOKEN`, or a local server's initial admin token). One cluster, user and context,
 * all named `--context-name` (default `gantry`), so it merges into another kubeconfig
 * (`KUBECONFIG=~/.kube/config:gantry.yaml`). kubectl sends tokens only over HTTPS: for an
 * `http://` server it warns. `--certificate-authority FILE` embeds the server's CA (PEM) as
 * `certificate-authority-data`, for a server whose certificate the system does not trust.
 */
export function kubeconfigCommand(
  ctx: CliContext,
  options: KubeconfigOptions,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): void {
  const server = ctx.client.baseUrl;
  const token = ctx.client.token;
  if (!token)
    throw usageError(
      `not signed in to ${server}: run gantry login (or pass --token) before gantry kubeconfig`,
    );
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw usageError(`--server "${server}" is not a URL (https://host:port)`);
  }
  const https = url.protocol === 'https:';
  const name = options.contextName ?? 'gantry';
  if (!/^[A-Za-z0-9][A-Za-z0-9._@:-]*$/.test(name))
    throw usageError(
      `--context-name "${name}" is not a usable name: letters, digits, ".", "_", "-", "@" or ":"`,
    );
  const namespace = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  let caData: string | undefined;
  if (options.certificateAuthority !== undefined) {
    if (!https)
      throw usageError(
        `--certificate-authority is for an https:// server; ${server} is not one (kubectl sends tokens only over HTTPS)`,
      );
    caData = Buffer.from(pemOf(options.certificateAuthority, readFile)).toString('base64');
  }
  if (!https)
    ctx.err(
      `Warning: ${server} is not HTTPS, and kubectl sends tokens only over HTTPS: serve Gantry with --tls-cert-file and --tls-private-key-file, then gantry login --server https://…`,
    );
  ctx.out(
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: { server, ...(caData ? { 'certificate-authority-data': caData } : {}) },
        },
      ],
      users: [{ name, user: { token } }],
      contexts: [
        {
          name,
          context: { cluster: name, user: name, ...(namespace ? { namespace } : {}) },
        },
      ],
      'current-context': name,
      preferences: {},
    }).trimEnd(),
  );
}

/** The CA file's text, which must hold a PEM certificate. */
function pemOf(file: string, readFile: (path: string) => string): string {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw usageError(`--certificate-authority: cannot read ${file} (${code ?? 'unreadable'})`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw usageError(
      `--certificate-authority: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  return text;
}
