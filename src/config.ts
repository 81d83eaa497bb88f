import { resolve } from 'node:path';
import { z } from 'zod';
import { isDuration, parseDuration } from './api/duration.js';
import {
  argoCdConfigFromEnv,
  loadArgoCdConfig,
  type ArgoCdInstanceConfig,
} from './argocd-config.js';
import { inputError, type FieldIssue } from './errors.js';
import { loadForgeHosts, type ForgeHost } from './forges/forge-hosts.js';

/**
 * Server configuration, from flags first and environment variables second. Every value is
 * validated here, once; a bad one is reported with the flag and variable that set it.
 */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  store: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'text' | 'json';
  /** The floor under every Warehouse's discovery interval (ms). */
  minWarehouseIntervalMs: number;
  /** Requests in flight at once per container registry, for all Warehouses together. */
  registryConcurrency: number;
  /** How the world reaches this server (webhook URLs); default: the address it listens on. */
  externalUrl?: string | undefined;
  /** Garbage collection: unused Freight kept per Warehouse, finished Promotions per Stage. */
  keepFreight: number;
  keepPromotions: number;
  /** Audit events kept (the newest), across all projects. */
  keepAuditEvents: number;
  /** The Argo CD control planes argocd steps and Stage health reach; none by default. */
  argocd: ArgoCdInstanceConfig[];
  /** Self-hosted Git hosts: their provider and API address (pull-request steps); none by default. */
  forgeHosts: ForgeHost[];
  /**
   * github-push lets GitHub author and sign every commit it replays (Verified), as Kargo's
   * GITHUB_PUSH_VERIFY_UNTRUSTED_COMMITS; off by default, as Kargo.
   */
  githubPushVerifyCommits: boolean;
  /** How often the health of Stages with Argo CD apps is looked at (ms). */
  healthIntervalMs: number;
  /**
   * How long a replica's lease on a Stage (or Warehouse, or verification) lasts without
   * renewal (ms): how soon another replica takes over the work of one that died.
   */
  leaseDurationMs: number;
  /** What the operator allows beyond the safe defaults (docs/security.md). */
  security: SecurityConfig;
  /**
   * Serve HTTPS with this certificate and key (PEM files); plain HTTP when absent. Kubernetes
   * clients send their bearer tokens only over HTTPS.
   */
  tls?: { certFile: string; keyFile: string } | undefined;
}

/**
 * The operator's security settings. Nothing a project manifest says can change these: they
 * come only from the server's flags and environment.
 */
export interface SecurityConfig {
  /** `job` verification metrics (and any step that runs a local program); off by default. */
  allowLocalPrograms: boolean;
  /** `file://` URLs and local paths in git-clone and subscriptions; off by default. */
  allowLocalRepositories: boolean;
  /**
   * Outbound requests (http step, web/prometheus metrics): destinations are checked against
   * these lists of CIDRs or the names `loopback`, `private`, `link-local`, `metadata`, `*`.
   * A destination must match `allow` and not `deny`.
   */
  outbound: { allow: string[]; deny: string[] };
  /** The largest request body the API accepts. */
  maxBodyBytes: number;
  /**
   * `Host` header values answered (DNS-rebinding defence), besides loopback names, the bind
   * address and the external URL's host. `*` allows any.
   */
  allowedHosts: string[];
  /** Browser origins allowed to make state-changing requests, besides the server's own. */
  allowedOrigins: string[];
  /** Sign-in (OIDC) and system role mapping, from a file; none by default. */
  authConfigPath?: string | undefined;
  /** Where the key that encrypts Secret values at rest is read from (generated if missing). */
  secretsKeyFile: string;
  /** The key itself, base64 (32 bytes), when given by the environment (GANTRY_SECRETS_KEY). */
  secretsKey?: string | undefined;
  /**
   * `/metrics` answers without credentials (for a Prometheus scraping inside the network);
   * off by default, when it needs a cluster-wide read right, since metrics name projects.
   */
  metricsPublic: boolean;
}

