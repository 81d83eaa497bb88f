import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { readConfigFile } from './config-file.js';
import { inputError } from './errors.js';

/**
 * How the server reaches each Argo CD control plane, from `--argocd-config FILE` (several
 * instances) or `GANTRY_ARGOCD_URL` + `GANTRY_ARGOCD_TOKEN` (one, called `default`).
 *
 * ```yaml
 * instances:
 *   - name: default                 # the one steps use when they name none
 *     url: https://argocd.example.com
 *     tokenFile: /etc/gantry/argocd-token   # or tokenEnv: ARGOCD_TOKEN, or token: …
 *   - name: prod
 *     namespace: argocd             # where its Applications live (default argocd)
 *     uiURL: https://argocd.prod.example.com   # for links to apps (an API server's own URL by default)
 *     kubernetes:                   # the Kubernetes API instead of Argo CD's API server
 *       kubeconfig: ~/.kube/prod.yaml   # or inCluster: true; neither: $KUBECONFIG / ~/.kube/config
 *       context: prod
 * ```
 */
export type ArgoCdInstanceConfig = {
  name: string;
  namespace: string;
  /** Argo CD's UI, for links to apps; for an API server, its URL unless set. */
  uiUrl?: string | undefined;
} & (
  | { kind: 'api'; url: string; token: string; insecure: boolean }
  | {
      kind: 'kubernetes';
      kubeconfig?: string | undefined;
      context?: string | undefined;
      inCluster: boolean;
    }
);

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const instanceSchema = z
  .strictObject({
    name: z
      .string()
      .regex(NAME, { message: 'must be a lowercase DNS label such as prod-eu' })
      .default('default'),
    namespace: z.string().min(1).default('argocd'),
    url: z
      .string()
      .regex(/^https?:\/\/[^/]+/, { message: 'must be an http(s):// URL' })
      .optional(),
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    tokenEnv: z.string().min(1).optional(),
    insecureSkipTLSVerify: z.boolean().default(false),
    uiURL: z
      .string()
      .regex(/^https?:\/\/[^/]+/, { message: 'must be an http(s):// URL' })
      .optional(),
    kubernetes: z
      .strictObject({
        kubeconfig: z.string().min(1).optional(),
        context: z.string().min(1).optional(),
        inCluster: z.boolean().default(false),
      })
      .optional(),
  })
  .superRefine((instance, ctx) => {
    const tokens = [instance.token, instance.tokenFile, instance.tokenEnv].filter(
      (t) => t !== undefined,
    );
    if (instance.kubernetes !== undefined) {
      if (instance.url !== undefined || tokens.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: 'set either kubernetes or url with a token, not both',
        });
      if (instance.kubernetes.inCluster && instance.kubernetes.kubeconfig !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['kubernetes'],
          message: 'set at most one of kubeconfig and inCluster',
        });
      return;
    }
    if (instance.url === undefined)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'required (or set kubernetes)' });
    if (tokens.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'set exactly one of token, tokenFile and tokenEnv',
      });
  });

const fileSchema = z.strictObject({
  instances: z.array(instanceSchema).min(1),
});

/**
 * The instances from a config file. Relative paths in it are relative to the file, `~` is the
 * home directory. Errors name the file and the field; a token never appears in one.
 */
export function loadArgoCdConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): ArgoCdInstanceConfig[] {
  const where = `--argocd-config ${file}`;
  const { instances } = readConfigFile('--argocd-config', file, fileSchema);
  const base = dirname(resolve(file));
  const path = (p: string) =>
    p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : resolve(base, p);
  const names = new Set<string>();
  return instances.map((instance, i) => {
    if (names.has(instance.name))
      throw inputError(`${where}: instances[${i}].name: "${instance.name}" is used twice`);
    names.add(instance.name);
    if (instance.kubernetes !== undefined) {
      return {
        name: instance.name,
        namespace: instance.namespace,
        kind: 'kubernetes',
        uiUrl: instance.uiURL,
        kubeconfig:
          instance.kubernetes.kubeconfig === undefined
            ? undefined
            : path(instance.kubernetes.kubeconfig),
        context: instance.kubernetes.context,
        inCluster: instance.kubernetes.inCluster,
      };
    }
    return {
      name: instance.name,
      namespace: instance.namespace,
      kind: 'api',
      uiUrl: instance.uiURL,
      url: instance.url!,
      token: tokenOf(instance, `${where}: instances[${i}]`, path, env),
      insecure: instance.insecureSkipTLSVerify,
    };
  });
}

/** One `default` instance from GANTRY_ARGOCD_URL and GANTRY_ARGOCD_TOKEN. */
export function argoCdConfigFromEnv(env: NodeJS.ProcessEnv): ArgoCdInstanceConfig[] {
  const url = env.GANTRY_ARGOCD_URL ?? '';
  const token = env.GANTRY_ARGOCD_TOKEN ?? '';
  if (url === '' && token === '') return [];
  if (!/^https?:\/\/[^/]+/.test(url))
    throw inputError(
      `GANTRY_ARGOCD_URL: must be an http(s):// URL of Argo CD's API server${url === '' ? ' (GANTRY_ARGOCD_TOKEN is set without it)' : ''}`,
    );
  if (token === '') throw inputError('GANTRY_ARGOCD_TOKEN: required with GANTRY_ARGOCD_URL');
  return [
    {
      name: 'default',
      namespace: env.GANTRY_ARGOCD_NAMESPACE || 'argocd',
      kind: 'api',
      url,
      token,
      insecure: env.GANTRY_ARGOCD_INSECURE === 'true',
    },
  ];
}

function tokenOf(
  instance: {
    token?: string | undefined;
    tokenFile?: string | undefined;
    tokenEnv?: string | undefined;
  },
  where: string,
  path: (p: string) => string,
  env: NodeJS.ProcessEnv,
): string {
  if (instance.token !== undefined) return instance.token;
  if (instance.tokenEnv !== undefined) {
    const value = env[instance.tokenEnv];
    if (value === undefined || value === '')
      throw inputError(`${where}.tokenEnv: the variable ${instance.tokenEnv} is not set`);
    return value;
  }
  const file = path(instance.tokenFile!);
  let value: string;
  try {
    value = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw inputError(
      `${where}.tokenFile: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (value === '') throw inputError(`${where}.tokenFile: ${file} is empty`);
  return value;
}