export interface ServerFlags {
  host?: string | undefined;
  port?: string | undefined;
  dataDir?: string | undefined;
  store?: string | undefined;
  logLevel?: string | undefined;
  logFormat?: string | undefined;
  minWarehouseInterval?: string | undefined;
  registryConcurrency?: string | undefined;
  externalUrl?: string | undefined;
  keepFreight?: string | undefined;
  keepPromotions?: string | undefined;
  keepAuditEvents?: string | undefined;
  argocdConfig?: string | undefined;
  forgeConfig?: string | undefined;
  healthInterval?: string | undefined;
  leaseDuration?: string | undefined;
  allowLocalPrograms?: string | boolean | undefined;
  githubPushVerifyCommits?: string | boolean | undefined;
  allowLocalRepositories?: string | boolean | undefined;
  outboundAllow?: string | undefined;
  outboundDeny?: string | undefined;
  maxBodySize?: string | undefined;
  allowedHosts?: string | undefined;
  allowedOrigins?: string | undefined;
  authConfig?: string | undefined;
  secretsKeyFile?: string | undefined;
  metricsPublic?: string | boolean | undefined;
  tlsCertFile?: string | undefined;
  tlsPrivateKeyFile?: string | undefined;
}

const SOURCES: Record<keyof ServerFlags, { flag: string; env: string }> = {
  host: { flag: '--host', env: 'GANTRY_HOST' },
  port: { flag: '--port', env: 'GANTRY_PORT' },
  dataDir: { flag: '--data-dir', env: 'GANTRY_DATA_DIR' },
  store: { flag: '--store', env: 'GANTRY_STORE' },
  logLevel: { flag: '--log-level', env: 'GANTRY_LOG_LEVEL' },
  logFormat: { flag: '--log-format', env: 'GANTRY_LOG_FORMAT' },
  minWarehouseInterval: {
    flag: '--min-warehouse-interval',
    env: 'GANTRY_MIN_WAREHOUSE_INTERVAL',
  },
  registryConcurrency: { flag: '--registry-concurrency', env: 'GANTRY_REGISTRY_CONCURRENCY' },
  externalUrl: { flag: '--external-url', env: 'GANTRY_EXTERNAL_URL' },
  keepFreight: { flag: '--keep-freight', env: 'GANTRY_KEEP_FREIGHT' },
  keepPromotions: { flag: '--keep-promotions', env: 'GANTRY_KEEP_PROMOTIONS' },
  keepAuditEvents: { flag: '--keep-audit-events', env: 'GANTRY_KEEP_AUDIT_EVENTS' },
  argocdConfig: { flag: '--argocd-config', env: 'GANTRY_ARGOCD_CONFIG' },
  forgeConfig: { flag: '--forge-config', env: 'GANTRY_FORGE_CONFIG' },
  healthInterval: { flag: '--health-interval', env: 'GANTRY_HEALTH_INTERVAL' },
  leaseDuration: { flag: '--lease-duration', env: 'GANTRY_LEASE_DURATION' },
  allowLocalPrograms: { flag: '--allow-local-programs', env: 'GANTRY_ALLOW_LOCAL_PROGRAMS' },
  githubPushVerifyCommits: {
    flag: '--github-push-verify-commits',
    env: 'GANTRY_GITHUB_PUSH_VERIFY_COMMITS',
  },
  allowLocalRepositories: {
    flag: '--allow-local-repositories',
    env: 'GANTRY_ALLOW_LOCAL_REPOSITORIES',
  },
  outboundAllow: { flag: '--outbound-allow', env: 'GANTRY_OUTBOUND_ALLOW' },
  outboundDeny: { flag: '--outbound-deny', env: 'GANTRY_OUTBOUND_DENY' },
  maxBodySize: { flag: '--max-body-size', env: 'GANTRY_MAX_BODY_SIZE' },
  allowedHosts: { flag: '--allowed-hosts', env: 'GANTRY_ALLOWED_HOSTS' },
  allowedOrigins: { flag: '--allowed-origins', env: 'GANTRY_ALLOWED_ORIGINS' },
  authConfig: { flag: '--auth-config', env: 'GANTRY_AUTH_CONFIG' },
  secretsKeyFile: { flag: '--secrets-key-file', env: 'GANTRY_SECRETS_KEY_FILE' },
  metricsPublic: { flag: '--metrics-public', env: 'GANTRY_METRICS_PUBLIC' },
  tlsCertFile: { flag: '--tls-cert-file', env: 'GANTRY_TLS_CERT_FILE' },
  tlsPrivateKeyFile: { flag: '--tls-private-key-file', env: 'GANTRY_TLS_PRIVATE_KEY_FILE' },
};

const booleanFlag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

const OUTBOUND_NAMES = new Set(['*', 'loopback', 'private', 'link-local', 'metadata']);
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;
const outboundList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .refine((items) => items.every((item) => OUTBOUND_NAMES.has(item) || CIDR.test(item)), {
    message:
      'must be a comma-separated list of CIDRs (10.0.0.0/8, ::1/128) or loopback, private, link-local, metadata, *',
  });
const nameList = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

const fields = {
  host: z.string().min(1),
  port: z
    .string()
    .regex(/^\d+$/, { message: 'must be a port number (0-65535)' })
    .transform(Number)
    .refine((n) => n <= 65535, { message: 'must be a port number (0-65535)' }),
  dataDir: z.string().min(1),
  store: z.string().refine((value) => value === 'sqlite' || /^postgres(ql)?:\/\/./.test(value), {
    message: 'must be "sqlite" or a postgres:// connection URL',
  }),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  logFormat: z.enum(['text', 'json']),
  minWarehouseInterval: z
    .string()
    .refine(isDuration, { message: 'must be a duration such as 30s, 5m or 1h' })
    .transform((text) => parseDuration(text) ?? 0),
  registryConcurrency: z
    .string()
    .regex(/^[1-9]\d*$/, { message: 'must be a whole number of at least 1' })
    .transform(Number),
  externalUrl: z.string().refine((value) => value === '' || /^https?:\/\/[^/]+/.test(value), {
    message: 'must be an http(s):// URL such as https://gantry.example.com',
  }),
  keepFreight: z.string().regex(/^\d+$/, { message: 'must be a whole number' }).transform(Number),
  keepPromotions: z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number),
  keepAuditEvents: z
    .string()
    .regex(/^[1-9]\d*$/, { message: 'must be a whole number of at least 1' })
    .transform(Number),
  argocdConfig: z.string(),
  forgeConfig: z.string(),
  healthInterval: z
    .string()
    .refine((text) => isDuration(text) && (parseDuration(text) ?? 0) >= 1_000, {
      message: 'must be a duration of at least 1s, such as 10s',
    })
    .transform((text) => parseDuration(text) ?? 10_000),
  leaseDuration: z
    .string()
    .refine(
      (text) =>
        isDuration(text) &&
        (parseDuration(text) ?? 0) >= 1_000 &&
        (parseDuration(text) ?? 0) <= 600_000,
      { message: 'must be a duration from 1s to 10m, such as 10s' },
    )
    .transform((text) => parseDuration(text) ?? 10_000),
  allowLocalPrograms: booleanFlag,
  githubPushVerifyCommits: booleanFlag,
  allowLocalRepositories: booleanFlag,
  outboundAllow: outboundList,
  outboundDeny: outboundList,
  maxBodySize: z
    .string()
    .transform((text) => parseByteSize(text))
    .refine((n) => n !== undefined && n >= 1024, {
      message: 'must be a size of at least 1Ki, such as 4Mi, 512Ki or 1048576',
    }),
  allowedHosts: nameList,
  allowedOrigins: nameList.refine(
    (items) => items.every((item) => item === '*' || /^https?:\/\/[^/]+$/.test(item)),
    { message: 'must be a comma-separated list of origins such as https://gantry.example.com' },
  ),
  authConfig: z.string(),
  secretsKeyFile: z.string(),
  metricsPublic: booleanFlag,
  tlsCertFile: z.string(),
  tlsPrivateKeyFile: z.string(),
} satisfies Record<keyof ServerFlags, z.ZodType>;

const DEFAULTS: Required<Record<keyof ServerFlags, string>> = {
  host: '127.0.0.1',
  port: '8080',
  dataDir: './.gantry',
  store: 'sqlite',
  logLevel: 'info',
  logFormat: 'text',
  minWarehouseInterval: '30s',
  registryConcurrency: '8',
  externalUrl: '',
  keepFreight: '50',
  keepPromotions: '20',
  keepAuditEvents: '10000',
  argocdConfig: '',
  forgeConfig: '',
  healthInterval: '10s',
  leaseDuration: '10s',
  allowLocalPrograms: 'false',
  githubPushVerifyCommits: 'false',
  allowLocalRepositories: 'false',
  outboundAllow: '*',
  outboundDeny: 'link-local,metadata',
  maxBodySize: '4Mi',
  allowedHosts: '',
  allowedOrigins: '',
  authConfig: '',
  secretsKeyFile: '',
  metricsPublic: 'false',
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
};

export function resolveServerConfig(
  flags: ServerFlags,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const issues: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(SOURCES) as Array<keyof ServerFlags>) {
    const { flag, env: envName } = SOURCES[key];
    const fromFlag = flags[key];
    const fromEnv = env[envName];
    const raw: unknown =
      fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULTS[key]);
    const parsed = fields[key].safeParse(raw);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const where = fromFlag !== undefined ? flag : fromEnv ? envName : `default of ${flag}`;
      issues.push({
        path: where,
        message: `${parsed.error.issues[0]?.message ?? 'invalid'} (got "${String(raw)}")`,
      });
    }
  }
  if (!values.tlsCertFile !== !values.tlsPrivateKeyFile)
    issues.push({
      path: values.tlsCertFile ? '--tls-private-key-file' : '--tls-cert-file',
      message: 'HTTPS needs both --tls-cert-file and --tls-private-key-file',
    });
  if (issues.length > 0) {
    throw inputError(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues);
  }
  const dataDir = resolve(values.dataDir as string);
  const storeValue = values.store as string;
  return {
    host: values.host as string,
    port: values.port as number,
    dataDir,
    store:
      storeValue === 'sqlite'
        ? { kind: 'sqlite', path: resolve(dataDir, 'gantry.db') }
        : { kind: 'postgres', url: storeValue },
    logLevel: values.logLevel as ServerConfig['logLevel'],
    logFormat: values.logFormat as ServerConfig['logFormat'],
    minWarehouseIntervalMs: values.minWarehouseInterval as number,
    registryConcurrency: values.registryConcurrency as number,
    externalUrl: (values.externalUrl as string).replace(/\/+$/, '') || undefined,
    keepFreight: values.keepFreight as number,
    keepPromotions: values.keepPromotions as number,
    keepAuditEvents: values.keepAuditEvents as number,
    argocd:
      values.argocdConfig === ''
        ? argoCdConfigFromEnv(env)
        : loadArgoCdConfig(values.argocdConfig as string, env),
    githubPushVerifyCommits: values.githubPushVerifyCommits as boolean,
    forgeHosts: values.forgeConfig === '' ? [] : loadForgeHosts(values.forgeConfig as string),
    healthIntervalMs: values.healthInterval as number,
    leaseDurationMs: values.leaseDuration as number,
    security: {
      allowLocalPrograms: values.allowLocalPrograms as boolean,
      allowLocalRepositories: values.allowLocalRepositories as boolean,
      outbound: { allow: values.outboundAllow as string[], deny: values.outboundDeny as string[] },
      maxBodyBytes: values.maxBodySize as number,
      allowedHosts: values.allowedHosts as string[],
      allowedOrigins: values.allowedOrigins as string[],
      authConfigPath: (values.authConfig as string) || undefined,
      secretsKeyFile: resolve(dataDir, (values.secretsKeyFile as string) || 'secrets.key'),
      secretsKey: env.GANTRY_SECRETS_KEY || undefined,
      metricsPublic: values.metricsPublic as boolean,
    },
    tls: values.tlsCertFile
      ? {
          certFile: resolve(values.tlsCertFile as string),
          keyFile: resolve(values.tlsPrivateKeyFile as string),
        }
      : undefined,
  };
}

/** `4Mi`, `512Ki`, `2M`, `1048576` → bytes; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+)(Ki|Mi|Gi|K|M|G|B)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] ?? 'B';
  const factor: Record<string, number> = {
    B: 1,
    K: 1000,
    M: 1000 ** 2,
    G: 1000 ** 3,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
  };
  return Number(match[1]) * factor[unit]!;
}
